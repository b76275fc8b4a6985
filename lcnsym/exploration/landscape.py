"""Flows meet critical points: which exactly known critical point a flow's limit is, and whether it is a global minimum.

A flow's final state is matched, on the slice of :mod:`lcnsym.exploration.critical`
(rescaled there, so any balancedness is allowed), against the exact list of
real critical points; a match within ``10^-(dps - 5)`` that is unique names the
point, its kind and its loss.  At the point itself (known exactly, in
``Q(alpha)``) the global-minimum question is then decided:

* stride one, square loss (convex), and the polynomials ``p~_i`` share no root
  (their pairwise resultants, exact elements of ``Q(alpha)``, are nonzero):
  a global minimum by [7, Prop 5.1];
* a filling architecture: ``L`` at the point against the least-squares optimum
  ``L(v*) = c - b^T A^-1 b`` (exact): equal exactly (``v = v*``), or a
  certified gap;
* otherwise a listed real critical point with a certainly lower loss is a
  certified gap; without one the question stays undecided (the list misses
  critical filters with ``v_0 = 0``, which generic data do not have).

References
----------
[7] Kohn, Merkh, Montufar, Trager (2022), Proposition 5.1; Proposition 2.1 of the paper.
"""

from dataclasses import dataclass

import flint

from lcnsym.dynamics.risk import normal_equations
from lcnsym.errors import InputError
from lcnsym.exploration.critical import (_ball as value_at, critical_points, determinant, free_layer,
                                         stride_polynomials_at)
from lcnsym.exploration.filling import filling
from lcnsym.numeric import (DEFAULT_DPS, check_dps, exact_value, show, show_upper, to_arb, to_fmpq, to_rational, tolerance,
                            working_precision)

__all__ = ["Classification", "classify_limit", "global_minimum", "on_slice"]


@dataclass
class Classification:
    """The critical point a flow's limit matches (``index`` into ``report.real``, ``None`` if none) and its verdicts."""

    index: object
    kind: object
    distance: object
    accepted_below: object
    loss: object
    global_minimum: str
    by: str
    common_root: object
    dps: int

    def as_dict(self):
        return {"point": None if self.index is None else self.index + 1, "kind": self.kind,
                "distance": show_upper(self.distance), "accepted_below": show_upper(self.accepted_below),
                "loss": None if self.loss is None else show(self.loss, self.dps), "global_minimum": self.global_minimum,
                "by": self.by, "p~_i share a root": self.common_root}


def on_slice(arch, filters):
    """The rescaling of ``filters`` (exact rationals) with ``w^(i)_1 = 1`` on every layer but the free one.

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> [[str(x) for x in w] for w in on_slice(Architecture(3, (2, 2), (1, 1)), [[2, 4], [3, 1]])]
    [['1', '2'], ['6', '2']]
    """
    free = free_layer(arch)
    w = [[to_rational(c) for c in layer] for layer in filters]
    scale = 1
    for i, layer in enumerate(w):
        if i != free:
            if layer[0] == 0:
                raise InputError(f"layer {i + 1} has w_1 = 0: the point is off the slice of lcnsym critical (v_0 = 0)", layer=i + 1)
            scale *= layer[0]
            w[i] = [c / layer[0] for c in layer]
    w[free] = [c * scale for c in w[free]]
    return w


def _ball(p, alpha):
    return value_at(p, alpha).real


def _match(report, point_slice, dps):
    best = []
    with working_precision(dps + 10):
        for n, p in enumerate(report.real):
            d = to_arb(0)
            for layer, exact in zip(point_slice, p.w_exact):
                for c, e in zip(layer, exact):
                    d = max(d, abs(to_arb(c) - _ball(e, p.alpha)).upper(), key=lambda b: b.upper())
            best.append((d.upper(), n))
    return sorted(best, key=lambda t: t[0])


def _resultant(p, q, f):
    """``Res(p, q)`` for polynomials with coefficients in ``Q[u]/(f)`` (ascending lists): the Sylvester determinant."""
    m, n = len(p) - 1, len(q) - 1
    size = m + n
    if size == 0:
        return flint.fmpq_poly([1])
    zero = flint.fmpq_poly([0])
    rows = []
    for i in range(n):
        rows.append([zero] * i + list(reversed(p)) + [zero] * (size - m - 1 - i))
    for i in range(m):
        rows.append([zero] * i + list(reversed(q)) + [zero] * (size - n - 1 - i))
    return determinant(rows, f)


