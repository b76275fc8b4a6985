"""Integrated gradient flows shared by the checks of Section 3 (computed once per process).

Two tolerances, never one: the flow *stops* when ``||grad L||`` falls below
:data:`STOP_TOL`; the limit is *accepted* as critical only if the gradient,
recomputed at :data:`CRITICAL_DPS` digits from the final state, is below
:data:`CRITICAL_TOL`.  Every evidence text is built from the values that ran.
"""

from fractions import Fraction
from functools import lru_cache
import hashlib
import os
import time

import mpmath

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.filters import final_filter
from lcnsym.checking.evidence import Evidence
from lcnsym.dynamics.bounds import balancedness, g_bound, tau
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.engines import DEFAULT_ENGINE
from lcnsym.checking.cache import default_cache, library_fingerprint
from lcnsym.dynamics.flow import Trajectory, gradient_flow
from lcnsym.dynamics.losses import example_losses, parse_loss
from lcnsym.dynamics.risk import predictions, risk_gradient
from lcnsym.errors import HypothesisFails, LcnsymError
from lcnsym.numeric import (CHECK_DPS, DEFAULT_DPS, MPMATH, parse_rational, show, show_tolerance, to_float, to_rational, tolerance,
                            working_precision)

DPS = DEFAULT_DPS
STOP_TOL = Fraction(1, 10**20)
CRITICAL_DPS = CHECK_DPS
CRITICAL_TOL = Fraction(1, 10**18)
DRIFT_DIGITS_LOST = 5
ENERGY_TOL = Fraction(1, 10**8)
LOSSES = tuple(loss.label() for loss in example_losses())
LOCK_WAIT = 600  # seconds a worker waits for another to finish integrating a flow it needs too


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


def flow(loss_text, k, s, seed, t_max, engine=DEFAULT_ENGINE, stop_tol=STOP_TOL):
    """The integrated flow, computed once per process whatever way the arguments are given."""
    return _flow(loss_text, tuple(k), tuple(s), seed, t_max, engine, Fraction(stop_tol))


def _load(stored):
    try:
        return Trajectory.from_json(stored.read_text())
    except (LcnsymError, OSError):
        return None  # a damaged or vanished entry is integrated again


def _claim(stored, wait=LOCK_WAIT):
    """``True`` if this process is to integrate the flow; else wait for the worker that is integrating it."""
    lock = stored.with_suffix(".lock")
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL))
        return True
    except FileExistsError:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and lock.exists() and not stored.exists():
            time.sleep(0.05)
        return not stored.exists()
    except OSError:
        return True


@lru_cache(maxsize=256)
def _flow(loss_text, k, s, seed, t_max, engine, stop_tol):
    stored = _store(loss_text, k, s, seed, t_max, engine, stop_tol)
    if stored is not None and (stored.exists() or not _claim(stored)):  # integrated by another worker, or an earlier run
        found = _load(stored)
        if found is not None:
            return found
    arch, data, w0 = problem(k, s, seed)
    traj = gradient_flow(arch, data, parse_loss(loss_text), [list(w) for w in w0], t_max=t_max, dps=DPS,
                         grad_tol=stop_tol, samples=40, engine=engine)
    if stored is not None and not traj.interrupted:
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            tmp = stored.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(traj.to_json(digits=DPS + 10))  # read back to the same binary numbers
            tmp.replace(stored)
        except OSError:
            pass
    if stored is not None:
        stored.with_suffix(".lock").unlink(missing_ok=True)
    return traj


def _store(*args):
    """Where a flow is kept for other worker processes and later runs: the result cache's folder, keyed by content."""
    cache = default_cache()
    if cache is None:
        return None
    key = hashlib.sha256(repr((library_fingerprint(), DPS, args)).encode()).hexdigest()
    return cache.folder / "flows" / f"{key}.json"


def _simpson(values, h):
    return h / 3 * (values[0] + values[-1] + 4 * mpmath.fsum(values[1:-1:2]) + 2 * mpmath.fsum(values[2:-1:2]))


@lru_cache(maxsize=256)
def energy_identity(loss_text, k, s, seed, engine=DEFAULT_ENGINE):
    """``L(0) - L(T) = int_0^T ||grad L||^2 dt`` (that is ``dL/dt = -||grad L||^2``), relative to the drop.

    Simpson's rule on 64 panels; the window ``T`` shrinks (from 1/256, by 4) until 32 and 64 panels agree to
    1e-10 of the drop, since the start of the flow can be stiff."""
    arch, data, w0 = problem(k, s, seed)
    loss = parse_loss(loss_text)
    window = Fraction(1, 256)
    for _ in range(6):
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


