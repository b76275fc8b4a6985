"""Integrated gradient flows shared by the checks of Section 3 (computed once per process).

Two tolerances, never one: the flow *stops* when ``||grad L||`` falls below
:data:`STOP_TOL`; the limit is *accepted* as critical only if the gradient,
recomputed at :data:`CRITICAL_DPS` digits from the final state, is below
:data:`CRITICAL_TOL`.  Every evidence text is built from the values that ran.
"""

from fractions import Fraction
from functools import lru_cache

import mpmath

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.filters import final_filter
from lcnsym.checking.evidence import Evidence
from lcnsym.dynamics.bounds import balancedness, g_bound, tau
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.engines import DEFAULT_ENGINE
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import example_losses, parse_loss
from lcnsym.dynamics.risk import predictions, risk_gradient
from lcnsym.errors import HypothesisFails
from lcnsym.numeric import CHECK_DPS, DEFAULT_DPS, MPMATH, show, show_tolerance, to_rational, tolerance, working_precision

DPS = DEFAULT_DPS
STOP_TOL = Fraction(1, 10**20)
CRITICAL_DPS = CHECK_DPS
CRITICAL_TOL = Fraction(1, 10**18)
DRIFT_DIGITS_LOST = 5
ENERGY_TOL = Fraction(1, 10**8)
LOSSES = tuple(loss.label() for loss in example_losses())


def shapes(config):
    base = [((2, 2), (1, 1)), ((2, 2), (2, 1))]
    return base + [((3, 2), (2, 1)), ((3, 3, 2), (1, 2, 1))] if config.thorough else base


def seeds(config):
    return range(config.seed + 1, config.seed + (5 if config.thorough else 2))


def t_max_of(config):
    return 1000 if config.thorough else 200


@lru_cache(maxsize=256)
def problem(k, s, seed):
    """Random rational data (``m = d0 + 2``, so ``X X^T`` has full rank generically) and a random start."""
    arch = Architecture.for_output_width(k, s, dN=2)
    data, w0 = random_problem(arch, arch.d0 + 2, seed)
    return arch, data, tuple(tuple(w) for w in w0)


@lru_cache(maxsize=256)
def flow(loss_text, k, s, seed, t_max, engine=DEFAULT_ENGINE, stop_tol=STOP_TOL):
    arch, data, w0 = problem(k, s, seed)
    return gradient_flow(arch, data, parse_loss(loss_text), [list(w) for w in w0], t_max=t_max, dps=DPS,
                         grad_tol=stop_tol, samples=40, engine=engine)


def _simpson(values, h):
    return h / 3 * (values[0] + values[-1] + 4 * mpmath.fsum(values[1:-1:2]) + 2 * mpmath.fsum(values[2:-1:2]))


@lru_cache(maxsize=256)
def energy_identity(loss_text, k, s, seed, engine=DEFAULT_ENGINE):
    """``L(0) - L(T) = int_0^T ||grad L||^2 dt`` (that is ``dL/dt = -||grad L||^2``), relative to the drop.

    Simpson's rule on 64 panels; the window ``T`` shrinks (from 1/16, by 4) until 32 and 64 panels agree to
    1e-10 of the drop, since the start of the flow can be stiff."""
    arch, data, w0 = problem(k, s, seed)
    loss = parse_loss(loss_text)
    window = Fraction(1, 16)
    for _ in range(8):
        fine = gradient_flow(arch, data, loss, [list(w) for w in w0], t_max=window, dps=DPS, samples=64, engine=engine)
        with working_precision(DPS):
            g2 = [n * n for n in fine.grad_norms]
            h = MPMATH.const(window / 64)
            fine_rule, coarse_rule = _simpson(g2, h), _simpson(g2[::2], 2 * h)
            drop = fine.losses[0] - fine.losses[-1]
            if abs(fine_rule - coarse_rule) <= MPMATH.const(Fraction(1, 10**10)) * abs(drop):
                return abs(drop - fine_rule) / abs(drop)
        window /= 4
    return MPMATH.const(1)  # never resolved: reported as a failure


