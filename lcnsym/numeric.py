"""Numbers and precision: the one owner of lcnsym's ground types.

Every other module reads, converts, rounds and prints numbers through this one,
and picks no working precision by itself (it may call mpmath's or
python-flint's functions).  The rules:

* Exact values are :class:`fractions.Fraction` (real) and pairs ``(re, im)`` of
  Fractions (complex).  The readers :func:`to_rational` and
  :func:`to_complex_rational` take ints, Fractions, sympy, gmpy2 and
  python-flint rationals and text (``"0.1"``, ``"-3/6"``, ``"1e-3"``,
  ``"1+2j"``); binary floating-point numbers (``float``, mpmath, gmpy2 and
  sympy floats) only where the caller opts in with ``floats=True``, and then
  by their exact binary value.  A value that cannot be read raises
  :class:`~lcnsym.errors.NumberError` naming it.
* Precision is given in decimal digits ``dps`` and turned into bits by one rule,
  :func:`dps_to_prec` (mpmath's).  :func:`working_precision` sets mpmath's,
  gmpy2's and python-flint's precision together and restores them, so a result
  never depends on a precision someone else set.  Guard digits
  (:data:`GUARD_DIGITS`) and tolerances (:func:`tolerance`) are relative to
  ``dps``.
* Inexact values are printed by :func:`show` with the digits that were asked
  for; exact values print exactly; a ball prints as a midpoint and a radius
  (:func:`show_ball`).
* Generic formulas (the losses) are written once against an arithmetic
  namespace (``const``, ``sqrt``, ``exp``, ``log``, ``cosh``, ``tanh``, ``sech``);
  :func:`ops_for` gives the namespace of a value: mpmath, sympy, python-flint
  balls and series, or an engine's own (Taylor jets).

Examples
--------
>>> to_rational("0.1"), to_rational("-3/6"), to_rational("1e-3")
(Fraction(1, 10), Fraction(-1, 2), Fraction(1, 1000))
>>> to_rational(0.1)
Traceback (most recent call last):
...
lcnsym.errors.NumberError: value 0.1 is a binary floating-point number: give it exactly (as text such as '0.1', or a Fraction), or pass floats=True to read its binary value 3602879701896397/36028797018963968
>>> with working_precision(50):
...     third = to_mpf(Fraction(1, 3))
>>> show(third, 50)
'0.33333333333333333333333333333333333333333333333333'
>>> show(Fraction(6)), show((Fraction(1, 2), Fraction(-1)))
('6', '1/2-1j')
"""

from contextlib import contextmanager
from fractions import Fraction
import math
import numbers as _abc
import re

import flint
import gmpy2
import mpmath
from mpmath import libmp

from lcnsym.errors import InputError, NumberError

__all__ = [
    "DEFAULT_DPS",
    "CHECK_DPS",
    "escalation",
    "GUARD_DIGITS",
    "MIN_DPS",
    "MAX_DPS",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "dps_to_prec",
    "mantissa_exponent",
    "prec_to_dps",
    "check_dps",
    "working_precision",
    "current_bits",
    "tolerance",
    "abbreviate",
    "is_binary_float",
    "to_rational",
    "to_complex_rational",
    "parse_rational",
    "parse_complex",
    "to_mpf",
    "to_mpc",
    "to_mpfr",
    "to_arb",
    "make_ball",
    "rough_eigenvalues",
    "to_acb",
    "to_fmpq",
    "to_sympy",
    "exact_value",
    "ball_bounds",
    "decimal_log",
    "compare",
    "to_float",
    "show",
    "show_ball",
    "show_upper",
    "show_lower",
    "show_tolerance",
    "ops_for",
    "MPMATH",
    "MPFR",
    "SYMPY",
    "ARB",
    "EXACT",
]

DEFAULT_DPS = 30
"""The working precision of the numeric functions when none is given (digits)."""

CHECK_DPS = 50
"""The precision (digits) at which the paper's checks decide their inequalities (balls, roots, factorizations)."""

GUARD_DIGITS = 10
"""Digits carried beyond the requested ones inside a computation."""

MIN_DPS, MAX_DPS = 10, 2000
"""The precisions (digits) the numeric functions accept."""

MAX_DIGITS = 1000
"""The most digits a number read from text may have (in its integer, fraction or denominator)."""

MAX_EXPONENT = 1000
"""The largest decimal exponent a number read from text may have (``1e1000``)."""


# ---------------------------------------------------------------- precision

def dps_to_prec(dps):
    """Bits for ``dps`` decimal digits: the one rule of lcnsym (mpmath's, ``round((dps + 1) log2 10)``).

    Examples
    --------
    >>> dps_to_prec(15), dps_to_prec(30), dps_to_prec(50)
    (53, 103, 169)
    """
    return libmp.dps_to_prec(dps)


def prec_to_dps(prec):
    """Decimal digits carried by ``prec`` bits (mpmath's rule).

    Examples
    --------
    >>> prec_to_dps(103)
    30
    """
    return libmp.prec_to_dps(prec)


