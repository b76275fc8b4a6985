"""The CLI reference, generated from the click commands so that it cannot drift.

``python -m lcnsym.clidoc > docs/cli-reference.md`` writes it; a test checks
that the file in ``docs/`` is what this module generates.
"""

import click

__all__ = ["cli_reference"]


def _help(command, name):
    ctx = click.Context(command, info_name=name, terminal_width=100, max_content_width=100)
    return command.get_help(ctx)


def cli_reference():
    """The reference of every ``lcnsym`` command, as Markdown."""
    from lcnsym.cli.main import cli

    parts = [
        "# CLI reference",
        "",
        "Generated from the click commands by `python -m lcnsym.clidoc > docs/cli-reference.md`;",
        "a test fails when this page and the commands disagree.",
        "",
        "```text",
        _help(cli, "lcnsym"),
        "```",
    ]
    for name in sorted(cli.commands):
        parts += ["", f"## lcnsym {name}", "", "```text", _help(cli.commands[name], f"lcnsym {name}"), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(cli_reference(), end="")
