"""lemma-3.3: ``||w^(i)||^2 - ||w^(j)||^2`` is constant along the gradient flow (balancedness)."""

from fractions import Fraction
import random

import flint

from lcnsym.algebra.architecture import Architecture, shapes
from lcnsym.algebra.coefficients import final_filter_recursive
from lcnsym.algebra.filters import symbolic_filters, symbolic_final_filter
from lcnsym.checking.evidence import CheckConfig, Evidence, exact_over
from lcnsym.numeric import CHECK_DPS, show, show_tolerance, show_upper, to_arb, to_fmpq, to_rational, tolerance, working_precision

ID = "lemma-3.3"
STATEMENT = "grad L . (0..w^(i)..-w^(j)..0) = 0, so ||w^(i)||^2 - ||w^(j)||^2 is constant along the flow"
DEPENDS_ON = ()
REFERENCE = "Lemma 3.3, eq. (3.2)"
LIBRARY = ("lcnsym.algebra.filters.symbolic_final_filter", "lcnsym.dynamics.bounds.balancedness")
CLI = "lcnsym filter --k 2,2 --s 1,1"
EVIDENCE = ("exact: the chain-rule identity for every loss and the square-loss polynomial identity, symbolic in w{i}_{j}, "
            "over a grid; certified: the invariants on the enclosures of a certified flow")


def euler_identity(k, s):
    """``sum_j w^(i)_j dv_m/dw^(i)_j == v_m`` for every layer ``i`` (``v`` is linear in each layer): the chain rule then
    gives ``grad_{w^(i)} L . w^(i) = grad_v L . v`` for every ``i`` and every loss."""
    arch = Architecture.for_output_width(k, s)
    ctx, ws = symbolic_filters(arch)
    v = symbolic_final_filter(arch).polys
    gens = ctx.gens()
    offset = 0
    for i, w in enumerate(ws, 1):
        for m, vm in enumerate(v):
            lhs = sum((w[j] * vm.derivative(offset + j) for j in range(len(w))), ctx.from_dict({}))
            if lhs != vm:
                return {"k": k, "s": s, "layer": i, "entry": m + 1, "sum_j w_j dv/dw_j": str(lhs), "v_m": str(vm)}
        offset += len(w)
    return None


FIELD_DPS = 2 * CHECK_DPS
"""Digits at which the Taylor engine's field is held against the exact gradient."""