def check_dps(dps, what="dps", low=MIN_DPS, high=MAX_DPS):
    """``dps`` as an int if it is a whole number in ``[low, high]``, else :class:`InputError` naming it.

    Examples
    --------
    >>> check_dps(50)
    50
    >>> check_dps(5)
    Traceback (most recent call last):
    ...
    lcnsym.errors.InputError: dps must be a whole number from 10 to 2000, got 5
    """
    if isinstance(dps, bool) or not isinstance(dps, _abc.Integral) or not low <= dps <= high:
        raise InputError(f"{what} must be a whole number from {low} to {high}, got {abbreviate(dps)}", what=what, value=dps)
    return int(dps)


@contextmanager
def working_precision(dps=None, prec=None, guard=0):
    """Set mpmath's, gmpy2's and python-flint's precision to ``dps + guard`` digits (or ``prec`` bits); restore on exit.

    gmpy2 gets a fresh default context (round to nearest), whatever the
    caller's context was.  Yields the precision in bits.

    Examples
    --------
    >>> mpmath.mp.dps = 15
    >>> with working_precision(40) as bits:
    ...     mpmath.mp.dps, gmpy2.get_context().precision == bits, flint.ctx.prec == bits
    (40, True, True)
    >>> mpmath.mp.dps
    15
    """
    if prec is None:
        prec = dps_to_prec(check_dps(dps) + guard)
    saved_mp, saved_flint = mpmath.mp.prec, flint.ctx.prec
    try:
        mpmath.mp.prec = prec
        flint.ctx.prec = prec
        with gmpy2.context(gmpy2.context(), precision=prec):
            yield prec
    finally:
        mpmath.mp.prec = saved_mp
        flint.ctx.prec = saved_flint


def current_bits():
    """mpmath's working precision now, in bits: the key of a value cached at it (a function differentiated by mpmath is
    evaluated at raised precisions, and a value from a lower one must not be reused).

    Examples
    --------
    >>> with working_precision(prec=200):
    ...     current_bits()
    200
    """
    return mpmath.mp.prec


def escalation(dps, steps=3):
    """The precisions to try in turn when a comparison is undecided: ``dps``, then twice, four times as many digits.

    Examples
    --------
    >>> escalation(50)
    (50, 100, 200)
    """
    return tuple(dps * 2**i for i in range(steps))


def tolerance(dps, lost=5):
    """``10^-(dps - lost)``, exactly: the accuracy a ``dps``-digit computation that loses ``lost`` digits reaches.

    Examples
    --------
    >>> tolerance(30, 5)
    Fraction(1, 10000000000000000000000000)
    """
    return Fraction(1, 10 ** (dps - lost))


# ---------------------------------------------------------------- reading

def abbreviate(value, limit=60):
    """``repr``-like text of ``value``, cut in the middle when long (for error messages).

    Examples
    --------
    >>> abbreviate("9" * 100)
    "'999999999999999999999999999...999999999999999999999999999' (102 characters)"
    """
    text = _brief(value, 4 * limit)
    if len(text) <= limit:
        return text
    half = (limit - 4) // 2
    return f"{text[:half]}...{text[-half:]} ({len(text)} characters)"