def flow_parts(losses, config):
    """One part per flow: ``(loss, k, s, seed)``; the parts run side by side (``verify --workers``).

    Thorough: every loss on every shape with every seed.  Quick: every loss on
    the first shape, and every other loss (the first, third, ...) on the other
    shapes too, so that both shapes and every loss are covered in seconds.
    """
    used = shapes(config)
    return [(loss_text, k, s, seed) for i, loss_text in enumerate(losses)
            for j, (k, s) in enumerate(used) if config.thorough or j == 0 or i % 2 == 0 for seed in seeds(config)]


def flow_part(config, part, check_h=False, t_max=None, engine=DEFAULT_ENGINE, stop_tol=STOP_TOL):
    """The evidence of one flow: its counterexample, or its figures (as text and floats, so that they cross processes)."""
    loss_text, k, s, seed = part
    t_max = t_max or t_max_of(config)
    bad, fig = judge(loss_text, k, s, seed, t_max, check_h, engine, stop_tol)
    if bad is not None:
        return Evidence(False, "search", f"integrated flows at {DPS} digits ({engine} engine)", 1, counterexample=bad)
    with working_precision(DPS):
        figures = {key: (None if value is None else show(value, 6)) for key, value in fig.items()}
    return Evidence(True, "search", f"the flow {part}", 1, details={"figures": figures, "part": list(part)})


def flow_combine(config, evidences, statement_scope, check_h=False, t_max=None, engine=DEFAULT_ENGINE, stop_tol=STOP_TOL):
    """The evidence of a flow check from its flows, its text built from what ran."""
    t_max = t_max or t_max_of(config)
    count = sum(e.instances for e in evidences)
    for e in evidences:
        if not e.passed:
            return Evidence(False, e.kind, e.scope, count, counterexample=e.counterexample)
    figures = [e.details["figures"] for e in evidences]
    num = lambda key: [to_float(parse_rational(f[key])) for f in figures if f.get(key) is not None]
    margin = (f"latest convergence t = {max(num('t')):.4g}; largest ||grad L|| at a limit {max(num('g_limit')):.3g}; "
              f"max drift {max(num('drift')):.3g}; energy identity to {max(num('energy')):.3g}; tau above max ||w^(i)||^2 by "
              f"10^{min(num('tau_gap')):.4g} at least")
    if check_h:
        margin += f"; smallest h(L) / ||WX - Y||_1 = {min(num('h_slack')):.5g}"
    ran = {}
    for e in evidences:  # the scope of a part is "the flow (loss, k, s, seed)"
        loss_text, k, s, _ = e.details.get("part") or (None, None, None, None)
        ran.setdefault(loss_text, []).append(f"{k}/{s}")
    pairs = "; ".join(f"{loss} on {', '.join(sorted(set(v)))}" for loss, v in ran.items())
    return Evidence(True, "search", f"{count} flows ({statement_scope}: {pairs} (k/s), {len(seeds(config))} random start(s) "
                    f"and data each; {DPS} digits, {engine} engine, "
                    f"t_max = {t_max}, stopped at ||grad L|| < {show_tolerance(stop_tol)}; limit accepted as critical when "
                    f"||grad L|| <= {show_tolerance(CRITICAL_TOL)} recomputed at {CRITICAL_DPS} digits; L non-increasing; "
                    f"drift below {show_tolerance(tolerance(DPS, DRIFT_DIGITS_LOST))}; dL/dt = -||grad L||^2 on every flow as the drop "
                    f"of L over a start window against Simpson's rule, to {show_tolerance(ENERGY_TOL)} relative)",
                    count, worst_margin=margin, details={"engine": engine, "flows": count})


def flow_evidence(losses, config, statement_scope, check_h=False, t_max=None, engine=DEFAULT_ENGINE, stop_tol=STOP_TOL):
    """The evidence of a flow check over ``losses`` x shapes x seeds, run one flow after another."""
    options = dict(check_h=check_h, t_max=t_max, engine=engine, stop_tol=stop_tol)
    evidences = []
    for part in flow_parts(losses, config):
        evidences.append(flow_part(config, part, **options))
        if not evidences[-1].passed:
            break
    return flow_combine(config, evidences, statement_scope, **options)
