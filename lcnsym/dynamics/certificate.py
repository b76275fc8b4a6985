"""A certificate that a gradient flow converges: to a point in a small ball, a strict minimum on its balanced slice.

The flow keeps the invariants ``delta_i = ||w^(i+1)||^2 - ||w^(i)||^2`` (Lemma 3.3), so it lives on the
slice ``S = {g_i(w) = delta_i}`` with ``g_i = ||w^(i+1)||^2 - ||w^(i)||^2``.  Given a certified enclosure
``B(m, rho)`` of ``w(t_f)`` (the certified engine), the certificate proves, in ball arithmetic:

1. **a critical point** ``w*`` on ``S`` in a box ``X`` (Krawczyk's test on the square system
   ``grad L(w) + sum_i lambda_i grad g_i(w) = 0``, ``g(w) = delta``; a zero has ``lambda = 0`` because
   ``grad L`` is orthogonal to the rescalings, so ``w*`` is a critical point of ``L``, the only one of the
   slice in ``X``);
2. **contraction on the slice**: on a box ``Y`` holding every ball ``B(w*, R)``, ``R`` the largest
   distance from ``X`` to ``B(m, rho)``, the interval matrix ``Hess L + gamma A^T A - c I`` is positive
   definite (interval ``LDL^T``), ``A = (grad g_i)``.  Two points of ``S`` differ by ``e`` with
   ``A(wbar) e = 0`` (``g`` is quadratic), so by Finsler's lemma ``e^T Hbar e >= c |e|^2`` and
   ``d/dt |w(t) - w*|^2 <= -2 c |w(t) - w*|^2`` while the flow is in ``Y``: it never leaves ``B(w*, R)``.

Conclusion: ``|w(t) - w*| <= R e^{-c (t - t_f)}``; the flow converges to ``w*``, a strict minimum of ``L``
on the slice (its Hessian there is positive definite on the slice's tangent space).  When a condition
fails, the certificate says which; it never claims more.

References
----------
Theorems 3.4, 3.8 and Lemma 3.3 of the paper; Krawczyk (1969); Finsler (1937).
"""

from dataclasses import dataclass

import flint

from lcnsym.numeric import make_ball, rough_eigenvalues, show, show_lower, show_upper, to_arb, working_precision

__all__ = ["ConvergenceCertificate", "certify_convergence", "certify_flow", "enclosure_table"]

_NEWTON = 8


@dataclass
class ConvergenceCertificate:
    """The outcome: ``converges`` with ``center``, ``radius``, ``rate``, or the ``failed`` condition."""

    converges: bool
    failed: str = ""
    center: list = None
    radius: object = None
    rate: object = None
    reach: object = None
    kind: str = "strict minimum on the balanced slice"
    dps: int = 30

    def as_dict(self):
        if not self.converges:
            return {"converges": False, "failed": self.failed}
        return {"converges": True, "center": [[show(x, self.dps) for x in layer] for layer in self.center],
                "radius": show_upper(self.radius), "kind": self.kind, "rate": show_lower(self.rate, 6),  # claims no more
                "bound": f"|w(t) - w*| <= {show_upper(self.reach)} exp(-{show_lower(self.rate, 6)} (t - t_final))"}


def _constraints(arch, w):
    """``g_i(w)`` and the rows ``grad g_i`` (``N - 1`` of them)."""
    starts, pos = [], 0
    for ki in arch.k:
        starts.append(pos)
        pos += ki
    norms = [sum((w[starts[i] + j] * w[starts[i] + j] for j in range(ki)), to_arb(0)) for i, ki in enumerate(arch.k)]
    values, rows = [], []
    for i in range(arch.N - 1):
        values.append(norms[i + 1] - norms[i])
        row = [to_arb(0)] * len(w)
        for j in range(arch.k[i]):
            row[starts[i] + j] = -2 * w[starts[i] + j]
        for j in range(arch.k[i + 1]):
            row[starts[i + 1] + j] = 2 * w[starts[i + 1] + j]
        rows.append(row)
    return values, rows, starts


def _system(arch, tape, x, deltas):
    """``G(w, lambda)`` and its Jacobian at the box ``x`` (``n + N - 1`` unknowns)."""
    from lcnsym.dynamics.engines.certified import _field, _jacobian

    n = sum(arch.k)
    w, lam = x[:n], x[n:]
    values, A, starts = _constraints(arch, w)
    grad = [-f for f in _field(tape, w)]
    hess = [[-h for h in row] for row in _jacobian(tape, w)]
    G = [grad[i] + sum((lam[r] * A[r][i] for r in range(len(A))), to_arb(0)) for i in range(n)]
    G += [values[r] - deltas[r] for r in range(len(A))]
    J = [[hess[i][j] for j in range(n)] + [A[r][i] for r in range(len(A))] for i in range(n)]
    for r in range(len(A)):  # lambda_r * Hess g_r: diag(-2 on layer r, +2 on layer r + 1)
        for layer, sign in ((r, -2), (r + 1, 2)):
            for j in range(arch.k[layer]):
                J[starts[layer] + j][starts[layer] + j] += sign * lam[r]
    J += [A[r] + [to_arb(0)] * len(A) for r in range(len(A))]
    return G, J