def _brief(value, budget):
    """Text of a value as a user wrote it: numbers as numbers (``1/2``, not ``Fraction(1, 2)``), lists as lists."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(gmpy2.mpz(value))  # no limit on the digits, unlike str(int)
    if isinstance(value, Fraction):
        return _exact_text(value)
    if isinstance(value, (list, tuple)):
        parts, used = [], 0
        for item in value:
            if used > budget:
                parts.append("...")
                break
            parts.append(_brief(item, budget))
            used += len(parts[-1]) + 2
        inner = ", ".join(parts)
        return f"[{inner}]" if isinstance(value, list) else f"({inner}{',' if len(value) == 1 else ''})"
    text = repr(value)
    return text


def _module(value):
    """The top-level package a value's type comes from (``sympy`` also for lcnsym's own sympy symbols)."""
    for cls in type(value).__mro__:
        top = cls.__module__.split(".")[0]
        if top in ("sympy", "mpmath", "flint", "gmpy2"):
            return top
    return type(value).__module__.split(".")[0]


def is_binary_float(value):
    """Whether ``value`` is a binary floating-point number (``float``, mpmath, gmpy2 or sympy float).

    Examples
    --------
    >>> is_binary_float(0.5), is_binary_float(mpmath.mpf(1)), is_binary_float(Fraction(1, 2))
    (True, True, False)
    """
    if isinstance(value, (float, mpmath.mpf)) or type(value).__name__ == "mpfr":
        return True
    return _module(value) == "sympy" and getattr(value, "is_Float", False)


def _binary_value(value, what):
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NumberError(f"{what} is {value}, not a finite number", value=value, what=what)
        return Fraction(value)
    if isinstance(value, mpmath.mpf) or _module(value) == "sympy":  # an mpmath or sympy float: its exact (sign, man, exp)
        if not mpmath.isfinite(mpmath.mpf(value._mpf_) if _module(value) == "sympy" else value):
            raise NumberError(f"{what} is {value}, not a finite number", value=value, what=what)
        sign, man, exp, _ = value._mpf_
        q = Fraction(int(man) << exp) if exp >= 0 else Fraction(int(man), 1 << -exp)
        return -q if sign else q
    if type(value).__name__ == "mpfr":
        if not gmpy2.is_finite(value):
            raise NumberError(f"{what} is {value}, not a finite number", value=value, what=what)
        return Fraction(*(int(n) for n in value.as_integer_ratio()))
    raise NumberError(f"{what} {abbreviate(value)} is not a binary float", value=value, what=what)


def to_rational(value, what="value", *, floats=False):
    """Read a real number exactly, as a Fraction.

    Parameters
    ----------
    value : int, Fraction, str, sympy/gmpy2/python-flint rational, or (with ``floats``) a binary float
        Text is read by :func:`parse_rational`.
    what : str
        Where the value comes from, for the error message (``"X[2,3]"``, ``"--t-max"``).
    floats : bool
        Accept binary floating-point numbers (``float``, mpmath, gmpy2, sympy
        floats), read as their exact binary value (``0.1`` is
        ``3602879701896397/36028797018963968``).

    Returns
    -------
    Fraction

    Raises
    ------
    NumberError
        For anything else (booleans, non-finite or irrational numbers, complex
        numbers, text that is not a number), naming ``what`` and the value.

    Examples
    --------
    >>> to_rational(3), to_rational(mpmath.mpf(0.375), floats=True)
    (Fraction(3, 1), Fraction(3, 8))
    >>> to_rational(float("nan"), "X[1,1]", floats=True)
    Traceback (most recent call last):
    ...
    lcnsym.errors.NumberError: X[1,1] is nan, not a finite number
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise NumberError(f"{what} {value!r} is a boolean, not a number", value=value, what=what)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        return parse_rational(value, what)
    if isinstance(value, _abc.Rational):  # sympy Rational, gmpy2 mpz / mpq
        return Fraction(int(value.numerator), int(value.denominator))
    kind = type(value).__name__
    if kind == "fmpz":
        return Fraction(int(value))
    if kind == "fmpq":
        return Fraction(int(value.p), int(value.q))
    if is_binary_float(value):
        if not floats:
            exact = f"binary value {_exact_text(_binary_value(value, what))}" if _finite(value) else "value"
            raise NumberError(f"{what} {abbreviate(value)} is a binary floating-point number: give it exactly "
                              f"(as text such as '{value}', or a Fraction), or pass floats=True to read its {exact}",
                              value=value, what=what)
        return _binary_value(value, what)
    if _module(value) == "sympy" and getattr(value, "is_number", False):
        if value.is_real is False or getattr(value, "is_finite", True) is False:
            raise NumberError(f"{what} {abbreviate(value)} is not a finite real number", value=value, what=what)
        raise NumberError(f"{what} {abbreviate(value)} is not a rational number (exact input must be rational)",
                          value=value, what=what)
    if isinstance(value, (complex, mpmath.mpc)):
        raise NumberError(f"{what} {abbreviate(value)} is complex; a real number is needed here", value=value, what=what)
    raise NumberError(f"{what} {abbreviate(value)} is not a number (got {kind})", value=value, what=what)


def _finite(value):
    try:
        return bool(mpmath.isfinite(mpmath.mpf(value))) if not isinstance(value, float) else math.isfinite(value)
    except (TypeError, ValueError):
        return False


def to_complex_rational(value, what="value", *, floats=False):
    """Read a complex number exactly, as a pair ``(re, im)`` of Fractions.

    Takes what :func:`to_rational` takes, and pairs ``(re, im)``, complex text
    (``"1+2j"``), sympy numbers with rational real and imaginary parts and
    (with ``floats``) ``complex`` and mpmath complex numbers.

    Examples
    --------
    >>> to_complex_rational("1/2-3j")
    (Fraction(1, 2), Fraction(-3, 1))
    >>> to_complex_rational((1, 2))
    (Fraction(1, 1), Fraction(2, 1))
    """
    if isinstance(value, tuple):
        if len(value) != 2:
            raise NumberError(f"{what} {abbreviate(value)} is not a pair (re, im)", value=value, what=what)
        return (to_rational(value[0], f"{what} (real part)", floats=floats),
                to_rational(value[1], f"{what} (imaginary part)", floats=floats))
    if isinstance(value, str):
        return parse_complex(value, what)
    if isinstance(value, (complex, mpmath.mpc)):
        if not floats:
            raise NumberError(f"{what} {abbreviate(value)} is a binary floating-point number: give it exactly "
                              f"(as text such as '1+2j' or a pair of Fractions), or pass floats=True", value=value, what=what)
        return (to_rational(mpmath.mpf(value.real), what, floats=True), to_rational(mpmath.mpf(value.imag), what, floats=True))
    if _module(value) == "sympy" and getattr(value, "is_number", False) and not getattr(value, "is_real", False):
        re_part, im_part = value.as_real_imag()
        return to_rational(re_part, f"{what} (real part)", floats=floats), to_rational(im_part, f"{what} (imaginary part)", floats=floats)
    return to_rational(value, what, floats=floats), Fraction(0)


