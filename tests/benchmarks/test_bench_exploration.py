"""Speed of the exploration (issue 11) and of the certified engine (issue 12).

Run: ``pytest tests/benchmarks/test_bench_exploration.py -m perf -s``.  ``critical`` on the problem of the issue
(``k = (2,2)``, ``d0 = 4``, ``m = 6``) must take under 5 s; the growth with the size is printed.  The certified engine
is timed against the Taylor engine on the flow benchmark problem, interleaved, best of three.
"""

from fractions import Fraction
import time

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import parse_loss
from lcnsym.errors import WorkLimitError
from lcnsym.exploration.critical import critical_points


def test_critical_growth():
    rows = []
    for k, s, d0, m in [((2,), (1,), 3, 4), ((2, 2), (1, 1), 4, 6), ((2, 2), (2, 1), 6, 6), ((3, 2), (1, 1), 5, 7),
                        ((2, 3), (1, 1), 5, 7)]:
        arch = Architecture(d0, k, s)
        data, _ = random_problem(arch, m, 0)
        best = float("inf")
        for _ in range(3 if arch.kbar <= 4 else 1):
            start = time.perf_counter()
            try:
                report = critical_points(arch, data, dps=30)
            except WorkLimitError:
                report = None
            best = min(best, time.perf_counter() - start)
        rows.append((k, s, arch.kbar - arch.N + 1, None if report is None else report.quotient_dimension, best))
        if (k, s, d0, m) == ((2, 2), (1, 1), 4, 6):
            assert best < 5
    print("\nk, s, unknowns on the slice, solutions, seconds")
    for row in rows:
        print(*row)


def test_certified_engine_against_taylor():
    loss = parse_loss("square")
    for k, s in [((2, 2), (1, 1)), ((2, 2), (2, 1))]:
        arch = Architecture.for_output_width(k, s, dN=2)
        data, w0 = random_problem(arch, arch.d0 + 2, 1)
        times = {"taylor": float("inf"), "certified": float("inf")}
        for _ in range(3):
            for engine in times:  # interleaved
                start = time.perf_counter()
                traj = gradient_flow(arch, data, loss, w0, Fraction(20), dps=30, samples=1, engine=engine)
                times[engine] = min(times[engine], time.perf_counter() - start)
        width = traj.enclosures[-1].radius
        print(f"\nk = {k}, s = {s}, kbar = {arch.kbar}, t = 20, 30 digits: taylor {times['taylor']:.2f} s, certified "
              f"{times['certified']:.2f} s, ratio {times['certified'] / times['taylor']:.1f}x, final radius "
              f"{width.str(3, radius=False)}")
