"""Filling architectures and the dimension of the neuromanifold (the image of ``pi``), with certificates.

An architecture is *filling* when every filter ``v`` in ``R^{k_v}`` is a final
filter.  The decision rests on Proposition 2.1 (``p(v) = prod_i p~_i(w^(i))``,
``p~_i`` a polynomial in ``x^{S_i}``, ``S_i = prod_{n<i} s_n``):

* If a layer with ``k_i >= 2`` has ``S_i >= 2``, then
  ``k_v - 1 = sum (k_i - 1) S_i > sum (k_i - 1) = kbar - N``, while the image of
  ``pi`` has dimension at most ``kbar - (N - 1)`` (each fibre holds the
  rescalings ``w^(i) -> c_i w^(i)``, ``prod c_i = 1``): the image has measure
  zero and the architecture is not filling (*dimension count*, beyond [7]).
  An explicit witness: ``v = (x - 1)(x - 2)...(x - n)``, ``n = k_v - 1``.  A
  final filter of full degree ``n`` has every factor ``p~_i`` of full degree,
  so that layer's ``p~_i = q(x^{S_i})`` with ``deg q >= 1`` and ``q(0) != 0``
  (as ``v(0) != 0``): with a root ``rho`` of ``q`` it has the ``S_i >= 2``
  distinct roots ``rho^{1/S_i}``, all of one modulus, while the roots of ``v``
  have distinct moduli (checked exactly: ``v(j) = 0`` for ``j = 1..n``).
* Otherwise the layers with ``k_i >= 2`` act with stride one, and [7, Thm 4.1]
  decides: filling if and only if at most one of them has ``k_i`` even.  When
  two or more are even, a polynomial of degree ``k_v - 1`` with fewer real roots
  than odd-degree factors (``(x^2 + 1)^m``, or ``x (x^2 + 1)^m``) cannot be a
  final filter: each factor of odd degree ``k_i - 1`` has a real root, and the
  witness's real roots are counted exactly (certified balls and Sturm).

Every architecture is decided.  What may stay open is the exact dimension: the
Jacobian's rank at random points is a certified lower bound, and it is certified
as the dimension only when it meets the upper bound ``min(k_v, kbar - N + 1)``.

The dimension itself is computed: the exact rank of the Jacobian of ``pi`` at
random rational points (a lower bound, certified by a nonzero maximal minor),
against the upper bound ``min(k_v, kbar - N + 1)``.

References
----------
[7] Kohn, Merkh, Montufar, Trager (2022), Theorem 4.1; Proposition 2.1 of the paper.
"""

from dataclasses import dataclass, field
from fractions import Fraction
import random

import flint

from lcnsym.algebra.architecture import Architecture
from lcnsym.analysis.roots import certified_roots
from lcnsym.dynamics.risk import layer_factor_products
from lcnsym.errors import InputError, PrecisionError, WorkLimitError
from lcnsym.numeric import DEFAULT_DPS, show, to_fmpq, to_rational, to_sympy

__all__ = ["FillingReport", "jacobian", "neuromanifold_dimension", "filling", "real_root_count", "MAX_JACOBIAN"]

MAX_JACOBIAN = 250_000
"""The most entries ``k_v kbar`` of a Jacobian whose exact rank is computed."""


def jacobian(arch, filters):
    """The Jacobian ``d v / d w`` of the final filter at ``filters`` (exact rationals): ``k_v`` rows, ``kbar`` columns.

    ``d v / d w^(i)_j`` is the coefficient list of ``x^{(j-1) S_i} prod_{k != i} p~_k`` (Prop. 2.1).

    Examples
    --------
    >>> [[str(x) for x in row] for row in jacobian(Architecture(3, (2, 2), (1, 1)), [[1, 2], [3, 4]])]
    [['3', '0', '1', '0'], ['4', '3', '2', '1'], ['0', '4', '0', '2']]
    """
    J = _jacobian_matrix(arch, [[to_fmpq(c) for c in w] for w in filters])
    return [[to_rational(J[r, c]) for c in range(J.ncols())] for r in range(J.nrows())]