def square_loss_identity(k, s, seed, sign=-1, gradient=None, field=None, invariants=None, pairs=None):
    """With random rational data, ``grad L . (0..w^(i)..sign*w^(j)..0)`` for the square loss, as an exact polynomial; and,
    at a random rational point, the library's gradient (``risk_gradient``, exact), the Taylor engine's field
    (``-grad L`` at :data:`FIELD_DPS` digits) and ``balancedness`` against the exact derivative and the definition.

    ``gradient``, ``field`` and ``invariants`` stand in for the library's functions (false variants in the tests);
    each layer pair decided is appended to ``pairs`` (the text counts them)."""
    from lcnsym.dynamics.bounds import balancedness
    from lcnsym.dynamics.data import Data
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.taylor import field_at
    from lcnsym.dynamics.losses import example_losses, parse_loss
    from lcnsym.dynamics.risk import risk_gradient

    arch = Architecture.for_output_width(k, s, dN=2)
    rng = random.Random(seed)
    names = [f"w{i}_{j}" for i, ki in enumerate(k, 1) for j in range(1, ki + 1)]
    ctx = flint.fmpq_mpoly_ctx.get(names, "lex")
    gens = ctx.gens()
    it = iter(gens)
    ws = [[next(it) for _ in range(ki)] for ki in k]
    v = final_filter_recursive(ws, s)
    samples = 3
    X = [[Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(samples)] for _ in range(arch.d0)]
    Y = [[Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(samples)] for _ in range(arch.dN)]
    L = ctx.from_dict({})
    for j in range(samples):
        for r in range(arch.dN):
            z = sum((v[m] * to_fmpq(X[r * arch.s_v + m][j]) for m in range(len(v))), ctx.from_dict({}))
            res = z - to_fmpq(Y[r][j])
            L += res * res
    grad = [L.derivative(g) for g in range(len(gens))]
    starts = [sum(k[:i]) for i in range(len(k))]
    for i in range(len(k)):
        for j in range(i + 1, len(k)):
            total = sum((ws[i][a] * grad[starts[i] + a] for a in range(k[i])), ctx.from_dict({}))
            total += sign * sum((ws[j][a] * grad[starts[j] + a] for a in range(k[j])), ctx.from_dict({}))
            if total != 0:
                return {"k": k, "s": s, "pair": (i + 1, j + 1), "grad L . direction": str(total)[:200]}
            if pairs is not None:
                pairs.append((k, s, i + 1, j + 1))
    point = [[Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(ki)] for ki in k]
    flat = [x for w in point for x in w]
    exact = [to_rational(g(*[to_fmpq(x) for x in flat])) for g in grad]
    data, square = Data(tuple(map(tuple, X)), tuple(map(tuple, Y))), parse_loss("square")
    library = [x for layer in (gradient or risk_gradient)(arch, point, data, square, dps=None) for x in layer]
    if library != exact:
        return {"k": k, "s": s, "w": [[str(x) for x in w] for w in point], "risk_gradient": [str(x) for x in library],
                "exact derivative of L": [str(x) for x in exact]}
    where = {"k": k, "s": s, "w": [[str(x) for x in w] for w in point]}
    engine = (field or field_at)(FlowProblem(arch, data, square), point, dps=FIELD_DPS)
    tol = tolerance(FIELD_DPS) * (1 + max(abs(x) for x in exact))
    if any(abs(f + g) > tol for f, g in zip(engine, exact)):
        return {**where, "the Taylor engine's field": [show(x, 20) for x in engine],
                "-exact derivative of L": [str(-x) for x in exact], "tolerance": show_tolerance(tol)}
    # the engine's per-residual route (every loss but the square one): against risk_gradient, exact above, at the
    # same digits; one loss per architecture, in turn
    losses = [other for other in example_losses() if other.quadratic is None]
    loss = losses[sum(k) % len(losses)]
    engine = (field or field_at)(FlowProblem(arch, data, loss), point, dps=FIELD_DPS)
    reference = [to_rational(x, floats=True) for layer in risk_gradient(arch, point, data, loss, dps=FIELD_DPS) for x in layer]
    tol = tolerance(FIELD_DPS) * (1 + max(abs(x) for x in reference))
    if any(abs(f + g) > tol for f, g in zip(engine, reference)):
        return {**where, "loss": loss.label(), "the Taylor engine's field": [show(x, 20) for x in engine],
                f"-risk_gradient at {FIELD_DPS} digits": [show(-g, 20) for g in reference], "tolerance": show_tolerance(tol)}
    norms = [sum(x * x for x in w) for w in point]
    deltas, defined = list((invariants or balancedness)(point)), [b - a for a, b in zip(norms, norms[1:])]
    if deltas != defined:
        return {**where, "balancedness": [str(x) for x in deltas], "||w^(i+1)||^2 - ||w^(i)||^2": [str(x) for x in defined]}
    return None


MIN_ARCHITECTURES = {"quick": 200, "thorough": 1200}
"""The fewest architectures of the chain-rule identity a run may check and still pass."""
MIN_SQUARE = 40
"""The fewest architectures of the square-loss polynomial identity."""
MIN_FLOWS = 2
"""The fewest integrated flows whose drift is measured."""
MIN_ENCLOSURES = 8
"""The fewest enclosures of a certified flow on which the invariants are checked."""


def certified_drift(config, shift=0):
    """Lemma 3.3 on the certified square-loss flow: at every enclosure the ball of each ``delta_i`` over it contains
    ``delta_i(w0)`` (exact), so ``|delta_i(w(t)) - delta_i(w0)|`` is at most the ball's reach, a certified drift.

    ``shift`` adds a constant to the exact values (a false variant: ``delta_i`` changes along the flow).
    Returns ``(counterexample or None, enclosures, certified drift, t_final, radius, digits of the balls)``.
    """
    from lcnsym.dynamics.bounds import balancedness
    from lcnsym.proofs import _flows

    worst, count, widest, t_final, digits = to_arb(0), 0, to_arb(0), None, None
    for k, s in _flows.certified_shapes(config):
        arch, _, w0 = _flows.problem(k, s, config.seed + 1)
        exact = [d + shift for d in balancedness([list(w) for w in w0])]
        traj = _flows.certified_flow("square", k, s, config.seed + 1)
        count += len(traj.enclosures)
        with working_precision(traj.dps):
            for e in traj.enclosures:
                for i, (ball, d) in enumerate(zip(balancedness(_flows.enclosure_layers(arch, e)), exact), 1):
                    if not ball.contains(to_arb(d)):
                        return ({"k": k, "s": s, "t": show(e.t), "i": i, "delta_i(w0) (exact)": show(d),
                                 "delta_i over the enclosure": ball.str(10), "enclosure radius": show_upper(e.radius)},
                                count, None, None, None, traj.dps)
                    worst = max(worst, abs(ball - to_arb(d)).upper())
        last = traj.enclosures[-1]  # the shortest flow's end and the most digits any ran at, for the text
        widest = max(widest, to_arb(last.radius))
        t_final = last.t if t_final is None else min(t_final, last.t)
        digits = traj.dps if digits is None else max(digits, traj.dps)
    return None, count, worst, t_final, widest, digits


