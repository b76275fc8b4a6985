"""What every command shares: parsing options and turning lcnsym's errors into one-line messages."""

import functools
import json

import click

from lcnsym.algebra.architecture import Architecture
from lcnsym.analysis.roots import MAX_DEGREE
from lcnsym.errors import LcnsymError
from lcnsym.numeric import MAX_DPS, MIN_DPS
from lcnsym.parsing import parse_int_list

__all__ = ["handle_errors", "echo_json", "architecture_from_options", "BadRun", "polynomial_options"]


class BadRun(click.ClickException):
    """A run that could not start or finish (bad usage, an inconsistent registry): exit code 2."""

    exit_code = 2


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


def architecture_from_options(k, s, d0=None, dN=1):
    """The architecture of ``--k``, ``--s`` and ``--d0`` (default: the smallest ``d0`` giving output width ``dN``)."""
    k = tuple(parse_int_list(k, "--k"))
    s = tuple(parse_int_list(s, "--s"))
    if d0 is None:
        if len(k) != len(s):
            return Architecture(1, k, s)  # raises the length error
        return Architecture.for_output_width(k, s, dN)
    return Architecture(d0, k, s)


def polynomial_options(default_dps, dps_help):
    """The options of the commands that take a polynomial: ``--coeffs``, ``--dps``, ``--max-degree``, ``--json``."""

    def decorate(func):
        func = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")(func)
        func = click.option("--max-degree", type=click.IntRange(1, 100_000), default=MAX_DEGREE, show_default=True,
                            help="Refuse polynomials of higher degree (root finding grows fast with the degree).")(func)
        func = click.option("--dps", type=click.IntRange(MIN_DPS, MAX_DPS), default=default_dps, show_default=True, help=dps_help)(func)
        return click.option("--coeffs", required=True,
                            help='Ascending coefficients "a0,a1,...,an": integers, 0.1, 1/3, 1+2j.')(func)

    return decorate
