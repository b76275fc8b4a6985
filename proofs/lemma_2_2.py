"""lemma-2.2: the coefficient 1-norm is submultiplicative, ``|||pq|||_1 <= |||p|||_1 |||q|||_1``."""

from fractions import Fraction
import random

import mpmath

from lcnsym.evidence import CheckConfig, Evidence
from lcnsym.factorization import norm_ratio, one_norm_ratio

ID = "lemma-2.2"
STATEMENT = "|||pq|||_1 <= |||p|||_1 |||q|||_1 for complex polynomials p, q (equality for nonnegative coefficients)"
DEPENDS_ON = ()
REFERENCE = "Lemma 2.2"
LIBRARY = ("lcnsym.factorization.one_norm_ratio", "lcnsym.factorization.norm_ratio", "lcnsym.factorization.norm_constant_search")
CLI = 'lcnsym factor --coeffs "1,2,1"'
EVIDENCE = "search: exact rationals (real pairs, and the equality case) and 50-digit complex pairs; largest ratio"


def _pairs(rng, count):
    for t in range(count):
        d1, d2 = rng.randint(0, 12), rng.randint(0, 12)
        kind = ("signed", "nonnegative", "sparse", "complex")[t % 4]
        if kind == "complex":
            p = [mpmath.mpc(rng.gauss(0, 1), rng.gauss(0, 1)) for _ in range(d1 + 1)]
            q = [mpmath.mpc(rng.gauss(0, 1), rng.gauss(0, 1)) for _ in range(d2 + 1)]
        elif kind == "nonnegative":
            p = [Fraction(rng.randint(0, 20), rng.randint(1, 7)) for _ in range(d1 + 1)]
            q = [Fraction(rng.randint(0, 20), rng.randint(1, 7)) for _ in range(d2 + 1)]
            p[-1] = q[-1] = Fraction(1)
        else:
            p = [Fraction(rng.randint(-20, 20), rng.randint(1, 7)) * (rng.random() < 0.7 or kind != "sparse") for _ in range(d1 + 1)]
            q = [Fraction(rng.randint(-20, 20), rng.randint(1, 7)) for _ in range(d2 + 1)]
            p[-1] = q[-1] = Fraction(1)
        yield kind, p, q


def check(config=CheckConfig(), norm=1, constant=1):
    """Exact ratios for rational pairs, 50-digit ratios for complex pairs; ``norm=2`` or ``constant<1`` are false variants."""
    rng = random.Random(config.seed)
    largest, equal, count = 0, 0, 0
    tol = mpmath.mpf(10) ** -45
    for kind, p, q in _pairs(rng, 20000 if config.thorough else 2000):
        count += 1
        with mpmath.workdps(50):
            if kind != "complex" and norm == 1:
                ratio = one_norm_ratio(p, q)
                ok = ratio <= constant
            else:
                ratio = norm_ratio([mpmath.mpmathify(c) if not isinstance(c, Fraction) else mpmath.mpf(c.numerator) / c.denominator for c in p],
                                   [mpmath.mpmathify(c) if not isinstance(c, Fraction) else mpmath.mpf(c.numerator) / c.denominator for c in q], norm)
                ok = ratio <= constant + tol
            if kind == "nonnegative" and norm == 1 and ratio != 1:
                return Evidence(False, "search", "equality case", count, counterexample={"p": [str(c) for c in p], "q": [str(c) for c in q], "ratio": str(ratio)})
            equal += kind == "nonnegative"
            if not ok:
                return Evidence(False, "search", "polynomial pairs", count, counterexample={
                    "kind": kind, "p": [str(c) for c in p], "q": [str(c) for c in q], "ratio": mpmath.nstr(mpmath.mpmathify(float(ratio)) if isinstance(ratio, Fraction) else ratio, 15),
                    "claimed constant": str(constant), "norm": norm})
            largest = max(largest, float(ratio))
    return Evidence(
        True, "search",
        f"{count} pairs of degree <= 12: exact rationals (signed, sparse, nonnegative) and 50-digit complex; "
        f"the equality case |||pq|||_1 = |||p|||_1 |||q|||_1 shown exactly on all {equal} nonnegative pairs",
        count, worst_margin=f"largest ratio {largest:.6f}", details={"largest ratio": largest})
