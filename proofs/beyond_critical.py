"""critical-points: all critical points of the square loss on small instances, counted two ways, the real ones exact."""

from functools import reduce
import random

import flint
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.coefficients import convolve
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.risk import normal_equations
from lcnsym.errors import PrecisionError
from lcnsym.exploration import critical as _critical
from lcnsym.exploration.critical import critical_points, free_layer, gradient_at
from lcnsym.numeric import (DEFAULT_DPS, GUARD_DIGITS, escalation, to_acb, to_arb, to_rational, to_sympy,
                            working_precision)

ID = "critical-points"
GROUP = "beyond the paper"
STATEMENT = ("for the square loss and rational data, the critical points of L on a slice of the rescalings are finitely "
             "many; their number is the same by the quotient ring's dimension and by the certified roots of the "
             "eliminating polynomial, and every real one listed is critical, exactly")
DEPENDS_ON = ("prop-2.1", "lemma-3.3")
REFERENCE = "Proposition 2.1, Lemma 3.3 (the rescaling symmetry); beyond the paper"
LIBRARY = ("lcnsym.exploration.critical.critical_points", "lcnsym.exploration.critical.gradient_at")
CLI = "lcnsym critical --k 2,2 --s 1,1 --d0 4 --random-data 6 --json"
EVIDENCE = ("exact: Groebner basis (degrevlex) and FGLM over Q; the two counts compared; grad L at every real point "
            "zero exactly in Q(alpha), computed from the definition")
MIN_INSTANCES = 5
KINDS = {"minimum", "saddle", "degenerate"}
"""The kinds a critical point of a least-squares risk can have: it is bounded below and a convex quadratic in ``v``,
so no critical point is a local maximum."""


def instances(config):
    """Small instances ``(k, s, d0, m, seed)``: stride one, strided, unequal widths."""
    seeds = range(config.seed, config.seed + (6 if config.thorough else 3))
    out = [((2, 2), (1, 1), 4, 6, seed) for seed in seeds]
    out += [((2, 2), (2, 1), 6, 6, config.seed + 1), ((3, 2), (1, 1), 5, 7, config.seed + 1), ((3,), (1,), 4, 5, config.seed)]
    if config.thorough:
        out += [((2, 2), (1, 2), 5, 6, config.seed + 3), ((2, 1, 2), (1, 1, 1), 5, 7, config.seed)]
    return out


def _shapes(insts):
    seen = []
    for k, s, *_ in insts:
        text = f"k = {','.join(map(str, k))}, s = {','.join(map(str, s))}"
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)


# ---------------------------------------------------------------- the check's own routes

def _horner(p, x):
    """``p(x)`` for an ``fmpq_poly`` ``p`` and a ball ``x``, by python-flint's ball polynomials at the working
    precision (not the library's evaluation)."""
    return (flint.acb_poly(p) if isinstance(x, flint.acb) else flint.arb_poly(p))(x)


def _product(polys):
    return reduce(convolve, polys, [to_arb(1)])


def _hessian(arch, A, b, w, free):
    """The Hessian of ``L = v^T A v - 2 b^T v + c`` in the slice's unknowns at the real point ``w`` (balls), from the
    definition: ``2 J^T A J + 2 sum_k (A v - b)_k d^2 v_k``, with ``v`` the product of the stride polynomials."""
    polys = []
    for layer, step in zip(w, arch.stride_products):
        p = [to_arb(0)] * ((len(layer) - 1) * step + 1)
        p[::step] = layer
        polys.append(p)
    v = _product(polys)
    res = [sum((to_arb(A[k][q]) * v[q] for q in range(len(v))), to_arb(0)) - to_arb(b[k]) for k in range(len(v))]
    unknowns = [(i, j) for i, layer in enumerate(w) for j in range(len(layer)) if i == free or j > 0]
    steps = arch.stride_products

    def dv(i, j):  # d v / d w^(i)_j: x^(j s_i) times the other layers' product
        rest = _product(polys[:i] + polys[i + 1:])
        out = [to_arb(0)] * len(v)
        for a, x in enumerate(rest):
            out[a + j * steps[i]] += x
        return out

    def d2v(i, j, l, m):
        if i == l:
            return None
        rest = _product([p for n, p in enumerate(polys) if n not in (i, l)])
        out = [to_arb(0)] * len(v)
        for a, x in enumerate(rest):
            out[a + j * steps[i] + m * steps[l]] += x
        return out

    J = [dv(i, j) for i, j in unknowns]
    H = []
    for a, (i, j) in enumerate(unknowns):
        row = []
        for c, (l, m) in enumerate(unknowns):
            JAJ = sum((J[a][p] * to_arb(A[p][q]) * J[c][q] for p in range(len(v)) for q in range(len(v))), to_arb(0))
            second = d2v(i, j, l, m)
            extra = sum((res[k] * second[k] for k in range(len(v))), to_arb(0)) if second else to_arb(0)
            row.append(2 * JAJ + 2 * extra)
        H.append(row)
    return H


