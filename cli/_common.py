"""What every command shares: option types that parse exactly and name the option, one exit-code rule, output paths.

Exit codes, the same for every command:

====  ==========================================================================
0     success; for ``verify``, every check passed
1     a check failed or was blocked (``verify``; ``filter --check-matrix``)
2     bad usage or input (the message names the option, the value and what is accepted)
3     a computation could not be completed: undecided at the working precision,
      an integrator or root finder that failed, a time-out, or an internal error
130   interrupted (Ctrl-C); what was finished is still printed or written
====  ==========================================================================
"""

from contextlib import contextmanager
import json
import os
from pathlib import Path

import click

from lcnsym.algebra.architecture import Architecture
from lcnsym.errors import HypothesisFails, InputError, LcnsymError, RegistryError
from lcnsym.numeric import MAX_DPS, MIN_DPS, abbreviate, show

__all__ = ["busy", "InputFile", "Folder", "Choice", "EXIT_CODES", "LcnsymGroup", "Interrupted", "Failed", "echo_json", "architecture_from_options", "problem_from_options", "polynomial_options",
           "Whole", "IntList", "Rational", "Filters", "ComplexList", "LossSpec", "OutputPath", "dps_option", "write_output", "CheckFailed", "Failed"]

LONG_WORK = 2_000_000
"""Root-finding work (degree^2 x dps) above which a spinner shows on a terminal (a couple of seconds)."""

EXIT_CODES = "Exit codes: 0 success, 1 a check failed, 2 bad usage or input, 3 not completed (undecided, failed or internal error), 130 interrupted."


class Interrupted(click.ClickException):
    """Ctrl-C: what was finished has been printed or written; exit code 130."""

    exit_code = 130

    def __init__(self, message="interrupted"):
        super().__init__(message)


class Failed(click.ClickException):
    """A computation that could not be completed (undecided, an integrator that failed, an internal error): exit code 3."""

    exit_code = 3


class CheckFailed(click.ClickException):
    """A check's claim failed (``filter --check-matrix``): exit code 1."""

    exit_code = 1


def _translate(exc, ctx):
    """The click exception for an error that reached a command: one rule for every command."""
    if isinstance(exc, (InputError, RegistryError, HypothesisFails)):
        return click.UsageError(str(exc), ctx)
    if isinstance(exc, LcnsymError):
        return Failed(str(exc))
    if isinstance(exc, KeyboardInterrupt):
        return Interrupted()
    if isinstance(exc, RecursionError):
        return click.UsageError("input nested too deeply", ctx)
    if isinstance(exc, MemoryError):
        return Failed("out of memory: the work asked for is too large (see the --max-* options of the command)")
    detail = f"{type(exc).__name__}: {abbreviate(str(exc), 200)}"
    return Failed(f"internal error (a bug of lcnsym, please report it with the command line): {detail}; "
                  f"set LCNSYM_DEBUG=1 to see the traceback")


class LcnsymGroup(click.Group):
    """The ``lcnsym`` group: errors from any command leave as one line on stderr with the exit code of :data:`EXIT_CODES`."""

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            if len(exc.message) > 300:
                exc.message = abbreviate(exc.message, 300)
            raise

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 -- the one place where every failure becomes a message
            if os.environ.get("LCNSYM_DEBUG") and not isinstance(exc, KeyboardInterrupt):
                raise
            sub = ctx.invoked_subcommand and ctx.command.get_command(ctx, ctx.invoked_subcommand)
            raise _translate(exc, click.Context(sub, info_name=ctx.invoked_subcommand, parent=ctx) if sub else ctx) from None


def _json_safe(obj):
    """Ints too long for ``str`` (and so for ``json``) become exact strings."""
    if isinstance(obj, bool) or obj is None:
        return obj
    if isinstance(obj, int):
        return obj if obj.bit_length() < 10_000 else show(obj)
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj


def echo_json(obj):
    """Print one JSON object."""
    click.echo(json.dumps(_json_safe(obj), indent=2, default=str))