def _norm2_upper(values):
    from lcnsym.dynamics.engines.certified import _norm2_upper as norm

    return norm(values)


def _mat(rows):
    return flint.arb_mat(rows)


def _positive_definite(S):
    from lcnsym.dynamics.engines.certified import _positive_definite as pd

    return pd(S)


def certify_convergence(arch, tape, centre, radius, deltas, *, dps, newton=_NEWTON):
    """Try the certificate at the enclosure ``B(centre, radius)`` of the final state (see the module docstring).

    ``tape`` is the field ``-grad L`` recorded on balls (:class:`lcnsym.dynamics.engines.certified.ArbTape`);
    ``deltas`` the exact invariants of the start; ``newton`` the Newton steps on midpoints before Krawczyk's test (``0``:
    the test at the centre itself, as a negative control far from any critical point uses it).  Returns a
    :class:`ConvergenceCertificate`.
    """
    n, extra = sum(arch.k), arch.N - 1
    deltas = [to_arb(d) for d in deltas]
    with working_precision(dps, guard=10):
        y = [to_arb(c) for c in centre] + [to_arb(0)] * extra
        for _ in range(newton):  # Newton on midpoints: an approximate zero
            G, J = _system(arch, tape, y, deltas)
            try:
                step = _mat([[x.mid() for x in row] for row in J]).solve(_mat([[g.mid()] for g in G]))
            except ZeroDivisionError:
                return ConvergenceCertificate(False, "the Jacobian of the critical-point equations on the slice is singular at "
                                              "the final state (not near a nondegenerate critical point)", dps=dps)
            y = [(yi - step[i, 0]).mid() for i, yi in enumerate(y)]
        G, J = _system(arch, tape, y, deltas)
        try:
            C = _mat([[x.mid() for x in row] for row in J]).inv()
        except ZeroDivisionError:
            return ConvergenceCertificate(False, "the critical-point equations on the slice are degenerate at the final state",
                                          dps=dps)
        C = [[C[i, j].mid() for j in range(n + extra)] for i in range(n + extra)]
        CG = _times(C, G)
        r = max(abs(v).upper() for v in CG) * 10 + to_arb(10) ** -(dps + 5)  # any r is sound: Krawczyk's test decides
        X = [make_ball(yi, r) for yi in y]
        _, JX = _system(arch, tape, X, deltas)
        K = _krawczyk_image(y, CG, C, JX, X)
        if not _krawczyk_inside(K, y, r):
            return ConvergenceCertificate(False, "no critical point certified near the final state: Krawczyk's test failed "
                                          "(the flow stopped too far from a nondegenerate critical point)", dps=dps)
        Xw = K[:n]  # contains the unique zero's w-part
        centre_arb = [to_arb(c) for c in centre]
        dist = _norm2_upper([abs(c - x).upper() for c, x in zip(centre_arb, Xw)])
        reach = (to_arb(radius) + dist).upper()
        Y = _reach_box(Xw, reach)
        hess, A = _hessian_and_constraints(arch, tape, Y, deltas)
        AtA = [[sum((A[r][i] * A[r][j] for r in range(extra)), to_arb(0)) for j in range(n)] for i in range(n)]
        scale = max(abs(hess[i][i].mid()) for i in range(n)) + 1
        rate = None
        for gamma_power in range(0, 12, 2):
            gamma = to_arb(10) ** gamma_power * scale / max(abs(AtA[i][i].mid()) for i in range(n)) if extra else to_arb(0)
            M = [[hess[i][j] + gamma * AtA[i][j] for j in range(n)] for i in range(n)]
            c = _least_eigen_lower(M)
            if c is not None and c > 0:
                rate = c
                break
        if rate is None:
            return ConvergenceCertificate(False, "the Hessian of L restricted to the balanced slice is not certified positive "
                                          "definite on the ball (a saddle, a degenerate minimum, or not close enough)", dps=dps)
        layers, pos = [], 0
        for ki in arch.k:
            layers.append([x.mid() for x in Xw[pos:pos + ki]])
            pos += ki
        w_radius = _norm2_upper([x.rad() for x in Xw])
        return ConvergenceCertificate(True, center=layers, radius=w_radius, rate=rate, reach=reach, dps=dps)