_NUMBER = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?(?:/(\d+))?$")
_FORMS = "an integer, a decimal such as 0.1 or 1e-3, or a fraction such as 1/3"


def parse_rational(text, what="value"):
    """Read a rational number from text, exactly, without evaluating it.

    Integers, decimals (``0.1`` is ``1/10``), exponents (``1e-3``) and fractions
    (``-3/6``, ``1.5/4``).  At most :data:`MAX_DIGITS` digits in each part and
    exponents up to :data:`MAX_EXPONENT` in size, refused before any work.

    Raises
    ------
    NumberError
        Naming ``what``, the text (abbreviated when long) and the accepted forms.

    Examples
    --------
    >>> parse_rational("2.5e-1/3")
    Fraction(1, 12)
    >>> parse_rational("1e999999999", "--filters")
    Traceback (most recent call last):
    ...
    lcnsym.errors.NumberError: --filters: '1e999999999' has the exponent 999999999; at most 1000 in size is accepted
    """
    if not isinstance(text, str):
        raise NumberError(f"{what}: {abbreviate(text)} is not text", value=text, what=what)
    raw = text
    text = text.strip().replace(" ", "")
    m = _NUMBER.match(text) if len(text) <= 4 * MAX_DIGITS else None
    if m is None or not (m.group(2) or m.group(3)):
        raise NumberError(f"{what}: {abbreviate(raw)} is not an exact number (expected {_FORMS})", value=raw, what=what)
    sign, whole, frac, exp, den = m.groups()
    frac = frac or ""
    for part, name in ((whole + frac, "digits"), (den or "", "denominator digits")):
        if len(part) > MAX_DIGITS:
            raise NumberError(f"{what}: {abbreviate(raw)} has {len(part)} {name}; at most {MAX_DIGITS} are accepted",
                              value=raw, what=what)
    e = int(exp) if exp else 0
    if abs(e) > MAX_EXPONENT:
        raise NumberError(f"{what}: {abbreviate(raw)} has the exponent {e}; at most {MAX_EXPONENT} in size is accepted",
                          value=raw, what=what)
    num = int(gmpy2.mpz(whole + frac or "0"))
    scale = e - len(frac)
    value = Fraction(num * 10**scale) if scale >= 0 else Fraction(num, 10**-scale)
    if den is not None:
        d = int(gmpy2.mpz(den))
        if d == 0:
            raise NumberError(f"{what}: {abbreviate(raw)} divides by zero", value=raw, what=what)
        value /= d
    return -value if sign == "-" else value


def parse_complex(text, what="value"):
    """Read a complex number ``a+bj`` exactly (parts as in :func:`parse_rational`), as ``(re, im)``.

    Examples
    --------
    >>> parse_complex("1+2j"), parse_complex("-0.5j"), parse_complex("3")
    ((Fraction(1, 1), Fraction(2, 1)), (Fraction(0, 1), Fraction(-1, 2)), (Fraction(3, 1), Fraction(0, 1)))
    """
    if not isinstance(text, str):
        raise NumberError(f"{what}: {abbreviate(text)} is not text", value=text, what=what)
    t = text.strip().replace(" ", "")
    bad = NumberError(f"{what}: {abbreviate(text)} is not an exact number (expected forms such as 2, 0.1, 1/3, 1+2j, -0.5j)",
                      value=text, what=what)
    if not t:
        raise bad
    if t[-1] not in "jJ":
        return parse_rational(t, what), Fraction(0)
    body = t[:-1]
    cut = 0  # split before the last sign that is not leading and not an exponent's sign
    for i in range(len(body) - 1, 0, -1):
        if body[i] in "+-" and body[i - 1] not in "eE":
            cut = i
            break
    re_text, im_text = body[:cut], body[cut:]
    try:
        re_part = parse_rational(re_text, what) if re_text else Fraction(0)
        im_part = Fraction(-1 if im_text == "-" else 1) if im_text in ("", "+", "-") else parse_rational(im_text, what)
    except NumberError as exc:
        if "accepted" in str(exc) or "zero" in str(exc):
            raise
        raise bad from None
    return re_part, im_part


# ---------------------------------------------------------------- converting

def exact_value(value):
    """The exact value of a binary float, a ball's midpoint or a rational, as a Fraction (no rounding).

    Examples
    --------
    >>> exact_value(mpmath.mpf(-0.375)), exact_value(flint.arb(0.5))
    (Fraction(-3, 8), Fraction(1, 2))
    """
    if isinstance(value, flint.arb):
        man, exp = value.mid().man_exp()
        man, exp = int(man), int(exp)
        return Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)
    return to_rational(value, floats=True)


