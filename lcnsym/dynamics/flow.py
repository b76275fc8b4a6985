"""The gradient flow ``dw/dt = -grad L(w)`` (eq. 1.7 / 3.1) in arbitrary precision.

:func:`gradient_flow` runs one of the engines of :mod:`lcnsym.dynamics.engines`
(``taylor``, the default, or ``odefun``, the slow reference) and returns a
:class:`Trajectory`: samples of the state, the loss, the gradient norm, the
balancedness invariants ``delta_i = ||w^(i+1)||^2 - ||w^(i)||^2`` (Lemma 3.3)
and the layer norms, every number an mpmath number at the run's precision.
It stops at ``t_max`` or when the gradient norm falls below a tolerance;
Ctrl-C returns the partial trajectory.
"""

from collections import deque
import csv
from dataclasses import dataclass, field
from fractions import Fraction
import io
import json
import math
import time

import gmpy2
import mpmath

from lcnsym.algebra.filters import validate_filters
from lcnsym.dynamics.bounds import balancedness
from lcnsym.dynamics.engines import DEFAULT_ENGINE, MAX_SECONDS, MAX_STEP_SECONDS, MAX_STEPS, FlowProblem, get_engine
from lcnsym.dynamics.risk import _gradient, _risk
from lcnsym.errors import InputError, NumberError, ParseError
from lcnsym.interrupts import ctrl_c_latch
from lcnsym.numeric import (DEFAULT_DPS, MPFR, MPMATH, abbreviate, check_dps, parse_rational, show, to_float, to_rational,
                            tolerance, working_precision)

__all__ = ["Trajectory", "FlowProgress", "gradient_flow", "sample_times", "MAX_SAMPLES", "SPACINGS", "PROGRESS_INTERVAL"]

SPACINGS = ("linear", "log", "auto")
"""How samples are placed: evenly; evenly in log t; or evenly plus a log-spaced start, where the loss changes fastest."""

MAX_SAMPLES = 10_000
"""The most sample times a run records."""

PROGRESS_INTERVAL = 0.25
"""Seconds between two progress reports from the steps between samples (every sample is reported)."""

PACE_WINDOW = 10.0
"""Seconds of recent progress from which the pace (time of the flow per second) and the estimate to ``t_max`` are taken."""


@dataclass(frozen=True)
class FlowProgress:
    """Where a running flow is, as :func:`gradient_flow` hands it to its ``progress`` callable.

    ``t`` and ``t_max`` are the flow's times, ``steps`` the engine's steps so far,
    ``loss`` the risk at the last sample, ``grad_norm`` the gradient norm at the
    latest step (or sample), ``seconds`` the wall time so far and
    ``eta_seconds`` the wall time to ``t_max`` at the pace of the last
    :data:`PACE_WINDOW` seconds (``None`` until a pace is known); a flow that
    converges stops sooner.  Display values only: the trajectory holds the numbers.

    Examples
    --------
    >>> FlowProgress(1.5, 5, 120, 2.0, 3.25, 0.0125, 60.0, 4.7).line()
    't = 1.5/5, L = 3.25, ||grad L|| = 0.0125, 120 steps (60/s), ~4.7 s to t_max'
    """

    t: float
    t_max: float
    steps: int
    seconds: float
    loss: float
    grad_norm: float
    steps_per_second: float
    eta_seconds: float = None

    def line(self):
        """One line for a terminal or a log."""
        eta = "" if self.eta_seconds is None else f", ~{_duration(self.eta_seconds)} to t_max"
        return (f"t = {self.t:.4g}/{self.t_max:.4g}, L = {self.loss:.6g}, ||grad L|| = {self.grad_norm:.3g}, "
                f"{self.steps} steps ({self.steps_per_second:.3g}/s){eta}")


def _duration(seconds):
    if seconds < 100:
        return f"{seconds:.2g} s"
    if seconds < 6000:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


