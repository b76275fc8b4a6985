"""Engines that integrate the gradient flow: one interface, one module per engine, found by name.

An engine is a subclass of :class:`Engine` in a module of this package: a
``name`` (``--engine``), a ``summary`` (its help line), and
``integrate(problem, w0, sample_times, on_sample, dps=..., max_steps=..., max_seconds=..., on_step=...)``
that integrates ``dw/dt = -grad L(w)`` from the exact start ``w0`` (flat
Fractions) and calls ``on_sample(t, state)`` at every sample time ``t`` (a
Fraction), with the state as numbers of its own type; ``on_sample`` returns
``True`` to stop.  An engine that steps calls ``on_step(t, steps,
grad_norm_sq)`` after every step (for progress reports; it may not).  An engine never runs unbounded: it raises
:class:`~lcnsym.errors.ConvergenceError` when its step collapses or it needs
more than ``max_steps`` steps, and :class:`~lcnsym.errors.WorkLimitError`
past ``max_seconds`` of wall time.  :func:`lcnsym.dynamics.flow.gradient_flow` is the one
caller; the checks take the engine's name.

Examples
--------
>>> sorted(engine_table())
['certified', 'odefun', 'taylor']
>>> get_engine("taylr")
Traceback (most recent call last):
...
lcnsym.errors.InputError: unknown engine 'taylr' (did you mean 'taylor'?); available: certified, odefun, taylor
"""

from dataclasses import dataclass
import difflib
import importlib
import inspect
import pkgutil

from lcnsym.errors import InputError
from lcnsym.numeric import abbreviate

__all__ = ["Engine", "FlowProblem", "FlowInterrupted", "engine_table", "get_engine", "engine_help", "DEFAULT_ENGINE", "MAX_STEPS",
           "MAX_STEP_SECONDS", "MAX_SECONDS"]

DEFAULT_ENGINE = "taylor"

MAX_STEPS = 1_000_000
"""The most steps an engine takes in one run before it gives up (a broken field must not hang a check)."""

MAX_STEP_SECONDS = 10
"""The longest an engine's single step may be estimated to take before the run is refused (``max_step_seconds``)."""

MAX_SECONDS = None
"""The wall time (seconds) a run may take before the engine gives up (``max_seconds``); ``None``: no limit beyond ``max_steps``."""


@dataclass(frozen=True)
class FlowProblem:
    """What a flow integrates: the architecture, the data (exact) and the loss."""

    arch: object
    data: object
    loss: object


class FlowInterrupted(KeyboardInterrupt):
    """Ctrl-C inside an engine, with the last state it computed: ``t`` (exact) and ``state``."""

    def __init__(self, t, state):
        super().__init__()
        self.t, self.state = t, state


class Engine:
    """The interface of a flow engine (see the module docstring)."""

    name = ""
    summary = ""

    def integrate(self, problem, w0, sample_times, on_sample, *, dps, max_steps=MAX_STEPS, max_step_seconds=MAX_STEP_SECONDS,
                  max_seconds=MAX_SECONDS, stop_below=None, on_step=None):
        """Call ``on_sample(t, state)`` at each sample time until it returns true.  An engine may also call it between
        sample times once the gradient norm is below ``stop_below`` (it need not), and ``on_step(t, steps,
        grad_norm_sq)`` after each of its steps."""
        raise NotImplementedError

    def __repr__(self):
        return f"<engine {self.name}: {self.summary}>"


_TABLE = {}


def engine_table():
    """``{name: Engine instance}`` of every engine module in this package."""
    if not _TABLE:
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            for obj in vars(module).values():
                if inspect.isclass(obj) and issubclass(obj, Engine) and obj is not Engine and obj.__module__ == module.__name__:
                    _TABLE[obj.name] = obj()
    return dict(_TABLE)


def get_engine(name):
    """The engine called ``name``; :class:`InputError` with the closest name otherwise."""
    table = engine_table()
    if isinstance(name, Engine):
        return name
    if name not in table:
        close = difflib.get_close_matches(str(name), table, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"unknown engine {abbreviate(name)}{hint}; available: {', '.join(sorted(table))}", value=name)
    return table[name]


def engine_help():
    """One line per engine for the command line's help."""
    return "; ".join(f"{name}: {e.summary}" for name, e in sorted(engine_table().items()))
