"""Helpers shared by the tests (not tests themselves)."""

from fractions import Fraction
from types import SimpleNamespace

import mpmath

from lcnsym.algebra.architecture import Architecture
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.dynamics.data import random_problem
from lcnsym.numeric import to_mpf, working_precision

def toy_check_module(pid, deps=(), passed=True, raises=None, name=None):
    """A stand-in for a proof module: declarations and a check that passes, fails or raises."""

    def check(config=CheckConfig()):
        if raises:
            raise raises
        return Evidence(passed, "search", "toy", 3, worst_margin="0.5", counterexample=None if passed else {"x": 1})

    return SimpleNamespace(__name__=name or f"toy.{pid}", ID=pid, STATEMENT=f"claim {pid}", DEPENDS_ON=deps, check=check)


def one_layer_square_flow(dps=50):
    """``(arch, data, w0, exact)``: a one-layer square-loss problem, whose flow ``dw/dt = -(A w - b)`` is linear, and
    ``exact(t)``, its solution ``w* + expm(-A t)(w0 - w*)`` at ``dps`` digits (an mpmath column), independent of every
    engine."""
    arch = Architecture(5, (3,), (1,))
    data, _ = random_problem(arch, 4, 1)
    w0 = [1, Fraction(-1, 2), Fraction(1, 3)]

    def exact(t):
        with working_precision(dps):
            A, b = mpmath.zeros(3, 3), mpmath.zeros(3, 1)
            for j in range(data.m):
                x, y = data.column(j)
                for r in range(arch.dN):
                    a = mpmath.matrix([to_mpf(q) for q in x[r:r + 3]])
                    A += 2 * a * a.T
                    b += 2 * to_mpf(y[r]) * a
            wstar = mpmath.lu_solve(A, b)
            return wstar + mpmath.expm(-A * to_mpf(t)) * (mpmath.matrix([to_mpf(q) for q in w0]) - wstar)

    return arch, data, w0, exact


def injected(function, old, new):
    """``function`` recompiled from its source with the one line ``old`` replaced by ``new``, in its module's namespace: a
    false variant that follows the library's code (a hand copy of the function would drift from it)."""
    import inspect
    import sys
    import textwrap

    source = textwrap.dedent(inspect.getsource(function))
    assert source.count(old) == 1, f"{old!r} is not once in {function.__name__}"
    namespace = dict(vars(sys.modules[function.__module__]))
    exec(source.replace(old, new), namespace)
    return namespace[function.__name__]


def ticking_clock(module, monkeypatch, step=1.0):
    """Replace ``module.time`` by the time module with a ``monotonic`` that advances ``step`` seconds per call (a
    wall-time limit then bites after a known number of looks, on any machine)."""
    import time
    from types import SimpleNamespace

    now = [0.0]

    def monotonic():
        now[0] += step
        return now[0]

    fake = SimpleNamespace(**{n: getattr(time, n) for n in dir(time) if not n.startswith("_")})
    fake.monotonic = monotonic
    monkeypatch.setattr(module, "time", fake)
    return now
