"""lemma-2.2: the coefficient 1-norm is submultiplicative, ``|||pq|||_1 <= |||p|||_1 |||q|||_1``."""

from fractions import Fraction
import random

import mpmath

from lcnsym.analysis import factorization
from lcnsym.analysis.factorization import norm_ratio_ball, one_norm_ratio
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.errors import PrecisionError
from lcnsym.numeric import (CHECK_DPS, compare, exact_value, make_ball, show, show_ball, to_arb, to_float, to_mpc, to_rational,
                            tolerance, working_precision)

ID = "lemma-2.2"
STATEMENT = "|||pq|||_1 <= |||p|||_1 |||q|||_1 for complex polynomials p, q (equality for nonnegative coefficients)"
DEPENDS_ON = ()
REFERENCE = "Lemma 2.2"
LIBRARY = ("lcnsym.analysis.factorization.one_norm_ratio", "lcnsym.analysis.factorization.norm_ratio_ball", "lcnsym.analysis.factorization.norm_constant_search")
CLI = 'lcnsym factor --coeffs "1,2,1"'
EVIDENCE = ("search: exact rationals (real pairs, and the equality case) and complex pairs decided by 50-digit balls, each ratio "
            "recomputed by the check (Fractions; mpmath at 100 digits) and known-answer anchors; largest ratio")
DPS = CHECK_DPS
RECOMPUTE_DPS = 2 * DPS
"""The digits of the check's own mpmath ratio for complex pairs: finer than the library's balls, so only they can miss."""
MAX_DEGREE = 12
"""The largest degree of ``p`` and of ``q`` drawn."""


def _pairs(rng, count):
    for t in range(count):
        d1, d2 = rng.randint(0, MAX_DEGREE), rng.randint(0, MAX_DEGREE)
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


def _product(p, q, zero):
    out = [zero] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        for j, y in enumerate(q):
            out[i + j] += x * y
    return out


def exact_ratio(p, q):
    """``|||pq|||_1 / (|||p|||_1 |||q|||_1)`` of real rational coefficients, in Fractions: the check's own value.

    Examples
    --------
    >>> exact_ratio([1, -1], [1, 1])  # 1 - x^2
    Fraction(1, 2)
    """
    p, q = [to_rational(c) for c in p], [to_rational(c) for c in q]
    return sum(map(abs, _product(p, q, Fraction(0)))) / (sum(map(abs, p)) * sum(map(abs, q)))


def recomputed_ratio_ball(p, q, norm=1, dps=RECOMPUTE_DPS):
    """``|||pq|||_norm / (|||p|||_norm |||q|||_norm)`` in mpmath at ``dps`` digits (``|c|`` the modulus of an ``mpc``),
    as a ball of relative radius ``10^-(dps - 5)``: the check's own value for complex pairs, independent of the
    library's flint balls."""
    with working_precision(dps):
        a, b = [to_mpc(c) for c in p], [to_mpc(c) for c in q]

        def size(cs):
            total = sum((abs(c) ** norm for c in cs), to_mpc(0).real)
            return mpmath.root(total, norm)

        value = exact_value(size(_product(a, b, to_mpc(0))) / (size(a) * size(b)))
        return make_ball(value, value * tolerance(dps))


ANCHORS = (("(1 - x)(1 + x) = 1 - x^2", [1, -1], [1, 1], Fraction(1, 2)),
           ("(1 + x + x^2)(1 - x) = 1 - x^3", [1, 1, 1], [1, -1], Fraction(1, 3)),
           ("(1 + 2x)(3 + x^2), nonnegative", [1, 2], [3, 0, 1], Fraction(1)))
"""Rational pairs with known ratios: a ratio function that returns a wrong number (still <= 1) fails here."""

COMPLEX_ANCHOR = ("((1+i) + x)(1 + (1+i) x)", [(1, 1), 1], [1, (1, 1)])
"""Its ratio is ``(2 sqrt 2 + sqrt 5) / (1 + sqrt 2)^2 = 0.8690..``; a norm with ``|Re c| + |Im c|`` for ``|c|`` gives 7/9."""


