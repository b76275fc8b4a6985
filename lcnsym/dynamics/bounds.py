"""The explicit bounds of Section 3: ``tau`` of Lemma 3.5 and ``g`` of Lemma 3.6.

``tau`` is computed exactly (Fractions): it overflows a double already for
modest ``k_v``.
"""

from fractions import Fraction
from itertools import combinations
from math import prod

import flint

from lcnsym.dynamics.data import gram_rank
from lcnsym.errors import HypothesisFails, InputError
from lcnsym.numeric import ARB, DEFAULT_DPS, MPMATH, abbreviate, to_fmpq, to_rational, working_precision

__all__ = ["elementary_symmetric", "tau", "balancedness", "g_bound", "g_bound_ball", "pseudo_inverse_norm"]


def elementary_symmetric(n, values):
    """``e_n(values)``, exactly.

    Examples
    --------
    >>> elementary_symmetric(2, [0, 1, 2])
    2
    """
    return sum((prod(c) for c in combinations(values, n)), 0)


def balancedness(filters):
    """``delta_i = ||w^(i+1)||^2 - ||w^(i)||^2`` for ``i = 1..N-1`` (constant along the flow, Lemma 3.3).

    Exact for exact filters; in the entries' arithmetic otherwise.

    Examples
    --------
    >>> balancedness([[1, 2], [3], [0, 1]])
    [4, -8]
    """
    sq = [sum(c * c for c in w) for w in filters]
    return [sq[i + 1] - sq[i] for i in range(len(sq) - 1)]


def tau(T, k_v, deltas):
    """The bound of Lemma 3.5: ``||pi(w)||_1 <= T`` implies ``||w^(i)||^2 <= tau`` for every layer.

    ``tau = tau_1 + (N - 1) Delta`` with ``Delta = max |delta_i|`` and
    ``tau_1 = N max(1, max_n e_n(0..N-1) Delta^n, (6 T' k_v)^(2 k_v))``, ``T' = max(T, 1)``.

    Parameters
    ----------
    T : rational
        A bound of ``||pi(w)||_1``.
    k_v : int
        Width of the final filter.
    deltas : sequence of rationals
        The balancedness differences ``delta_1..delta_{N-1}``.

    Returns
    -------
    Fraction

    Examples
    --------
    >>> tau(1, 2, [])  # N = 1: 1 * (6 * 1 * 2)^4
    Fraction(20736, 1)

    References
    ----------
    Lemma 3.5 (the constant restated in RESULTS.md).
    """
    if isinstance(deltas, (str, bytes)) or not hasattr(deltas, "__len__"):
        raise InputError(f"deltas must be a sequence of numbers, got {abbreviate(deltas)}", value=deltas)
    if isinstance(k_v, bool) or not isinstance(k_v, int) or k_v < 1:
        raise InputError(f"k_v must be a positive whole number, got {abbreviate(k_v)}", value=k_v)
    N = len(deltas) + 1
    Tp = max(to_rational(T, "T", floats=True), Fraction(1))
    Delta = max((abs(to_rational(d, "delta", floats=True)) for d in deltas), default=Fraction(0))
    terms = [Fraction(1), (6 * Tp * k_v) ** (2 * k_v)]
    terms += [elementary_symmetric(n, range(N)) * Delta**n for n in range(1, N + 1)]
    return N * max(terms) + (N - 1) * Delta


def pseudo_inverse_norm(data):
    """``||X^T (X X^T)^{-1}||_1`` (entrywise), exactly.

    The rank test decides the hypothesis; the inversion guards itself too (an
    exact determinant over Q, then the exact inverse), so a rank test that
    wrongly answers "full rank" gives :class:`HypothesisFails` (with
    ``rank_test_said_full_rank=True``), never a ``ZeroDivisionError``.

    Raises
    ------
    HypothesisFails
        If ``X X^T`` is singular (Lemma 3.6 needs full rank).
    """
    d0 = len(data.X)
    rank = gram_rank(data)
    if rank < d0:
        raise HypothesisFails(f"X X^T is singular (rank {rank} < d0 = {d0}, with m = {data.m} samples): "
                              f"the hypothesis of Lemma 3.6 fails", rank=rank, d0=d0, m=data.m, rank_test_said_full_rank=False)
    X = flint.fmpq_mat([[to_fmpq(q) for q in r] for r in data.X])
    gram = X * X.transpose()

    def singular(how):
        return HypothesisFails(f"X X^T is singular ({how}, although the rank test answered rank {rank} = d0 = {d0}; "
                               f"m = {data.m} samples): the hypothesis of Lemma 3.6 fails", rank=rank, d0=d0, m=data.m,
                               rank_test_said_full_rank=True, found_by=how)

    if gram.det() == 0:
        raise singular("its exact determinant over Q is 0")
    try:
        P = X.transpose() * gram.inv()
    except ZeroDivisionError:
        raise singular("its exact inversion over Q failed") from None
    return sum(abs(to_rational(P[i, j])) for i in range(P.nrows()) for j in range(P.ncols()))


def g_bound(L, loss, data, dN, *, dps=DEFAULT_DPS):
    """``g(L) = (h(L) + ||Y||_1) ||X^T (X X^T)^{-1}||_1 / dN`` of Lemma 3.6, mpmath at ``dps`` digits (``L`` read exactly).

    Raises
    ------
    HypothesisFails
        If ``X X^T`` is singular.
    """
    return _g(L, loss, data, dN, dps, MPMATH)


def g_bound_ball(L, loss, data, dN, *, dps=DEFAULT_DPS):
    """``g(L)`` of Lemma 3.6 as a python-flint ball containing the exact value (``L`` exact, or a ball).

    Raises
    ------
    HypothesisFails
        If ``X X^T`` is singular.
    """
    return _g(L, loss, data, dN, dps, ARB)


def _g(L, loss, data, dN, dps, F):
    P = pseudo_inverse_norm(data)
    Y1 = sum(abs(q) for r in data.Y for q in r)
    with working_precision(dps):
        return (loss.h_of(F.const(L), dN, data.m, F) + F.const(Y1)) * F.const(P) / dN