def mantissa_exponent(ball):
    """``(m, e)``, integers with ``m 2^e`` the midpoint of the python-flint ball ``ball``, exactly.

    Examples
    --------
    >>> mantissa_exponent(flint.arb(-0.375))
    (-3, -3)
    """
    man, exp = ball.mid().man_exp()
    return int(man), int(exp)


def to_mpf(value):
    """An mpmath number at mpmath's working precision: Fractions correctly rounded, mpmath numbers as they are.

    Call it inside :func:`working_precision`.
    """
    if isinstance(value, mpmath.mpf):
        return value
    if isinstance(value, flint.arb):
        value = exact_value(value)
    q = to_rational(value, floats=True)
    return mpmath.mp.make_mpf(libmp.from_rational(q.numerator, q.denominator, mpmath.mp.prec, libmp.round_nearest))


def to_mpc(value):
    """An mpmath complex number at the working precision, from an exact pair, a Fraction or an mpmath number."""
    if isinstance(value, mpmath.mpc):
        return value
    if isinstance(value, mpmath.mpf):
        return mpmath.mpc(value)
    if isinstance(value, flint.acb):
        return mpmath.mpc(to_mpf(value.real), to_mpf(value.imag))
    re_part, im_part = to_complex_rational(value, floats=True)
    return mpmath.mpc(to_mpf(re_part), to_mpf(im_part))


def to_mpfr(value):
    """A gmpy2 ``mpfr`` at gmpy2's working precision (Fractions correctly rounded)."""
    if type(value).__name__ == "mpfr":
        return value
    q = to_rational(value, floats=True)
    return gmpy2.mpfr(gmpy2.mpq(q.numerator, q.denominator))


def to_fmpq(value):
    """A python-flint ``fmpq``, exactly."""
    if type(value) is flint.fmpq:  # the engines' hot paths: no detour through Fraction
        return value
    if type(value) is int:
        return flint.fmpq(value)
    q = to_rational(value, floats=True)
    return flint.fmpq(q.numerator, q.denominator)


def to_arb(value):
    """A python-flint ball containing ``value`` (exact when representable) at flint's working precision."""
    if isinstance(value, flint.arb):
        return value
    if type(value) is int:  # exact: a ball's midpoint holds an integer of any size
        return flint.arb(flint.fmpz(value))
    return flint.arb(to_fmpq(value))


def make_ball(mid, rad):
    """The python-flint ball with midpoint ``mid`` and radius ``rad`` (balls, exact numbers): the hull of ``mid``'s ball
    widened by ``rad``.

    Examples
    --------
    >>> ball = make_ball(Fraction(1, 2), Fraction(1, 4))
    >>> ball.contains(to_arb(Fraction(3, 4))), ball.contains(to_arb(1))
    (True, False)
    """
    centre = to_arb(mid)
    return flint.arb(centre.mid(), centre.rad() + to_arb(rad).upper())


def rough_eigenvalues(rows):
    """Approximate eigenvalues (exact rationals, in increasing order, *no guarantee*) of a real symmetric matrix given
    by balls or numbers: starting guesses for certified tests, at double precision.

    Examples
    --------
    >>> [round(float(e), 6) for e in rough_eigenvalues([[2, 1], [1, 2]])]
    [1.0, 3.0]
    """
    with working_precision(prec=64):
        M = flint.arb_mat([[to_arb(x.mid() if isinstance(x, flint.arb) else x) for x in row] for row in rows])
        values = [e.real.mid() for e in M.eig(algorithm="approx")]
        if all(v.is_finite() for v in values):
            return sorted(exact_value(v) for v in values)
    with mpmath.workprec(53):  # FLINT's approximate QR did not converge: mpmath's Jacobi method
        A = mpmath.matrix([[to_mpf(exact_value(x.mid()) if isinstance(x, flint.arb) else to_rational(x)) for x in row]
                           for row in rows])
        return sorted(exact_value(v) for v in (mpmath.eigsy(A)[0] if len(rows) > 1 else [A[0, 0]]))


def to_acb(value):
    """A complex python-flint ball containing ``value`` (an exact pair, a rational, a real or complex ball, or a pair of real balls)."""
    if isinstance(value, flint.acb):
        return value
    if isinstance(value, flint.arb):
        return flint.acb(value)
    if isinstance(value, tuple) and any(isinstance(v, flint.arb) for v in value):
        return flint.acb(to_arb(value[0]), to_arb(value[1]))
    re_part, im_part = to_complex_rational(value, floats=True)
    return flint.acb(to_arb(re_part), to_arb(im_part))