def _own_inertia(arch, A, b, point):
    """``(positive, negative, zero)`` of the Hessian at ``point``, by Jacobi's rule (the signs of the leading principal
    minors, computed in balls from the check's own Hessian).  A point the library calls degenerate keeps its counts
    (Jacobi's rule needs nonzero minors); for generic data there are none."""
    free = free_layer(arch)
    for digits in escalation(DEFAULT_DPS + GUARD_DIGITS):
        with working_precision(digits):
            # alpha again at this precision: the real root of the modulus inside the library's ball
            alpha = next(r.real for r, _ in point.modulus.complex_roots() if r.overlaps(to_acb(point.alpha)))
            w = [[_horner(x % point.modulus, alpha) for x in layer] for layer in point.w_exact]
            H = _hessian(arch, A, b, w, free)
            n = len(H)
            minors = [to_arb(1)] + [flint.arb_mat(m, m, [H[r][c] for r in range(m) for c in range(m)]).det()
                                    for m in range(1, n + 1)]
            if all(x > 0 or x < 0 for x in minors):
                negative = sum((x > 0) != (y > 0) for x, y in zip(minors, minors[1:]))
                return n - negative, negative, 0
    if point.inertia[2]:
        return tuple(point.inertia)  # a degenerate point: a zero minor is expected, the counts come from the library
    raise PrecisionError(f"a leading minor of the Hessian at a real critical point is undecided at {digits} digits", dps=digits)


def _kind_of(inertia):
    """The kind a point's Hessian inertia ``(positive, negative, zero)`` makes it, by definition (the check's own rule):
    both signs a saddle, else a zero eigenvalue leaves it degenerate, else positive definite a minimum."""
    positive, negative, zero = inertia
    if positive and negative:
        return "saddle"
    return "degenerate" if zero else "minimum" if positive else "maximum"


def _kind_problem(point, own, unknowns):
    """``None``, or why a listed point's kind or inertia is not what the check's own Hessian (``own``) makes it."""
    if point.kind not in KINDS:
        return "a least-squares risk has no local maximum" if point.kind == "maximum" else f"unknown kind {point.kind!r}"
    if sum(point.inertia) != unknowns:
        return f"the inertia does not count the {unknowns} unknowns"
    if tuple(point.inertia) != own:
        return "the inertia disagrees with the Hessian's leading minors"
    if point.kind != _kind_of(own):
        return f"the kind is not the one its inertia makes it ({_kind_of(own)})"
    return None


def _at_matrices(p, mats, n):
    """``p(M_1, ..., M_n)`` for an ``fmpq_mpoly`` ``p`` and commuting matrices: multiplication by ``p`` on the quotient."""
    out = mats[0] * 0
    eye = flint.fmpq_mat(n, n, [int(r == c) for r in range(n) for c in range(n)])
    for mon, coeff in p.to_dict().items():
        term = eye * coeff
        for M, e in zip(mats, mon):
            for _ in range(e):
                term = term * M
        out += term
    return out


def _distinct_values(M):
    """The squarefree part of the characteristic polynomial of ``M``: its degree counts ``M``'s distinct eigenvalues."""
    chi = M.charpoly()
    return chi // chi.gcd(chi.derivative())


