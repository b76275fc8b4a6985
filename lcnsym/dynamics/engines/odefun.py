"""The reference engine: ``mpmath.odefun`` (a Taylor method of mpmath's own) on the gradient of :mod:`lcnsym.dynamics.risk`."""

import time

from lcnsym.dynamics.engines import Engine
from lcnsym.dynamics.risk import _gradient
from lcnsym.errors import ConvergenceError, WorkLimitError
from lcnsym.numeric import MPMATH, show, working_precision

__all__ = ["OdefunEngine"]


class OdefunEngine(Engine):
    """``mpmath.odefun`` at the working precision: slow, independent of lcnsym's Taylor engine."""

    name = "odefun"
    summary = "mpmath.odefun, the slow reference"

    def integrate(self, problem, w0, sample_times, on_sample, *, dps, max_steps=None, max_step_seconds=None, max_seconds=None,
                  stop_below=None, on_step=None):
        import mpmath  # mpmath.odefun hides its steps: progress comes from the samples only

        arch, data, loss = problem.arch, problem.data, problem.loss
        loss.require("mpmath (the odefun engine)", MPMATH, what=("dphi",))
        with working_precision(dps):
            def field(t, y):
                filters, i = [], 0
                for ki in arch.k:
                    filters.append(list(y[i:i + ki]))
                    i += ki
                return [-g for layer in _gradient(arch, filters, data, loss, MPMATH) for g in layer]

            solution = mpmath.odefun(field, 0, [MPMATH.const(c) for c in w0])
            start = time.monotonic()
            for t in sample_times:
                if max_seconds is not None and time.monotonic() - start > max_seconds:
                    raise WorkLimitError(f"mpmath.odefun ran past the wall-time limit max_seconds = {max_seconds} before "
                                         f"t = {show(t)}; raise it with max_seconds", t=t, limit=max_seconds, dps=dps)
                try:
                    y = solution(MPMATH.const(t))
                except (ZeroDivisionError, OverflowError, ValueError) as exc:
                    raise ConvergenceError(f"mpmath.odefun failed at t = {show(t)}: {exc}", t=t, dps=dps) from None
                if on_sample(t, list(y)):
                    return