def _grid_text(grid):
    """``N..N', k_i<=.., s_i<=..`` of the architectures that ran."""
    return (f"{min(len(k) for k, _ in grid)}<=N<={max(len(k) for k, _ in grid)}, k_i<={max(max(k) for k, _ in grid)}, "
            f"s_i<={max(max(s) for _, s in grid)}")


def check(config=CheckConfig(), sign=-1, shift=0, **variants):
    """Exact identities over a grid, and the invariants on a certified flow's enclosures; ``sign=+1`` (the direction
    ``(..w^(i)..+w^(j)..)``), ``shift != 0`` (invariants that move by ``shift``) and ``variants`` (``gradient``,
    ``field``, ``invariants``: see :func:`square_loss_identity`) are false variants."""
    depth, width = (4, 3) if config.thorough else (3, 3)
    grid = [(k, s) for k, s in shapes(depth, width, 2) if len(k) >= 2]
    euler = exact_over(grid, euler_identity, "chain rule")
    if not euler.passed:
        return euler
    small = [(k, s) for k, s in shapes(3, 2, 2) if len(k) >= 2] + [((3, 2, 3), (2, 1, 2))]
    pairs = []
    square = exact_over(small, lambda k, s: square_loss_identity(k, s, config.seed, sign, pairs=pairs, **variants),
                        "square loss")
    if not square.passed:
        return square
    from lcnsym.proofs import _flows

    drift, flows, limit, flow_shapes = 0, 0, tolerance(_flows.DPS, _flows.DRIFT_DIGITS_LOST), []
    for loss in ("square",):
        for k, s in _flows.shapes(config):
            traj = _flows.flow(loss, k, s, config.seed + 1, _flows.t_max_of(config), profile=config.profile)
            flows += 1
            flow_shapes.append(f"{k}/{s}")
            drift = max(drift, traj.balancedness_drift())
            if to_rational(drift, floats=True) > limit:
                return Evidence(False, "search", "drift along flows", euler.instances + square.instances + flows,
                                counterexample={"loss": loss, "k": k, "s": s, "drift": show(drift, 5)})
    bad, enclosures, certified, t_cert, radius, digits = certified_drift(config, shift)
    if bad is not None:
        return Evidence(False, "certified", "enclosures of a certified flow", euler.instances + square.instances + flows,
                        counterexample=bad)
    ran = {"chain-rule architectures": (euler.instances, MIN_ARCHITECTURES[config.profile]),
           "square-loss architectures": (square.instances, MIN_SQUARE), "flows": (flows, MIN_FLOWS),
           "enclosures": (enclosures, MIN_ENCLOSURES)}
    short = {what: f"ran {got}, minimum {least}" for what, (got, least) in ran.items() if got < least}
    if short:
        return Evidence(False, "exact", "a search smaller than its minimum", euler.instances + square.instances,
                        counterexample={"search too small": short})
    return Evidence(True, "exact",
                    f"{euler.instances} architectures ({_grid_text(grid)}): sum_j w^(i)_j dv/dw^(i)_j = v for "
                    f"every layer (so the identity holds for every loss); {square.instances} architectures "
                    f"({_grid_text(small)}): the square-loss polynomial identity for every pair (i, j) ({len(pairs)} pairs) with random rational "
                    f"data, and at a random rational point the library's gradient (exactly), the Taylor engine's field (to "
                    f"{show_tolerance(tolerance(FIELD_DPS))} (1 + max |dL/dw|) at {FIELD_DPS} digits; for the other "
                    f"losses, one per architecture in turn, against the library's gradient at those digits) and "
                    f"balancedness equal the exact derivative of L and the definition; numerically, along {flows} square-loss flows ({', '.join(flow_shapes)}, k/s) at {_flows.DPS} "
                    f"digits the invariants drift by at most {show(drift, 3)} (< {show_tolerance(limit)}); certified, "
                    f"along the square-loss flows on {_flows.shapes_text(_flows.certified_shapes(config))} to t = "
                    f"{show(t_cert)} (certified engine, at most {digits} digits, {enclosures} enclosures, last radii at most "
                    f"{show_upper(radius)}): every delta_i(w0) lies in the ball of delta_i over every enclosure, so the "
                    f"invariants move by at most {show_upper(certified)} there",
                    euler.instances + square.instances)