def _recount(arch, A, b, c, seed):
    """``(real solutions on the slice, distinct complex filters)`` by the check's own route on the quotient ring (not
    the library's shape lemma, roots or labels): the eigenvalues of multiplication by ``p`` are the values of ``p`` at
    the solutions, so a generic linear form ``u`` of the unknowns has as many distinct eigenvalues as there are
    solutions, and its real ones (Sturm, sympy, exactly) are the real solutions; a generic linear form of the filter's
    coordinates has as many as there are distinct filters.  The largest count over two random forms is taken."""
    ctx, names, _, v, _, equations = _critical._system(arch, A, b, c)
    basis = _critical._groebner(equations, ctx, names)
    leading = [_critical._leading_monomial(g) for g in basis]
    standard = _critical._standard_monomials(leading, len(names))
    if not standard:
        return 0, 0
    mats = _critical._multiplication_matrices(basis, leading, standard, ctx, len(names))
    rng = random.Random(f"critical-points recount:{seed}")
    n = len(standard)
    forms = [[rng.choice((-1, 1)) * rng.randint(1, 97) for _ in range(len(v))] for _ in range(2)]
    filters = max(_distinct_values(_at_matrices(sum((r * x for r, x in zip(form, v)), ctx.from_dict({})), mats, n)).degree()
                  for form in forms)
    us = [_distinct_values(sum((M * rng.choice((-1, 1)) * rng.randint(1, 97) for M in mats), mats[0] * 0))
          for _ in range(2)]
    g = max(us, key=lambda q: q.degree())
    real = sp.Poly([to_sympy(to_rational(x)) for x in reversed(g.coeffs())], sp.Symbol("u")).count_roots()
    return real, filters


def check(config=CheckConfig(), solver=critical_points):
    """Every instance: the counts agree, each listed real point is critical with the kind its own Hessian gives, and
    the numbers of real points and of complex filters are recounted; ``solver`` is replaceable."""
    done, complex_total, real_total, kinds = 0, 0, 0, {}
    for k, s, d0, m, seed in instances(config):
        arch = Architecture(d0, k, s)
        data, _ = random_problem(arch, m, seed)
        report = solver(arch, data, dps=DEFAULT_DPS)
        where = {"k": list(k), "s": list(s), "d0": d0, "m": m, "data seed": seed}
        done += 1
        if not report.routes_agree:
            return Evidence(False, "exact", "solution counts", done,
                            counterexample={**where, "quotient dimension": report.quotient_dimension,
                                            "distinct certified roots": report.distinct_roots})
        A, b, c = normal_equations(arch, data)
        real, filters = _recount(arch, A, b, c, seed)
        if len(report.real) != real or report.complex_count != filters:
            # every real root of g is a real critical point (w = h(u) is real), and the filters are what is counted
            return Evidence(False, "exact", "the counts recounted", done,
                            counterexample={**where, "reported real points": len(report.real),
                                            "real roots of the eliminant (Sturm)": real,
                                            "reported complex filters": report.complex_count,
                                            "distinct complex filters recounted": filters})
        for n, point in enumerate(report.real, 1):
            grad = gradient_at(arch, A, b, point)
            if not all(g.is_zero() for g in grad):
                return Evidence(False, "exact", "gradients at the listed points", done,
                                counterexample={**where, "point": n, "grad L": "nonzero in Q(alpha)",
                                                "v": [str(x.mid()) for x in point.v]})
            own = _own_inertia(arch, A, b, point)
            why = _kind_problem(point, own, report.unknowns)
            if why is not None:
                return Evidence(False, "exact", "kinds of the listed points", done,
                                counterexample={**where, "point": n, "kind": point.kind,
                                                "inertia (positive, negative, zero)": list(point.inertia),
                                                "inertia from the check's own Hessian (Jacobi)": own and list(own),
                                                "why": why})
            kinds[point.kind] = kinds.get(point.kind, 0) + 1
        if report.real and min(report.real, key=lambda p: p.loss.mid()).kind != "minimum":
            # L is bounded below and coercive in v: its smallest critical value is a local (global) minimum
            return Evidence(False, "exact", "kinds of the listed points", done,
                            counterexample={**where, "why": "the real point of least loss is not a minimum",
                                            "kind": min(report.real, key=lambda p: p.loss.mid()).kind})
        complex_total += report.complex_count
        real_total += len(report.real)
    if done < MIN_INSTANCES:
        return Evidence(False, "exact", "instances", done, counterexample={"search too small": f"ran {done}, minimum {MIN_INSTANCES}"})
    return Evidence(True, "exact",
                    f"{done} instances ({_shapes(instances(config)[:done])}): both counts agree on each; "
                    f"{complex_total} complex critical filters, {real_total} real critical points "
                    f"({', '.join(f'{n} {kind}' for kind, n in sorted(kinds.items()))}), each with grad L = 0 exactly; "
                    f"recounted on the quotient ring (real points by Sturm, filters by distinct eigenvalues); each kind from "
                    f"the inertia of Jacobi's minors of the Hessian",
                    done, details={"complex filters": complex_total, "real points": real_total, "kinds": kinds})
