"""The ``lcnsym`` command: a click group whose commands are found in ``lcnsym.cli.commands``."""

import importlib
import pkgutil

import click

from lcnsym import __version__
from lcnsym.cli import commands as _commands
from lcnsym.cli._common import EXIT_CODES, LcnsymGroup

__all__ = ["cli", "main"]


HELP = {"help_option_names": ["-h", "--help"]}


@click.group(cls=LcnsymGroup, context_settings=HELP, epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="lcnsym")
def cli():
    """Machine checks and exact exploration of linear convolutional networks.

    Diederen, Rauhut, Terstiege (2026): every numbered result of the paper is a
    check (`lcnsym verify`); its objects are commands.
    """


for _info in sorted(pkgutil.iter_modules(_commands.__path__), key=lambda i: i.name):
    _mod = importlib.import_module(f"{_commands.__name__}.{_info.name}")
    if isinstance(getattr(_mod, "command", None), click.Command):
        _mod.command.context_settings = {**HELP, **_mod.command.context_settings}  # -h everywhere, whoever builds the context
        _mod.command.epilog = EXIT_CODES if not _mod.command.epilog else f"{_mod.command.epilog}\n\n{EXIT_CODES}"
        cli.add_command(_mod.command)


def main():
    """Entry point of the console script."""
    cli(prog_name="lcnsym")


if __name__ == "__main__":
    main()
