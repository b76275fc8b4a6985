"""Parsing of users' text into exact numbers and lists, without evaluating it.

Nothing here calls ``eval`` or ``sympify`` on a user's string (both run
Python).  Numbers are read by :class:`fractions.Fraction`: integers, decimals
read exactly (``0.1`` is ``1/10``), fractions ``1/3`` and exponents ``1e-3``.
"""

from fractions import Fraction
import re

import sympy as sp

from lcnsym.errors import ParseError

__all__ = [
    "parse_rational",
    "parse_rational_list",
    "parse_int_list",
    "parse_filters",
    "parse_complex",
    "parse_complex_list",
]

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/\d+)?$")


def parse_rational(text):
    """Read one exact rational number.

    Parameters
    ----------
    text : str
        An integer, a decimal (read exactly), a fraction ``p/q`` or a decimal
        with an exponent.

    Returns
    -------
    sympy.Rational

    Raises
    ------
    ParseError
        If ``text`` is not such a number (``nan``, ``inf``, ``1/0``, ``x``...).

    Examples
    --------
    >>> parse_rational("0.1")
    1/10
    >>> parse_rational("-3/6")
    -1/2
    >>> parse_rational("1e-3")
    1/1000
    >>> parse_rational("nan")
    Traceback (most recent call last):
    ...
    lcnsym.errors.ParseError: 'nan' is not an exact number (expected an integer, a decimal such as 0.1, or a fraction such as 1/3)
    """
    raw = text
    text = str(text).strip().replace(" ", "")
    if not _NUMBER.match(text):
        raise ParseError(
            f"{raw!r} is not an exact number (expected an integer, a decimal such as 0.1, or a fraction such as 1/3)"
        )
    if "/" in text:
        num, den = text.split("/")
        if int(den) == 0:
            raise ParseError(f"{raw!r} divides by zero")
        value = Fraction(num) / int(den)
    else:
        value = Fraction(text)
    return sp.Rational(value.numerator, value.denominator)


def _split(text, sep, what):
    parts = [p.strip() for p in str(text).split(sep)]
    if not text or not str(text).strip() or any(p == "" for p in parts):
        raise ParseError(f"{what}: {text!r} has an empty entry (expected values separated by {sep!r})")
    return parts


def parse_rational_list(text, what="list"):
    """Read comma-separated exact rationals.

    Examples
    --------
    >>> parse_rational_list("1, 0.5, 1/3")
    [1, 1/2, 1/3]
    """
    return [parse_rational(p) for p in _split(text, ",", what)]


def parse_int_list(text, what="list"):
    """Read comma-separated whole numbers (``"3,2,3"``).

    Examples
    --------
    >>> parse_int_list("3, 2,3")
    [3, 2, 3]
    >>> parse_int_list("3,2.5", "k")
    Traceback (most recent call last):
    ...
    lcnsym.errors.ParseError: k: '2.5' is not a whole number
    """
    out = []
    for p in _split(text, ",", what):
        if not re.fullmatch(r"[+-]?\d+", p):
            raise ParseError(f"{what}: {p!r} is not a whole number")
        out.append(int(p))
    return out


def parse_filters(text):
    """Read filters, one per layer: entries separated by ``,``, layers by ``;``.

    Examples
    --------
    >>> parse_filters("1,2,3; 4,5")
    [[1, 2, 3], [4, 5]]
    """
    return [parse_rational_list(layer, f"filter {i}") for i, layer in enumerate(_split(text, ";", "filters"), 1)]


def parse_complex(text):
    """Read an exact complex number ``a+bj`` (parts as in :func:`parse_rational`).

    Returns
    -------
    tuple of sympy.Rational
        ``(real part, imaginary part)``.

    Examples
    --------
    >>> parse_complex("1+2j")
    (1, 2)
    >>> parse_complex("-0.5j")
    (0, -1/2)
    >>> parse_complex("3")
    (3, 0)
    """
    raw = text
    t = str(text).strip().replace(" ", "")
    bad = ParseError(f"{raw!r} is not an exact number (expected forms such as 2, 0.1, 1/3, 1+2j, -0.5j)")
    if not t:
        raise bad
    if t[-1] not in "jJ":
        return parse_rational(t), sp.Integer(0)
    body = t[:-1]
    # split before the last sign that is not leading and not an exponent's sign
    cut = 0
    for i in range(len(body) - 1, 0, -1):
        if body[i] in "+-" and body[i - 1] not in "eE":
            cut = i
            break
    re_text, im_text = body[:cut], body[cut:]
    try:
        re_part = parse_rational(re_text) if re_text else sp.Integer(0)
        if im_text in ("", "+", "-"):
            im_part = sp.Integer(-1 if im_text == "-" else 1)
        else:
            im_part = parse_rational(im_text)
    except ParseError:
        raise bad from None
    return re_part, im_part


def parse_complex_list(text, what="coefficients"):
    """Read comma-separated exact complex numbers.

    Examples
    --------
    >>> parse_complex_list("1, 2-1j")
    [(1, 0), (2, -1)]
    """
    return [parse_complex(p) for p in _split(text, ",", what)]
