"""Speed of the gradient flow (issue: Section 3).

Run: ``pytest tests/benchmarks/test_bench_flow.py -m perf -s``.  The problem of
the issue: ``k = (2,2)``, ``s = (1,1)``, ``d0 = 4``, ``m = 6``, square loss, 30 digits.
The baseline, ``mpmath.odefun`` with its defaults, runs in the same session.
"""

from fractions import Fraction
import random
import time
import tracemalloc

import mpmath

from lcnsym.architecture import Architecture
from lcnsym.flow import gradient_flow
from lcnsym.losses import square
from lcnsym.risk import risk_gradient, validate_data


def problem(k=(2, 2), s=(1, 1), m=6, seed=1):
    arch = Architecture.for_output_width(k, s, dN=2)  # k = (2, 2): d0 = 4
    rng = random.Random(seed)
    X = [[Fraction(rng.randint(-9, 9), 4) for _ in range(m)] for _ in range(arch.d0)]
    Y = [[Fraction(rng.randint(-9, 9), 4) for _ in range(m)] for _ in range(arch.dN)]
    w0 = [[Fraction(rng.choice([-1, 1]) * rng.randint(1, 8), 4) for _ in range(ki)] for ki in arch.k]
    return arch, validate_data(arch, X, Y), w0


def odefun_plain(arch, data, w0, t, dps=30):
    with mpmath.workdps(dps):
        flat = [mpmath.mpf(c.numerator) / c.denominator for w in w0 for c in w]

        def field(_, y):
            parts = [y[:arch.k[0]], y[arch.k[0]:]]
            return [-g for layer in risk_gradient(arch, parts, data, square()) for g in layer]

        return mpmath.odefun(field, 0, flat)(t)


def test_t20_against_odefun_and_t500():
    arch, data, w0 = problem()
    start = time.perf_counter()
    ours = gradient_flow(arch, data, square(), w0, t_max=20, dps=30, samples=1)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    ref = odefun_plain(arch, data, w0, 20)
    t_ref = time.perf_counter() - start
    with mpmath.workdps(30):
        digits = -mpmath.log10(max(abs(a - b) for a, b in zip([c for w in ours.states[-1] for c in w], ref)))
    tracemalloc.start()
    start = time.perf_counter()
    long = gradient_flow(arch, data, square(), w0, t_max=500, dps=30, samples=50, grad_tol=mpmath.mpf("1e-25"))
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
    for k, s in (((2, 2), (1, 1)), ((3, 2), (1, 1)), ((3, 3), (2, 1)), ((3, 3, 2), (1, 2, 1))):
        arch, data, w0 = problem(k, s, m=8)
        for dps in (15, 30, 60):
            start = time.perf_counter()
            gradient_flow(arch, data, square(), w0, t_max=5, dps=dps, samples=1)
            print(f"{str(k):12s} {arch.kbar:4d} {dps:4d} {time.perf_counter() - start:10.2f}")