def to_sympy(value, *, floats=False):
    """A sympy ``Rational`` (or ``a + b*I``) for an exact value, exactly; with ``floats``, a sympy ``Float`` of a binary float's exact value.

    Examples
    --------
    >>> to_sympy(Fraction(-1, 3)), to_sympy((1, 2))
    (-1/3, 1 + 2*I)
    """
    import sympy

    if isinstance(value, sympy.Basic) and value.is_Rational:
        return value
    if isinstance(value, tuple):
        re_part, im_part = to_complex_rational(value)
        return to_sympy(re_part) + sympy.I * to_sympy(im_part)
    if floats and is_binary_float(value):
        q = _binary_value(value, "value")
        bits = max(53, q.numerator.bit_length(), q.denominator.bit_length())
        return sympy.Float(sympy.Rational(q.numerator, q.denominator), prec_to_dps(bits) + 1)
    q = to_rational(value)
    return sympy.Rational(q.numerator, q.denominator)


def _as_ball(value):
    """A ball for ``value``: balls as they are, exact numbers at a precision that holds all their bits."""
    if isinstance(value, flint.arb):
        return value
    q = to_rational(value, floats=True)
    bits = max(flint.ctx.prec, 64 + q.numerator.bit_length() + q.denominator.bit_length())
    with working_precision(prec=bits):
        return to_arb(q)


def compare(ball, bound):
    """``True`` if ``ball <= bound`` certainly, ``False`` if ``ball > bound`` certainly, ``None`` if undecided.

    ``ball`` and ``bound`` are python-flint balls or exact numbers (two exact
    numbers are compared exactly); an infinite or NaN ball decides nothing.

    Examples
    --------
    >>> compare(flint.arb(1) / 3, Fraction(1, 2)), compare(flint.arb(1), 0), compare(flint.arb("0.5 +/- 1"), 0)
    (True, False, None)
    >>> compare(Fraction(1, 3), Fraction(1, 3))
    True
    """
    if not isinstance(ball, flint.arb) and not isinstance(bound, flint.arb):
        return to_rational(ball, floats=True) <= to_rational(bound, floats=True)
    a, b = _as_ball(ball), _as_ball(bound)
    if not (a.is_finite() and b.is_finite()):
        return None
    if a <= b:
        return True
    if a > b:
        return False
    return None


def to_float(value):
    """A double for plotting and summaries (never for a decision): exact values and mpmath, gmpy2 and ball midpoints."""
    if isinstance(value, float):
        return value
    if isinstance(value, (mpmath.mpf, flint.arb)) or type(value).__name__ == "mpfr":
        return float(value.mid()) if isinstance(value, flint.arb) else float(value)
    q = to_rational(value, floats=True)
    try:
        return float(q)
    except OverflowError:  # beyond a double: its sign and infinity
        return math.inf if q > 0 else -math.inf


def ball_bounds(ball):
    """``(lower, upper)`` of a real python-flint ball, exactly, as Fractions; ``None`` for an unbounded side (or NaN)."""
    if not ball.is_finite():
        return None, None
    return exact_value(ball.lower()), exact_value(ball.upper())


# ---------------------------------------------------------------- printing

def _exact_text(q):
    q = Fraction(q)
    num = str(gmpy2.mpz(q.numerator))  # no limit on the digits, unlike str(int)
    return num if q.denominator == 1 else f"{num}/{gmpy2.mpz(q.denominator)}"


def _complex_text(re_text, im_text, im_negative):
    if im_text is None:
        return re_text
    sign = "-" if im_negative else "+"
    return f"{re_text}{sign}{im_text.lstrip('-')}j"


def _arb_text(mid, dps):
    """``dps`` significant digits of an exact python-flint number (its exponent may be beyond any float's)."""
    if mid == 0:
        return "0.0"
    text = mid.str(dps, radius=False, more=True)
    return text[1:-1].split(" +/-")[0] if text.startswith("[") else text


def decimal_log(q):
    """``log10 q`` of a positive exact number, as a float for reports; no overflow however large or small ``q`` is.

    Examples
    --------
    >>> round(decimal_log(Fraction(10**400, 3)), 6)
    399.522879
    """
    q = to_rational(q)
    if q <= 0:
        raise InputError(f"decimal_log needs a positive number, not {abbreviate(q)}", value=str(q))
    return math.log10(q.numerator) - math.log10(q.denominator)  # math.log10 of an int has no float overflow