class _Pace:
    """Turns the engine's steps and the samples into throttled :class:`FlowProgress` reports."""

    def __init__(self, report, t_max):
        self.report, self.t_max = report, to_float(t_max)
        self.start = self.last = time.monotonic()
        self.steps, self.t, self.loss, self.grad = 0, 0.0, math.nan, math.nan
        self.recent = deque([(self.start, 0.0)])

    def step(self, t, steps, grad_norm_sq):
        self.steps, self.t = steps, to_float(t)
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL:
            self.grad = math.sqrt(max(to_float(grad_norm_sq), 0.0))
            self._send(now)

    def sample(self, t, loss, grad_norm):
        self.t, self.loss, self.grad = to_float(t), to_float(loss), to_float(grad_norm)
        self._send(time.monotonic())

    def _send(self, now):
        self.last = now
        self.recent.append((now, self.t))
        while len(self.recent) > 2 and now - self.recent[1][0] > PACE_WINDOW:
            self.recent.popleft()
        (w0, t0), elapsed = self.recent[0], now - self.start
        pace = (self.t - t0) / (now - w0) if now > w0 else 0.0
        eta = max(self.t_max - self.t, 0.0) / pace if pace > 0 else None
        self.report(FlowProgress(self.t, self.t_max, self.steps, elapsed, self.loss, self.grad,
                                 self.steps / elapsed if elapsed > 0 else 0.0, eta))


def _split(flat, k):
    out, i = [], 0
    for ki in k:
        out.append(list(flat[i:i + ki]))
        i += ki
    return out


@dataclass
class Trajectory:
    """Samples of a gradient flow; every number is an mpmath number at the run's precision ``dps``."""

    engine: str
    dps: int
    times: list = field(default_factory=list)
    states: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    grad_norms: list = field(default_factory=list)
    invariants: list = field(default_factory=list)
    layer_norms_sq: list = field(default_factory=list)
    converged: bool = False
    interrupted: bool = False
    message: str = ""
    enclosures: list = None  # the certified engine's: lcnsym.dynamics.engines.certified.Enclosure per sample

    def __repr__(self):
        if not self.times:
            return f"Trajectory({self.engine}, {self.dps} digits, no samples)"
        return (f"Trajectory({self.engine}, {self.dps} digits, {len(self.times)} samples, t = 0 -> {show(self.times[-1], 6)}, "
                f"L = {show(self.losses[0], 6)} -> {show(self.losses[-1], 6)}, ||grad L|| = {show(self.grad_norms[-1], 3)}, "
                f"{'converged' if self.converged else 'interrupted' if self.interrupted else 'not converged'})")

    _FIELDS = ("times", "losses", "grad_norms")

    def to_dict(self, digits=None):
        """Every sample (``t``, the state, ``L``, ``||grad L||``, the invariants, the layer norms), numbers as text with
        ``dps`` digits (or ``digits``, more: :meth:`from_json` reads them back at that many digits, so that ``dps + 10``
        keeps the engine's guard digits, where reading at ``dps`` would round them away)."""
        d = digits or self.dps
        samples = [{"t": show(t, d), "w": [[show(c, d) for c in w] for w in state], "L": show(L, d), "grad_norm": show(g, d),
                    "invariants": [show(x, d) for x in inv], "layer_norms_sq": [show(x, d) for x in norms]}
                   for t, state, L, g, inv, norms in zip(self.times, self.states, self.losses, self.grad_norms, self.invariants,
                                                        self.layer_norms_sq)]
        return {"engine": self.engine, "dps": self.dps, "digits": d, "converged": self.converged,
                "interrupted": self.interrupted, "message": self.message, "samples": samples}

    def to_json(self, digits=None):
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(digits), indent=1)

    def to_csv(self):
        """One row per sample: ``t, L, grad_norm, w1_1.., delta_1.., norm_sq_1..`` with ``dps`` digits."""
        data = self.to_dict()["samples"]
        if not data:
            return ""
        names = [f"w{i}_{j}" for i, w in enumerate(data[0]["w"], 1) for j in range(1, len(w) + 1)]
        head = ["t", "L", "grad_norm", *names, *[f"delta_{i}" for i in range(1, len(data[0]["invariants"]) + 1)],
                *[f"norm_sq_{i}" for i in range(1, len(data[0]["layer_norms_sq"]) + 1)]]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(head)
        for s in data:
            writer.writerow([s["t"], s["L"], s["grad_norm"], *[c for w in s["w"] for c in w], *s["invariants"], *s["layer_norms_sq"]])
        return out.getvalue()

    @classmethod
    def from_json(cls, text):
        """A trajectory read back from :meth:`to_json` (numbers as written, at the digits they were written with, at
        least the run's ``dps``).

        Raises
        ------
        ParseError
            If the text is not such a JSON object.
        """
        from lcnsym.parsing import parse_json

        data = parse_json(text, "trajectory") if isinstance(text, str) else text
        try:
            dps = check_dps(int(data["dps"]))
            traj = cls(str(data["engine"]), dps, converged=bool(data["converged"]), interrupted=bool(data["interrupted"]),
                       message=str(data["message"]))
            with working_precision(max(dps, check_dps(int(data.get("digits", dps))))):
                num = lambda x: MPMATH.const(parse_rational(x, "trajectory"))
                for s in data["samples"]:
                    traj.times.append(num(s["t"]))
                    traj.states.append([[num(c) for c in w] for w in s["w"]])
                    traj.losses.append(num(s["L"]))
                    traj.grad_norms.append(num(s["grad_norm"]))
                    traj.invariants.append([num(x) for x in s["invariants"]])
                    traj.layer_norms_sq.append([num(x) for x in s["layer_norms_sq"]])
        except (KeyError, TypeError, ValueError) as exc:
            raise ParseError(f"not a trajectory written by Trajectory.to_json: {abbreviate(str(exc))}") from None
        return traj

    def _repr_html_(self):
        import base64

        from lcnsym.dynamics.plotting import plot_trajectory

        buffer = io.BytesIO()
        fig = plot_trajectory(self, small=True)
        fig.savefig(buffer, format="png", dpi=70)
        image = base64.b64encode(buffer.getvalue()).decode()
        return f"<p>{repr(self)}</p><img src='data:image/png;base64,{image}'/>"

    def balancedness_drift(self):
        """``max_t max_i |delta_i(t) - delta_i(0)|`` (zero in exact arithmetic, Lemma 3.3), at the run's precision."""
        with working_precision(self.dps):
            if len(self.invariants) < 2 or not self.invariants[0]:
                return MPMATH.const(0)
            first = self.invariants[0]
            return max(abs(d - d0) for row in self.invariants for d, d0 in zip(row, first))

    def max_layer_norm_sq(self):
        """``max_t max_i ||w^(i)(t)||^2``."""
        return max(max(row) for row in self.layer_norms_sq)

    def loss_non_increasing(self, lost=8):
        """Whether the sampled losses never increase beyond ``10^-(dps - lost)`` relative (the integration's
        rounding, accumulated over the steps, shows on the plateau after convergence)."""
        with working_precision(self.dps):
            tol = MPMATH.const(tolerance(self.dps, lost))
            return all(b <= a + tol * max(1, abs(a)) for a, b in zip(self.losses, self.losses[1:]))