def _jacobian_matrix(arch, filters):
    """:func:`jacobian` as an ``fmpq_mat`` (FLINT polynomial products, prefix and suffix: ``O(N)`` of them)."""
    polys = []
    for w, step in zip(filters, arch.stride_products):
        coeffs = [to_fmpq(0)] * ((len(w) - 1) * step + 1)
        coeffs[::step] = w
        polys.append(flint.fmpq_poly(coeffs))
    before, after = [flint.fmpq_poly([1])], [flint.fmpq_poly([1])]
    for poly in polys[:-1]:
        before.append(before[-1] * poly)
    for poly in reversed(polys[1:]):
        after.append(after[-1] * poly)
    J = flint.fmpq_mat(arch.k_v, arch.kbar)
    column = 0
    for i, (w, step) in enumerate(zip(filters, arch.stride_products)):
        others = (before[i] * after[arch.N - 1 - i]).coeffs()
        for j in range(len(w)):
            for l, q in enumerate(others):
                if q != 0:
                    J[j * step + l, column] = q
            column += 1
    return J


def _pivots(matrix):
    """The pivot columns of an exact matrix (``fmpq_mat``), from its reduced row echelon form."""
    reduced, rank = matrix.rref()
    pivots, row = [], 0
    for c in range(matrix.ncols()):
        if row < rank and reduced[row, c] != 0:
            pivots.append(c)
            row += 1
    return pivots


def _minor(J):
    """Row and column indices of a nonzero maximal minor of an exact matrix (``fmpq_mat``), with its value."""
    columns = _pivots(J)
    sub = flint.fmpq_mat([[J[r, c] for c in columns] for r in range(J.nrows())])
    rows = _pivots(sub.transpose())
    value = flint.fmpq_mat([[J[r, c] for c in columns] for r in rows]).det() if rows else to_fmpq(1)
    return rows, columns, to_rational(value)


def neuromanifold_dimension(arch, seed=0, trials=2):
    """The exact rank of the Jacobian of ``pi`` at random rational points (the largest of ``trials``), with a nonzero
    maximal minor as its certificate.

    Returns
    -------
    (int, dict)
        The rank (a certified lower bound of the dimension) and ``{"rows", "columns", "value", "point"}``.

    Examples
    --------
    >>> rank, minor = neuromanifold_dimension(Architecture(3, (2, 2), (1, 1)))
    >>> rank, minor["value"] != "0"
    (3, True)
    """
    if arch.k_v * arch.kbar > MAX_JACOBIAN:
        raise WorkLimitError(f"the Jacobian of pi has k_v x kbar = {arch.k_v} x {arch.kbar} entries; at most {MAX_JACOBIAN} "
                             "are accepted",
                             k_v=arch.k_v, kbar=arch.kbar)
    rng = random.Random(seed)
    best, upper = (-1, None, None), min(arch.k_v, arch.kbar - arch.N + 1)
    for _ in range(trials):
        point = [[Fraction(rng.randint(-99, 99) or 1, rng.randint(1, 9)) for _ in range(k)] for k in arch.k]
        rows, cols, value = _minor(_jacobian_matrix(arch, [[to_fmpq(c) for c in w] for w in point]))
        if len(rows) > best[0]:
            best = (len(rows), (rows, cols, value), point)
        if best[0] == upper:  # certified: another point cannot do better
            break
    rank, (rows, cols, value), point = best
    return rank, {"rows": rows, "columns": cols, "value": show(value), "point": [[show(c) for c in w] for w in point]}


def real_root_count(coeffs):
    """The number of real roots, with multiplicity, of a real polynomial (ascending, exact): certified balls and Sturm agree.

    Examples
    --------
    >>> real_root_count([0, 1, 0, 1])  # x (x^2 + 1)
    1
    """
    import sympy as sp

    by_balls = sum(r.multiplicity for r in certified_roots(coeffs, DEFAULT_DPS) if r.is_real)
    x = sp.Symbol("x")
    poly = sp.Poly([to_sympy(c) for c in reversed(coeffs)], x)
    by_sturm = sum(m * factor.count_roots() for factor, m in poly.sqf_list()[1])  # Sturm counts distinct roots
    if by_balls != by_sturm:  # a disagreement is a bug of one of them: never a decision
        raise PrecisionError(f"real roots: {by_balls} by certified balls, {by_sturm} by Sturm")
    return by_balls


@dataclass
class FillingReport:
    """Whether an architecture is filling, how it was decided, and the evidence.

    ``dimension`` is the certified lower bound (the rank at a random point) and
    ``dimension_upper`` the bound ``min(k_v, kbar - N + 1)``; the dimension is
    certified when they meet.  ``certificate`` backs a "not filling".
    """

    arch: object
    dimension: int
    dimension_upper: int
    minor: dict
    filling: object
    decided_by: str
    argument: str
    certificate: dict = field(default=None)

    @property
    def dimension_certified(self):
        return self.dimension == self.dimension_upper

    def as_dict(self):
        return {"k": list(self.arch.k), "s": list(self.arch.s), "k_v": self.arch.k_v, "dimension": self.dimension,
                "dimension_upper": self.dimension_upper, "dimension_certified": self.dimension_certified,
                "minor": self.minor, "filling": self.filling, "decided_by": self.decided_by, "argument": self.argument,
                "certificate": self.certificate}

    def _repr_html_(self):
        verdict = {True: "filling", False: "not filling", None: "undecided"}[self.filling]
        return (f"<p><b>{verdict}</b> ({self.decided_by}): {self.argument}<br>dimension {self.dimension}"
                f"{'' if self.dimension_certified else f' to {self.dimension_upper}'} of k_v = {self.arch.k_v}</p>")


