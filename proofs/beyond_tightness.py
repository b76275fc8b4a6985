"""constants-tightness: how close the constants of Lemmas 2.2, 2.3 and 2.4 come to being attained (searched)."""

from fractions import Fraction
from functools import reduce
from math import isqrt
import random

from lcnsym.algebra.coefficients import convolve
from lcnsym.analysis.factorization import linear_factorization
from lcnsym.analysis.roots import certified_roots
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.errors import PrecisionError
from lcnsym.exploration.tightness import BOUNDS, certified_text, evaluate, tightness
from lcnsym.numeric import DEFAULT_DPS, GUARD_DIGITS, compare, exact_value, parse_rational, show, to_arb, working_precision
from lcnsym.proofs.lemma_2_3 import bound_squared_as_stated
from lcnsym.proofs.lemma_2_4 import constants_as_stated

ID = "constants-tightness"
GROUP = "beyond the paper"
STATEMENT = ("searched witnesses never exceed the constants: |||p_1...p_N|||_1 <= prod |||p_i|||_1 (Lemma 2.2), "
             "|x| <= A (Lemma 2.3), |||u_i|||_1 <= 6 n T (Lemma 2.4); the best ratio found per lemma, with its witness")
DEPENDS_ON = ("lemma-2.2", "lemma-2.3", "lemma-2.4")
REFERENCE = "Lemmas 2.2, 2.3, 2.4; beyond the paper"
LIBRARY = ("lcnsym.exploration.tightness.tightness", "lcnsym.exploration.tightness.evaluate")
CLI = "lcnsym tightness --lemma 2.4 --degree 6 --json"
EVIDENCE = ("search: random restarts and exact rational hill climbing; each best witness re-evaluated from its exact "
            "coefficients; ratios certified in ball arithmetic")
LEMMAS = ("2.2", "2.3", "2.4")
MIN_EVALUATED = 150
"""Candidates each degree's search must evaluate (the default effort gives about 200 to 250)."""
MAX_SKIPPED = Fraction(1, 10)
"""The largest share of a degree's candidates that may be skipped as undecided (a root's ball on the unit circle is
rare; a search that skips a whole class of polynomials, e.g. Lemma 2.4's case 2, is not searching the lemma)."""
SAMPLE = 8
"""Random polynomials per degree the check draws and evaluates itself: the search must reach near their best."""
SAMPLE_SHARE = Fraction(9, 10)
"""The search's best at a degree must be at least this share of the best of the check's own sample."""
ANCHORS_2_3 = ((["-6", "-1", "1"], Fraction(1, 4)), (["-6", "1", "1"], Fraction(1, 4)))
"""``(x - 3)(x + 2)`` and ``(x + 3)(x - 2)``: ``A = 2 * 6 = 12``, the largest root 3, ratio ``1/4`` (the smaller root
gives ``1/6``: a ratio of any root but the largest is caught whichever order the roots come in)."""


def _same(a, b):
    """Two values of one ratio agree: exactly, or their balls overlap."""
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    with working_precision(DEFAULT_DPS + GUARD_DIGITS):
        return to_arb(a).overlaps(to_arb(b))


def _degree(config):
    return 8 if config.thorough else 5


def _value(x):
    """An exact number to order ratios by (a ball's midpoint)."""
    return x if isinstance(x, Fraction) else exact_value(x)


# ---------------------------------------------------------------- the check's own ratios, from the definitions

def _own_2_2(factors):
    product = reduce(convolve, factors, [Fraction(1)])  # the algebra layer's product, not the search's own loop
    denominator = Fraction(1)
    for p in factors:
        denominator *= sum(abs(c) for c in p)
    return sum(abs(c) for c in product) / denominator


