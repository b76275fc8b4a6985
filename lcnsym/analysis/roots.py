"""Roots of polynomials: certified enclosures for Section 2.2.

Coefficients are ascending (``a_0, ..., a_n``), as in ``p_n(w) = sum w_{i+1} x^i``.
Every coefficient is read exactly (:func:`lcnsym.numeric.to_complex_rational`;
binary floats by their exact value), so that multiple roots can be separated
exactly.  Roots come from python-flint's certified ball arithmetic
(``acb_poly.roots``, after an exact squarefree factorization when roots
repeat); each ball contains exactly one root.  For a real polynomial a root
whose ball meets only its own mirror image is certified real and gets an
imaginary part of exactly zero.  mpmath's ``polyroots`` (with its
coefficient order pinned, retried with more precision) is an independent
route; the tests cross-check it against the balls.
"""

from dataclasses import dataclass
from fractions import Fraction
import inspect

import flint
import mpmath

from lcnsym.errors import ConvergenceError, PolynomialError, PrecisionError, WorkLimitError
from lcnsym.numeric import (DEFAULT_DPS, GUARD_DIGITS, MIN_DPS, abbreviate, check_dps, dps_to_prec, exact_value, show, show_upper, to_acb,
                            to_arb, to_complex_rational, to_mpc, to_sympy, working_precision)

__all__ = [
    "MAX_ROOT_WORK",
    "root_work",
    "Polynomial",
    "normalize_polynomial",
    "RootEnclosure",
    "certified_roots",
    "polyroots_ascending",
    "mpmath_roots",
]

MAX_ROOT_WORK = 20_000_000
"""The most work, ``degree^2 x dps`` (:func:`root_work`), done for roots unless the caller raises it (``max_work``): degree
600 at 50 digits or 140 at 1000 digits take a second or two."""


def root_work(degree, dps):
    """The work of finding the roots of a polynomial of ``degree`` to ``dps`` digits, in the units of :data:`MAX_ROOT_WORK`."""
    return degree * degree * dps


def check_root_work(degree, dps, max_work):
    """Refuse root finding beyond ``max_work`` (``None``: no limit) before it starts, saying how to raise the limit."""
    if max_work is not None and root_work(degree, dps) > max_work:
        raise WorkLimitError(f"roots of degree {degree} to {dps} digits are {root_work(degree, dps):.3g} units of work "
                             f"(degree^2 x dps), above the limit {max_work:.3g}; raise it with max_work (--max-work)",
                             degree=degree, dps=dps, limit=max_work)


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

    def mp(self, dps=DEFAULT_DPS):
        """The coefficients as mpmath complex numbers, correctly rounded to ``dps`` digits."""
        with working_precision(dps):
            return [to_mpc(c) for c in self.coeffs]

    def acb(self):
        """The coefficients as python-flint balls at flint's working precision (inside :func:`~lcnsym.numeric.working_precision`)."""
        return [to_acb(c) for c in self.coeffs]

    def sympy_poly(self):
        """The polynomial in sympy's ``x`` (exact Gaussian rationals)."""
        import sympy as sp

        return sp.Poly([to_sympy(c) for c in reversed(self.coeffs)], sp.Symbol("x"), domain="QQ_I")

    def __repr__(self):
        terms = " + ".join(f"({show(c)}) x^{i}" if i else f"({show(c)})" for i, c in enumerate(self.coeffs) if c != (0, 0))
        return f"Polynomial({_cut(terms, 100)}, degree {self.degree})"


def _cut(text, limit):
    """``text`` cut in the middle when longer than ``limit`` (as :func:`~lcnsym.numeric.abbreviate`, without its quotes)."""
    half = (limit - 4) // 2
    return text if len(text) <= limit else f"{text[:half]}...{text[-half:]}"


