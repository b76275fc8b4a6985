"""Reading users' text and files into exact values, without evaluating anything.

Nothing here calls ``eval``, ``sympify`` or ``pickle`` on a user's input.
Numbers are read by :mod:`lcnsym.numeric` (exact rationals: ``0.1`` is
``1/10``); lists are split on ``,`` and layers on ``;``; JSON files are read
with limits on their size and nesting depth, and their numbers exactly.
"""

import json
from pathlib import Path

from lcnsym.errors import ParseError
from lcnsym.numeric import abbreviate, parse_complex, parse_rational

__all__ = [
    "MAX_LIST",
    "MAX_INT_DIGITS",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "parse_rational",
    "parse_rational_list",
    "parse_int",
    "parse_int_list",
    "parse_filters",
    "parse_complex",
    "parse_complex_list",
    "parse_json",
    "read_json",
]

MAX_LIST = 100_000
"""The most entries a list given as text may have."""

MAX_INT_DIGITS = 19
"""The most digits of a whole number read as a size (a width, stride, count): those of the largest size, 10^18."""

MAX_JSON_BYTES = 50 * 2**20
"""The largest JSON file read (bytes)."""

MAX_JSON_DEPTH = 64
"""The deepest nesting of ``[`` and ``{`` accepted in a JSON file."""


def _split(text, sep, what):
    if not isinstance(text, str):
        raise ParseError(f"{what}: {abbreviate(text)} is not text", what=what, value=text)
    if text.count(sep) >= MAX_LIST:
        raise ParseError(f"{what}: more than {MAX_LIST} entries", what=what, value=abbreviate(text))
    parts = [p.strip() for p in text.split(sep)]
    if not text.strip() or any(p == "" for p in parts):
        raise ParseError(f"{what}: {abbreviate(text)} has an empty entry (expected values separated by {sep!r})",
                         what=what, value=text)
    return parts


def parse_rational_list(text, what="list"):
    """Read comma-separated exact rationals.

    Examples
    --------
    >>> parse_rational_list("1, 0.5, 1/3")
    [Fraction(1, 1), Fraction(1, 2), Fraction(1, 3)]
    """
    return [parse_rational(p, what) for p in _split(text, ",", what)]


def parse_int(text, what="value"):
    """Read a whole number of at most :data:`MAX_INT_DIGITS` digits.

    Examples
    --------
    >>> parse_int(" 12 ")
    12
    >>> parse_int("3" * 40, "--k")
    Traceback (most recent call last):
    ...
    lcnsym.errors.ParseError: --k: '3333333333333333333333333333333333333333' has 40 digits; a whole number of at most 19 digits is expected
    """
    t = text.strip() if isinstance(text, str) else None
    digits = t.lstrip("+-") if t else ""
    if not t or not digits.isdigit() or len(t) - len(digits) > 1 or not digits.isascii():
        raise ParseError(f"{what}: {abbreviate(text)} is not a whole number", what=what, value=text)
    if len(digits) > MAX_INT_DIGITS:
        raise ParseError(f"{what}: {abbreviate(t)} has {len(digits)} digits; a whole number of at most "
                         f"{MAX_INT_DIGITS} digits is expected", what=what, value=t)
    return int(t)


def parse_int_list(text, what="list"):
    """Read comma-separated whole numbers (``"3,2,3"``).

    Examples
    --------
    >>> parse_int_list("3, 2,3")
    [3, 2, 3]
    >>> parse_int_list("3,2.5", "--k")
    Traceback (most recent call last):
    ...
    lcnsym.errors.ParseError: --k: '2.5' is not a whole number
    """
    return [parse_int(p, what) for p in _split(text, ",", what)]


def parse_filters(text, what="filters"):
    """Read filters, one per layer: entries separated by ``,``, layers by ``;``.

    Examples
    --------
    >>> parse_filters("1,2,3; 4,1/2")
    [[Fraction(1, 1), Fraction(2, 1), Fraction(3, 1)], [Fraction(4, 1), Fraction(1, 2)]]
    """
    return [parse_rational_list(layer, f"{what}, layer {i}") for i, layer in enumerate(_split(text, ";", what), 1)]


def parse_complex_list(text, what="coefficients"):
    """Read comma-separated exact complex numbers as ``(re, im)`` pairs.

    Examples
    --------
    >>> parse_complex_list("1, 2-1j")
    [(Fraction(1, 1), Fraction(0, 1)), (Fraction(2, 1), Fraction(-1, 1))]
    """
    return [parse_complex(p, what) for p in _split(text, ",", what)]


def _depth(text):
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_json(text, what="JSON"):
    """Parse JSON text with numbers read exactly (Fractions), refusing deep nesting and huge numbers.

    Integers and decimals go through :func:`lcnsym.numeric.parse_rational`, so
    their digits and exponents are limited before any work; ``NaN`` and
    ``Infinity`` are refused.

    Examples
    --------
    >>> parse_json('{"w": [[1, 0.5], [2e-1]]}')
    {'w': [[Fraction(1, 1), Fraction(1, 2)], [Fraction(1, 5)]]}
    >>> parse_json("[" * 100 + "]" * 100, "--data")
    Traceback (most recent call last):
    ...
    lcnsym.errors.ParseError: --data: JSON nested deeper than 64 levels
    """
    if not isinstance(text, str):
        raise ParseError(f"{what}: JSON must be given as text, got {abbreviate(text)}", what=what)
    if _depth(text) > MAX_JSON_DEPTH:
        raise ParseError(f"{what}: JSON nested deeper than {MAX_JSON_DEPTH} levels", what=what)

    def constant(name):
        raise ParseError(f"{what}: {name} is not a finite number", what=what, value=name)

    try:
        return json.loads(text, parse_float=lambda t: parse_rational(t, what), parse_int=lambda t: parse_rational(t, what),
                          parse_constant=constant)
    except ValueError as exc:
        if isinstance(exc, ParseError):
            raise
        raise ParseError(f"{what}: not valid JSON: {exc}", what=what) from None
    except RecursionError:
        raise ParseError(f"{what}: JSON nested too deeply", what=what) from None


def read_json(path, what="JSON file"):
    """Read a JSON file (at most :data:`MAX_JSON_BYTES`) with :func:`parse_json`.

    Raises
    ------
    ParseError
        The file cannot be read, is too large, is not UTF-8 or not JSON; the
        message names ``what`` and the path.
    """
    path = Path(path)
    if str(path) in ("", "."):
        raise ParseError(f"{what}: an empty path", what=what)
    try:
        if not path.is_file():  # a folder, a FIFO, a device: not read (a FIFO would block)
            kind = "a folder" if path.is_dir() else "missing" if not path.exists() else "not a regular file"
            raise ParseError(f"cannot read {what} {path}: {kind}", what=what, value=str(path))
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise ParseError(f"{what} {path}: {size} bytes; at most {MAX_JSON_BYTES} are read", what=what, value=str(path))
        text = path.read_text(encoding="utf-8")
    except ParseError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ParseError(f"cannot read {what} {path}: {reason}", what=what, value=str(path)) from None
    return parse_json(text, f"{what} {path}")