# ---------------------------------------------------------------- option types


class _Parsed(click.ParamType):
    """A type whose value is read by an lcnsym reader; its error names the option, the value (abbreviated) and what is accepted."""

    def read(self, value, what):
        raise NotImplementedError

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        what = param.opts[0] if param is not None and param.opts else "value"
        try:
            return self.read(value, what)
        except LcnsymError as exc:
            self.fail(str(exc).removeprefix(f"{what}: "), param, ctx)


class Whole(_Parsed):
    """A whole number in ``[low, high]``."""

    name = "integer"

    def __init__(self, low=None, high=None):
        self.low, self.high = low, high

    def read(self, value, what):
        from lcnsym.parsing import parse_int

        n = parse_int(value, what)
        if (self.low is not None and n < self.low) or (self.high is not None and n > self.high):
            raise InputError(f"{n} is not in the range {self.low}..{self.high}" if self.high is not None
                             else f"{n} is below the smallest accepted value {self.low}")
        return n

    def get_metavar(self, param, ctx=None):
        return "INTEGER"


class IntList(_Parsed):
    name = "list"

    def read(self, value, what):
        from lcnsym.parsing import parse_int_list

        return tuple(parse_int_list(value, what))


class Rational(_Parsed):
    """An exact rational (``20``, ``0.5``, ``1/3``, ``1e-20``)."""

    name = "number"

    def read(self, value, what):
        from lcnsym.numeric import parse_rational

        return parse_rational(value, what)


class Filters(_Parsed):
    name = "filters"

    def read(self, value, what):
        from lcnsym.parsing import parse_filters

        return parse_filters(value, what)


class ComplexList(_Parsed):
    name = "coefficients"

    def read(self, value, what):
        from lcnsym.parsing import parse_complex_list

        return parse_complex_list(value, what)


class LossSpec(_Parsed):
    name = "loss"

    def read(self, value, what):
        from lcnsym.dynamics.losses import parse_loss

        return parse_loss(value)


class _PathType(click.ParamType):
    """A path option: an ``OSError`` while looking at it (a name too long, a loop of links) is a refusal naming it."""

    def convert(self, value, param, ctx):
        try:
            return self.check(value, param, ctx)
        except OSError as exc:
            self.fail(f"{abbreviate(str(value))} cannot be used: {exc.strerror or exc}", param, ctx)


class OutputPath(_PathType):
    """A file to write, checked before any work: its folder exists and is writable, it is not a folder, its suffix fits."""

    name = "file"

    def __init__(self, suffixes=None):
        self.suffixes = suffixes

    def check(self, value, param, ctx):
        if not isinstance(value, str) or not value.strip():
            self.fail("an empty path", param, ctx)
        if value.endswith(("/", os.sep)):
            self.fail(f"{abbreviate(value)} ends with a slash: a folder, not a file", param, ctx)
        path = Path(value)
        if path.is_dir():
            self.fail(f"{abbreviate(str(path))} is a folder, not a file", param, ctx)
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            self.fail(f"the folder {abbreviate(str(folder))} does not exist", param, ctx)
        if not os.access(folder, os.W_OK):
            self.fail(f"the folder {abbreviate(str(folder))} is not writable", param, ctx)
        if self.suffixes and path.suffix.lower().lstrip(".") not in self.suffixes:
            self.fail(f"{abbreviate(str(path))} has the suffix {path.suffix or '(none)'!r}; accepted: "
                      f"{', '.join('.' + s for s in self.suffixes)}", param, ctx)
        existed = path.exists()
        try:  # can it be written? (a folder can be writable by its mode and still refuse, as /proc does)
            with open(path, "a"):
                pass
        except OSError as exc:
            self.fail(f"{abbreviate(str(path))} cannot be written: {exc.strerror or exc}", param, ctx)
        finally:
            if not existed and path.exists() and path.stat().st_size == 0:
                path.unlink()
        return path


