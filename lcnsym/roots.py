"""Roots of polynomials: the numeric boundary for Section 2.2.

Coefficients are ascending (``a_0, ..., a_n``), as in ``p_n(w) = sum w_{i+1} x^i``.
Every input number is first read exactly (floats and mpmath numbers are the
binary rationals they are), so that multiple roots can be separated exactly:
roots come from python-flint's certified ball arithmetic (``acb_poly.roots``,
and ``fmpq_poly.complex_roots`` or an exact squarefree factorization when
there are multiple roots), then are handed to mpmath at the caller's precision.
mpmath's ``polyroots`` (with its coefficient order pinned, and retried with more
precision) is an independent route; the tests cross-check it against the balls.
"""

from dataclasses import dataclass
from fractions import Fraction
import inspect
import math
import numbers

import flint
import mpmath
import sympy as sp

from lcnsym.errors import ConvergenceError, PolynomialError, PrecisionError

__all__ = [
    "Polynomial",
    "normalize_polynomial",
    "RootEnclosure",
    "certified_roots",
    "polyroots_ascending",
    "mpmath_roots",
    "arb_to_mpf",
    "acb_to_mpc",
    "mpf_to_fraction",
]


def mpf_to_fraction(x):
    """The exact value of a finite mpmath number (a binary rational) as a Fraction.

    Examples
    --------
    >>> mpf_to_fraction(mpmath.mpf(-0.375))
    Fraction(-3, 8)
    """
    sign, man, exp, _ = mpmath.mpf(x)._mpf_
    value = Fraction(int(man) * 2**exp) if exp >= 0 else Fraction(int(man), 2**-exp)
    return -value if sign else value


def _exact(c, i):
    """``(re, im)`` as Fractions, exactly; errors name the entry."""
    if isinstance(c, tuple) and len(c) == 2:
        return _exact(c[0], i)[0], _exact(c[1], i)[0]
    if isinstance(c, bool) or isinstance(c, str):
        raise PolynomialError(f"coefficient a_{i} = {c!r} is not a number")
    if isinstance(c, numbers.Rational):
        return Fraction(c.numerator, c.denominator), Fraction(0)
    if isinstance(c, (float, mpmath.mpf)):
        if not mpmath.isfinite(c):
            raise PolynomialError(f"coefficient a_{i} is {c}, not a finite number")
        return mpf_to_fraction(c) if isinstance(c, mpmath.mpf) else Fraction(c), Fraction(0)
    if isinstance(c, (complex, mpmath.mpc)):
        return _exact(mpmath.mpf(c.real) if isinstance(c, mpmath.mpc) else c.real, i)[0], _exact(
            mpmath.mpf(c.imag) if isinstance(c, mpmath.mpc) else c.imag, i)[0]
    if isinstance(c, sp.Basic) and c.is_number:
        re, im = c.as_real_imag()
        if re.is_Rational and im.is_Rational:
            return Fraction(int(re.p), int(re.q)), Fraction(int(im.p), int(im.q))
    raise PolynomialError(f"coefficient a_{i} = {c!r} is not a rational, real or complex number")


@dataclass(frozen=True)
class Polynomial:
    """A nonzero polynomial with exact coefficients ``(re, im)`` (Fractions), ascending.

    ``dropped`` counts the zero coefficients of the highest powers that were
    dropped, so ``degree = stated_degree - dropped`` is the true degree.
    """

    coeffs: tuple
    stated_degree: int
    dropped: int

    @property
    def degree(self):
        return len(self.coeffs) - 1

    @property
    def is_real(self):
        return all(im == 0 for _, im in self.coeffs)

    def mp(self):
        """The coefficients as mpmath numbers at the current precision."""
        return [mpmath.mpc(mpmath.mpf(re.numerator) / re.denominator, mpmath.mpf(im.numerator) / im.denominator)
                for re, im in self.coeffs]

    def acb(self):
        """The coefficients as python-flint balls at flint's current precision."""
        return [flint.acb(flint.arb(flint.fmpq(re.numerator, re.denominator)), flint.arb(flint.fmpq(im.numerator, im.denominator)))
                for re, im in self.coeffs]

    def sympy_poly(self, x=sp.Symbol("x")):
        """The polynomial in sympy (exact Gaussian rationals)."""
        return sp.Poly([sp.Rational(re.numerator, re.denominator) + sp.I * sp.Rational(im.numerator, im.denominator)
                        for re, im in reversed(self.coeffs)], x, domain="QQ_I")


