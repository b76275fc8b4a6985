"""Integrated gradient flows shared by the checks of Section 3 (computed once per process)."""

from fractions import Fraction
from functools import lru_cache
import random

import mpmath

from lcnsym.architecture import Architecture
from lcnsym.bounds import balancedness, g_bound, tau
from lcnsym.errors import HypothesisFails
from lcnsym.filters import final_filter
from lcnsym.flow import gradient_flow
from lcnsym.losses import parse_loss
from lcnsym.risk import empirical_risk, predictions, risk_gradient, validate_data
from lcnsym.roots import mpf_to_fraction

DPS = 30
GRAD_TOL = mpmath.mpf(10) ** -20
LOSSES = ("square", "lp:4", "pseudo-huber:1", "gen-huber:1,1/2", "gen-huber:2,-3/2", "log-cosh:1")


def shapes(config):
    base = [((2, 2), (1, 1)), ((2, 2), (2, 1))]
    return base + [((3, 2), (2, 1)), ((3, 3, 2), (1, 2, 1))] if config.thorough else base


def seeds(config):
    return range(config.seed + 1, config.seed + (5 if config.thorough else 2))


@lru_cache(maxsize=256)
def problem(k, s, seed):
    """Random rational data (``m = d0 + 2``, so ``X X^T`` has full rank generically) and a random start."""
    arch = Architecture.for_output_width(k, s, dN=2)
    rng = random.Random(seed)
    m = arch.d0 + 2
    X = [[Fraction(rng.randint(-8, 8), 4) for _ in range(m)] for _ in range(arch.d0)]
    Y = [[Fraction(rng.randint(-8, 8), 4) for _ in range(m)] for _ in range(arch.dN)]
    w0 = tuple(tuple(Fraction(rng.choice([-1, 1]) * rng.randint(1, 8), 4) for _ in range(ki)) for ki in arch.k)
    return arch, validate_data(arch, X, Y), w0


@lru_cache(maxsize=256)
def flow(loss_text, k, s, seed, t_max):
    arch, data, w0 = problem(k, s, seed)
    return gradient_flow(arch, data, parse_loss(loss_text), [list(w) for w in w0], t_max=t_max, dps=DPS,
                         grad_tol=GRAD_TOL, samples=40)


def _simpson(values, h):
    return h / 3 * (values[0] + values[-1] + 4 * mpmath.fsum(values[1:-1:2]) + 2 * mpmath.fsum(values[2:-1:2]))


@lru_cache(maxsize=256)
def energy_identity(loss_text, k, s, seed):
    arch, data, w0 = problem(k, s, seed)
    return _energy_identity(arch, data, parse_loss(loss_text), w0)


def _energy_identity(arch, data, loss, w0):
    """``L(0) - L(T) = int_0^T ||grad L||^2 dt`` (that is ``dL/dt = -||grad L||^2``), relative to the drop.

    Simpson's rule on 64 panels; the window ``T`` shrinks (from 1/16, by 4) until 32 and 64 panels agree to
    1e-10 of the drop, since the start of the flow can be stiff."""
    window = Fraction(1, 16)
    for _ in range(8):
        fine = gradient_flow(arch, data, loss, [list(w) for w in w0], t_max=window, dps=DPS, samples=64)
        with mpmath.workdps(DPS):
            g2 = [n * n for n in fine.grad_norms]
            h = mpmath.mpf(window.numerator) / window.denominator / 64
            fine_rule, coarse_rule = _simpson(g2, h), _simpson(g2[::2], 2 * h)
            drop = fine.losses[0] - fine.losses[-1]
            if abs(fine_rule - coarse_rule) <= mpmath.mpf(10) ** -10 * abs(drop):
                return abs(drop - fine_rule) / abs(drop)
        window /= 4
    return mpmath.mpf(1)  # never resolved: reported as a failure