class InputFile(_PathType):
    """A file to read: it exists and is a regular file (not a folder, FIFO or device)."""

    name = "file"

    def check(self, value, param, ctx):
        if not isinstance(value, str) or not value.strip():
            self.fail("an empty path", param, ctx)
        path = Path(value)
        if not path.exists():
            self.fail(f"{abbreviate(value)} does not exist", param, ctx)
        if not path.is_file():
            self.fail(f"{abbreviate(value)} is {'a folder' if path.is_dir() else 'not a regular file'}", param, ctx)
        return path


class Folder(_PathType):
    """A folder that exists (of proof modules)."""

    name = "folder"

    def check(self, value, param, ctx):
        if not isinstance(value, str) or not value.strip():
            self.fail("an empty path", param, ctx)
        path = Path(value)
        if not path.is_dir():
            self.fail(f"{abbreviate(value)} is not a folder", param, ctx)
        return path


class Choice(click.Choice):
    """``click.Choice`` whose refusal abbreviates a long value."""

    def fail(self, message, param=None, ctx=None):
        if len(message) > 300:
            message = abbreviate(message, 300)
        super().fail(message, param, ctx)


@contextmanager
def busy(message, long):
    """A spinner on a terminal's stderr while work that may take more than a couple of seconds runs (``long``)."""
    from rich.console import Console

    console = Console(stderr=True)
    if long and console.is_terminal:
        with console.status(message):
            yield
    else:
        yield


def write_output(path, text, what):
    """Write a report after the work; a failure is said on stderr, and the caller still prints its result."""
    try:
        Path(path).write_text(text)
        return True
    except OSError as exc:
        click.echo(f"Error: could not write the {what} {path}: {exc.strerror or exc}", err=True)
        return False


def dps_option(default, help_text):
    """``--dps``: digits from :data:`MIN_DPS` to :data:`MAX_DPS`."""
    return click.option("--dps", type=Whole(MIN_DPS, MAX_DPS), default=default, show_default=True, help=help_text)


def architecture_from_options(k, s, d0=None, dN=1):
    """The architecture of ``--k``, ``--s`` and ``--d0`` (default: the smallest ``d0`` giving output width ``dN``)."""
    if d0 is None:
        return Architecture.for_output_width(k, s, dN)
    return Architecture(d0, k, s)


def problem_from_options(arch, data_file, m, seed, max_entries):
    """``(data, w0)``: the data of ``--data`` (a JSON file) or ``--random-data M`` random samples (default ``d0 + 2``),
    and a random start of ``--seed``."""
    from lcnsym.dynamics.data import random_problem, random_start, validate_data
    from lcnsym.errors import ParseError
    from lcnsym.parsing import read_json

    if data_file:
        raw = read_json(data_file, "--data file")
        if not isinstance(raw, dict) or "X" not in raw or "Y" not in raw:
            raise ParseError(f'--data file {data_file} must hold an object {{"X": [[...]], "Y": [[...]]}}')
        return validate_data(arch, raw["X"], raw["Y"], max_entries=max_entries), random_start(arch, seed)
    return random_problem(arch, m or arch.d0 + 2, seed, max_entries=max_entries)


def polynomial_options(default_dps, dps_help):
    """The options of the commands that take a polynomial: ``--coeffs``, ``--dps``, ``--max-work``, ``--json``."""
    from lcnsym.analysis.roots import MAX_ROOT_WORK

    def decorate(func):
        func = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")(func)
        func = click.option("--max-work", type=Whole(1), default=MAX_ROOT_WORK, show_default=True,
                            help="Refuse when degree^2 x dps is above this (the cost of certified roots grows so).")(func)
        func = dps_option(default_dps, dps_help)(func)
        return click.option("--coeffs", required=True, type=ComplexList(),
                            help='Ascending coefficients "a0,a1,...,an": integers, 0.1, 1/3, 1+2j.')(func)

    return decorate
