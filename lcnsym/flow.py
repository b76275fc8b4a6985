"""The gradient flow ``dw/dt = -grad L(w)`` (eq. 1.7 / 3.1) in arbitrary precision.

Two engines: ``taylor`` (the default), jet transport in gmpy2 at the working
precision (:mod:`lcnsym.taylor`), and ``mpmath.odefun``, the slow reference
it is compared against.  A run returns a :class:`Trajectory`:
samples of the state, the loss, the gradient norm, the balancedness
invariants ``delta_i = ||w^(i+1)||^2 - ||w^(i)||^2`` (Lemma 3.3) and the
layer norms.  It stops at ``t_max`` or when the gradient norm falls below a
tolerance; Ctrl-C returns the partial trajectory.
"""

from dataclasses import dataclass, field

import mpmath

from lcnsym.bounds import balancedness
from lcnsym.errors import ConvergenceError, InputError
from lcnsym.filters import validate_filters
from lcnsym.risk import empirical_risk, risk_gradient

__all__ = ["Trajectory", "gradient_flow", "ENGINES"]

ENGINES = ("taylor", "odefun")


def _to_mpf(value, what):
    if hasattr(value, "numerator") and hasattr(value, "denominator") and not isinstance(value, float):
        return mpmath.mpf(int(value.numerator)) / int(value.denominator)
    if isinstance(value, (int, float, mpmath.mpf)) and not isinstance(value, bool):
        return mpmath.mpf(value)
    raise InputError(f"{what} must be a real number, got {value!r}")


def _flatten(filters):
    return [c for w in filters for c in w]


def _split(flat, k):
    out, i = [], 0
    for ki in k:
        out.append(list(flat[i:i + ki]))
        i += ki
    return out


@dataclass
class Trajectory:
    """Samples of a gradient flow; every number is an mpmath number at the run's precision."""

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

    def balancedness_drift(self):
        """``max_t max_i |delta_i(t) - delta_i(0)|`` (zero in exact arithmetic, Lemma 3.3)."""
        if len(self.invariants) < 2 or not self.invariants[0]:
            return mpmath.mpf(0)
        first = self.invariants[0]
        with mpmath.workdps(self.dps + 5):  # the run's precision, whatever the caller's
            return +max(abs(d - d0) for row in self.invariants for d, d0 in zip(row, first))

    def max_layer_norm_sq(self):
        """``max_t max_i ||w^(i)(t)||^2``."""
        return max(max(row) for row in self.layer_norms_sq)

    def loss_non_increasing(self):
        """Whether the sampled losses never increase beyond ``10^-(dps-8)`` relative (the integration's rounding,
        accumulated over the steps, shows on the plateau after convergence)."""
        with mpmath.workdps(self.dps + 5):
            tol = mpmath.mpf(10) ** (-(self.dps - 8))
            return all(b <= a + tol * max(1, abs(a)) for a, b in zip(self.losses, self.losses[1:]))


def _record(traj, arch, data, loss, t, flat):
    filters = _split(flat, arch.k)
    grad = _flatten(risk_gradient(arch, filters, data, loss))
    traj.times.append(t)
    traj.states.append(filters)
    traj.losses.append(empirical_risk(arch, filters, data, loss))
    traj.grad_norms.append(mpmath.sqrt(mpmath.fsum(g * g for g in grad)))
    traj.invariants.append(balancedness(filters))
    traj.layer_norms_sq.append([mpmath.fsum(c * c for c in w) for w in filters])


def _sampled(traj, arch, data, loss, t, flat, grad_tol, progress, end):
    """Record a sample; ``True`` when the gradient norm is below the tolerance (the run stops)."""
    _record(traj, arch, data, loss, t, flat)
    if progress:
        progress(t, end)
    traj.converged = grad_tol is not None and traj.grad_norms[-1] < grad_tol
    return traj.converged


def _run_odefun(traj, arch, data, loss, flat0, times, grad_tol, progress):
    def field(t, y):
        return [-g for g in _flatten(risk_gradient(arch, _split(y, arch.k), data, loss))]

    solution = mpmath.odefun(field, 0, flat0)
    for t in times:
        try:
            y = solution(t)
        except (ZeroDivisionError, OverflowError, ValueError) as exc:
            raise ConvergenceError(f"mpmath.odefun failed at t = {mpmath.nstr(t, 6)}: {exc}") from None
        if _sampled(traj, arch, data, loss, t, list(y), grad_tol, progress, times[-1]):
            return