def judge(loss_text, k, s, seed, t_max, check_h=False, energy=True):
    """``(counterexample or None, figures)`` for one flow: the checks of Theorem 3.4 (and (3.8) with ``check_h``)."""
    arch, data, w0 = problem(k, s, seed)
    loss = parse_loss(loss_text)
    traj = flow(loss_text, k, s, seed, t_max)
    where = {"loss": loss_text, "k": k, "s": s, "seed": seed}
    if not traj.converged:
        return {**where, "not converged by t_max": t_max, "||grad L||": mpmath.nstr(traj.grad_norms[-1], 5)}, None
    if not traj.loss_non_increasing():
        return {**where, "loss increased": [mpmath.nstr(x, 20) for x in traj.losses[:5]]}, None
    drift = traj.balancedness_drift()
    if drift > mpmath.mpf(10) ** -(DPS - 5):
        return {**where, "balancedness drift": mpmath.nstr(drift, 5)}, None
    with mpmath.workdps(DPS + 20):  # the limit is a critical point, at higher precision
        final = traj.states[-1]
        g = mpmath.sqrt(mpmath.fsum(x * x for layer in risk_gradient(arch, final, data, loss) for x in layer))
    if g > GRAD_TOL:
        return {**where, "||grad L|| at the limit (50 digits)": mpmath.nstr(g, 5)}, None
    try:
        with mpmath.workdps(DPS):
            T = g_bound(traj.losses[0], loss, data, arch.dN) * (1 + mpmath.mpf(10) ** -(DPS - 5))
        bound = tau(mpf_to_fraction(T), arch.k_v, balancedness([list(w) for w in w0]))
    except HypothesisFails as exc:
        return {**where, "hypothesis fails": str(exc)}, None
    largest = traj.max_layer_norm_sq()
    if largest > mpmath.mpf(bound.numerator) / bound.denominator:
        return {**where, "max ||w^(i)||^2": mpmath.nstr(largest, 10), "tau": str(bound)}, None
    energy = energy_identity(loss_text, k, s, seed) if energy else mpmath.mpf(0)
    if energy > mpmath.mpf(10) ** -8:
        return {**where, "dL/dt = -||grad L||^2 fails by (relative)": mpmath.nstr(energy, 5)}, None
    h_slack = mpmath.inf
    if check_h:
        with mpmath.workdps(DPS):
            for state, L in zip(traj.states, traj.losses):
                v = final_filter(arch, state)
                lhs = mpmath.fsum(abs(z - y) for j, zs in enumerate(predictions(arch, v, data))
                                  for z, y in zip(zs, data.column(j, True)[1]))
                rhs = loss.h(L, arch.dN, data.m)
                if lhs > rhs * (1 + mpmath.mpf(10) ** -25):
                    return {**where, "(3.8) fails: ||WX - Y||_1": mpmath.nstr(lhs, 15), "h(L)": mpmath.nstr(rhs, 15)}, None
                h_slack = min(h_slack, rhs / lhs if lhs else mpmath.inf)
    return None, {"t": traj.times[-1], "energy": energy, "tau_gap": mpmath.log10(mpmath.mpf(bound.numerator) / bound.denominator / largest),
                  "h_slack": h_slack, "drift": drift}


def flow_evidence(losses, config, statement_scope, check_h=False, t_max=None):
    """The evidence of a flow check over ``losses`` x shapes x seeds."""
    from lcnsym.evidence import Evidence

    t_max = t_max or (1000 if config.thorough else 200)
    count, figures = 0, []
    for loss_text in losses:
        for k, s in shapes(config):
            for seed in seeds(config):
                count += 1
                # the energy identity tests the integrator: once per loss in the quick profile, everywhere when thorough
                bad, fig = judge(loss_text, k, s, seed, t_max, check_h, config.thorough or (k, s) == shapes(config)[0])
                if bad is not None:
                    return Evidence(False, "search", f"integrated flows at {DPS} digits", count, counterexample=bad)
                figures.append(fig)
    margin = (f"latest convergence t = {mpmath.nstr(max(f['t'] for f in figures), 4)}; max drift "
              f"{mpmath.nstr(max(f['drift'] for f in figures), 3)}; energy identity to "
              f"{mpmath.nstr(max(f['energy'] for f in figures), 3)}; tau above max ||w^(i)||^2 by 10^"
              f"{mpmath.nstr(min(f['tau_gap'] for f in figures), 4)} at least")
    if check_h:
        margin += f"; smallest h(L) / ||WX - Y||_1 = {mpmath.nstr(min(f['h_slack'] for f in figures), 5)}"
    return Evidence(True, "search", f"{count} flows ({statement_scope}; shapes {[k for k, _ in shapes(config)]} "
                    f"with strides {[s for _, s in shapes(config)]}, {len(seeds(config))} random starts and data each; "
                    f"{DPS} digits, Taylor engine, t_max = {t_max}, tolerance ||grad L|| < 1e-20; dL/dt = -||grad L||^2 as "
                    f"the drop of L over a start window against Simpson's rule, to 1e-8 relative"
                    f"{'' if config.thorough else ', on the first shape of each loss'})", count, worst_margin=margin)
