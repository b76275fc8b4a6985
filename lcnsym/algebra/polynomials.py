"""Filters as polynomials (Section 2.1): ``p_n(w)``, ``p~_{k_i,s}(w^(i))`` and coefficient norms.

These return sympy ``Poly`` objects in ``x`` (exact); the coefficient
lists they are built from come from :mod:`lcnsym.algebra.coefficients`.
"""

import math
import numbers

import mpmath
import sympy as sp

from lcnsym.algebra.architecture import stride_products
from lcnsym.algebra.coefficients import stride_substitute
from lcnsym.errors import FilterError, NumberError, WorkLimitError
from lcnsym.numeric import DEFAULT_DPS, abbreviate, to_mpf, to_rational, to_sympy, working_precision

MAX_NORM_P = 1000
"""The largest finite ``p`` of an exact p-norm (``|c|^p`` has ``p`` times the digits of ``c``)."""

__all__ = ["x", "filter_polynomial", "stride_polynomial_coefficients", "stride_polynomial", "stride_polynomials", "coefficient_norm",
           "coefficients_of", "MAX_NORM_P"]

x = sp.Symbol("x")


def _as_sympy(c):
    """A sympy expression stays; an exact number becomes a sympy Rational (floats are refused: see lcnsym.numeric)."""
    if isinstance(c, sp.Basic):
        if c.has(sp.nan, sp.oo, -sp.oo, sp.zoo):
            raise FilterError(f"a filter entry is {c}, not finite", value=c)
        return c
    if isinstance(c, str):
        raise FilterError(f"filter entry {abbreviate(c)} is a string; parse it first (lcnsym.parsing)", value=c)
    try:
        return to_sympy(c)
    except NumberError as exc:
        raise FilterError(f"a filter entry: {exc}", value=c) from None


def _check_entries(w):
    if isinstance(w, (str, bytes)) or not hasattr(w, "__iter__"):
        raise FilterError(f"a filter must be a sequence of numbers, got {abbreviate(w)}", value=w)
    w = list(w)
    if not w:
        raise FilterError("a filter needs at least one entry")
    for c in w:
        if isinstance(c, str):
            raise FilterError(f"filter entry {c!r} is a string; parse it first (lcnsym.parsing)")
    return w


def filter_polynomial(w, var=x):
    """``p_n(w) = sum_{i=0}^{n} w_{i+1} x^i`` for ``w`` of length ``n + 1`` (Section 2.1).

    Parameters
    ----------
    w : sequence
        Filter entries (numbers or sympy expressions), ascending powers.
    var : sympy.Symbol, optional
        The variable (default ``x``).

    Returns
    -------
    sympy.Poly

    Examples
    --------
    >>> filter_polynomial([1, 2, 3]).as_expr()
    3*x**2 + 2*x + 1
    """
    w = _check_entries(w)
    return sp.Poly.from_list([_as_sympy(c) for c in reversed(w)], var)


def stride_polynomial_coefficients(w, i, s):
    """Ascending coefficients of ``p~_{k_i,s}(w^(i))``: ``w_j`` at power ``(j-1) prod_{n<i} s_n`` (eq. 2.1).

    Generic over the entries' type (no conversion).

    Examples
    --------
    >>> stride_polynomial_coefficients([1, 2], 3, (2, 3, 1))
    [1, 0, 0, 0, 0, 0, 2]
    """
    if not (1 <= i <= len(s)):
        raise FilterError(f"layer {i} is not among the {len(s)} layers")
    return stride_substitute(list(w), stride_products(s)[i - 1])


def stride_polynomial(w, i, s, var=x):
    """``p~_{k_i,s}(w^(i))(x) = sum_j w^(i)_{j+1} x^(j prod_{n<i} s_n)`` (eq. 2.1).

    Parameters
    ----------
    w : sequence
        The filter ``w^(i)`` of layer ``i``.
    i : int
        The layer, 1-based.
    s : sequence of int
        The strides ``s_1..s_N``.
    var : sympy.Symbol, optional

    Returns
    -------
    sympy.Poly
        Of degree ``t_i = (k_i - 1) prod_{n<i} s_n`` when the last entry is nonzero.

    Raises
    ------
    FilterError
        If ``i`` is not a layer of ``s``.

    Examples
    --------
    >>> stride_polynomial([1, 2, 3], 2, (2, 1)).as_expr()
    3*x**4 + 2*x**2 + 1

    References
    ----------
    Proposition 2.1, eq. (2.1).
    """
    w = _check_entries(w)
    coeffs = stride_polynomial_coefficients([_as_sympy(c) for c in w], i, s)
    return sp.Poly.from_list(list(reversed(coeffs)), var)


