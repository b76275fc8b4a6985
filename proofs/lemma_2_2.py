"""lemma-2.2: the coefficient 1-norm is submultiplicative, ``|||pq|||_1 <= |||p|||_1 |||q|||_1``."""

from fractions import Fraction
import random

from lcnsym.analysis.factorization import norm_ratio_ball, one_norm_ratio
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.errors import PrecisionError
from lcnsym.numeric import CHECK_DPS, compare, show, to_float, to_rational

ID = "lemma-2.2"
STATEMENT = "|||pq|||_1 <= |||p|||_1 |||q|||_1 for complex polynomials p, q (equality for nonnegative coefficients)"
DEPENDS_ON = ()
REFERENCE = "Lemma 2.2"
LIBRARY = ("lcnsym.analysis.factorization.one_norm_ratio", "lcnsym.analysis.factorization.norm_ratio_ball", "lcnsym.analysis.factorization.norm_constant_search")
CLI = 'lcnsym factor --coeffs "1,2,1"'
EVIDENCE = "search: exact rationals (real pairs, and the equality case) and complex pairs decided by 50-digit balls; largest ratio"
DPS = CHECK_DPS


def _pairs(rng, count):
    for t in range(count):
        d1, d2 = rng.randint(0, 12), rng.randint(0, 12)
        kind = ("signed", "nonnegative", "sparse", "complex")[t % 4]
        if kind == "complex":  # binary rationals, exactly
            p = [(to_rational(rng.gauss(0, 1), floats=True), to_rational(rng.gauss(0, 1), floats=True)) for _ in range(d1 + 1)]
            q = [(to_rational(rng.gauss(0, 1), floats=True), to_rational(rng.gauss(0, 1), floats=True)) for _ in range(d2 + 1)]
        elif kind == "nonnegative":
            p = [Fraction(rng.randint(0, 20), rng.randint(1, 7)) for _ in range(d1 + 1)]
            q = [Fraction(rng.randint(0, 20), rng.randint(1, 7)) for _ in range(d2 + 1)]
            p[-1] = q[-1] = Fraction(1)
        else:
            p = [Fraction(rng.randint(-20, 20), rng.randint(1, 7)) * (rng.random() < 0.7 or kind != "sparse") for _ in range(d1 + 1)]
            q = [Fraction(rng.randint(-20, 20), rng.randint(1, 7)) for _ in range(d2 + 1)]
            p[-1] = q[-1] = Fraction(1)
        yield kind, p, q


def _text(c):
    return show(c) if not isinstance(c, tuple) else show(c)


MIN_PAIRS = {"quick": 2000, "thorough": 20000}
"""The fewest pairs a run may check and still pass (a tenth of them complex, a tenth nonnegative at least)."""


def check(config=CheckConfig(), norm=1, constant=1, pairs=None):
    """Exact ratios for rational pairs, ball-decided ratios for complex pairs; ``norm=2`` or ``constant<1`` are false variants."""
    rng = random.Random(config.seed)
    largest, equal, count, by_balls = 0.0, 0, 0, 0
    total = pairs or (20000 if config.thorough else 2000)  # ``pairs`` below the minimum is a false variant
    for kind, p, q in _pairs(rng, total):
        count += 1
        if kind != "complex" and norm == 1:
            ratio = one_norm_ratio(p, q)
            ok = ratio <= constant
        elif len(p) == 1 or len(q) == 1:  # |||c q|||_p = |c| |||q|||_p: the ratio is exactly 1
            ratio = Fraction(1)
            ok = ratio <= constant
        else:
            ratio = norm_ratio_ball(p, q, norm, dps=DPS)
            by_balls += 1
            ok = compare(ratio, Fraction(constant))
            if ok is None:
                raise PrecisionError(f"lemma-2.2 undecided at {DPS} digits for a {kind} pair of degrees {len(p) - 1}, {len(q) - 1}",
                                     dps=DPS)
        if kind == "nonnegative" and norm == 1 and ratio != 1:
            return Evidence(False, "search", "equality case", count, counterexample={
                "p": [_text(c) for c in p], "q": [_text(c) for c in q], "ratio": show(ratio)})
        equal += kind == "nonnegative"
        if not ok:
            return Evidence(False, "search", "polynomial pairs", count, counterexample={
                "kind": kind, "p": [_text(c) for c in p], "q": [_text(c) for c in q],
                "ratio": show(ratio, 15), "claimed constant": show(Fraction(constant)), "norm": norm})
        largest = max(largest, to_float(ratio))
    kinds = {"complex": by_balls, "nonnegative": equal, "all": count}
    least = {"complex": MIN_PAIRS[config.profile] // 10, "nonnegative": MIN_PAIRS[config.profile] // 10,
             "all": MIN_PAIRS[config.profile]}
    short = {kind: f"ran {kinds[kind]}, minimum {least[kind]}" for kind in kinds if kinds[kind] < least[kind]}
    if short:
        return Evidence(False, "search", "a search smaller than its minimum", count, counterexample={"search too small": short})
    return Evidence(
        True, "search",
        f"{count} pairs of degree <= 12 (signed, sparse, nonnegative rational and complex): {count - by_balls} ratios "
        f"decided exactly, {by_balls} by {DPS}-digit balls; the equality case |||pq|||_1 = |||p|||_1 |||q|||_1 shown "
        f"exactly on all {equal} nonnegative pairs",
        count, worst_margin=f"largest ratio {largest:.6f}", details={"largest ratio": largest})