def normalize_polynomial(coeffs, min_degree=1):
    """Validate ascending coefficients and read them exactly; drop zero leading coefficients.

    Parameters
    ----------
    coeffs : sequence
        ``a_0, ..., a_n``: ints, Fractions, sympy numbers, text, ``(re, im)``
        pairs, or binary floats (``float``, ``complex``, mpmath), read as their
        exact binary value.
    min_degree : int
        The least true degree accepted (1 for root finding).

    Returns
    -------
    Polynomial

    Raises
    ------
    NumberError
        For an entry that is not a finite number, naming it (``a_2``).
    PolynomialError
        For an empty list, the zero polynomial, or a true degree below
        ``min_degree``; the message gives the numbers.

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
    if isinstance(coeffs, Polynomial):
        return coeffs
    if isinstance(coeffs, str) or not hasattr(coeffs, "__iter__"):
        raise PolynomialError(f"coefficients must be a sequence of numbers, got {abbreviate(coeffs)}")
    exact = [to_complex_rational(c, f"coefficient a_{i}", floats=True) for i, c in enumerate(coeffs)]
    if not exact:
        raise PolynomialError("a polynomial needs at least one coefficient")
    top = len(exact)
    while top and exact[top - 1] == (0, 0):
        top -= 1
    if top == 0:
        raise PolynomialError(f"the zero polynomial (all {len(exact)} coefficients are 0) has no roots or factorization")
    if top - 1 < min_degree:
        raise PolynomialError(
            f"the polynomial has degree {top - 1} (a_0 = {_cut(show(exact[0]), 60)}); degree at least {min_degree} is needed"
            + (f" ({len(exact) - top} zero leading coefficients dropped)" if top < len(exact) else ""),
            degree=top - 1)
    return Polynomial(tuple(exact[:top]), len(exact) - 1, len(exact) - top)


@dataclass(frozen=True)
class RootEnclosure:
    """A root: a certified ball ``ball`` (python-flint ``acb``) that contains it and no other root, and its multiplicity.

    ``ball.imag`` is exactly zero when the root is certified real.
    """

    ball: object
    multiplicity: int

    @property
    def is_real(self):
        """Whether the root is certified real (its ball has an imaginary part of exactly zero)."""
        return self.ball.imag.is_exact() and self.ball.imag == 0

    def value(self, dps=DEFAULT_DPS):
        """The midpoint as an mpmath complex number, correctly rounded to ``dps`` digits."""
        with working_precision(dps):
            return to_mpc(self.ball)

    def radius(self):
        """An upper bound (exact Fraction) of the distance from the midpoint to the root: real and imaginary radii added."""
        return exact_value(self.ball.real.rad()) + exact_value(self.ball.imag.rad())

    def modulus_squared(self):
        """``|mid|^2`` of the midpoint, exactly."""
        re, im = exact_value(self.ball.real), exact_value(self.ball.imag)
        return re * re + im * im

    def modulus_vs_one(self):
        """``1`` if ``|z| > 1`` certainly, ``-1`` if ``|z| < 1`` certainly, ``0`` if the ball straddles the unit circle."""
        m = abs(self.ball)
        if m > 1:
            return 1
        if m < 1:
            return -1
        return 0

    def __repr__(self):
        return f"RootEnclosure({show(self.ball, 20)} +/- {show_upper(self.radius())}, multiplicity {self.multiplicity})"

    def _repr_latex_(self):
        kind = "a real root" if self.is_real else "a root"
        mult = f", multiplicity {self.multiplicity}" if self.multiplicity > 1 else ""
        mid = show(self.ball, 15).replace("j", "i")
        return f"${mid} \\pm {show_upper(self.radius())}$ ({kind}{mult})"


def _isolate(poly_acb, prec, target):
    return flint.acb_poly(poly_acb).roots(tol=to_arb(2) ** (-target), maxprec=4 * prec)


def _accurate(enclosures, dps):
    """Whether every ball's radius is below ``10^-(dps+2) max(1, |mid|)`` (a target for the search, not a certificate)."""
    with working_precision(MIN_DPS):
        tol, one = to_arb(10) ** -(dps + 2), to_arb(1)
        return all(r.ball.real.rad() + r.ball.imag.rad() <= tol * abs(r.ball.mid()).max(one) for r in enclosures)


def _squarefree_parts(poly):
    """``[(factor as Polynomial, multiplicity)]``: the exact squarefree factorization (sympy over QQ or QQ_I)."""
    import sympy as sp

    sp_poly = poly.sympy_poly()
    if poly.is_real:
        sp_poly = sp.Poly(sp_poly.as_expr(), sp_poly.gen, domain="QQ")
    _, factors = sp_poly.sqf_list()
    return [(normalize_polynomial([c.as_real_imag() for c in reversed(f.all_coeffs())]), m) for f, m in factors]


def _certify_real(found):
    """For a real polynomial: a ball that meets the real axis and whose mirror image meets no other ball holds a real root
    (a non-real root's conjugate is a root too, in another ball, which the mirror image then meets: any other ball,
    not only those on the axis)."""
    near_axis = [i for i, r in enumerate(found) if r.ball.imag.contains(0)]
    out = list(found)
    for i in near_axis:
        mirror = found[i].ball.conjugate()
        if all(not mirror.overlaps(other.ball) for j, other in enumerate(found) if j != i):
            out[i] = RootEnclosure(to_acb((found[i].ball.real, 0)), found[i].multiplicity)
    return out