def normalize_polynomial(coeffs, min_degree=1):
    """Validate ascending coefficients and read them exactly; drop zero leading coefficients.

    Parameters
    ----------
    coeffs : sequence
        ``a_0, ..., a_n``: ints, Fractions, sympy numbers, floats, complex,
        mpmath numbers, or ``(re, im)`` pairs.
    min_degree : int
        The least true degree accepted (1 for root finding).

    Returns
    -------
    Polynomial

    Raises
    ------
    PolynomialError
        For an empty list, a NaN or infinite entry, the zero polynomial, or a
        true degree below ``min_degree``; the message gives the numbers.

    Examples
    --------
    >>> p = normalize_polynomial([1, 2, 0, 0])
    >>> p.degree, p.stated_degree, p.dropped
    (1, 3, 2)
    >>> normalize_polynomial([0, 0])
    Traceback (most recent call last):
    ...
    lcnsym.errors.PolynomialError: the zero polynomial (all 2 coefficients are 0) has no roots or factorization
    """
    if isinstance(coeffs, str):
        raise PolynomialError("coefficients must be a sequence of numbers, not a string")
    exact = [_exact(c, i) for i, c in enumerate(coeffs)]
    if not exact:
        raise PolynomialError("a polynomial needs at least one coefficient")
    top = len(exact)
    while top and exact[top - 1] == (0, 0):
        top -= 1
    if top == 0:
        raise PolynomialError(f"the zero polynomial (all {len(exact)} coefficients are 0) has no roots or factorization")
    if top - 1 < min_degree:
        raise PolynomialError(
            f"the polynomial has degree {top - 1} (a_0 = {_show(exact[0])}); degree at least {min_degree} is needed"
            + (f" ({len(exact) - top} zero leading coefficients dropped)" if top < len(exact) else "")
        )
    return Polynomial(tuple(exact[:top]), len(exact) - 1, len(exact) - top)


def _show(c):
    re, im = c
    return str(re) if im == 0 else f"{re}+{im}j"


def arb_to_mpf(x):
    """The midpoint of a python-flint ``arb`` as an mpmath number (rounded to mpmath's precision)."""
    man, exp = x.mid().man_exp()
    return mpmath.mpf((int(man), int(exp)))


def acb_to_mpc(z):
    """The midpoint of a python-flint ``acb`` as an mpmath complex number."""
    return mpmath.mpc(arb_to_mpf(z.real), arb_to_mpf(z.imag))


@dataclass(frozen=True)
class RootEnclosure:
    """A root: a certified ball ``ball`` (python-flint ``acb``) and its multiplicity."""

    ball: object
    multiplicity: int

    def value(self):
        """The midpoint in mpmath (at mpmath's current precision)."""
        return acb_to_mpc(self.ball)

    def radius(self):
        """An upper bound of the distance from the midpoint to the root."""
        return arb_to_mpf(self.ball.real.rad()) + arb_to_mpf(self.ball.imag.rad())

    def modulus_vs_one(self):
        """``1`` if ``|z| > 1`` certainly, ``-1`` if ``|z| < 1`` certainly, ``0`` if the ball straddles the unit circle."""
        m = abs(self.ball)
        if m > 1:
            return 1
        if m < 1:
            return -1
        return 0


def _isolate(poly_acb, prec, target):
    return flint.acb_poly(poly_acb).roots(tol=flint.arb(2) ** (-target), maxprec=4 * prec)


def _accurate(enclosures, dps):
    """Whether every ball is narrow enough for ``dps`` digits relative to its size (and 1)."""
    with mpmath.workdps(20):
        eps = mpmath.mpf(10) ** (-(dps + 2))
        return all(r.radius() <= eps * max(1, abs(r.value())) for r in enclosures)


def _squarefree_parts(poly):
    """``[(factor as Polynomial, multiplicity)]``: the exact squarefree factorization (sympy over QQ or QQ_I)."""
    x = sp.Symbol("x")
    sp_poly = poly.sympy_poly(x)
    if poly.is_real:
        sp_poly = sp.Poly(sp_poly.as_expr(), x, domain="QQ")
    _, factors = sp_poly.sqf_list()
    out = []
    for f, m in factors:
        coeffs = reversed(f.all_coeffs())
        out.append((normalize_polynomial([(sp.re(c), sp.im(c)) for c in coeffs]), m))
    return out


