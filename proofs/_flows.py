"""Integrated gradient flows shared by the checks of Section 3 (computed once per process).

Two tolerances, never one: the integrator *stops* when ``||grad L||`` falls
below :data:`STOP_TOL`; the limit is *accepted* as critical only if the
gradient, recomputed in :data:`CRITICAL_DPS`-digit balls at the exact final
state, is certainly below :data:`CRITICAL_TOL`.  Loosening the first makes
the flows stop early and fail the second.  Both are read when a check runs
(not when this module is imported), and every evidence text is built from
the values that ran: the tolerances the parts used and the gradient norms
they reached.  No float tolerance decides a bound: ``T`` of Lemma 3.5 is the
upper end of a ball of ``g(L(w0))``, (3.8) is decided in balls (exactly where
the balls cannot), and the flows' work is bounded (:data:`MAX_FLOW_STEPS`,
:data:`MAX_FLOW_SECONDS`): a broken field fails a check, it never hangs it.
"""

from fractions import Fraction
from functools import lru_cache
import random
import hashlib
import math
import os
import time

import mpmath

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.filters import final_filter
from lcnsym.checking.evidence import Evidence, run_in_turn
from lcnsym.dynamics.bounds import balancedness, g_bound_ball, tau
from lcnsym.dynamics.data import random_problem, validate_data
from lcnsym.dynamics.engines import DEFAULT_ENGINE, FlowProblem, taylor
from lcnsym.dynamics.engines._compiled import jets_arithmetic, jets_status
from lcnsym.checking.cache import default_cache, library_fingerprint
from lcnsym.dynamics.flow import Trajectory, gradient_flow
from lcnsym.dynamics.losses import example_losses, parse_loss
from lcnsym.dynamics.risk import _gradient, empirical_risk, empirical_risk_ball, predictions
from lcnsym.errors import ConvergenceError, HorizonError, HypothesisFails, LcnsymError, PrecisionError, WorkLimitError
from lcnsym.numeric import (ARB, CHECK_DPS, DEFAULT_DPS, MPFR, MPMATH, ball_bounds, compare, current_bits, dps_to_prec, escalation, exact_value, parse_rational, show,
                            show_tolerance, to_arb, to_float, to_rational, tolerance, working_precision)

DPS = DEFAULT_DPS
STOP_TOL = Fraction(1, 10**20)
"""The integrator's stopping tolerance: a flow stops at the first sample with ``||grad L|| < STOP_TOL``."""
CRITICAL_DPS = CHECK_DPS
CRITICAL_TOL = Fraction(1, 10**18)
"""The acceptance threshold: the limit is critical if ``||grad L||`` at the exact final state is certainly below it."""
MAX_FLOW_STEPS = 100_000
"""The most engine steps one flow of a check may take (the quick flows take a few hundred), per quick horizon
(``T_MAX["quick"]``) of its own (:func:`step_budget`: a flow extended to 5000 converging at rate 0.03 takes 105,000
steps to t = 1500)."""


def step_budget(t_max):
    """The engine steps a check's flow to ``t_max`` may take: :data:`MAX_FLOW_STEPS` per ``T_MAX["quick"]`` units of
    ``t``, at least :data:`MAX_FLOW_STEPS` (its wall time is bounded apart, by :data:`MAX_FLOW_SECONDS`)."""
    return max(MAX_FLOW_STEPS, math.ceil(MAX_FLOW_STEPS * Fraction(t_max) / T_MAX["quick"]))
MAX_FLOW_SECONDS = {"quick": 120, "thorough": 3600}
"""The wall time one flow of a check may take, per profile."""
MIN_FLOWS_PER_LOSS = 1
"""A flow check fails unless every loss it names has at least this many integrated flows."""
DRIFT_DIGITS_LOST = 5
ENERGY_TOL = Fraction(1, 10**8)
LOSSES = tuple(loss.label() for loss in example_losses())
LOCK_WAIT = 600  # seconds a worker waits for another to finish integrating a flow it needs too


def shapes(config):
    base = [((2, 2), (1, 1)), ((2, 2), (2, 1))]
    return base + [((3, 2), (2, 1)), ((3, 3, 2), (1, 2, 1))] if config.thorough else base


THREE_LAYERS = ((2, 2, 2), (1, 1, 1))
"""A three-layer shape for the certified halves of lemmas 3.3 and 3.5: two invariants, so ``delta_2`` is checked on
enclosures too."""


def certified_shapes(config):
    """The shapes whose certified square-loss flows lemmas 3.3 and 3.5 check: the first flow shape and three layers."""
    return [shapes(config)[0], THREE_LAYERS]


def shapes_text(pairs):
    """``k/s, k/s`` of the shapes that ran."""
    return ", ".join(f"{k}/{s}" for k, s in pairs)


def seeds(config):
    return range(config.seed + 1, config.seed + (5 if config.thorough else 2))


T_MAX = {"quick": 200, "thorough": 5000}
"""How long a check's flow may run, per profile; it stops sooner once converged (a thorough flow with rate 0.03 needs
t ~ 1400)."""


def t_max_of(config):
    """:data:`T_MAX` of the config's profile."""
    return T_MAX["thorough" if config.thorough else "quick"]


HORIZON_GROWTH = 5
"""A flow of a check not converged by ``t_max`` is integrated again to ``HORIZON_GROWTH x t_max``, and once more to
``HORIZON_GROWTH^2 x t_max``, before it is called undecided: square flows on (2,2)/(1,1) converge at rate 0.2 (data
seed 3, ``||grad L|| < 1e-20`` at t ~ 225) and 0.03 (seed 7, at t ~ 1500)."""


def horizons(t_max):
    """The horizons a check's flow is tried with, in turn: ``t_max``, ``HORIZON_GROWTH x t_max``, ``HORIZON_GROWTH^2 x
    t_max``."""
    return (t_max, HORIZON_GROWTH * t_max, HORIZON_GROWTH ** 2 * t_max)


def until_converged(run, t_max):
    """``(trajectory, horizon)``: ``run(horizon, scale)`` for each of :func:`horizons` (``scale = horizon / t_max``, by
    which the caller scales its samples and step budget) until one has converged; else the last one's."""
    for horizon in horizons(t_max):
        traj = run(horizon, int(horizon / t_max))
        if traj.converged:
            break
    return traj, horizon


SAMPLES = {"quick": 40, "thorough": 200}
"""Samples per flow of a check (where (3.8), monotonicity and the layer norms are checked), per profile."""


OUTPUT_WIDTH = 2
"""``dN`` of the checks' flows (the certification instance of the quick profile has its own, :data:`CERTIFY`)."""


@lru_cache(maxsize=256)
def problem(k, s, seed, dN=OUTPUT_WIDTH):
    """Random rational data (``m = d0 + 2``, so ``X X^T`` has full rank generically) and a random start."""
    arch = Architecture.for_output_width(k, s, dN=dN)
    data, w0 = random_problem(arch, arch.d0 + 2, seed)
    return arch, data, tuple(tuple(w) for w in w0)


def _stop(stop_tol):
    """The stopping tolerance to use: the given one, else :data:`STOP_TOL` as it is now."""
    return Fraction(STOP_TOL if stop_tol is None else stop_tol)


