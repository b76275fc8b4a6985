"""The gradient flow ``dw/dt = -grad L(w)`` (eq. 1.7 / 3.1) in arbitrary precision.

:func:`gradient_flow` runs one of the engines of :mod:`lcnsym.dynamics.engines`
(``taylor``, the default, or ``odefun``, the slow reference) and returns a
:class:`Trajectory`: samples of the state, the loss, the gradient norm, the
balancedness invariants ``delta_i = ||w^(i+1)||^2 - ||w^(i)||^2`` (Lemma 3.3)
and the layer norms, every number an mpmath number at the run's precision.
It stops at ``t_max`` or when the gradient norm falls below a tolerance;
Ctrl-C returns the partial trajectory.
"""

from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from lcnsym.algebra.filters import validate_filters
from lcnsym.dynamics.bounds import balancedness
from lcnsym.dynamics.engines import DEFAULT_ENGINE, MAX_STEPS, FlowProblem, get_engine
from lcnsym.dynamics.risk import _gradient, _risk
from lcnsym.errors import InputError, NumberError
from lcnsym.numeric import DEFAULT_DPS, MPMATH, abbreviate, check_dps, show, to_rational, tolerance, working_precision

__all__ = ["Trajectory", "gradient_flow", "MAX_SAMPLES"]

MAX_SAMPLES = 100_000
"""The most sample times a run records."""


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

    def __repr__(self):
        if not self.times:
            return f"Trajectory({self.engine}, {self.dps} digits, no samples)"
        return (f"Trajectory({self.engine}, {self.dps} digits, {len(self.times)} samples, t = 0 -> {show(self.times[-1], 6)}, "
                f"L = {show(self.losses[0], 6)} -> {show(self.losses[-1], 6)}, ||grad L|| = {show(self.grad_norms[-1], 3)}, "
                f"{'converged' if self.converged else 'interrupted' if self.interrupted else 'not converged'})")

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


def _record(traj, problem, t, flat):
    """A sample at the working precision (call inside it): the state as mpmath numbers and what follows from it."""
    arch, data, loss = problem.arch, problem.data, problem.loss
    filters = _split([MPMATH.const(c) for c in flat], arch.k)
    grad = [g for layer in _gradient(arch, filters, data, loss, MPMATH) for g in layer]
    traj.times.append(MPMATH.const(t))
    traj.states.append(filters)
    traj.losses.append(_risk(arch, filters, data, loss, MPMATH))
    traj.grad_norms.append(mpmath.sqrt(mpmath.fsum(g * g for g in grad)))
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


def gradient_flow(arch, data, loss, w0, t_max, *, dps=DEFAULT_DPS, grad_tol=None, samples=40, engine=DEFAULT_ENGINE,
                  progress=None, max_steps=MAX_STEPS):
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
        Number of equally spaced sample times (at most :data:`MAX_SAMPLES`).
    engine : str
        An engine of :mod:`lcnsym.dynamics.engines` (``taylor``, ``odefun``).
    progress : callable, optional
        Called with ``(t, t_max)`` after every sample.
    max_steps : int
        The most steps the engine may take.

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
        If the integrator fails or needs more than ``max_steps`` steps.

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
    traj = Trajectory(runner.name, dps)
    times = [t_end * n / samples for n in range(1, samples + 1)]
    with working_precision(dps):
        tol_mp = None if tol is None else MPMATH.const(tol)

        def on_sample(t, state):
            _record(traj, problem, t, state)
            if progress:
                progress(t, t_end)
            traj.converged = tol_mp is not None and traj.grad_norms[-1] < tol_mp
            return traj.converged

        _record(traj, problem, Fraction(0), flat0)
        try:
            if tol_mp is not None and traj.grad_norms[-1] < tol_mp:
                traj.converged = True
            else:
                runner.integrate(problem, flat0, times, on_sample, dps=dps, max_steps=max_steps)
        except KeyboardInterrupt as exc:
            traj.interrupted = True
            if getattr(exc, "state", None) is not None and MPMATH.const(exc.t) > traj.times[-1]:
                _record(traj, problem, exc.t, exc.state)  # the engine's last computed state, past the last sample
            traj.message = f"interrupted at t = {show(traj.times[-1], 6)}; the trajectory so far is returned"
    if not traj.message:
        traj.message = ("converged: gradient norm below the tolerance" if traj.converged
                        else f"not converged by t = {show(traj.times[-1], 6)}")
    return traj