def certified_roots(coeffs, dps=50):
    """Certified enclosures of every root, with multiplicities (python-flint ball arithmetic).

    Parameters
    ----------
    coeffs : sequence or Polynomial
        Ascending coefficients (see :func:`normalize_polynomial`).
    dps : int
        Decimal digits the balls must reach (relative to the roots' size).

    Returns
    -------
    list of RootEnclosure
        Sorted by decreasing modulus of the midpoint; a root of multiplicity
        ``m`` appears once with ``multiplicity = m``.

    Raises
    ------
    PolynomialError
        For input :func:`normalize_polynomial` refuses.
    PrecisionError
        If the roots could not be isolated even at 16 times the precision.

    Examples
    --------
    >>> rs = certified_roots([-1, 0, 1], dps=20)
    >>> [(round(float(r.value().real), 6), r.multiplicity) for r in rs]
    [(1.0, 1), (-1.0, 1)]
    >>> [r.multiplicity for r in certified_roots([1, -2, 1])]
    [2]

    References
    ----------
    Used for Lemmas 2.3 and 2.4.
    """
    poly = coeffs if isinstance(coeffs, Polynomial) else normalize_polynomial(coeffs)
    target = int(dps * 3.33) + 10
    found = None
    for attempt in range(5):
        prec = (target + 64) * 2**attempt
        with flint.ctx.workprec(prec):
            try:
                found = [RootEnclosure(z, 1) for z in _isolate(poly.acb(), prec, target)]
            except ValueError:
                try:  # multiple roots: separate them exactly, then isolate each squarefree part
                    found = [RootEnclosure(z, m) for part, m in _squarefree_parts(poly) for z in _isolate(part.acb(), prec, target)]
                except ValueError:
                    found = None
        if found is not None and _accurate(found, dps):
            break
    else:
        raise PrecisionError(f"could not isolate the {poly.degree} roots to {dps} digits even at {prec} bits")
    with mpmath.workdps(dps + 10):
        found.sort(key=lambda r: (-abs(r.value()), -r.value().real, -r.value().imag))
    return found


def polyroots_ascending(coeffs, **kwargs):
    """``mpmath.polyroots`` with ascending coefficients, whatever the installed mpmath's convention.

    mpmath below 1.4 takes the highest coefficient first and has no ``asc``
    argument; from 1.4 it warns without ``asc=`` and 1.5 flips the default.
    Here the order is always passed explicitly.

    Examples
    --------
    >>> [float(z) for z in polyroots_ascending([-2, 1])]  # x - 2
    [2.0]
    """
    desc = list(reversed(list(coeffs)))
    if "asc" in inspect.signature(mpmath.polyroots).parameters:
        return mpmath.polyroots(desc, asc=False, **kwargs)
    return mpmath.polyroots(desc, **kwargs)


def mpmath_roots(coeffs, dps=50, maxsteps=100, extraprec=None, retries=3):
    """Roots by ``mpmath.polyroots`` at ``dps`` digits, retried with more precision and steps.

    Multiple roots are separated first by the exact squarefree factorization.

    Returns
    -------
    list of (mpmath.mpc, int)
        Roots with multiplicities.

    Raises
    ------
    ConvergenceError
        If polyroots did not converge after ``retries`` raises of precision and steps.

    Examples
    --------
    >>> [(round(float(z.real), 9), m) for z, m in mpmath_roots([1, -2, 1], dps=30)]
    [(1.0, 2)]
    """
    poly = coeffs if isinstance(coeffs, Polynomial) else normalize_polynomial(coeffs)
    out = []
    for part, m in _squarefree_parts(poly):
        extra = extraprec if extraprec is not None else 10 + 4 * part.degree
        steps = maxsteps
        for _ in range(retries + 1):
            try:
                with mpmath.workdps(dps):
                    zs = polyroots_ascending(part.mp(), maxsteps=steps, extraprec=extra)
                    zs = zs if isinstance(zs, list) else [zs]
                out += [(mpmath.mpc(z), m) for z in zs]
                break
            except mpmath.libmp.libhyper.NoConvergence:
                extra, steps = 2 * extra + 50, 2 * steps
        else:
            raise ConvergenceError(f"mpmath.polyroots did not converge for degree {part.degree} at {dps} digits "
                                   f"with extraprec up to {extra} and {steps} steps")
    return out