def _own_2_3(coeffs):
    """``max |x| / A``: every root's modulus, the largest taken here, over ``A`` transcribed from the statement."""
    A2 = bound_squared_as_stated(coeffs)
    if len(coeffs) == 2:  # the root -a_0/a_1: the ratio squared is a rational square
        return _exact_sqrt((coeffs[0] / coeffs[1]) ** 2 / A2)
    with working_precision(DEFAULT_DPS, guard=GUARD_DIGITS):
        moduli = [abs(r.ball) for r in certified_roots(coeffs, DEFAULT_DPS + GUARD_DIGITS)]
        largest = moduli[0]
        for m in moduli[1:]:
            largest = largest.max(m)
        return largest / to_arb(A2).sqrt()


def _exact_sqrt(q):
    """The square root of the square of a rational, exactly."""
    root = Fraction(isqrt(q.numerator), isqrt(q.denominator))
    if root * root != q:
        raise ArithmeticError(f"{q} is not the square of a rational")
    return root


def _own_2_4(coeffs):
    """``(max |||u_i|||_1 / (n T), case)``: the factors' norms ``|c0| + |c1|`` over ``n T`` transcribed from the
    statement (lemma-2.4's :func:`constants_as_stated`), in either case; ``None`` if the classification is undecided."""
    try:
        f = linear_factorization(coeffs, DEFAULT_DPS)
    except PrecisionError:
        return None
    if f.ambiguous:
        return None
    T, _, n = constants_as_stated(coeffs, f.r, f.prec)
    with working_precision(prec=f.prec):
        norms = [abs(c0) + abs(c1) for c0, c1 in f.factors]
        largest = norms[0]
        for x in norms[1:]:
            largest = largest.max(x)
        return largest / (to_arb(n) * to_arb(T)), f.case


def _own(lemma, witness):
    if lemma == "2.2":
        return _own_2_2([[parse_rational(c) for c in p] for p in witness])
    coeffs = [parse_rational(c) for c in witness]
    if lemma == "2.3":
        return _own_2_3(coeffs)
    own = _own_2_4(coeffs)
    return own and own[0]


def _sample_best(lemma, n, rng):
    """The best of :data:`SAMPLE` random polynomials of degree ``n``, each evaluated by the check's own route."""
    best = None
    for _ in range(SAMPLE):
        cs = [Fraction(rng.randint(-20, 20), rng.randint(1, 8)) for _ in range(n + 1)]
        cs[-1] = cs[-1] or Fraction(1)
        value = _own_2_3(cs) if lemma == "2.3" else _own_2_4(cs)
        value = value[0] if isinstance(value, tuple) else value
        if value is not None and (best is None or _value(value) > _value(best[0])):
            best = (value, [show(c) for c in cs])
    return best


def _too_small(lemma, total, why):
    return Evidence(False, "search", f"Lemma {lemma}", total, counterexample={"lemma": lemma, "search too small": why})


def _anchors():
    """Lemma 2.3's ratio of known polynomials, by the library: the largest root, not the first, must be taken."""
    for witness, expected in ANCHORS_2_3:
        got, _ = evaluate("2.3", witness, dps=DEFAULT_DPS)
        if not _same(got, expected):
            return {"lemma": "2.3", "witness": witness, "expected": show(expected), "evaluate": show(got, 20),
                    "why": "max |x| / A with A = 12 and roots of moduli 3 and 2"}
    return None