def judge(loss_text, k, s, seed, t_max, check_h=False, engine=DEFAULT_ENGINE, stop_tol=STOP_TOL):
    """``(counterexample or None, figures)`` for one flow: the checks of Theorem 3.4 (and (3.8) with ``check_h``)."""
    arch, data, w0 = problem(k, s, seed)
    loss = parse_loss(loss_text)
    traj = flow(loss_text, k, s, seed, t_max, engine, stop_tol)
    where = {"loss": loss_text, "k": k, "s": s, "seed": seed, "engine": engine}
    if not traj.converged:
        return {**where, "not converged by t_max": t_max, "||grad L||": show(traj.grad_norms[-1], 5)}, None
    if not traj.loss_non_increasing():
        return {**where, "loss increased": [show(x, 20) for x in traj.losses[:5]]}, None
    drift = traj.balancedness_drift()
    if to_rational(drift, floats=True) > tolerance(DPS, DRIFT_DIGITS_LOST):
        return {**where, "balancedness drift": show(drift, 5)}, None
    final = [[to_rational(c, floats=True) for c in w] for w in traj.states[-1]]
    with working_precision(CRITICAL_DPS):  # the limit is a critical point: recomputed at more digits
        g = mpmath.sqrt(mpmath.fsum(x * x for layer in risk_gradient(arch, final, data, loss, dps=CRITICAL_DPS) for x in layer))
        critical = g <= MPMATH.const(CRITICAL_TOL)
    if not critical:
        return {**where, f"||grad L|| at the limit ({CRITICAL_DPS} digits)": show(g, 5), "accepted below": show(CRITICAL_TOL)}, None
    try:
        T = to_rational(g_bound(traj.losses[0], loss, data, arch.dN, dps=DPS), floats=True) * (1 + tolerance(DPS, 5))
        bound = tau(T, arch.k_v, balancedness([list(w) for w in w0]))
    except HypothesisFails as exc:
        return {**where, "hypothesis fails": str(exc)}, None
    largest = to_rational(traj.max_layer_norm_sq(), floats=True)
    if largest > bound:
        return {**where, "max ||w^(i)||^2": show(traj.max_layer_norm_sq(), 10), "tau": show(bound)}, None
    energy = energy_identity(loss_text, k, s, seed, engine)
    if to_rational(energy, floats=True) > ENERGY_TOL:
        return {**where, "dL/dt = -||grad L||^2 fails by (relative)": show(energy, 5)}, None
    h_slack = None
    if check_h:
        for state, L in zip(traj.states, traj.losses):
            with working_precision(DPS):
                v = final_filter(arch, state, dps=DPS)
                lhs = mpmath.fsum(abs(z - y) for j, zs in enumerate(predictions(arch, v, data, dps=DPS))
                                  for z, y in zip(zs, data.column(j)[1]))
                rhs = loss.h(L, arch.dN, data.m, dps=DPS)
                if lhs > rhs * (1 + MPMATH.const(tolerance(DPS, 5))):
                    return {**where, "(3.8) fails: ||WX - Y||_1": show(lhs, 15), "h(L)": show(rhs, 15)}, None
                ratio = rhs / lhs if lhs else mpmath.inf
                h_slack = ratio if h_slack is None else min(h_slack, ratio)
    with working_precision(DPS):
        gap = mpmath.log10(MPMATH.const(bound) / MPMATH.const(largest))
    return None, {"t": traj.times[-1], "energy": energy, "tau_gap": gap, "h_slack": h_slack, "drift": drift, "g_limit": g}


def flow_evidence(losses, config, statement_scope, check_h=False, t_max=None, engine=DEFAULT_ENGINE, stop_tol=STOP_TOL):
    """The evidence of a flow check over ``losses`` x shapes x seeds, its text built from what ran."""
    t_max = t_max or t_max_of(config)
    count, figures = 0, []
    for loss_text in losses:
        for k, s in shapes(config):
            for seed in seeds(config):
                count += 1
                bad, fig = judge(loss_text, k, s, seed, t_max, check_h, engine, stop_tol)
                if bad is not None:
                    return Evidence(False, "search", f"integrated flows at {DPS} digits ({engine} engine)", count, counterexample=bad)
                figures.append(fig)
    with working_precision(DPS):
        margin = (f"latest convergence t = {show(max(f['t'] for f in figures), 4)}; largest ||grad L|| at a limit "
                  f"{show(max(f['g_limit'] for f in figures), 3)}; max drift {show(max(f['drift'] for f in figures), 3)}; "
                  f"energy identity to {show(max(f['energy'] for f in figures), 3)}; tau above max ||w^(i)||^2 by 10^"
                  f"{show(min(f['tau_gap'] for f in figures), 4)} at least")
        if check_h:
            margin += f"; smallest h(L) / ||WX - Y||_1 = {show(min(f['h_slack'] for f in figures), 5)}"
    used = shapes(config)
    return Evidence(True, "search", f"{count} flows ({statement_scope}; shapes {[k for k, _ in used]} with strides "
                    f"{[s for _, s in used]}, {len(seeds(config))} random start(s) and data each; {DPS} digits, {engine} engine, "
                    f"t_max = {t_max}, stopped at ||grad L|| < {show_tolerance(stop_tol)}; limit accepted as critical when "
                    f"||grad L|| <= {show_tolerance(CRITICAL_TOL)} recomputed at {CRITICAL_DPS} digits; L non-increasing; "
                    f"drift below {show_tolerance(tolerance(DPS, DRIFT_DIGITS_LOST))}; dL/dt = -||grad L||^2 on every flow as the drop "
                    f"of L over a start window against Simpson's rule, to {show_tolerance(ENERGY_TOL)} relative)",
                    count, worst_margin=margin, details={"engine": engine, "flows": count})

