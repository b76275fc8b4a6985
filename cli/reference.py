"""The CLI reference, generated from the click commands so that it cannot drift.

``python -m lcnsym.cli.reference > docs/cli-reference.md`` writes it; a test checks
that the file in ``docs/`` is what this module generates.
"""

import click

__all__ = ["cli_reference"]


def _help(command, name, parent=None):
    # the same contexts as a real call, so that the group's settings (-h, --help) carry over
    ctx = click.Context(command, info_name=name, parent=parent, terminal_width=100, max_content_width=100,
                        **command.context_settings)
    return command.get_help(ctx), ctx


def cli_reference():
    """The reference of every ``lcnsym`` command, as Markdown."""
    from lcnsym.cli.main import cli

    root_help, root = _help(cli, "lcnsym")
    parts = [
        "# CLI reference",
        "",
        "Generated from the click commands by `python -m lcnsym.cli.reference > docs/cli-reference.md`;",
        "a test fails when this page and the commands disagree.",
        "",
        "```text",
        root_help,
        "```",
    ]
    for name in sorted(cli.commands):
        parts += ["", f"## lcnsym {name}", "", "```text", _help(cli.commands[name], name, root)[0], "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