def flow(loss_text, k, s, seed, t_max, engine=DEFAULT_ENGINE, stop_tol=None, profile="quick", dN=OUTPUT_WIDTH,
         sample_scale=1):
    """The integrated flow, computed once per process whatever way the arguments are given, with ``sample_scale`` times
    the profile's :data:`SAMPLES` sample intervals to ``t_max`` (an extended horizon keeps the spacing).

    Raises
    ------
    ConvergenceError, WorkLimitError
        If the engine's step collapses, or the flow needs more than :func:`step_budget` steps or
        ``MAX_FLOW_SECONDS[profile]`` seconds.
    """
    return _flow(loss_text, tuple(k), tuple(s), seed, t_max, engine, _stop(stop_tol),
                 step_budget(t_max), MAX_FLOW_SECONDS.get(profile, MAX_FLOW_SECONDS["quick"]),
                 SAMPLES.get(profile, SAMPLES["quick"]) * sample_scale, dN)


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
def _flow(loss_text, k, s, seed, t_max, engine, stop_tol, max_steps, max_seconds, samples, dN=OUTPUT_WIDTH):
    def integrate():
        arch, data, w0 = problem(k, s, seed, dN)
        traj = gradient_flow(arch, data, parse_loss(loss_text), [list(w) for w in w0], t_max=t_max, dps=DPS,
                             grad_tol=stop_tol, samples=samples, engine=engine, max_steps=max_steps, max_seconds=max_seconds,
                             on_interrupt="raise")
        return traj.to_json(digits=DPS + 10), traj  # read back to the same binary numbers

    return _made_once(_store(loss_text, k, s, seed, t_max, engine, stop_tol, samples, dN), _load, integrate)


def _made_once(stored, load, make):
    """What the flow store keeps at ``stored``, made by another worker or an earlier run (``load(stored)``; ``None`` if
    damaged), else ``make()``'s ``(text to keep, value)``, kept for them.  A crash releases the lock, so that another
    worker tries (and fails) instead of waiting."""
    if stored is not None and (stored.exists() or not _claim(stored)):
        found = load(stored)
        if found is not None:
            return found
    try:
        text, value = make()
    except BaseException:
        _keep(stored, None)
        raise
    _keep(stored, text)
    return value


