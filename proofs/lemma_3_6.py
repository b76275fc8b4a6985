"""lemma-3.6: with ``X X^T`` of full rank and (3.8), ``||pi(w)||_1 <= g(L(w))``."""

from fractions import Fraction
import random

import mpmath

from lcnsym.architecture import Architecture
from lcnsym.bounds import g_bound
from lcnsym.errors import HypothesisFails
from lcnsym.evidence import CheckConfig, Evidence
from lcnsym.filters import final_filter
from lcnsym.losses import generalized_huber, log_cosh, lp, pseudo_huber, square
from lcnsym.risk import Data, empirical_risk, predictions

ID = "lemma-3.6"
STATEMENT = "X X^T of full rank and ||WX - Y||_1 <= h(L) imply ||pi(w)||_1 <= g(L) = (h(L) + ||Y||_1) ||X^T (X X^T)^{-1}||_1 / dN"
DEPENDS_ON = ()
REFERENCE = "Lemma 3.6, eqs. (3.4), (3.8)"
LIBRARY = ("lcnsym.bounds.g_bound", "lcnsym.bounds.pseudo_inverse_norm", "lcnsym.risk.empirical_risk", "lcnsym.risk.gram_rank")
CLI = "lcnsym arch --k 2,2 --s 1,1 --d0 4"
EVIDENCE = "search: random filters and data for every loss (including labels fitted exactly); singular X X^T reported as hypothesis fails; smallest slack g(L) / ||pi(w)||_1"

LOSSES = (square(), lp(4), pseudo_huber(1), generalized_huber(1, Fraction(1, 2)), generalized_huber(2, Fraction(-3, 2)), log_cosh(1))


def _problem(rng, fitted):
    depth = rng.randint(1, 3)
    arch = Architecture.for_output_width(tuple(rng.randint(1, 3) for _ in range(depth)), tuple(rng.randint(1, 2) for _ in range(depth)),
                                         dN=rng.randint(1, 3))
    m = arch.d0 + rng.randint(0, 3)
    X = [[Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(m)] for _ in range(arch.d0)]
    w = [[Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(k)] for k in arch.k]
    if fitted:  # labels the network fits exactly: L is at its minimum
        v = final_filter(arch, w)
        Y = [[z for z in col] for col in zip(*predictions(arch, v, Data(tuple(map(tuple, X)), ((0,) * m,)), mp=False))]
    else:
        Y = [[Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(m)] for _ in range(arch.dN)]
    return arch, w, Data(tuple(map(tuple, X)), tuple(map(tuple, Y)))


def check(config=CheckConfig(), scale=1):
    """Random instances per loss; ``scale < 1`` (a smaller g) is a false variant."""
    rng = random.Random(config.seed)
    slack, count, singular = mpmath.inf, 0, 0
    with mpmath.workdps(40):
        for n in range(600 if config.thorough else 100):
            arch, w, data = _problem(rng, n % 2 == 0)
            if n % 10 == 9:  # a duplicated input row makes X X^T singular
                data = Data(data.X[:-1] + (data.X[0],), data.Y) if len(data.X) > 1 else Data(((0,) * data.m,), data.Y)
            v1 = sum(abs(c) for c in final_filter(arch, w))
            for loss in LOSSES:
                L = empirical_risk(arch, w, data, loss)
                try:
                    g = g_bound(L, loss, data, arch.dN) * scale
                except HypothesisFails:
                    singular += 1
                    break
                count += 1
                # equality holds when the labels are fitted (L = 0): compare to 30 digits, relative
                if mpmath.mpf(v1.numerator) / v1.denominator > g * (1 + mpmath.mpf(10) ** -30):
                    return Evidence(False, "search", "random instances", count, counterexample={
                        "k": arch.k, "s": arch.s, "loss": loss.label(), "||pi(w)||_1": str(v1), "g(L)": mpmath.nstr(g, 15)})
                if v1:
                    slack = min(slack, g / (mpmath.mpf(v1.numerator) / v1.denominator))
    from lcnsym.proofs import _flows

    for k, s in _flows.shapes(config):
        arch, data, _ = _flows.problem(k, s, config.seed + 1)
        traj = _flows.flow("square", k, s, config.seed + 1, 1000 if config.thorough else 200)
        with mpmath.workdps(40):
            for state, L in zip(traj.states, traj.losses):
                v1 = mpmath.fsum(abs(c) for c in final_filter(arch, state))
                g = g_bound(L, square(), data, arch.dN) * scale
                count += 1
                if v1 > g * (1 + mpmath.mpf(10) ** -25):
                    return Evidence(False, "search", "along a flow", count, counterexample={
                        "k": k, "s": s, "||pi(w)||_1": mpmath.nstr(v1, 15), "g(L)": mpmath.nstr(g, 15)})
                slack = min(slack, g / v1)
    return Evidence(True, "search",
                    f"{count} (instance, loss) pairs and flow samples over 6 losses (square, l_4, pseudo-Huber, generalized Huber with beta = 1/2 "
                    f"and -3/2, log-cosh), random rational filters and data, half with labels fitted exactly, plus every sample "
                    f"of square-loss flows; "
                    f"{singular} instances with singular X X^T reported as 'hypothesis fails', not counted as passes; "
                    f"40-digit arithmetic, compared to a relative 1e-30 (equality occurs at fitted labels)",
                    count, worst_margin=f"smallest g(L) / ||pi(w)||_1 = {mpmath.nstr(slack, 6)}",
                    details={"smallest slack": float(slack), "hypothesis fails": singular})