def certified_roots(coeffs, dps=DEFAULT_DPS, *, max_work=MAX_ROOT_WORK):
    """Certified enclosures of every root, with multiplicities (python-flint ball arithmetic).

    Parameters
    ----------
    coeffs : sequence or Polynomial
        Ascending coefficients (see :func:`normalize_polynomial`).
    dps : int
        Decimal digits the balls must reach (relative to the roots' size).
    max_work : int or None
        Refuse before any work when ``degree^2 x dps`` is above it (:func:`root_work`).

    Returns
    -------
    list of RootEnclosure
        Sorted by decreasing modulus of the midpoint; a root of multiplicity
        ``m`` appears once with ``multiplicity = m``.  Each ball contains
        exactly one root; real roots of real polynomials are certified real.

    Raises
    ------
    PolynomialError, NumberError
        For input :func:`normalize_polynomial` refuses.
    WorkLimitError
        If the work is above ``max_work``.
    PrecisionError
        If the roots could not be isolated even at 16 times the precision.

    Examples
    --------
    >>> rs = certified_roots([-1, 0, 1], dps=20)
    >>> [(show(r.ball, 5), r.is_real, r.multiplicity) for r in rs]
    [('1.0000', True, 1), ('-1.0000', True, 1)]
    >>> [r.multiplicity for r in certified_roots([1, -2, 1])]
    [2]

    References
    ----------
    Used for Lemmas 2.3 and 2.4.
    """
    dps = check_dps(dps)
    poly = normalize_polynomial(coeffs)
    check_root_work(poly.degree, dps, max_work)
    target = dps_to_prec(dps + 2) + 8
    found = None
    for attempt in range(5):
        prec = (target + 64) * 2**attempt
        with working_precision(prec=prec):
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
        raise PrecisionError(f"could not isolate the {poly.degree} roots to {dps} digits even at {prec} bits",
                             dps=dps, prec=prec, degree=poly.degree)
    if poly.is_real:  # at the precision the balls were found at: the mirror image rounded to 53 bits meets a near root
        with working_precision(prec=prec):
            found = _certify_real(found)

    def key(r):
        re, im = exact_value(r.ball.real), exact_value(r.ball.imag)
        return (-(re * re + im * im), -re, -im)

    return sorted(found, key=key)


def polyroots_ascending(coeffs, **kwargs):
    """``mpmath.polyroots`` with ascending coefficients, whatever the installed mpmath's convention.

    mpmath below 1.4 takes the highest coefficient first and has no ``asc``
    argument; from 1.4 it warns without ``asc=`` and 1.5 flips the default.
    Here the order is always passed explicitly.  Works at mpmath's current
    precision: call it inside :func:`lcnsym.numeric.working_precision`.

    Examples
    --------
    >>> [float(z) for z in polyroots_ascending([-2, 1])]  # x - 2
    [2.0]
    """
    desc = list(reversed(list(coeffs)))
    if "asc" in inspect.signature(mpmath.polyroots).parameters:
        return mpmath.polyroots(desc, asc=False, **kwargs)
    return mpmath.polyroots(desc, **kwargs)


def mpmath_roots(coeffs, dps=DEFAULT_DPS, maxsteps=100, extraprec=None, retries=3):
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
    dps = check_dps(dps)
    poly = normalize_polynomial(coeffs)
    out = []
    for part, m in _squarefree_parts(poly):
        extra = extraprec if extraprec is not None else GUARD_DIGITS + 4 * part.degree
        steps = maxsteps
        for _ in range(retries + 1):
            try:
                with working_precision(dps):
                    zs = polyroots_ascending([to_mpc(c) for c in part.coeffs], maxsteps=steps, extraprec=extra)
                    zs = zs if isinstance(zs, list) else [zs]
                    out += [(to_mpc(z), m) for z in zs]
                break
            except mpmath.libmp.libhyper.NoConvergence:
                extra, steps = 2 * extra + 50, 2 * steps
        else:
            raise ConvergenceError(f"mpmath.polyroots did not converge for degree {part.degree} at {dps} digits "
                                   f"with extraprec up to {extra} and {steps} steps", dps=dps, degree=part.degree)
    return out