def _keep(stored, text):
    """Put ``text`` in the flow store at ``stored`` (whole or not at all: written aside, then renamed) and release the
    lock of whoever made it; ``text=None`` only releases the lock (nothing to keep)."""
    if stored is None:
        return
    try:
        if text is not None:
            stored.parent.mkdir(parents=True, exist_ok=True)
            tmp = stored.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text)
            tmp.replace(stored)
    except OSError:
        pass
    finally:
        stored.with_suffix(".lock").unlink(missing_ok=True)


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
    1e-10 of the drop, since the start of the flow can be stiff (an lp:4 flow whose gradient starts at 4e4 needs
    ``T = 1/256/4^6``).

    Raises
    ------
    PrecisionError
        If the rule does not settle even on the smallest window: undecided, never a counterexample."""
    arch, data, w0 = problem(k, s, seed)
    error, unsettled, window = _windows(arch, data, parse_loss(loss_text), w0, engine)
    if error is not None:
        return error
    raise PrecisionError(f"dL/dt = -||grad L||^2 undecided for the {loss_text} flow on k = {k}, s = {s}, seed {seed}: "
                         f"Simpson's rule on 32 and 64 panels still differ by "
                         f"{show(unsettled, 3)} of the drop on the window [0, {show(window)}]", dps=DPS)


def _windows(arch, data, loss, w0, engine=DEFAULT_ENGINE, scale=1):
    """``(relative defect or None, the rule's spread, window)`` of the energy identity on start windows from ``1/256``
    down by 4 until Simpson's rule settles; ``||grad L||`` multiplied by ``scale`` (the negative control's)."""
    window = Fraction(1, 256)
    for _ in range(ENERGY_WINDOWS):
        fine = gradient_flow(arch, data, loss, [list(w) for w in w0], t_max=window, dps=DPS, samples=64, engine=engine,
                             max_steps=MAX_FLOW_STEPS, max_seconds=MAX_FLOW_SECONDS["quick"], on_interrupt="raise")
        with working_precision(DPS):
            norms = [MPMATH.const(scale) * g if scale != 1 else g for g in fine.grad_norms]
        error, unsettled = _energy_defect(fine.losses, norms, window)
        if error is not None or _ == ENERGY_WINDOWS - 1:
            return error, unsettled, window
        window /= 4


def _energy_defect(losses, grad_norms, window):
    """``(|drop - int ||grad L||^2| / max(|drop|, int), None)`` from 65 equally spaced samples of ``L`` and ``||grad L||`` over
    ``[0, window]`` (Simpson on 64 panels), or ``(None, the rule's own spread)`` where 32 and 64 panels differ by more
    than 1e-10 of the drop."""
    with working_precision(DPS):
        g2 = [n * n for n in grad_norms]
        h = MPMATH.const(window / 64)
        fine_rule, coarse_rule = _simpson(g2, h), _simpson(g2[::2], 2 * h)
        drop = losses[0] - losses[-1]
        scale = max(abs(drop), abs(fine_rule))  # not |drop| alone: a flow whose samples do not move has drop 0
        if scale == 0:
            return scale, None
        if abs(fine_rule - coarse_rule) <= MPMATH.const(Fraction(1, 10**10)) * scale:
            return abs(drop - fine_rule) / scale, None
        return None, abs(fine_rule - coarse_rule) / scale


ENERGY_CONTROL_SCALE = Fraction(99, 70)
"""The energy identity's negative control scales ``||grad L||`` by this (``sqrt 2`` to ``1e-4``: ``||grad L||^2`` doubled)."""


@lru_cache(maxsize=1)
def _energy_control():
    """The negative control of the energy identity: its test on a flow's samples with ``||grad L||`` scaled by
    ``99/70 ~ sqrt 2`` (the field of a flow whose ``grad L`` is doubled, as far as ``dL/dt`` is concerned) must see a relative
    defect near 1, far above :data:`ENERGY_TOL` (a test that compares Simpson's rule with itself would not)."""
    arch, data, w0 = problem((2, 2), (1, 1), 1)
    return _windows(arch, data, parse_loss("square"), w0, scale=ENERGY_CONTROL_SCALE)[0]


ENERGY_WINDOWS = 12
"""Windows tried by :func:`energy_identity`, from ``1/256`` down by 4 each (the last is ``1/256/4^11``, about ``1e-9``)."""


def _critical(arch, data, loss, final):
    """``(verdict, ||grad L||^2 ball)``: whether ``||grad L|| <= CRITICAL_TOL`` at the exact state ``final``, in balls."""
    for dps in escalation(CRITICAL_DPS, 2):
        with working_precision(dps):
            grad = _gradient(arch, [[ARB.const(c) for c in w] for w in final], data, loss, ARB)
            g2 = sum((x * x for layer in grad for x in layer), to_arb(0))
        ok = compare(g2, CRITICAL_TOL * CRITICAL_TOL)
        if ok is not None:
            return ok, g2
    return False, g2  # within the balls' width of the threshold even at twice the digits: not accepted


def _h_holds(arch, data, loss, w):
    """``(verdict, ||WX - Y||_1, h(L) ball)`` for (3.8) at the exact point ``w``: the left side exactly, ``h`` in balls
    at rising precision, then exactly where the loss can (equality at fitted labels)."""
    v = final_filter(arch, w)
    lhs = sum(abs(z - y) for j, zs in enumerate(predictions(arch, v, data)) for z, y in zip(zs, data.column(j)[1]))
    for dps in escalation(DPS, 2):
        with working_precision(dps):
            rhs = loss.h_of(empirical_risk_ball(arch, w, data, loss, dps=dps), arch.dN, data.m, ARB)
        ok = compare(lhs, rhs)
        if ok is not None:
            return ok, lhs, rhs
    ok = loss.h_at_least(empirical_risk(arch, w, data, loss, dps=None), arch.dN, data.m, lhs) if loss.decides_h_exactly else None
    if ok is None:
        top = escalation(DPS, 2)[-1]
        raise PrecisionError(f"(3.8) undecided for the {loss.label()} loss even at {top} digits", dps=top)
    return ok, lhs, rhs


ENGINES_AGREE = {"k": (2, 1), "s": (1, 1), "seed": 1, "loss": "square", "t": Fraction(1, 64)}
"""A short flow integrated by both the Taylor engine and mpmath's ``odefun`` (the reference engine of ``lcnsym flow
--engine odefun``): they must agree to ``10^-(DPS - 5)``."""


@lru_cache(maxsize=1)
def engines_agree():
    """``max |w_taylor - w_odefun|`` at the end of :data:`ENGINES_AGREE`'s flow (mpmath number at :data:`DPS`)."""
    c = ENGINES_AGREE
    arch, data, w0 = problem(c["k"], c["s"], c["seed"])
    ends = [gradient_flow(arch, data, parse_loss(c["loss"]), [list(w) for w in w0], c["t"], dps=DPS, samples=1, engine=engine,
                          on_interrupt="raise").states[-1] for engine in ("taylor", "odefun")]
    with working_precision(DPS):
        return max(abs(a - b) for wa, wb in zip(*ends) for a, b in zip(wa, wb))


CRITICAL_CONTROL = Fraction(1, 10**12)
"""The negative control of the criticality test: ``L(w) = (w - 2)^2`` on one weight at ``w = 2 + 10^-12``, where
``||grad L|| = 2 10^-12``, between the acceptance threshold and what a threshold compared unsquared would let through."""


@lru_cache(maxsize=1)
def _critical_control():
    """Whether the criticality test refuses a point with ``||grad L|| = 2 CRITICAL_CONTROL`` and accepts the exact minimum."""
    arch = Architecture(1, (1,), (1,))
    data = validate_data(arch, [[1]], [[2]])
    loss = parse_loss("square")
    return not _critical(arch, data, loss, [[2 + CRITICAL_CONTROL]])[0] and _critical(arch, data, loss, [[Fraction(2)]])[0]


RISING = ((Fraction(5), Fraction(3), Fraction(7, 2), Fraction(1)), (Fraction(3), Fraction(7, 2), Fraction(2), Fraction(1)),
          (Fraction(5), Fraction(3), Fraction(2), Fraction(5, 2)))
"""Losses that rise between the ends, at the first interval and at the last: the negative controls of
``loss_non_increasing``."""


@lru_cache(maxsize=1)
def _rising_controls():
    controls = []
    for losses in RISING:
        traj = Trajectory("control", DPS)
        with working_precision(DPS):
            traj.losses = [MPMATH.const(x) for x in losses]
        controls.append(traj)
    return controls


def judge(loss_text, k, s, seed, t_max, check_h=False, engine=DEFAULT_ENGINE, stop_tol=None, profile="quick"):
    """``(counterexample or None, figures)`` for one flow: the checks of Theorem 3.4 (and (3.8) with ``check_h``)."""
    stop_tol = _stop(stop_tol)
    arch, data, w0 = problem(k, s, seed)
    loss = parse_loss(loss_text)
    where = {"loss": loss_text, "k": k, "s": s, "seed": seed, "engine": engine}
    try:  # a slow flow gets a longer horizon before it is called undecided, with t_max's sample spacing
        traj, horizon = until_converged(lambda horizon, scale: flow(
            loss_text, k, s, seed, horizon, engine, stop_tol, profile, sample_scale=scale), t_max)
    except (ConvergenceError, WorkLimitError) as exc:  # a broken field: a failure with the numbers, never a hang
        return {**where, "integration failed": f"{type(exc).__name__}: {exc}"}, None
    if not traj.converged:  # a horizon too short says nothing against convergence: undecided, never a counterexample
        raise HorizonError(f"undecided: the {loss_text} flow on k = {k}, s = {s}, seed {seed} ({engine} engine) had not "
                           f"converged by t_max = "
                           f"{show(horizon)} (||grad L|| = {show(traj.grad_norms[-1], 5)}, stopping tolerance "
                           f"{show_tolerance(stop_tol)}); raise t_max", t_max=horizon, grad_norm=show(traj.grad_norms[-1], 5),
                           **where)
    if not traj.loss_non_increasing():
        return {**where, "loss increased": [show(x, 20) for x in traj.losses[:5]]}, None
    for control, losses in zip(_rising_controls(), RISING):  # the test of monotonicity must see a rise anywhere
        if control.loss_non_increasing():
            return {**where, "the monotonicity test accepted a rising loss": [show(x) for x in losses]}, None
    drift = traj.balancedness_drift()
    if to_rational(drift, floats=True) > tolerance(DPS, DRIFT_DIGITS_LOST):
        return {**where, "balancedness drift": show(drift, 5)}, None
    final = [[to_rational(c, floats=True) for c in w] for w in traj.states[-1]]
    critical, g2 = _critical(arch, data, loss, final)  # the limit is a critical point: in balls at the exact final state
    with working_precision(CRITICAL_DPS):
        g = g2.nonnegative_part().sqrt()
    gap = engines_agree()
    if to_rational(gap, floats=True) > tolerance(DPS, DRIFT_DIGITS_LOST):
        return {**where, "the Taylor and odefun engines differ on a short flow by": show(gap, 5), "flow": ENGINES_AGREE}, None
    if not _critical_control():  # the criticality test must refuse a gradient of 2 CRITICAL_CONTROL
        return {**where, f"the criticality test misjudged (w - 2)^2 at w = 2 + {show_tolerance(CRITICAL_CONTROL)} or at w = 2":
                f"accepted below {show_tolerance(CRITICAL_TOL)}"}, None
    if not critical:
        return {**where, f"||grad L|| at the limit ({CRITICAL_DPS} digits)": show(g, 5),
                "accepted below": show_tolerance(CRITICAL_TOL), "integrator stopped below": show_tolerance(stop_tol),
                "integrator's last ||grad L||": show(traj.grad_norms[-1], 5)}, None
    try:  # T = g(L(w0)) of Lemma 3.6: the upper end of its ball (L(w0) exact), no float tolerance
        exact_w0 = [list(w) for w in w0]
        g_ball = g_bound_ball(empirical_risk_ball(arch, exact_w0, data, loss, dps=DPS), loss, data, arch.dN, dps=DPS)
        T = ball_bounds(g_ball)[1]
        bound = tau(T, arch.k_v, balancedness(exact_w0))
    except HypothesisFails as exc:
        return {**where, "hypothesis fails": str(exc)}, None
    # the sampled states' layer norms, exactly: the trajectory's recorded ones must be them
    largest = max(sum((to_rational(c, floats=True) ** 2 for c in layer), Fraction(0)) for state in traj.states for layer in state)
    recorded = to_rational(traj.max_layer_norm_sq(), floats=True)
    if abs(recorded - largest) > tolerance(DPS, DRIFT_DIGITS_LOST) * (1 + largest):
        return {**where, "recorded max ||w^(i)||^2": show(traj.max_layer_norm_sq(), 10),
                "max ||w^(i)||^2 of the sampled states": show(largest, 10)}, None
    if largest > bound:
        return {**where, "max ||w^(i)||^2": show(traj.max_layer_norm_sq(), 10), "tau": show(bound)}, None
    energy, bad = _energy(loss_text, k, s, seed, engine, where)
    if bad is not None:
        return bad, None
    h_slack = None
    if check_h:
        for state in traj.states:  # (3.8) at every sample, read as an exact point
            w = [[to_rational(c, floats=True) for c in layer] for layer in state]
            ok, lhs, rhs = _h_holds(arch, data, loss, w)
            if not ok:
                return {**where, "(3.8) fails: ||WX - Y||_1": show(lhs), "h(L)": show(rhs, 20)}, None
            ratio = to_float(rhs) / to_float(lhs) if lhs else mpmath.inf
            h_slack = ratio if h_slack is None else min(h_slack, ratio)
    with working_precision(DPS):
        gap = mpmath.log10(MPMATH.const(bound) / MPMATH.const(largest))
    return None, {"t": traj.times[-1], "t_max": horizon, "energy": energy, "tau_gap": gap, "h_slack": h_slack, "drift": drift, "g_limit": g,
                  "g_stop": traj.grad_norms[-1]}


JET_ORDER = 16
JET_TOL = Fraction(1, 10**22)
"""The Taylor coefficients ``0..JET_ORDER-1`` of ``-grad L`` along a quadratic path, from the engines' jets at :data:`DPS`
digits, against mpmath's expansion of the library's own gradient (``risk_gradient``) at twice the digits: relative to
the largest coefficient.  The flows integrate these coefficients; the energy identity over a short window sees only the
first few, and the invariants none (any error of ``dL/dv`` keeps them)."""


@lru_cache(maxsize=256)
def jet_defect(loss_text, k, s, seed):
    """``(defect, order)``: the largest ``|jet_k - reference_k| / max_k |reference_k|`` over the field's entries, and the
    order ``k`` where it is, along ``w(t) = w0 + t d1 + t^2 d2`` (``d1``, ``d2`` rational, from the seed)."""
    arch, data, w0 = problem(k, s, seed)
    loss = parse_loss(loss_text)
    rng = random.Random(seed)
    flat = [x for w in w0 for x in w]
    d1, d2 = ([Fraction(rng.randint(-9, 9), 64) for _ in flat] for _ in range(2))  # slow: the series converges on [0, 1]
    with working_precision(DPS, guard=taylor.GUARD):
        tape = taylor._record_field(FlowProblem(arch, data, loss), len(flat))
        path = [[MPFR.const(c) for c in terms] for terms in zip(flat, d1, d2)]
        jets = [[exact_value(c) for c in out] for out in tape.field_series(path, JET_ORDER)]
    memo = {}

    def entry(i):
        def f(t):  # mpmath differentiates at raised precision: a value is reused only at its own
            if (t, current_bits()) not in memo:
                point = iter(MPMATH.const(x) + t * MPMATH.const(a) + t * t * MPMATH.const(b) for x, a, b in zip(flat, d1, d2))
                w = [[next(point) for _ in range(ki)] for ki in arch.k]
                memo[t, current_bits()] = [-g for layer in _gradient(arch, w, data, loss, MPMATH) for g in layer]
            return memo[t, current_bits()][i]
        return f

    with working_precision(2 * DPS):
        # one reference per weight (not per jet returned): a tape that drops an entry is a defect
        return _jet_compare(jets, [mpmath.taylor(entry(i), MPMATH.const(0), JET_ORDER - 1) for i in range(len(flat))])


def _arithmetic_text():
    """What the compiled recurrences computed with at the flows' precision (for the evidence)."""
    bits = dps_to_prec(DPS + taylor.GUARD)
    return ("on their own 128-bit floats: each product to 2^-125 of itself, each sum rounded once" if jets_arithmetic(bits) == "F128"
            else f"on MPFR at {bits} bits")


@lru_cache(maxsize=256)
def compiled_defect(loss_text, k, s, seed):
    """``(defect, order)`` of the recurrences the flows run, compiled in C, against the Python tape's (which
    :func:`jet_defect` holds against mpmath): Taylor coefficients ``0..JET_ORDER`` of the flow through ``w0``, relative to
    each entry's largest; ``None`` where they are not compiled (the flows then run the Python tape itself)."""
    arch, data, w0 = problem(k, s, seed)
    flat = [x for w in w0 for x in w]
    with working_precision(DPS, guard=taylor.GUARD):
        tape = taylor._record_field(FlowProblem(arch, data, parse_loss(loss_text)), len(flat))
        fast = taylor.compiled_coefficients(tape)
        if fast is None:
            return None
        state = [MPFR.const(x) for x in flat]
        compiled = [[exact_value(c) for c in row] for row in fast(state, JET_ORDER)]
        python = [[exact_value(c) for c in row] for row in tape.coefficients(state, JET_ORDER)]
    with working_precision(2 * DPS):
        return _jet_compare(compiled, [[MPMATH.const(c) for c in row] for row in python])


def _jet_compare(jets, references):
    """``(defect, order)``: the largest ``|jet_k - reference_k| / max_k |reference_k|`` over the entries and every order,
    and where; the shorter of a jet and its reference is compared as if the rest were 0 (neither list is cut to the
    other), and a missing entry is a defect of 1."""
    worst, where = MPMATH.const(0), None
    if len(jets) != len(references):
        return MPMATH.const(1), f"{len(jets)} jets against {len(references)} references"
    for jet, reference in zip(jets, references):
        scale = max((abs(c) for c in reference), default=0) or MPMATH.const(1)
        size = max(len(jet), len(reference))
        padded = list(jet) + [0] * (size - len(jet))
        for order, (a, b) in enumerate(zip(padded, list(reference) + [0] * (size - len(reference)))):
            defect = abs(MPMATH.const(a) - b) / scale
            if defect > worst:
                worst, where = defect, order
    return worst, where


def _jet_control():
    """The negative control of the jets' comparison: a reference whose last coefficient moves by ``10^-12`` of the
    largest must be seen (a comparison cut to the first coefficients would not)."""
    with working_precision(2 * DPS):
        reference = [MPMATH.const(Fraction(1, 2 ** k)) for k in range(JET_ORDER)]
        jets = [exact_value(c) for c in reference[:-1]] + [exact_value(reference[-1] + MPMATH.const(Fraction(1, 10**12)))]
        return _jet_compare([jets], [reference])


def _energy(loss_text, k, s, seed, engine, where):
    """``(relative error, counterexample or None)`` of ``dL/dt = -||grad L||^2`` on one (loss, shape, seed), after the
    engines' jets of ``-grad L`` are held against the library's gradient (:func:`jet_defect`)."""
    control, at = _jet_control()
    if to_rational(control, floats=True) <= JET_TOL or at != JET_ORDER - 1:
        return None, {**where, "the jets' comparison missed a last coefficient moved by 1e-12": show(control, 5)}
    jets, order = jet_defect(loss_text, k, s, seed)
    if to_rational(jets, floats=True) > JET_TOL:
        return None, {**where, "the Taylor engine's jets of -grad L differ from mpmath's expansion of risk_gradient "
                      "(relative to the largest coefficient)": show(jets, 5), "at Taylor coefficient": order,
                      "path": "w0 + t d1 + t^2 d2"}
    compiled = compiled_defect(loss_text, k, s, seed)
    if compiled is not None and to_rational(compiled[0], floats=True) > JET_TOL:
        return None, {**where, "the compiled recurrences' Taylor coefficients differ from the Python tape's (relative to "
                      "the largest)": show(compiled[0], 5), "at Taylor coefficient": compiled[1], "at": "w0"}
    try:
        energy = energy_identity(loss_text, k, s, seed, engine)
    except (ConvergenceError, WorkLimitError) as exc:
        return None, {**where, "integration failed (energy window)": f"{type(exc).__name__}: {exc}"}
    if to_rational(energy, floats=True) > ENERGY_TOL:
        return energy, {**where, "dL/dt = -||grad L||^2 fails by (relative)": show(energy, 5)}
    control = _energy_control()
    if control is None or to_rational(control, floats=True) <= ENERGY_TOL:
        return energy, {**where, "the energy test accepted ||grad L||^2 doubled (relative defect)": show(control, 5)}
    return energy, None


ENERGY_ONLY = "energy"
CERTIFY_ONLY = "certify"


def part_kind(part):
    """What a part runs: ``"flow"`` (a whole flow), :data:`ENERGY_ONLY` or :data:`CERTIFY_ONLY`."""
    return "flow" if len(part) == 4 else part[4]


def flow_parts(losses, config):
    """One part per flow: ``(loss, k, s, seed)``; the parts run side by side (``verify --workers``).

    Thorough: every loss on every shape with every seed.  Quick: every loss on
    the first shape, and every other loss (the first, third, ...) on the other
    shapes too, so that both shapes and every loss are covered in seconds; the
    (loss, shape) pairs not integrated to their limit get a part
    ``(loss, k, s, seed, "energy")`` that checks ``dL/dt = -||grad L||^2`` on
    their start window, so the energy identity runs on every loss and shape.
    Every loss of :data:`CERTIFIED_LOSSES` gets a part ``(loss, k, s, seed,
    "certify")`` per seed on the first shape: the certified engine's flow on the
    profile's certification instance (:data:`CERTIFY`) and its convergence
    certificate.
    """
    used = shapes(config)
    out = []
    for i, loss_text in enumerate(losses):
        for j, (k, s) in enumerate(used):
            full = config.thorough or j == 0 or i % 2 == 0
            for seed in seeds(config):
                out.append((loss_text, k, s, seed) if full else (loss_text, k, s, seed, ENERGY_ONLY))
        if loss_text in CERTIFIED_LOSSES.get(config.profile, ()):
            out += [(loss_text, *used[0], seed, CERTIFY_ONLY) for seed in seeds(config)]
    order = {shape: j for j, shape in enumerate(used)}
    rank = {"flow": 0, CERTIFY_ONLY: 1, ENERGY_ONLY: 2}
    # the longest parts first (whole flows on the larger shapes), so that no worker is left with one at the end
    return sorted(out, key=lambda p: (rank[part_kind(p)], -order[(p[1], p[2])]))


def flow_part(config, part, check_h=False, t_max=None, engine=DEFAULT_ENGINE, stop_tol=None):
    """The evidence of one flow: its counterexample, or its figures (as text and floats, so that they cross processes)."""
    loss_text, k, s, seed = part[:4]
    stop_tol = _stop(stop_tol)
    t_max = t_max or t_max_of(config)
    ran = {"part": list(part), "stop_tol": show_tolerance(stop_tol), "critical_tol": show_tolerance(CRITICAL_TOL)}
    if part_kind(part) == CERTIFY_ONLY:
        return _certified_part(config, part, t_max, engine, stop_tol, ran)
    if part_kind(part) == ENERGY_ONLY:
        where = {"loss": loss_text, "k": tuple(k), "s": tuple(s), "seed": seed, "engine": engine}
        energy, bad = _energy(loss_text, tuple(k), tuple(s), seed, engine, where)
        if bad is not None:
            return Evidence(False, "search", f"energy identity at {DPS} digits ({engine} engine)", 1, counterexample=bad)
        with working_precision(DPS):
            return Evidence(True, "search", f"the energy identity on {part}", 1,
                            details={**ran, "figures": {"energy": show(energy, 6)}})
    bad, fig = judge(loss_text, tuple(k), tuple(s), seed, t_max, check_h, engine, stop_tol, config.profile)
    if bad is not None:
        return Evidence(False, "search", f"integrated flows at {DPS} digits ({engine} engine)", 1, counterexample=bad)
    with working_precision(DPS):
        figures = {key: (None if value is None else show(value, 6)) for key, value in fig.items()}
    return Evidence(True, "search", f"the flow {part}", 1, details={**ran, "figures": figures})


def _certified_part(config, part, t_max, engine, stop_tol, ran):
    """The convergence certificate of one flow on the profile's certification instance (:data:`CERTIFY`), held against
    an exact saddle (the certifier's negative control), the integrated flow (its decay) and an independent
    integration (its enclosures); "no certificate" is numerical evidence, never a failure."""
    loss_text, k, s, seed = part[0], tuple(part[1]), tuple(part[2]), part[3]
    dN, t = CERTIFY.get(config.profile, CERTIFY["quick"])
    where = {"loss": loss_text, "k": k, "s": s, "dN": dN, "seed": seed}
    cert = dict(certificate(loss_text, k, s, seed, dN, t))
    control = saddle_control()
    if control.converges:  # a certifier that certifies a saddle certifies nothing
        return Evidence(False, "certified", "the certifier's negative control", 1, counterexample={
            "certified at an exact saddle": control.as_dict(), "saddle": SADDLE_CONTROL})
    cert["saddle control"] = control.failed
    far = krawczyk_control()
    if far.converges or "Krawczyk" not in far.failed:  # the existence half needs its own negative control
        return Evidence(False, "certified", "the certifier's negative control", 1, counterexample={
            "Krawczyk's test at a point far from any critical point": far.as_dict(), "point": KRAWCZYK_CONTROL})
    cert["Krawczyk control"] = far.failed
    if cert["converges"]:
        try:
            traj = flow(loss_text, k, s, seed, t_max, engine, stop_tol, config.profile, dN)
        except (ConvergenceError, WorkLimitError) as exc:
            return Evidence(False, "certified", "the certificate's decay along the integrated flow", 1,
                            counterexample={**where, "integration failed": f"{type(exc).__name__}: {exc}"})
        bad, samples = decay_holds(cert["exact"], traj)
        if bad is not None:
            return Evidence(False, "certified", "the certificate's decay along the integrated flow", 1,
                            counterexample={**where, **bad})
        if samples < MIN_DECAY_SAMPLES:  # a decay held at no sample is no evidence of it
            return Evidence(False, "certified", "a search smaller than its minimum", 1, counterexample={
                **where, "samples of the integrated flow after t_final": samples, "minimum": MIN_DECAY_SAMPLES})
        cert["decay samples"] = samples
    bad, compared = enclosures_hold_reference(loss_text, k, s, seed, dN, t)
    if bad is not None:
        return Evidence(False, "certified", "the certified enclosures against an independent integration", 1,
                        counterexample={**bad, "dN": dN})
    cert["reference samples"] = compared
    return Evidence(True, "certified" if cert["converges"] else "search", f"the certificate of {part}", 1,
                    details={**ran, "certificate": cert, "instance": {"dN": dN, "t": str(t)}})


def enclosures_hold_reference(loss_text, k, s, seed, dN=OUTPUT_WIDTH, t=None):
    """Every enclosure of the certified flow contains the Taylor engine's state at its time, integrated on its own at
    :data:`REFERENCE_DPS` digits (within ``10^-(REFERENCE_DPS - DRIFT_DIGITS_LOST)``): ``(counterexample or None, enclosures
    compared)``, decided in balls.  An engine that undercounts its remainders or spreads balls too slowly fails here."""
    try:
        traj = certified_flow(loss_text, k, s, seed, dN, t)
    except (ConvergenceError, WorkLimitError):
        return None, 0  # no enclosures: nothing claimed, nothing to hold
    arch, data, w0 = problem(k, s, seed, dN)
    ref = gradient_flow(arch, data, parse_loss(loss_text), [list(w) for w in w0], t or CERTIFY_T, dps=REFERENCE_DPS,
                        samples=CERTIFY_SAMPLES, on_interrupt="raise")
    at = {to_rational(t, floats=True): state for t, state in zip(ref.times, ref.states)}
    slack, compared = tolerance(REFERENCE_DPS, DRIFT_DIGITS_LOST), 0
    with working_precision(REFERENCE_DPS):
        for e in traj.enclosures:
            if e.t not in at:
                continue
            compared += 1
            w = [to_rational(x, floats=True) for layer in at[e.t] for x in layer]
            distance = ARB.sqrt(ARB.const(sum((a - exact_value(c)) ** 2 for a, c in zip(w, e.centre))))
            held = compare(distance, ARB.const(exact_value(e.radius)) + ARB.const(slack))
            if held is None:  # undecided is no containment: never a pass
                raise PrecisionError(f"an enclosure against the reference at t = {show(e.t)} is undecided at "
                                     f"{REFERENCE_DPS} digits", dps=REFERENCE_DPS)
            if held is False:
                return {"loss": loss_text, "k": k, "s": s, "seed": seed, "t": show(e.t),
                        "|reference - centre|": show(distance, 10), "enclosure radius": show_upper_text(e.radius),
                        "reference": f"taylor engine at {REFERENCE_DPS} digits, within {show_tolerance(slack)}"}, compared
    if compared < CERTIFY_SAMPLES:
        return {"loss": loss_text, "k": k, "s": s, "seed": seed, "enclosures compared with the reference": compared,
                "minimum": CERTIFY_SAMPLES}, compared
    return None, compared


MIN_DECAY_SAMPLES = 1
"""The fewest samples of the integrated flow after the certificate's time at which its decay must be held."""


def decay_holds(claim, traj):
    """The certificate's ``|w(t) - w*| <= R e^{-c (t - t_final)}`` at every sample of the integrated flow after ``t_final``
    (its states are within ``10^-(DPS - DRIFT_DIGITS_LOST)`` of the flow's): ``(counterexample or None, samples
    compared)``, decided in balls; a certificate with an inflated rate or a shrunk radius fails here."""
    t_final, rate, reach = (parse_rational(claim[key]) for key in ("t_final", "rate", "reach"))
    center = [parse_rational(x) for x in claim["center"]]
    slack = tolerance(DPS, DRIFT_DIGITS_LOST)
    compared = 0
    with working_precision(CRITICAL_DPS):
        for t, state in zip(traj.times, traj.states):
            t = to_rational(t, floats=True)
            if t < t_final:
                continue
            compared += 1
            w = [to_rational(x, floats=True) for layer in state for x in layer]
            distance = ARB.sqrt(ARB.const(sum((a - b) ** 2 for a, b in zip(w, center))))
            bound = ARB.const(reach) * ARB.exp(-ARB.const(rate * (t - t_final))) + ARB.const(slack)
            held = compare(distance, bound)
            if held is None:  # undecided is no decay: never a pass
                raise PrecisionError(f"the certificate's decay at t = {show(t)} is undecided at {CRITICAL_DPS} digits",
                                     dps=CRITICAL_DPS)
            if held is False:
                return {"t": show(t), "|w(t) - w*| (integrated flow)": show(distance, 10),
                        "R e^(-c (t - t_final)) + slack": show(bound, 10), "rate c": show(rate, 10), "R": show(reach, 10),
                        "slack": show_tolerance(slack)}, compared
    return None, compared


CERTIFIED_LOSSES = {profile: ("square", "log-cosh:1", "gen-huber:1,1/2", "pseudo-huber:1", "lp:4")
                    for profile in ("quick", "thorough")}
"""Losses whose flow on the first shape also gets a convergence certificate (a part of its own), per profile.  On
gen-huber:2,-3/2 the certified engine finds no validated step past t ~ 2 at 20 digits (its flows expand, logarithmic
norm 1e3 to 1e6, faster than the balls can follow) and one certificate on a 40-digit retry costs tens of seconds: its
flows keep the numerical evidence, labelled so."""
CERTIFY_DPS, CERTIFY_T = 20, Fraction(4)
CERTIFY_LADDER = escalation(CERTIFY_DPS, 2)
"""The digits a certified flow is tried at, in turn, until its balls follow it and end narrow enough."""
WIDTH_DIGITS_LOST = 10
"""A certified flow's last enclosure is to be narrower than ``10^-(dps - 10)``; wider, it is run at more digits."""
CERTIFY = {"quick": (1, Fraction(5)), "thorough": (OUTPUT_WIDTH, CERTIFY_T)}
"""Where a profile certifies, on its first shape and seeds: ``(dN, t)``, the output width and the certified engine's
horizon.  Thorough: the checks' own flows (``dN = 2``) to ``t = 4``: under 1 s on the square loss, 4-13 s on lp:4,
8-17 s on log-cosh, pseudo-Huber and gen-huber:1,1/2, and 38-77 s where their balls of 20 digits end wider than
``10^-10`` and the flow is run again at 40 (measured on the four seeds, 2026-12-03).
Quick: ``dN = 1`` (``d0 = 3``, ``m = 5``) to ``t = 5``, where every certified loss certifies in 1-3 s (and ``t = 4`` is
too soon for two of them: the Hessian on the ball is not yet positive definite)."""
REFERENCE_DPS = 2 * CERTIFY_DPS
"""Digits of the independent integration the certified enclosures must contain (the Taylor engine, no balls)."""


SADDLE_CONTROL = {"k": (2, 2), "s": (1, 1), "d0": 4, "m": 6, "data seed": 0, "loss": "square"}
"""Where the certifier's negative control starts: an exactly computed saddle (lcnsym critical) of this instance, whose
certificate must be refused."""


@lru_cache(maxsize=1)
def saddle_control():
    """The convergence certificate tried on a certified flow started at an exactly computed saddle (it stays there):
    refused by a working certifier ("not certified positive definite"); its result either way."""
    from lcnsym.dynamics.certificate import certify_flow
    from lcnsym.dynamics.data import random_problem, validate_data
    from lcnsym.exploration.critical import critical_points

    c = SADDLE_CONTROL
    arch = Architecture(c["d0"], c["k"], c["s"])
    data, _ = random_problem(arch, c["m"], c["data seed"])
    saddle = next(p for p in critical_points(arch, data, dps=CRITICAL_DPS).real if p.kind == "saddle")
    w0 = [[exact_value(x.mid()) for x in layer] for layer in saddle.w]
    square = parse_loss(c["loss"])
    traj = gradient_flow(arch, data, square, w0, Fraction(1, 4), dps=CERTIFY_DPS, samples=1, engine="certified",
                         on_interrupt="raise")
    return certify_flow(arch, data, square, w0, traj, dps=CERTIFY_DPS)


KRAWCZYK_CONTROL = {"k": (1, 1), "s": (1, 1), "d0": 1, "X": [[1]], "Y": [[2]], "loss": "square", "centre": "(1/2, 1/2)",
                    "Newton steps": 0}
"""The negative control of Krawczyk's test: ``L = (w_1 w_2 - 2)^2`` at ``(1/2, 1/2)``, where the gradient is ``-3.5 (1, 1)``
and no critical point is within the test's box: refused by Krawczyk's test itself (the saddle control is refused by
the Hessian, after Krawczyk's test has passed)."""


@lru_cache(maxsize=1)
def krawczyk_control():
    """The convergence certificate tried at :data:`KRAWCZYK_CONTROL`'s point with no Newton steps."""
    from lcnsym.dynamics.certificate import certify_convergence
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.certified import ArbTape
    from lcnsym.dynamics.engines.taylor import _record_field

    c = KRAWCZYK_CONTROL
    arch = Architecture(c["d0"], c["k"], c["s"])
    problem_ = FlowProblem(arch, validate_data(arch, c["X"], c["Y"]), parse_loss(c["loss"]))
    with working_precision(CERTIFY_DPS, guard=10):
        tape = _record_field(problem_, sum(arch.k), ArbTape)
    half = Fraction(1, 2)
    return certify_convergence(arch, tape, [half, half], 0, balancedness([[half], [half]]), dps=CERTIFY_DPS, newton=0)


@lru_cache(maxsize=16)
def certificate(loss_text, k, s, seed, dN=OUTPUT_WIDTH, t=None):
    """The certified engine's flow to ``t`` (:data:`CERTIFY_T` by default) and the convergence certificate at its last
    enclosure, as text."""
    t = t or CERTIFY_T
    import json

    def load(stored):
        try:
            return json.loads(stored.read_text())
        except (OSError, ValueError):
            return None

    def make():
        out = _certificate(loss_text, k, s, seed, dN, t)
        return json.dumps(out), out

    return _made_once(_store("certificate v4", loss_text, k, s, seed, t, CERTIFY_DPS, dN), load, make)


def _certificate(loss_text, k, s, seed, dN, t):
    from lcnsym.dynamics.certificate import certify_flow

    arch, data, w0 = problem(k, s, seed, dN)
    w0 = [list(w) for w in w0]
    loss = parse_loss(loss_text)
    try:
        traj = certified_flow(loss_text, k, s, seed, dN, t)
    except (ConvergenceError, WorkLimitError) as exc:
        return {"converges": False, "failed": f"the certified engine stopped: {exc}"}
    cert = certify_flow(arch, data, loss, w0, traj, dps=traj.dps)
    out = cert.as_dict()
    out["enclosure radius"] = show_upper_text(traj.enclosures[-1].radius)
    out["digits"] = traj.dps
    if cert.converges:  # the claim's numbers exactly, for the check of the decay along the integrated flow
        out["exact"] = {"t_final": str(traj.enclosures[-1].t), "rate": str(exact_value(cert.rate)),
                        "reach": str(exact_value(cert.reach)),
                        "center": [str(exact_value(x)) for layer in cert.center for x in layer]}
    return out


CERTIFY_SAMPLES = 8
"""Enclosures of a certified flow kept for the checks (at ``CERTIFY_T / 8, 2 CERTIFY_T / 8, ...``)."""


@lru_cache(maxsize=16)
def certified_flow(loss_text, k, s, seed, dN=OUTPUT_WIDTH, t=None):
    """The certified engine's flow to ``t`` (:data:`CERTIFY_T` by default) with its enclosures, made once for all
    workers (the flow store).

    Raises
    ------
    ConvergenceError, WorkLimitError
        If the certified engine finds no validated step (kept, so it is not tried again).
    """
    import json

    t = t or CERTIFY_T

    def load(stored):
        try:
            return _read_certified(json.loads(stored.read_text()))
        except (ConvergenceError, WorkLimitError):
            raise  # the kept failure: not tried again
        except (OSError, ValueError, KeyError, LcnsymError):
            return None

    def make():
        kept, traj = _integrate_certified(loss_text, tuple(k), tuple(s), seed, dN, t)
        return json.dumps(kept), traj

    traj = _made_once(_store("certified flow v1", loss_text, tuple(k), tuple(s), seed, t, CERTIFY_DPS,
                             CERTIFY_SAMPLES, dN), load, make)
    if isinstance(traj, Exception):
        raise traj
    return traj


def _integrate_certified(loss_text, k, s, seed, dN, t):
    """``(what to keep, trajectory or the error that stopped it)``: at the first of :data:`CERTIFY_LADDER` whose balls
    follow the flow to ``t`` and end narrower than ``10^-(dps - WIDTH_DIGITS_LOST)`` (a flow that expands needs
    narrower balls to start with); the last one's flow is kept whatever its width, which it reports."""
    arch, data, w0 = problem(k, s, seed, dN)
    for dps in CERTIFY_LADDER:
        try:
            traj = gradient_flow(arch, data, parse_loss(loss_text), [list(w) for w in w0], t, dps=dps,
                                 samples=CERTIFY_SAMPLES, engine="certified", max_steps=MAX_FLOW_STEPS,
                                 max_seconds=MAX_FLOW_SECONDS["quick"] * dps // CERTIFY_DPS, on_interrupt="raise")
        except (ConvergenceError, WorkLimitError) as exc:
            failed = exc
            if getattr(exc, "reason", None) != "expansion":
                break
            continue
        if dps != CERTIFY_LADDER[-1] and compare(traj.enclosures[-1].radius, tolerance(dps, WIDTH_DIGITS_LOST)) is not True:
            continue
        return {"trajectory": traj.to_dict(digits=dps + 10),
                "enclosures": [[str(e.t), [str(exact_value(c)) for c in e.centre], str(exact_value(e.radius.upper()))]
                               for e in traj.enclosures]}, traj
    return {"failed": [type(failed).__name__, str(failed)]}, failed


def _read_certified(kept):
    """A certified flow from the flow store: the trajectory, and the enclosures exactly as they were (or re-raise)."""
    from lcnsym.dynamics.engines.certified import Enclosure

    if "failed" in kept:
        kind, message = kept["failed"]
        raise (ConvergenceError if kind == "ConvergenceError" else WorkLimitError)(message)
    traj = Trajectory.from_json(kept["trajectory"])
    traj.enclosures = []
    with working_precision(4 * traj.dps):  # the midpoints' bits fit: read back exactly
        for t, centre, radius in kept["enclosures"]:
            balls = [to_arb(parse_rational(c)) for c in centre]
            spill = max((b.rad() for b in balls), default=0)  # zero; were a midpoint rounded, the radius would cover it
            traj.enclosures.append(Enclosure(parse_rational(t), [b.mid() for b in balls],
                                             (to_arb(parse_rational(radius)) + spill).upper()))
    return traj


def enclosure_layers(arch, enclosure):
    """The balls of one enclosure, one list per layer (every ``w(t)`` of the flow lies in them)."""
    balls, out = enclosure.balls(), []
    for ki in arch.k:
        out.append(balls[:ki])
        balls = balls[ki:]
    return out


def show_upper_text(value):
    from lcnsym.numeric import show_upper

    return show_upper(value)


def flow_combine(config, evidences, statement_scope, check_h=False, t_max=None, engine=DEFAULT_ENGINE, stop_tol=None,
                 losses=None):
    """The evidence of a flow check from its flows, its text built from what ran (tolerances, norms, pairs).

    ``losses``: the losses the check names; each needs :data:`MIN_FLOWS_PER_LOSS` integrated flows and the energy
    identity on every shape of the profile, or the check fails saying so.
    """
    t_max = t_max or t_max_of(config)
    for e in evidences:
        if not e.passed:
            return Evidence(False, e.kind, e.scope, len(evidences), counterexample=e.counterexample)
    kinds = [part_kind(e.details["part"]) if e.details.get("part") else None for e in evidences]
    flows_ev = [e for e, kind in zip(evidences, kinds) if kind == "flow"]
    energy_ev = [e for e, kind in zip(evidences, kinds) if kind == ENERGY_ONLY]
    certified = [(e.details["part"], e.details["instance"], e.details["certificate"])
                 for e, kind in zip(evidences, kinds) if kind == CERTIFY_ONLY]
    count = len(flows_ev)
    ran, energy_pairs = {}, {}
    for e in flows_ev:
        loss_text, k, s, _ = e.details["part"]
        ran.setdefault(loss_text, set()).add(f"{tuple(k)}/{tuple(s)}")
        energy_pairs.setdefault(loss_text, set()).add(f"{tuple(k)}/{tuple(s)}")
    for e in energy_ev:
        loss_text, k, s = e.details["part"][:3]
        energy_pairs.setdefault(loss_text, set()).add(f"{tuple(k)}/{tuple(s)}")
    wanted_shapes = {f"{tuple(k)}/{tuple(s)}" for k, s in shapes(config)}
    short = [f"{loss}: {len(ran.get(loss, ()))} flow(s), energy identity on {len(energy_pairs.get(loss, ()))} of "
             f"{len(wanted_shapes)} shapes" for loss in (losses or ran)
             if sum(1 for e in flows_ev if e.details["part"][0] == loss) < MIN_FLOWS_PER_LOSS
             or not wanted_shapes <= energy_pairs.get(loss, set())]
    if short or not flows_ev:
        return Evidence(False, "search", f"{count} flows ({statement_scope})", count, counterexample={
            "search too small": short or ["no flow ran"],
            "minimum": f"{MIN_FLOWS_PER_LOSS} integrated flow(s) per loss and the energy identity on every shape "
                       f"({', '.join(sorted(wanted_shapes))})"})
    figures = [e.details["figures"] for e in flows_ev]
    num = lambda key, fs=figures: [to_float(parse_rational(f[key])) for f in fs if f.get(key) is not None]
    energies = num("energy", figures + [e.details["figures"] for e in energy_ev])
    stops = sorted({e.details["stop_tol"] for e in flows_ev})
    accepts = sorted({e.details["critical_tol"] for e in flows_ev})
    margin = (f"latest convergence t = {max(num('t')):.4g}; integrator's last ||grad L|| at most {max(num('g_stop')):.3g}; "
              f"largest certified ||grad L|| at a limit {max(num('g_limit')):.3g}; "
              f"max drift {max(num('drift')):.3g}; energy identity to {max(energies):.3g}; tau above max ||w^(i)||^2 by "
              f"10^{min(num('tau_gap')):.4g} at least")
    if check_h:
        margin += f"; smallest h(L) / ||WX - Y||_1 = {min(num('h_slack')):.5g}"
    pairs = "; ".join(f"{loss} on {', '.join(sorted(v))}" for loss, v in ran.items())
    cert_text = "; ".join(
        (f"{part[0]} on {tuple(part[1])}/{tuple(part[2])}, dN = {at['dN']}, seed {part[3]}: converges (certified) to a "
         f"{c['kind']} within {c['radius']}, |w(t) - w*| decaying at rate {c['rate']} (certified engine at "
         f"{c['digits']} digits to t = {at['t']}, enclosure radius {c['enclosure radius']}; the decay bound holds at the {c.get('decay samples')} "
         f"later sample(s) of the integrated flow, and the {c.get('reference samples')} enclosures contain an "
         f"independent {REFERENCE_DPS}-digit integration; the certifier refused an exact saddle: "
         f"{c.get('saddle control')}; and a point far from any critical point: {c.get('Krawczyk control')})") if c["converges"] else
        f"{part[0]} on {tuple(part[1])}/{tuple(part[2])}, dN = {at['dN']}, seed {part[3]}: no certificate "
        f"({c['failed']}); numerical evidence only"
        for part, at, c in certified)
    extra = [f"{loss} on {', '.join(sorted(v - ran.get(loss, set())))}" for loss, v in energy_pairs.items()
             if v - ran.get(loss, set())]
    energy_text = (f"dL/dt = -||grad L||^2 as the drop of L over a start window against Simpson's rule, to "
                   f"{show_tolerance(ENERGY_TOL)} relative, on all {len(flows_ev) + len(energy_ev)} (loss, shape, start)s"
                   + (f" (start window only: {'; '.join(extra)})" if extra else "")
                   + f"; the same test refuses ||grad L|| x {show(ENERGY_CONTROL_SCALE)} (defect {show(_energy_control(), 3)}); before it, the "
                   f"engines' Taylor coefficients 0..{JET_ORDER - 1} of -grad L along a quadratic path held against mpmath's "
                   f"expansion of risk_gradient at {2 * DPS} digits to {show_tolerance(JET_TOL)} of the largest"
                   + (f", and the compiled recurrences the flows ran ({_arithmetic_text()}) held against them (coefficients 0..{JET_ORDER} of "
                      f"the flow at its start, to the same tolerance)" if jets_status() == "compiled" else
                      f" (recurrences {jets_status()}: the flows ran them in Python)"))
    starts = {}  # the random starts that ran, per loss and shape (not the profile's count)
    for e in flows_ev:
        loss_text, k, s, seed = e.details["part"][:4]
        starts.setdefault((loss_text, tuple(k), tuple(s)), set()).add(seed)
    counts = sorted({len(v) for v in starts.values()})
    per = str(counts[0]) if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
    return Evidence(True, "search", f"{count} flows ({statement_scope}: {pairs} (k/s), {per} random start(s) "
                    f"and data each; {DPS} digits, {engine} engine, "
                    f"t_max = {t_max}{_extended(t_max, num('t_max'))}, integrator stopped at ||grad L|| < {', '.join(stops)} (at most "
                    f"{max(num('g_stop')):.3g} reached); limit accepted as critical when ||grad L|| <= {', '.join(accepts)} "
                    f"certified in {CRITICAL_DPS}-digit balls at the exact final state (at most {max(num('g_limit')):.3g}; the same test "
                    f"refuses ||grad L|| = 2 x {show_tolerance(CRITICAL_CONTROL)} and accepts 0 on (w - 2)^2); "
                    f"the odefun engine agrees with the Taylor engine to {show(engines_agree(), 2)} on a short flow; "
                    f"L non-increasing; drift below {show_tolerance(tolerance(DPS, DRIFT_DIGITS_LOST))}; {energy_text}"
                    + ("; (3.8) ||WX - Y||_1 <= h(L) at every sample, decided in balls" if check_h else "") + ")"
                    + (f"; certificates ({len(certified)}): {cert_text}; "
                       f"every other flow: numerical evidence (the figures above)"
                       if certified else "; no flow certified (numerical evidence)"),
                    count, worst_margin=margin, details={"engine": engine, "flows": count, "energy checks": len(energy_ev),
                                                         "stop_tol": stops, "critical_tol": accepts})


def _extended(t_max, used):
    """What the text says of the flows whose horizon was extended (:func:`horizons`), from the horizons they ran with."""
    longer = [h for h in used if h > t_max]
    return f" (extended to {max(longer):g} for {len(longer)} flow(s) not converged by then)" if longer else ""


def flow_evidence(losses, config, statement_scope, check_h=False, t_max=None, engine=DEFAULT_ENGINE, stop_tol=None):
    """The evidence of a flow check over ``losses`` x shapes x seeds, run one flow after another."""
    options = dict(check_h=check_h, t_max=t_max, engine=engine, stop_tol=stop_tol)
    return run_in_turn(flow_parts(losses, config), lambda part: flow_part(config, part, **options),
                       lambda evidences: flow_combine(config, evidences, statement_scope, losses=losses, **options))