def _common_root(arch, point):
    """Whether two of the point's ``p~_i`` share a root (exact: a resultant is zero modulo the minimal polynomial)."""
    polys = [p for p in stride_polynomials_at(arch, point) if len(p) > 1]
    f = point.modulus
    for i in range(len(polys)):
        for j in range(i + 1, len(polys)):
            if (polys[i][-1] % f).is_zero() or (polys[j][-1] % f).is_zero():
                return None  # a degree drop: the formal resultant says nothing
            if (_resultant(polys[i], polys[j], f) % f).is_zero():
                return True
    return False


def global_minimum(arch, data, report, index, dps=DEFAULT_DPS):
    """``(verdict, by, common_root)`` for the real critical point ``report.real[index]`` (see the module's text)."""
    point = report.real[index]
    common = _common_root(arch, point)
    if all(s == 1 for s in arch.s) and common is False:
        return ("global minimum (certified)", "[7, Prop 5.1]: stride one, the square loss is convex, and the p~_i share no "
                "root (their resultants are nonzero, exactly)", common)
    if filling(arch).filling:
        A, b, c = normal_equations(arch, data)
        Am = flint.fmpq_mat([[to_fmpq(x) for x in row] for row in A])
        if Am.rank() == arch.k_v:
            star = Am.solve(flint.fmpq_mat([[to_fmpq(x)] for x in b]))
            if all(((vk - star[k, 0]) % point.modulus).is_zero() for k, vk in enumerate(point.v_exact)):
                return "global minimum (certified)", "v equals the least-squares optimum A^-1 b exactly (filling architecture)", common
            optimum = to_fmpq(c) - sum((to_fmpq(b[k]) * star[k, 0] for k in range(arch.k_v)), to_fmpq(0))
            with working_precision(dps + 10):
                gap = _ball(point.loss_exact, point.alpha) - to_arb(optimum)
                if gap > 0:
                    return (f"not a global minimum (certified gap {show(gap, 6)})",
                            f"L exceeds the least-squares optimum L(A^-1 b) = {show(optimum)} (filling architecture)", common)
    with working_precision(dps + 10):
        mine = _ball(point.loss_exact, point.alpha)
        lower = [n for n, other in enumerate(report.real) if mine - _ball(other.loss_exact, other.alpha) > 0]
        if lower:
            n = min(lower, key=lambda n: report.real[n].loss.mid())
            gap = mine - _ball(report.real[n].loss_exact, report.real[n].alpha)
            return (f"not a global minimum (certified gap {show(gap, 6)})",
                    f"the listed real critical point {n + 1} has a lower loss", common)
    return ("undecided", "no listed real critical point is lower, but the list misses critical filters with v_0 = 0 and "
            "[7, Prop 5.1] does not apply" + (" (the p~_i share a root)" if common else ""), common)


def classify_limit(arch, data, filters, *, report=None, dps=DEFAULT_DPS):
    """Which real critical point of the square loss the state ``filters`` is, to ``10^-(dps-5)``, and its verdicts.

    Parameters
    ----------
    arch, data
        The instance (square loss, rational data).
    filters : list of list
        The flow's final state (exact rationals or mpmath numbers: read by their exact value).
    report : CriticalReport, optional
        :func:`lcnsym.exploration.critical.critical_points` of the instance (computed if not given).
    dps : int

    Returns
    -------
    Classification

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.data import random_problem
    >>> arch = Architecture(4, (2, 2), (1, 1))
    >>> data, _ = random_problem(arch, 6, seed=1)
    >>> report = critical_points(arch, data, dps=30)
    >>> exact = report.real[0]
    >>> limit = [[exact_value(x.mid()) for x in w] for w in exact.w]
    >>> c = classify_limit(arch, data, limit, report=report, dps=30)
    >>> c.index, c.kind, c.global_minimum
    (0, 'minimum', 'global minimum (certified)')

    References
    ----------
    [7, Prop 5.1]; Proposition 2.1.
    """
    dps = check_dps(dps)
    report = report or critical_points(arch, data, dps=dps)
    accepted = tolerance(dps, 5)
    point = on_slice(arch, [[to_rational(c, floats=True) for c in w] for w in filters])
    ranked = _match(report, point, dps)
    if not ranked or not ranked[0][0] < to_arb(accepted):
        distance = ranked[0][0] if ranked else None
        return Classification(None, None, distance, accepted, None, "undecided",
                              "the state is not within the accepted distance of any listed real critical point", None, dps)
    distance, index = ranked[0]
    if len(ranked) > 1 and ranked[1][0] < to_arb(accepted):
        raise InputError("two listed critical points are within the accepted distance of the state; raise --dps",
                         distance=show_upper(ranked[1][0]))
    verdict, by, common = global_minimum(arch, data, report, index, dps)
    p = report.real[index]
    return Classification(index, p.kind, distance, accepted, p.loss, verdict, by, common, dps)
