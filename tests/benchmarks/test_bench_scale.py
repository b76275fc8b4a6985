"""How the cost of a flow grows with the problem (issue: flows at the sizes people train, item 2).

Run: ``pytest tests/benchmarks/test_bench_scale.py -m perf -s``.  One factor at a
time from a base problem (``k = (3,3)``, ``s = (1,1)``, ``d_N = 2``, ``m = 8``,
30 digits), the Taylor engine integrates ``t`` in ``[0, 1/2]`` and the table
gives the seconds per unit of ``t``, the steps per unit of ``t`` (the stiffness
of the flow: the step is held at the edge of the method's stability region) and
the seconds per step (the work of one step), for the square loss (which runs in
``v`` through the normal equations) and the pseudo-Huber loss (one jet per
residual, ``m d_N`` of them).
"""

from fractions import Fraction
import time

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.engines import taylor
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import parse_loss

T = Fraction(1, 2)
LOSSES = ("square", "pseudo-huber:1")
BASE = {"k": (3, 3), "dN": 2, "m": 8, "dps": 30}
FACTORS = {"m": (8, 16, 32), "dN": (2, 4, 8), "k": ((2, 2), (3, 3), (4, 4)), "dps": (20, 30, 50)}


def _run(loss, k, dN, m, dps):
    arch = Architecture.for_output_width(k, (1,) * len(k), dN=dN)
    data, w0 = random_problem(arch, m, seed=1)
    steps = []
    original = taylor._steps

    def counted(*args, **kwargs):
        steps.append(original(*args, **kwargs))
        return steps[-1]

    taylor._steps = counted
    try:
        start = time.perf_counter()
        gradient_flow(arch, data, parse_loss(loss), w0, t_max=T, dps=dps, samples=1)
        seconds = time.perf_counter() - start
    finally:
        taylor._steps = original
    return arch, seconds, steps[0]


def test_cost_per_unit_time_by_factor():
    rows = {}
    print(f"\nfactor  value   loss              k_v  m*dN   seconds/t   steps/t   ms/step")
    for factor, values in FACTORS.items():
        for value in values:
            for loss in LOSSES:
                case = {**BASE, factor: value}
                arch, seconds, steps = _run(loss, **case)
                rows[factor, value, loss] = (seconds / float(T), steps / float(T), 1000 * seconds / steps)
                per_t, steps_t, ms = rows[factor, value, loss]
                print(f"{factor:6s} {str(value):7s} {loss:16s} {arch.k_v:4d} {case['m'] * case['dN']:5d} {per_t:11.2f} "
                      f"{steps_t:9.0f} {ms:9.2f}")
    # the square loss's step does not see the data (normal equations): its work per step is flat in m
    flat = rows["m", 32, "square"][2] / rows["m", 8, "square"][2]
    # a residual loss's step grows at most linearly with the residuals (one jet each), not faster
    linear = rows["m", 32, "pseudo-huber:1"][2] / rows["m", 8, "pseudo-huber:1"][2]
    print(f"work per step, m = 32 against m = 8: square {flat:.2f}x, pseudo-Huber {linear:.2f}x (4x the residuals)")
    assert flat < 1.5 and linear < 4 * 1.5