def check(config=CheckConfig(), bounds=BOUNDS):
    """Each lemma's search: the best ratio, re-evaluated, must be at most ``bounds[lemma]`` (a smaller bound is a false
    variant and must fail, with the witness); every degree searched with its minimum effort; each best ratio equal to
    the check's own from the definitions, and at least the known floors and most of an independent sample's best."""
    total, lines, best = 0, [], {}
    wrong = _anchors()
    if wrong:
        return Evidence(False, "search", "Lemma 2.3 anchors", 0, counterexample=wrong)
    D = _degree(config)
    rng = random.Random(f"constants-tightness:{config.seed}")
    for lemma in LEMMAS:
        report = tightness(lemma, D, seed=config.seed, dps=DEFAULT_DPS)
        total += report.effort["instances"]
        degrees = sorted(int(n) for n in report.by_degree)
        if degrees != list(range(1, D + 1)):
            return _too_small(lemma, total, f"degrees searched {degrees}, not every degree 1 to {D}")
        top, top2, counts = None, None, []
        for n, entry in sorted(report.by_degree.items(), key=lambda item: int(item[0])):
            n = int(n)
            if entry["evaluated"] < MIN_EVALUATED or entry["skipped"] > MAX_SKIPPED * entry["evaluated"]:
                return _too_small(lemma, total, f"degree {n}: {entry['evaluated']} candidates evaluated (minimum "
                                  f"{MIN_EVALUATED}), {entry['skipped']} skipped as undecided (at most "
                                  f"{show(MAX_SKIPPED)} of them)")
            counts.append(entry["evaluated"])
            if entry["witness"] is None:
                return _too_small(lemma, total, f"degree {n}: no witness")
            again, _ = evaluate(lemma, entry["witness"], dps=DEFAULT_DPS)
            own = _own(lemma, entry["witness"])
            if certified_text(again, DEFAULT_DPS)["mid"] != entry["best_ratio"] or own is None or not _same(again, own):
                return Evidence(False, "search", f"Lemma {lemma}", total,
                                counterexample={"lemma": lemma, "degree": n, "witness": entry["witness"],
                                                "reported": entry["best_ratio"], "re-evaluated": show(again, 20),
                                                "from the definition": own if own is None else show(own, 20)})
            within = compare(again, bounds[lemma])
            if within is None:
                raise PrecisionError(f"Lemma {lemma}: the ratio's ball straddles the bound {show(bounds[lemma])}", lemma=lemma)
            if not within:
                return Evidence(False, "search", f"Lemma {lemma}", total,
                                counterexample={"lemma": lemma, "degree": n, "witness": entry["witness"],
                                                "ratio": entry["best_ratio"], "bound": show(bounds[lemma])})
            # floors: 2.2's equality case (nonnegative coefficients) at every degree; 2.3's and 2.4's ratio 1 at degree 1
            if (lemma == "2.2" or n == 1) and not _same(again, Fraction(1)):
                return _too_small(lemma, total, f"degree {n}: best {entry['best_ratio']}, below the ratio 1 attained "
                                  f"there (a search that does not climb)")
            if lemma != "2.2" and n >= 2:
                sample = _sample_best(lemma, n, rng)
                if sample and _value(again) < SAMPLE_SHARE * _value(sample[0]):
                    return _too_small(lemma, total, f"degree {n}: best {entry['best_ratio']}, below "
                                      f"{show(SAMPLE_SHARE)} of {show(sample[0], 10)}, the best of {SAMPLE} random "
                                      f"polynomials (the best: {sample[1]})")
            if top is None or compare(top[0], again) is True and not _same(top[0], again):
                top = (again, n, entry["best_ratio"])
            if n >= 2 and (top2 is None or compare(top2[0], again) is True and not _same(top2[0], again)):
                top2 = (again, n, entry["best_ratio"])
        best[lemma] = {"ratio": top[2], "degree": top[1], "ratio for degree >= 2": top2 and top2[2],
                       "evaluated by degree": counts}
        lines.append(f"Lemma {lemma}: best {top[2][:10]} of {show(bounds[lemma])} at degree {top[1]}"
                     + (f", {top2[2][:10]} at degree {top2[1]} among degrees >= 2" if top2 else "")
                     + f" ({report.effort['instances']} instances, {min(counts)} to {max(counts)} per degree)")
    return Evidence(True, "search", f"{total} instances, every degree 1 to {D} (each searched, at least {MIN_EVALUATED} "
                    f"candidates a degree), each best witness re-evaluated from its exact coefficients and from the "
                    f"definitions", total, worst_margin="; ".join(lines), details={"best ratios": best})