def _loss_and_gradient(problem, flat, F):
    """``(L, ||grad L||)`` at ``flat`` in the namespace ``F`` (MPFR or MPMATH), as mpmath numbers."""
    arch, data, loss = problem.arch, problem.data, problem.loss
    w = _split([F.const(c) for c in flat], arch.k)
    grad = [g for layer in _gradient(arch, w, data, loss, F) for g in layer]
    values = _risk(arch, w, data, loss, F), sum((g * g for g in grad), F.const(0))
    if F is MPFR and not all(isinstance(x, gmpy2.mpfr) for x in values):
        raise TypeError("the loss does not compute in gmpy2")
    return MPMATH.const(values[0]), mpmath.sqrt(MPMATH.const(values[1]))


class _Sampler:
    """Records the samples of one flow (call inside its working precision): the state as mpmath numbers and what
    follows from it.  ``L`` and ``grad L`` are evaluated in gmpy2 (the same binary numbers as mpmath's, two to three
    times faster), or, from the first sample on which that fails, in mpmath: for a loss written with mpmath's
    functions instead of its namespace's (it runs on the odefun engine)."""

    def __init__(self, problem):
        self.problem, self.namespace = problem, MPFR

    def record(self, traj, t, flat):
        arch = self.problem.arch
        filters = _split([MPMATH.const(c) for c in flat], arch.k)
        if self.namespace is MPFR:
            try:
                loss_value, grad_norm = _loss_and_gradient(self.problem, flat, MPFR)
            except Exception:  # noqa: BLE001 -- the loss uses mpmath's functions: evaluated there (a broken loss raises there)
                self.namespace = MPMATH
        if self.namespace is MPMATH:
            loss_value, grad_norm = _loss_and_gradient(self.problem, flat, MPMATH)
        traj.times.append(MPMATH.const(t))
        traj.states.append(filters)
        traj.losses.append(loss_value)
        traj.grad_norms.append(grad_norm)
        traj.invariants.append(balancedness(filters))
        traj.layer_norms_sq.append([mpmath.fsum(c * c for c in w) for w in filters])


