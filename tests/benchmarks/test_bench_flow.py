"""Speed of the gradient flow (issue: Section 3).

Run: ``pytest tests/benchmarks/test_bench_flow.py -m perf -s``.  The problem of
the issue: ``k = (2,2)``, ``s = (1,1)``, ``d0 = 4``, ``m = 6``, square loss, 30 digits.
The baseline, ``mpmath.odefun`` with its defaults, runs in the same session.
"""

from fractions import Fraction
import time
import tracemalloc

import mpmath

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import parse_loss
from lcnsym.numeric import to_rational, working_precision

SQUARE = parse_loss("square")


def problem(k=(2, 2), s=(1, 1), m=6, seed=1):
    arch = Architecture.for_output_width(k, s, dN=2)  # k = (2, 2): d0 = 4
    data, w0 = random_problem(arch, m, seed)
    return arch, data, w0


def test_t20_against_odefun_and_t500():
    arch, data, w0 = problem()
    t_ours = t_ref = float("inf")
    for _ in range(3):  # interleaved, best of three: the machine's speed drifts by tens of percent
        start = time.perf_counter()
        ours = gradient_flow(arch, data, SQUARE, w0, t_max=20, dps=30, samples=1)
        t_ours = min(t_ours, time.perf_counter() - start)
        start = time.perf_counter()
        ref = gradient_flow(arch, data, SQUARE, w0, t_max=20, dps=30, samples=1, engine="odefun")
        t_ref = min(t_ref, time.perf_counter() - start)
    with working_precision(30):
        digits = -mpmath.log10(max(abs(a - b) for u, v in zip(ours.states[-1], ref.states[-1]) for a, b in zip(u, v)))
    tracemalloc.start()
    start = time.perf_counter()
    long = gradient_flow(arch, data, SQUARE, w0, t_max=500, dps=30, samples=50, grad_tol=Fraction(1, 10**25))
    t_long = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(f"\nt = 20 at 30 digits: taylor {t_ours:.2f} s, mpmath.odefun {t_ref:.2f} s, ratio {t_ref / t_ours:.1f}x, "
          f"agreement {float(digits):.1f} digits")
    print(f"t = 500 (or ||grad L|| < 1e-25): {t_long:.2f} s, reached t = {float(long.times[-1]):.1f}, "
          f"||grad L|| = {float(long.grad_norms[-1]):.2e}, peak traced memory {peak:.1f} MB")
    assert t_ref / t_ours >= 20 and digits >= 20
    assert t_long < 60 and peak < 500


def test_growth_with_kbar_and_dps():
    print("\nk            kbar  dps  time to t=5 (s)")
    times = {}
    for k, s in (((2, 2), (1, 1)), ((3, 2), (1, 1)), ((3, 3), (2, 1)), ((3, 3, 2), (1, 2, 1))):
        arch, data, w0 = problem(k, s, m=8)
        for dps in (15, 30, 60):
            start = time.perf_counter()
            gradient_flow(arch, data, SQUARE, w0, t_max=5, dps=dps, samples=1)
            times[k, dps] = time.perf_counter() - start
            print(f"{str(k):12s} {arch.kbar:4d} {dps:4d} {times[k, dps]:10.2f}")
    # the cost grows with the precision on every shape (order dps + 2, mantissas of dps digits), and stays bounded
    assert all(times[k, 15] < times[k, 60] for k, _ in [((2, 2), 0), ((3, 3, 2), 0)])
    assert max(times.values()) < 120