def _hessian_and_constraints(arch, tape, Y, deltas):
    """``(Hess L, A)`` over the box ``Y`` of filters: the system's Jacobian with every multiplier exactly 0 (its
    ``lambda_r Hess g_r`` terms would shift the Hessian), and the rows ``grad g_r``."""
    n = len(Y)
    _, JY = _system(arch, tape, list(Y) + [to_arb(0)] * (arch.N - 1), deltas)
    return [row[:n] for row in JY[:n]], [row[:n] for row in JY[n:]]


def _times(C, v):
    """The product ``C v`` of a matrix and a vector, in balls."""
    return [sum((c * x for c, x in zip(row, v)), to_arb(0)) for row in C]


def _krawczyk_image(y, CG, C, JX, X):
    """Krawczyk's operator ``K(X) = y - C G(y) + (I - C J(X)) (X - y)``, with ``CG = C G(y)`` and ``JX`` an interval
    matrix holding every Jacobian of ``G`` over the box ``X``: every zero of ``G`` in ``X`` lies in ``K(X)``."""
    size = len(y)
    K = []
    for i in range(size):
        acc = y[i] - CG[i]
        for j in range(size):
            M = (1 if i == j else 0) - sum((C[i][l] * JX[l][j] for l in range(size)), to_arb(0))
            acc += M * (X[j] - y[j])
        K.append(acc)
    return K


def _reach_box(Xw, reach):
    """The box of every point within ``reach`` of some point of the box ``Xw`` (which holds the critical point): each
    entry's own radius plus the reach (a box around the midpoints alone misses the edges of ``Xw``)."""
    return [make_ball(x.mid(), x.rad() + reach) for x in Xw]


def _krawczyk_inside(K, y, r):
    """Whether the Krawczyk image ``K(X)`` lies in the open box ``X`` of radius ``r`` around ``y``, in every unknown: the
    ``w`` part and the multipliers ``lambda`` alike (a zero of the whole system is what the test proves)."""
    return len(K) == len(y) and all(abs(k - c).upper() < r for k, c in zip(K, y))


def _least_eigen_lower(M):
    """A certified lower bound ``c`` of the least eigenvalue of every symmetric matrix in ``M`` (``None`` if not found)."""
    n = len(M)
    if not all(x.is_finite() for row in M for x in row):  # the Hessian over the ball blew up: nothing to certify
        return None
    low = to_arb(rough_eigenvalues(M)[0])
    for shrink in (to_arb(1) - to_arb(10) ** -6, to_arb(1) / 2, to_arb(1) / 10):
        c = (low * shrink).lower() if low > 0 else None
        if c is None:
            return None
        if _positive_definite([[M[i][j] - (c if i == j else 0) for j in range(n)] for i in range(n)]):
            return c
    return None


def certify_flow(arch, data, loss, w0, traj, *, dps):
    """The certificate for a flow run by the certified engine: at its last enclosure, on the slice of ``w0``'s invariants.

    Examples
    --------
    >>> from fractions import Fraction
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.data import random_problem
    >>> from lcnsym.dynamics.flow import gradient_flow
    >>> from lcnsym.dynamics.losses import parse_loss
    >>> arch = Architecture(3, (2, 1), (1, 1))
    >>> data, w0 = random_problem(arch, 4, 1)
    >>> traj = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(8), dps=20, samples=1, engine="certified")
    >>> cert = certify_flow(arch, data, parse_loss("square"), w0, traj, dps=20)
    >>> cert.converges, cert.kind
    (True, 'strict minimum on the balanced slice')
    """
    from lcnsym.dynamics.bounds import balancedness
    from lcnsym.dynamics.engines.certified import ArbTape
    from lcnsym.dynamics.engines.taylor import _record_field
    from lcnsym.dynamics.flow import FlowProblem
    from lcnsym.numeric import to_rational as exact

    if not traj.enclosures:
        return ConvergenceCertificate(False, "the flow has no certified enclosure (run it with the certified engine)", dps=dps)
    last = traj.enclosures[-1]
    deltas = balancedness([[exact(c, floats=True) for c in w] for w in w0])
    with working_precision(dps, guard=10):
        tape = _record_field(FlowProblem(arch, data, loss), sum(arch.k), ArbTape)
    return certify_convergence(arch, tape, last.centre, last.radius, deltas, dps=dps)


def enclosure_table(arch, enclosure, dps):
    """``[[[mid, rad], ...] per layer]`` of an enclosure: decimal strings, ``mid`` with ``dps`` digits, ``rad`` rounded up."""
    out, pos = [], 0
    for ki in arch.k:
        out.append([[show(c, dps), show_upper(enclosure.radius)] for c in enclosure.centre[pos:pos + ki]])
        pos += ki
    return out