def _complex_anchor_ball():
    with working_precision(RECOMPUTE_DPS):
        r2, r5 = to_arb(2).sqrt(), to_arb(5).sqrt()
        return (2 * r2 + r5) / (1 + r2) ** 2


def _anchors():
    """``None``, or a counterexample: an anchor whose library ratio (or the check's own) is not its known value."""
    for name, p, q, known in ANCHORS:
        got, mine = one_norm_ratio(p, q), exact_ratio(p, q)
        if got != known or mine != known:
            return {"anchor": name, "p": p, "q": q, "known ratio": show(known), "one_norm_ratio": show(got),
                    "check's own ratio": show(mine), "problem": "a known ratio is not reproduced"}
    name, p, q = COMPLEX_ANCHOR
    known = _complex_anchor_ball()
    with working_precision(RECOMPUTE_DPS):
        got, mine = norm_ratio_ball(p, q, 1, dps=DPS), recomputed_ratio_ball(p, q)
        if not (got.overlaps(known) and mine.overlaps(known)):
            return {"anchor": name, "p": [_text(c) for c in p], "q": [_text(c) for c in q],
                    "known ratio": show_ball(known, 20), "norm_ratio_ball": show_ball(got, 20),
                    "check's own ratio": show_ball(mine, 20), "problem": "the known ratio is outside the library's ball"}
    return None


SEARCH_TRIALS = 30
"""Trials of ``norm_constant_search`` (seed 0): enough to draw ``(1 + x)(1 + x)``, its degree-2 maximizer for ``p = 2``."""


def _search_supremum(norm):
    """The largest ratio over products of degree 2, as a ball: ``1`` for ``norm = 1`` (Lemma 2.2, equality at
    nonnegative pairs), ``sqrt(3/2)`` for ``norm = 2``: a constant times ``q`` gives 1, and for linear factors
    ``|||(a+bx)(c+dx)|||_2^2 = (a^2+b^2)(c^2+d^2) + 2abcd <= (3/2)(a^2+b^2)(c^2+d^2)``, equality at ``(1+x)^2``."""
    with working_precision(RECOMPUTE_DPS):
        return to_arb(1) if norm == 1 else (to_arb(3) / 2).sqrt()


def _search_route():
    """``None``, or a counterexample: the public ``norm_constant_search`` at degree 2 must return the largest ratio of
    its search, which draws nonnegative pairs and ``(1 + x)^2``, so exactly the supremum of
    :func:`_search_supremum`; and its pair must have that ratio, recomputed here."""
    for norm in (1, 2):
        best, (q1, q2) = factorization.norm_constant_search(norm, 2, trials=SEARCH_TRIALS, dps=DPS)
        known = _search_supremum(norm)
        mine = exact_ratio(q1, q2) if norm == 1 else recomputed_ratio_ball(q1, q2, norm)
        with working_precision(RECOMPUTE_DPS):
            value = exact_value(best)
            got = make_ball(value, abs(value) * tolerance(DPS))
            if not (got.overlaps(known) and got.overlaps(to_arb(mine) if norm == 1 else mine)):
                return {"norm_constant_search": f"(norm={norm}, degree=2, trials={SEARCH_TRIALS})",
                        "returned ratio": show_ball(got, 20), "its pair, recomputed in the check": show(mine, 20),
                        "largest ratio of the search": show_ball(known, 20),
                        "problem": "not the largest ratio (the supremum, which the search draws) or not its pair's"}
    return None


MIN_PAIRS = {"quick": 2000, "thorough": 20000}
"""The fewest pairs a run may check and still pass (a tenth of them at least: decided by balls, with a non-real
coefficient, nonnegative, and with a factor of degree >= ``HIGH_DEGREE``)."""
HIGH_DEGREE = 10