def stride_polynomials(filters, s, var=x):
    """The polynomials ``p~_{k_i,s}(w^(i))`` of every layer (eq. 2.1).

    Examples
    --------
    >>> [p.as_expr() for p in stride_polynomials([[1, 1], [1, -1]], (2, 1))]
    [x + 1, 1 - x**2]
    """
    if len(filters) != len(s):
        raise FilterError(f"got {len(filters)} filters for {len(s)} layers")
    return [stride_polynomial(w, i, s, var) for i, w in enumerate(filters, 1)]


def coefficients_of(q, degree=None):
    """The ascending coefficient list of a polynomial (``sympy.Poly`` or a list), padded to ``degree + 1``.

    Examples
    --------
    >>> coefficients_of(filter_polynomial([1, 0, 2]))
    [1, 0, 2]
    """
    if isinstance(q, sp.Poly):
        coeffs = list(reversed(q.all_coeffs()))
    elif isinstance(q, (str, bytes)) or not hasattr(q, "__iter__"):
        raise FilterError(f"expected a polynomial or a list of coefficients, got {abbreviate(q)}", value=q)
    else:
        coeffs = list(q)
    if degree is not None:
        coeffs += [sp.S.Zero] * (degree + 1 - len(coeffs))
    return coeffs


def coefficient_norm(q, p=2, *, dps=DEFAULT_DPS):
    """``|||q|||_p``, the ``p``-norm of the coefficient vector (Section 2.1).

    Exact (sympy) for exact coefficients, mpmath at ``dps`` digits for mpmath numbers.

    Parameters
    ----------
    q : sympy.Poly or sequence
        The polynomial or its coefficient list.
    p : int, Fraction or ``math.inf``
        ``p >= 1``.
    dps : int
        Digits of the result when the coefficients are mpmath numbers.

    Returns
    -------
    sympy.Expr or mpmath number

    Raises
    ------
    FilterError
        If ``p < 1``.

    Examples
    --------
    >>> coefficient_norm([3, -4], 2)
    5
    >>> coefficient_norm(stride_polynomial([1, -2, 2], 2, (3, 1)), 1)
    5
    >>> coefficient_norm([1, -7, 2], math.inf)
    7
    """
    if not (p == math.inf or (isinstance(p, numbers.Real) and not isinstance(p, bool) and p >= 1)):
        raise FilterError(f"the p of a p-norm must be at least 1, got {abbreviate(p)}", value=p)
    if p != math.inf and p > MAX_NORM_P:  # |c|^p exactly would have p times the digits of c
        raise WorkLimitError(f"the p of a p-norm is computed exactly up to p = {MAX_NORM_P}, got {abbreviate(p)}; use "
                             f"p = inf for the largest coefficient", value=p, limit=MAX_NORM_P)
    coeffs = coefficients_of(q)
    if any(isinstance(c, (mpmath.mpf, mpmath.mpc)) for c in coeffs):
        with working_precision(dps):
            values = [c if isinstance(c, (mpmath.mpf, mpmath.mpc)) else to_mpf(c) for c in coeffs]
            if p == math.inf:
                return mpmath.norm(values, mpmath.inf)
            order = to_mpf(to_rational(p, "p", floats=True))
            # not mpmath.norm: its nthroot truncates a fractional p (|||(1, 1)|||_1.5 came out 2)
            return mpmath.fsum(abs(c) ** order for c in values) ** (1 / order)
    coeffs = [_as_sympy(c) for c in coeffs]
    if p == math.inf:
        return sp.Max(*[sp.Abs(c) for c in coeffs])
    if p == 1:
        return sp.Add(*[sp.Abs(c) for c in coeffs])
    p = to_sympy(to_rational(p, "p", floats=True))
    return sp.Add(*[sp.Abs(c) ** p for c in coeffs]) ** (1 / p)