def show(value, dps=None):
    """Text of a number: exact values exactly, computed values with ``dps`` significant digits.

    Parameters
    ----------
    value : int, Fraction, (re, im) pair, mpmath number, gmpy2 mpfr or python-flint ball
        A ball prints as its midpoint (see :func:`show_ball` for the radius);
        a complex value whose imaginary part is exactly zero prints as real.
    dps : int
        Significant digits of an inexact value (trailing zeros kept, so the
        precision shows).

    Examples
    --------
    >>> show(Fraction(-7, 3)), show(10**5000)[:5]
    ('-7/3', '10000')
    >>> with working_precision(20):
    ...     show(mpmath.mpc(1, 0) / 3, 20), show(mpmath.mpc(1, -2), 20)
    ('0.33333333333333333333', '1.0000000000000000000-2.0000000000000000000j')
    """
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, Fraction, flint.fmpq, flint.fmpz)) or (isinstance(value, _abc.Rational)
                                                                      and _module(value) != "mpmath"):
        return _exact_text(to_rational(value))
    if isinstance(value, tuple):
        re_part, im_part = to_complex_rational(value)
        return _complex_text(_exact_text(re_part), None if im_part == 0 else _exact_text(im_part), im_part < 0)
    if dps is None:
        raise InputError(f"show needs the digits (dps) to print the inexact value {abbreviate(value)}")
    if isinstance(value, flint.acb):
        im_zero = value.imag.is_exact() and value.imag == 0
        return _complex_text(show(value.real, dps), None if im_zero else show(value.imag, dps),
                             not im_zero and value.imag.mid() < 0)
    if isinstance(value, flint.arb):
        return _arb_text(value.mid(), dps)
    if type(value).__name__ == "mpfr":
        value = exact_value(value)
        with working_precision(prec=max(dps_to_prec(dps), 64)):
            return show(to_mpf(value), dps)
    if isinstance(value, mpmath.mpc):
        return _complex_text(show(value.real, dps), None if value.imag == 0 else show(value.imag, dps), value.imag < 0)
    if isinstance(value, mpmath.mpf):
        return mpmath.nstr(value, dps, strip_zeros=False, min_fixed=-5, max_fixed=dps)
    return show(to_rational(value, floats=True), dps) if is_binary_float(value) else str(value)


def show_tolerance(q):
    """``1e-20`` for ``10^-20``, else the exact value (tolerances in evidence texts).

    Examples
    --------
    >>> show_tolerance(tolerance(30, 10)), show_tolerance(Fraction(1, 3))
    ('1e-20', '1/3')
    """
    q = to_rational(q, floats=True)
    if q.numerator == 1 and q.denominator > 1 and str(q.denominator).rstrip("0") == "1":
        return f"1e-{len(str(q.denominator)) - 1}"
    return show(q)