def _run_taylor(traj, arch, data, loss, w0, times, grad_tol, progress, dps):
    from fractions import Fraction

    from lcnsym.roots import mpf_to_fraction
    from lcnsym.taylor import taylor_integrate

    exact = [Fraction(c) if hasattr(c, "numerator") else mpf_to_fraction(mpmath.mpf(c)) for c in _flatten(w0)]
    to_mp = lambda x: mpmath.mpf(x.as_integer_ratio()[0]) / x.as_integer_ratio()[1]

    def on_sample(t, state):
        return _sampled(traj, arch, data, loss, to_mp(t), [to_mp(x) for x in state], grad_tol, progress, times[-1])

    taylor_integrate(arch, data, loss, exact, mpf_to_fraction(times[-1]), dps, [mpf_to_fraction(t) for t in times], on_sample)


def gradient_flow(arch, data, loss, w0, t_max, dps=30, grad_tol=None, samples=40, engine="taylor", progress=None):
    """Integrate ``dw/dt = -grad L(w)`` from ``w0`` up to ``t_max``, or until ``||grad L|| < grad_tol``.

    Parameters
    ----------
    arch : Architecture
    data : lcnsym.risk.Data
    loss : lcnsym.losses.Loss
    w0 : sequence of sequences
        The initial filters.
    t_max : number
        The end of the time interval (> 0).
    dps : int
        Working precision in decimal digits (restored afterwards).
    grad_tol : number, optional
        Stop at the first sample whose gradient norm is below this.
    samples : int
        Number of equally spaced sample times.
    engine : {"taylor", "odefun"}
        Jet transport (:mod:`lcnsym.taylor`), or ``mpmath.odefun`` (the reference).
    progress : callable, optional
        Called with ``(t, t_max)`` after every sample.

    Returns
    -------
    Trajectory
        ``converged`` is true only if the gradient norm fell below ``grad_tol``;
        on Ctrl-C, the partial trajectory with ``interrupted`` set.

    Raises
    ------
    InputError
        Bad ``t_max``, ``dps``, ``samples`` or engine; filters of the wrong shape.
    ConvergenceError
        If the integrator fails.

    Examples
    --------
    >>> from lcnsym.architecture import Architecture
    >>> from lcnsym.losses import square
    >>> from lcnsym.risk import validate_data
    >>> arch = Architecture(1, (1, 1), (1, 1))
    >>> data = validate_data(arch, [[1, 2]], [[2, 4]])
    >>> tr = gradient_flow(arch, data, square(), [[1], [1]], t_max=1, dps=20, samples=4)
    >>> tr.losses[-1] < tr.losses[0], tr.balancedness_drift() < 1e-15
    (True, True)

    References
    ----------
    Eqs. (1.7), (3.1); Lemma 3.3.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; available: {', '.join(ENGINES)}")
    if not (isinstance(dps, int) and 10 <= dps <= 1000):
        raise InputError(f"dps must be a whole number from 10 to 1000, got {dps!r}")
    if not (isinstance(samples, int) and samples >= 1):
        raise InputError(f"samples must be a positive whole number, got {samples!r}")
    w0 = validate_filters(arch, w0)
    traj = Trajectory(engine, dps)
    with mpmath.workdps(dps):
        t_end = _to_mpf(t_max, "t_max")
        if not (mpmath.isfinite(t_end) and t_end > 0):
            raise InputError(f"t_max must be a positive number, got {t_max}")
        flat0 = [_to_mpf(c, "a filter entry") for c in _flatten(w0)]

        _record(traj, arch, data, loss, mpmath.mpf(0), flat0)
        times = [t_end * n / samples for n in range(1, samples + 1)]
        try:
            if grad_tol is not None and traj.grad_norms[-1] < grad_tol:
                traj.converged = True
            elif engine == "taylor":
                _run_taylor(traj, arch, data, loss, w0, times, grad_tol, progress, dps)
            else:
                _run_odefun(traj, arch, data, loss, flat0, times, grad_tol, progress)
        except KeyboardInterrupt:
            traj.interrupted = True
            traj.message = f"interrupted at t = {mpmath.nstr(traj.times[-1], 6)}; the trajectory so far is returned"
    if not traj.message:
        traj.message = ("converged: gradient norm below the tolerance" if traj.converged
                        else f"not converged by t = {mpmath.nstr(traj.times[-1], 6)}")
    return traj
