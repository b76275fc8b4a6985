"""What every command shares: turning lcnsym's errors into one-line messages."""

import functools
import json

import click

from lcnsym.errors import LcnsymError

__all__ = ["handle_errors", "echo_json"]


def handle_errors(func):
    """Turn an :class:`~lcnsym.errors.LcnsymError` into a ``click.ClickException`` (one line, exit 1).

    Anything else still surfaces as a traceback: that is a bug of lcnsym.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except LcnsymError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def echo_json(obj):
    """Print one JSON object."""
    click.echo(json.dumps(obj, indent=2, default=str))