def _positive(value, what, allow_zero=False):
    try:
        q = to_rational(value, what, floats=True)
    except NumberError as exc:
        raise InputError(str(exc), what=what, value=value) from None
    if q < 0 or (q == 0 and not allow_zero):
        raise InputError(f"{what} must be a {'nonnegative' if allow_zero else 'positive'} finite number, got {abbreviate(value)}",
                         what=what, value=value)
    return q


def sample_times(t_max, samples, spacing="linear"):
    """The sample times in ``(0, t_max]``, exactly: ``linear``, ``log`` (six decades below ``t_max``) or ``auto``.

    ``auto`` is the linear grid with a log-spaced start of ``samples // 2`` more
    times below its first point, where the loss changes fastest.

    Examples
    --------
    >>> sample_times(1, 4)
    [Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1, 1)]
    >>> [float(t) for t in sample_times(1, 3, "log")]
    [1e-06, 0.001, 1.0]
    """
    t_max = Fraction(t_max)
    if spacing not in SPACINGS:
        raise InputError(f"spacing must be one of {', '.join(SPACINGS)}, got {abbreviate(spacing)}", value=spacing)
    linear = [t_max * n / samples for n in range(1, samples + 1)]
    if spacing == "linear":
        return linear

    def decades(top, count, span):  # count times from top / 10^span up to top, evenly in log t
        return [top * _tenth_power(Fraction(span * (count - 1 - i), max(count - 1, 1))) for i in range(count)]

    if spacing == "log":
        return decades(t_max, samples, 6)
    start = decades(linear[0], samples // 2 + 1, 4)[:-1]
    return start + linear


def _tenth_power(exponent):
    """``10^(-exponent)`` rounded to 12 digits, as a rational (sample times need not be exact powers of ten)."""
    with working_precision(DEFAULT_DPS):
        return parse_rational(mpmath.nstr(mpmath.power(10, -MPMATH.const(exponent)), 12, min_fixed=-20, max_fixed=20))


def gradient_flow(arch, data, loss, w0, t_max, *, dps=DEFAULT_DPS, grad_tol=None, samples=40, engine=DEFAULT_ENGINE,
                  progress=None, max_steps=MAX_STEPS, spacing="linear", max_step_seconds=MAX_STEP_SECONDS, max_seconds=MAX_SECONDS,
                  on_interrupt="return"):
    """Integrate ``dw/dt = -grad L(w)`` from ``w0`` up to ``t_max``, or until ``||grad L|| < grad_tol``.

    Parameters
    ----------
    arch : Architecture
    data : lcnsym.dynamics.data.Data
    loss : lcnsym.dynamics.losses.Loss
    w0 : sequence of sequences
        The initial filters, read exactly (binary floats by their value).
    t_max : number
        The end of the time interval (> 0), read exactly.
    dps : int
        Working precision in decimal digits; the result does not depend on
        anyone else's precision.
    grad_tol : number, optional
        Stop at the first sample whose gradient norm is below this (``>= 0``, finite).
    samples : int
        Number of sample times (at most :data:`MAX_SAMPLES`).
    spacing : {"linear", "log", "auto"}
        Where the samples lie (:func:`sample_times`).
    engine : str
        An engine of :mod:`lcnsym.dynamics.engines` (``taylor``, ``odefun``).
    progress : callable, optional
        Called with a :class:`FlowProgress` after every sample and, on the stepping engines, at most every
        :data:`PROGRESS_INTERVAL` seconds between samples.
    max_steps : int
        The most steps the engine may take.
    max_step_seconds : float
        Refuse the run (:class:`~lcnsym.errors.WorkLimitError`) if one step is estimated to take longer.
    max_seconds : float, optional
        Give up (:class:`~lcnsym.errors.WorkLimitError`) after this much wall time in the engine.
    on_interrupt : {"return", "raise"}
        On Ctrl-C, return the partial trajectory (for a user watching a flow), or let the
        ``KeyboardInterrupt`` through (for a computation that must not go on with a partial flow, such as a check).

    Returns
    -------
    Trajectory
        ``converged`` is true only if the gradient norm fell below ``grad_tol``;
        on Ctrl-C, the partial trajectory with ``interrupted`` set.

    Raises
    ------
    InputError
        Bad ``t_max``, ``dps``, ``samples``, ``grad_tol`` or engine; filters of
        the wrong shape; a loss the engine cannot run
        (:class:`~lcnsym.errors.LossDefinitionError`).
    ConvergenceError
        If the integrator fails, its step collapses (a field that blows up) or it needs more than ``max_steps`` steps.
    WorkLimitError
        If the engine runs longer than ``max_seconds``.

    Examples
    --------
    >>> from lcnsym.algebra.architecture import Architecture
    >>> from lcnsym.dynamics.losses import parse_loss
    >>> from lcnsym.dynamics.data import validate_data
    >>> arch = Architecture(1, (1, 1), (1, 1))
    >>> data = validate_data(arch, [[1, 2]], [[2, 4]])
    >>> tr = gradient_flow(arch, data, parse_loss("square"), [[1], [1]], t_max=1, dps=20, samples=4)
    >>> tr.losses[-1] < tr.losses[0], tr.balancedness_drift() < 1e-15
    (True, True)

    References
    ----------
    Eqs. (1.7), (3.1); Lemma 3.3.
    """
    dps = check_dps(dps)
    runner = get_engine(engine)
    if on_interrupt not in ("return", "raise"):
        raise InputError(f"on_interrupt must be 'return' or 'raise', got {abbreviate(on_interrupt)}", value=on_interrupt)
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise InputError(f"samples must be a whole number from 1 to {MAX_SAMPLES}, got {abbreviate(samples)}", value=samples)
    t_end = _positive(t_max, "t_max")
    tol = None if grad_tol is None else _positive(grad_tol, "grad_tol", allow_zero=True)
    w0 = validate_filters(arch, w0)
    try:
        flat0 = [to_rational(c, f"filter {i}, entry {j}", floats=True) for i, w in enumerate(w0, 1) for j, c in enumerate(w, 1)]
    except NumberError as exc:
        raise InputError(str(exc), **exc.data) from None
    problem = FlowProblem(arch, data, loss)
    sampler = _Sampler(problem)
    traj = Trajectory(runner.name, dps)
    times = sample_times(t_end, samples, spacing)
    pace = _Pace(progress, t_end) if progress else None
    with working_precision(dps):
        tol_mp = None if tol is None else MPMATH.const(tol)

        def on_sample(t, state):
            sampler.record(traj, t, state)
            if pace:
                pace.sample(t, traj.losses[-1], traj.grad_norms[-1])
            traj.converged = tol_mp is not None and traj.grad_norms[-1] < tol_mp
            return traj.converged

        sampler.record(traj, Fraction(0), flat0)
        if pace:  # the loss is known from the start: a long first sample interval does not show L = nan
            pace.sample(0, traj.losses[-1], traj.grad_norms[-1])
        try:
            if tol_mp is not None and traj.grad_norms[-1] < tol_mp:
                traj.converged = True
            else:
                with ctrl_c_latch() as latch:  # Ctrl-C swallowed inside python-flint still stops the flow, at the next step
                    def on_step(t, steps, grad_norm_sq):
                        latch.check()
                        if pace:
                            pace.step(t, steps, grad_norm_sq)

                    runner.integrate(problem, flat0, times, on_sample, dps=dps, max_steps=max_steps,
                                     max_step_seconds=max_step_seconds, max_seconds=max_seconds, stop_below=tol, on_step=on_step)
                traj.enclosures = getattr(runner, "enclosures", None)
        except KeyboardInterrupt as exc:
            if on_interrupt == "raise":
                raise
            traj.interrupted = True
            if getattr(exc, "state", None) is not None and MPMATH.const(exc.t) > traj.times[-1]:
                sampler.record(traj, exc.t, exc.state)  # the engine's last computed state, past the last sample
            traj.message = f"interrupted at t = {show(traj.times[-1], 6)}; the trajectory so far is returned"
    if not traj.message:
        traj.message = ("converged: gradient norm below the tolerance" if traj.converged
                        else f"not converged by t = {show(traj.times[-1], 6)}")
    return traj