def _witness(degree, odd_factors):
    """A real polynomial of full ``degree`` with fewer real roots than ``odd_factors``: ``(x^2+1)^m`` or ``x (x^2+1)^m``."""
    coeffs = [1] if degree % 2 == 0 else [0, 1]
    for _ in range(degree // 2):
        coeffs = [a + b for a, b in zip(coeffs + [0, 0], [0, 0] + coeffs)]  # times (x^2 + 1)
    return [Fraction(c) for c in coeffs]


def _distinct_moduli_witness(degree):
    """``(x - 1)(x - 2)...(x - degree)`` (ascending, exact), with its roots checked by exact evaluation."""
    coeffs = [Fraction(1)]
    for j in range(1, degree + 1):
        coeffs = [a - j * b for a, b in zip([Fraction(0)] + coeffs, coeffs + [Fraction(0)])]  # times (x - j)
    for j in range(1, degree + 1):
        if sum(c * j**e for e, c in enumerate(coeffs)) != 0:  # exact: a failure is a bug here, never a decision
            raise PrecisionError(f"the witness does not vanish at {j}")
    return coeffs, list(range(1, degree + 1))


def filling(arch, seed=0):
    """Decide whether ``arch`` is filling, with the argument and, when it is not, a certificate (see the module docstring).

    Examples
    --------
    >>> filling(Architecture.for_output_width((3, 2), (1, 1))).filling
    True
    >>> r = filling(Architecture.for_output_width((2, 2), (1, 1)))
    >>> r.filling, r.decided_by, r.certificate["filter"]
    (False, 'theorem', ['1', '0', '1'])
    >>> filling(Architecture.for_output_width((2, 2), (2, 1))).argument[:15]
    'dimension count'
    """
    if not isinstance(arch, Architecture):
        raise InputError(f"filling takes an Architecture, got {type(arch).__name__}")
    rank, minor = neuromanifold_dimension(arch, seed)
    upper = min(arch.k_v, arch.kbar - arch.N + 1)
    nontrivial = [(k, S) for k, S in zip(arch.k, arch.stride_products) if k >= 2]
    strided = [(k, S) for k, S in nontrivial if S >= 2]
    if strided:
        k, S = strided[0]
        v, roots = _distinct_moduli_witness(arch.k_v - 1)
        return FillingReport(arch, rank, upper, minor, False, "computation",
                             f"dimension count: the image of pi has dimension at most kbar - N + 1 = {arch.kbar - arch.N + 1} "
                             f"< k_v = {arch.k_v} (a layer with k_i = {k} >= 2 has stride product {S} >= 2); the witness "
                             f"(x - 1)...(x - {arch.k_v - 1}) has roots of distinct moduli, while that layer's factor "
                             f"q(x^{S}) would give {S} roots of one modulus",
                             {"argument": "root moduli", "filter": [show(c) for c in v], "roots": roots,
                              "stride_product": S, "parameters": arch.kbar - arch.N + 1, "k_v": arch.k_v})
    even = [k for k, _ in nontrivial if k % 2 == 0]
    if len(even) <= 1:
        return FillingReport(arch, rank, upper, minor, True, "theorem",
                             f"[7, Thm 4.1]: the layers with k_i >= 2 act with stride one and at most one of their widths is even "
                             f"({len(even)})")
    degree = arch.k_v - 1
    v = _witness(degree, len(even))
    real = degree % 2 + (degree // 2) * real_root_count([1, 0, 1])  # v = x^(degree mod 2) (x^2 + 1)^(degree // 2)
    return FillingReport(arch, rank, upper, minor, False, "theorem",
                         f"[7, Thm 4.1]: {len(even)} layer widths are even, so every final filter's polynomial has at least "
                         f"{len(even)} real roots (one per factor of odd degree); the witness has {real}",
                         {"argument": "real roots", "filter": [show(c) for c in v], "real_roots": real,
                          "odd_degree_factors": len(even), "degree": degree})