def show_upper(value, digits=3):
    """A nonnegative bound (Fraction, mpmath number or ball) rounded up to ``digits`` significant digits.

    Examples
    --------
    >>> show_upper(Fraction(1, 3)), show_upper(0)
    ('3.34e-1', '0')
    """
    if isinstance(value, flint.arb):
        mid, rad, exp = value.upper().mid_rad_10exp(digits + 2)
        q_int = int(mid) + int(rad)
        if q_int <= 0:
            return "0" if q_int == 0 else show(value, digits)
        text = str(q_int)
        e = int(exp) + len(text) - 1
        mant = -(-q_int // 10 ** max(len(text) - digits, 0))  # ceiling to `digits` digits
        if len(str(mant)) > digits:
            mant, e = -(-mant // 10), e + 1
        m = str(mant)
        return f"{m[0]}.{m[1:]}e{e}" if digits > 1 else f"{m}e{e}"
    q = to_rational(value, floats=True)
    if q <= 0:
        return "0" if q == 0 else _exact_text(q)
    mant, e = _significant(q, digits, up=True)
    text = str(mant)
    return f"{text[0]}.{text[1:]}e{e}" if digits > 1 else f"{text}e{e}"


def _significant(q, digits, *, up):
    """``(m, e)`` with ``m`` the ``digits`` leading digits of the positive rational ``q`` rounded up (or down), so that
    ``m 10^(e - digits + 1)`` bounds ``q`` from above (below), ``e`` its decimal exponent."""
    e = math.floor(decimal_log(q))  # a float's estimate, made exact: 10^e <= q < 10^(e+1)
    while Fraction(10) ** e > q:
        e -= 1
    while Fraction(10) ** (e + 1) <= q:
        e += 1
    scaled = q / Fraction(10) ** (e - digits + 1)
    mant = -(-scaled.numerator // scaled.denominator) if up else scaled.numerator // scaled.denominator
    if mant == 10**digits:  # rounded up to the next power of ten (exactly: 10^digits / 10)
        mant, e = mant // 10, e + 1
    return mant, e


def show_lower(value, digits=6):
    """A positive lower bound (Fraction, mpmath number or ball: its lower end) rounded down to ``digits`` significant
    digits, so that the text claims no more than the value (a certified rate, a margin); ``0`` for what is not above 0.

    Examples
    --------
    >>> show_lower(Fraction(12345678, 10**8)), show_lower(Fraction(2, 3), 3), show_lower(-1)
    ('0.123456', '0.666', '0')
    """
    if isinstance(value, flint.arb):
        value = exact_value(value.lower())
    q = to_rational(value, floats=True)
    if q <= 0:
        return "0"
    mant, e = _significant(q, digits, up=False)
    p = e - digits + 1  # value >= mant 10^p
    if not -8 <= e <= 8:
        return f"{str(mant)[0]}.{str(mant)[1:]}e{e}" if digits > 1 else f"{mant}e{e}"
    if p >= 0:
        return str(mant * 10**p)
    text = str(mant).rjust(1 - p, "0")
    return f"{text[:p]}.{text[p:]}"


def show_ball(ball, dps):
    """``{"mid": ..., "rad": ...}`` of a python-flint ball: the midpoint with ``dps`` digits, the radius rounded up.

    For a complex ball the radius bounds the distance from the midpoint to any
    point of the ball (real and imaginary radii added); a ball whose imaginary
    part is exactly zero has a real midpoint.

    Examples
    --------
    >>> with working_precision(30):
    ...     show_ball(flint.arb(1) / 3, 10)
    {'mid': '0.3333333333', 'rad': '4.94e-32'}
    """
    rad = ball.real.rad() + ball.imag.rad() if isinstance(ball, flint.acb) else ball.rad()
    return {"mid": show(ball, dps), "rad": show_upper(rad)}


# ---------------------------------------------------------------- arithmetic namespaces

class _Namespace:
    """Elementary functions and constants of one kind of number, for formulas written once."""

    name = ""

    def const(self, q):
        raise NotImplementedError

    def __repr__(self):
        return f"<arithmetic of {self.name}>"


class _Functions(_Namespace):
    """A module's elementary functions at its working precision (:func:`working_precision` sets it), and its reader
    of exact numbers: mpmath's, or gmpy2's (the same binary numbers, with the arithmetic in C: a flow's samples are
    evaluated there, two to three times faster)."""

    FUNCTIONS = ("root", "sqrt", "log1p", "exp", "log", "cosh", "tanh", "sech")

    def __init__(self, name, module, const):
        self.name, self.const = name, const
        for fn in self.FUNCTIONS:
            setattr(self, fn, getattr(module, fn))


class _Sympy(_Namespace):
    name = "sympy"

    def const(self, q):
        return to_sympy(q)

    def root(self, x, n):
        return x ** to_sympy(Fraction(1, n))

    def log1p(self, x):
        import sympy

        return sympy.log(1 + x)

    def __getattr__(self, fn):
        if fn in ("sqrt", "exp", "log", "cosh", "tanh", "sech"):
            import sympy

            return getattr(sympy, fn)
        raise AttributeError(fn)


class _Arb(_Namespace):
    """python-flint balls (``arb``) and real power series (``arb_series``)."""

    name = "python-flint balls"
    const = staticmethod(to_arb)

    @staticmethod
    def root(x, n):
        # the argument of an even root is nonnegative in every formula: discard the ball's negative part
        return x.nonnegative_part().root(n) if isinstance(x, flint.arb) else (x.log() / n).exp()

    @staticmethod
    def sqrt(x):
        return x.nonnegative_part().sqrt() if isinstance(x, flint.arb) else x.sqrt()

    @staticmethod
    def exp(x):
        return x.exp()

    @staticmethod
    def log(x):
        return x.log()

    @staticmethod
    def log1p(x):
        return x.log1p() if isinstance(x, flint.arb) else (1 + x).log()

    @staticmethod
    def cosh(x):
        if isinstance(x, flint.arb):
            return x.cosh()
        e = x.exp()
        return (e + 1 / e) / 2

    @staticmethod
    def tanh(x):
        if isinstance(x, flint.arb):
            t = x.tanh()
            return t if t.is_finite() else make_ball(0, 1)  # arb gives nan on a wide ball; tanh lies in [-1, 1]
        e = (2 * x).exp()
        return (e - 1) / (e + 1)

    @staticmethod
    def sech(x):
        if isinstance(x, flint.arb):
            q = x.sech()
            return q if q.is_finite() else make_ball(Fraction(1, 2), Fraction(1, 2))  # sech lies in (0, 1]
        e = x.exp()
        return 2 / (e + 1 / e)


class _Exact(_Namespace):
    name = "exact rationals"

    def const(self, q):
        return to_rational(q)

    def __getattr__(self, fn):
        if fn in ("sqrt", "exp", "log", "log1p", "cosh", "tanh", "sech", "root"):
            def refuse(x, *args):
                raise InputError(f"{fn} of the exact value {abbreviate(x)} is not rational; "
                                 f"pass mpmath numbers with a dps, or sympy expressions")
            return refuse
        raise AttributeError(fn)


MPMATH, MPFR = _Functions("mpmath", mpmath, to_mpf), _Functions("gmpy2", gmpy2, to_mpfr)
SYMPY, ARB, EXACT = _Sympy(), _Arb(), _Exact()


def ops_for(value):
    """The arithmetic namespace of ``value``'s kind: an engine's own (``__lcnsym_ops__``), sympy, balls, mpmath or exact.

    Examples
    --------
    >>> ops_for(mpmath.mpf(1)).name, ops_for(Fraction(1)).name, ops_for(flint.arb(1)).name
    ('mpmath', 'exact rationals', 'python-flint balls')
    """
    own = getattr(value, "__lcnsym_ops__", None)
    if own is not None:
        return own
    if isinstance(value, (mpmath.mpf, mpmath.mpc)):
        return MPMATH
    if isinstance(value, (flint.arb, flint.arb_series)):
        return ARB
    if _module(value) == "sympy":
        return SYMPY
    if isinstance(value, (int, Fraction)):
        return EXACT
    raise InputError(f"no arithmetic for {type(value).__name__} values")