def check(config=CheckConfig(), norm=1, constant=1, pairs=None):
    """Exact ratios for rational pairs, ball-decided ratios for complex pairs, each recomputed in the check;
    ``norm=2`` or ``constant<1`` are false variants."""
    if norm == 1:
        bad = _anchors() or _search_route()
        if bad is not None:
            return Evidence(False, "search", "known-answer anchors", 0, counterexample=bad)
    rng = random.Random(config.seed)
    largest, equal, count, by_balls, nonreal, high, top = 0.0, 0, 0, 0, 0, 0, 0
    kinds = {}
    total = pairs or (20000 if config.thorough else 2000)  # ``pairs`` below the minimum is a false variant
    for kind, p, q in _pairs(rng, total):
        count += 1
        kinds[kind] = kinds.get(kind, 0) + 1
        top = max(top, len(p) - 1, len(q) - 1)
        high += max(len(p), len(q)) - 1 >= HIGH_DEGREE
        if kind != "complex" and norm == 1:
            ratio = one_norm_ratio(p, q)
            mine = exact_ratio(p, q)
            if ratio != mine:
                return Evidence(False, "search", "library ratios against the check's own", count, counterexample={
                    "kind": kind, "p": [_text(c) for c in p], "q": [_text(c) for c in q], "one_norm_ratio": show(ratio),
                    "check's own ratio": show(mine), "problem": "one_norm_ratio differs from the exact ratio"})
            ok = ratio <= constant
        elif len(p) == 1 or len(q) == 1:  # |||c q|||_p = |c| |||q|||_p: the ratio is exactly 1
            ratio = Fraction(1)
            ok = ratio <= constant
        else:
            ratio = norm_ratio_ball(p, q, norm, dps=DPS)
            by_balls += 1
            nonreal += any(isinstance(c, tuple) and c[1] != 0 for c in p + q)
            mine = recomputed_ratio_ball(p, q, norm)
            if not ratio.overlaps(mine):
                return Evidence(False, "search", "library ratio balls against the check's own", count, counterexample={
                    "kind": kind, "p": [_text(c) for c in p], "q": [_text(c) for c in q], "norm": norm,
                    "norm_ratio_ball": show_ball(ratio, 20), f"check's own ratio ({RECOMPUTE_DPS} digits)": show_ball(mine, 20),
                    "problem": "the library's ball misses the ratio"})
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
    tenth = MIN_PAIRS[config.profile] // 10
    ran = {"all": (count, MIN_PAIRS[config.profile]), "complex, decided by balls": (by_balls, tenth),
           "with a non-real coefficient": (nonreal, tenth), "nonnegative": (equal, tenth),
           f"with a factor of degree >= {HIGH_DEGREE}": (high, tenth)}
    short = {what: f"ran {got}, minimum {least}" for what, (got, least) in ran.items() if got < least}
    if short:
        return Evidence(False, "search", "a search smaller than its minimum", count, counterexample={"search too small": short})
    return Evidence(
        True, "search",
        f"{count} pairs of degree <= {top} ({', '.join(f'{n} {k}' for k, n in kinds.items())}; {high} with a factor of "
        f"degree >= {HIGH_DEGREE}; {nonreal} with a non-real coefficient){' and ' + str(len(ANCHORS) + 1) + ' known-answer anchors, norm_constant_search reaching the degree-2 suprema (1 and sqrt(3/2) for p = 1, 2)' if norm == 1 else ''}: "
        f"{count - by_balls} ratios decided exactly, {by_balls} by {DPS}-digit balls, each ratio recomputed in the check "
        f"(Fractions; mpmath at {RECOMPUTE_DPS} digits for the balls) and matching the library's; the equality case "
        f"|||pq|||_1 = |||p|||_1 |||q|||_1 shown exactly on all {equal} nonnegative pairs",
        count, worst_margin=f"largest ratio {largest:.6f}", details={"largest ratio": largest})
