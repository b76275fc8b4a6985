"""The explicit bounds of Section 3: ``tau`` of Lemma 3.5 and ``g`` of Lemma 3.6.

``tau`` is computed exactly (Fractions): it overflows a double already for
modest ``k_v``.
"""

from fractions import Fraction
from itertools import combinations
from math import prod

import flint
import mpmath

from lcnsym.errors import HypothesisFails
from lcnsym.risk import gram_rank

__all__ = ["elementary_symmetric", "tau", "balancedness", "g_bound", "pseudo_inverse_norm"]


def elementary_symmetric(n, values):
    """``e_n(values)``, exactly.

    Examples
    --------
    >>> elementary_symmetric(2, [0, 1, 2])
    2
    """
    return sum((prod(c) for c in combinations(values, n)), 0)


def balancedness(filters):
    """``delta_i = ||w^(i+1)||^2 - ||w^(i)||^2`` for ``i = 1..N-1`` (constant along the flow, Lemma 3.3)."""
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
    N = len(deltas) + 1
    Tp = max(Fraction(T), Fraction(1))
    Delta = max((abs(Fraction(d)) for d in deltas), default=Fraction(0))
    terms = [Fraction(1), (6 * Tp * k_v) ** (2 * k_v)]
    terms += [elementary_symmetric(n, range(N)) * Delta**n for n in range(1, N + 1)]
    return N * max(terms) + (N - 1) * Delta


def pseudo_inverse_norm(data):
    """``||X^T (X X^T)^{-1}||_1`` (entrywise), exactly.

    Raises
    ------
    HypothesisFails
        If ``X X^T`` is singular (Lemma 3.6 needs full rank).
    """
    d0 = len(data.X)
    rank = gram_rank(data)
    if rank < d0:
        raise HypothesisFails(f"X X^T is singular (rank {rank} < d0 = {d0}, with m = {data.m} samples): "
                              f"the hypothesis of Lemma 3.6 fails")
    X = flint.fmpq_mat([[flint.fmpq(q.numerator, q.denominator) for q in r] for r in data.X])
    P = X.transpose() * (X * X.transpose()).inv()
    return sum(abs(Fraction(int(P[i, j].p), int(P[i, j].q))) for i in range(P.nrows()) for j in range(P.ncols()))


def g_bound(L, loss, data, dN):
    """``g(L) = (h(L) + ||Y||_1) ||X^T (X X^T)^{-1}||_1 / dN`` of Lemma 3.6 (mpmath).

    Raises
    ------
    HypothesisFails
        If ``X X^T`` is singular.
    """
    P = pseudo_inverse_norm(data)
    Y1 = sum(abs(q) for r in data.Y for q in r)
    to_mp = lambda q: mpmath.mpf(q.numerator) / q.denominator
    return (loss.h(L, dN, data.m) + to_mp(Y1)) * to_mp(P) / dN
