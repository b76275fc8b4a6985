"""constants-tightness: how close the constants of Lemmas 2.2, 2.3 and 2.4 come to being attained (searched)."""

from fractions import Fraction

from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.errors import PrecisionError
from lcnsym.exploration.tightness import BOUNDS, certified_text, evaluate, tightness
from lcnsym.numeric import DEFAULT_DPS, GUARD_DIGITS, compare, show, to_arb, working_precision

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


def _same(a, b):
    """Two values of one ratio agree: exactly, or their balls overlap."""
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    with working_precision(DEFAULT_DPS + GUARD_DIGITS):
        return to_arb(a).overlaps(to_arb(b))


def _degree(config):
    return 8 if config.thorough else 5


def check(config=CheckConfig(), bounds=BOUNDS):
    """Each lemma's search: the best ratio, re-evaluated, must be at most ``bounds[lemma]`` (a smaller bound is a false
    variant and must fail, with the witness)."""
    total, lines, best = 0, [], {}
    for lemma in LEMMAS:
        report = tightness(lemma, _degree(config), seed=config.seed, dps=DEFAULT_DPS)
        total += report.effort["instances"]
        top, top2 = None, None
        for n, entry in sorted(report.by_degree.items(), key=lambda item: int(item[0])):
            again, _ = evaluate(lemma, entry["witness"], dps=DEFAULT_DPS)
            if certified_text(again, DEFAULT_DPS)["mid"] != entry["best_ratio"]:
                return Evidence(False, "search", f"Lemma {lemma}", total,
                                counterexample={"lemma": lemma, "degree": n, "witness": entry["witness"],
                                                "reported": entry["best_ratio"], "re-evaluated": show(again, 20)})
            within = compare(again, bounds[lemma])
            if within is None:
                raise PrecisionError(f"Lemma {lemma}: the ratio's ball straddles the bound {show(bounds[lemma])}", lemma=lemma)
            if not within:
                return Evidence(False, "search", f"Lemma {lemma}", total,
                                counterexample={"lemma": lemma, "degree": n, "witness": entry["witness"],
                                                "ratio": entry["best_ratio"], "bound": show(bounds[lemma])})
            if top is None or compare(top[0], again) is True and not _same(top[0], again):
                top = (again, n, entry["best_ratio"])
            if int(n) >= 2 and (top2 is None or compare(top2[0], again) is True and not _same(top2[0], again)):
                top2 = (again, n, entry["best_ratio"])
        best[lemma] = {"ratio": top[2], "degree": top[1], "ratio for degree >= 2": top2 and top2[2]}
        lines.append(f"Lemma {lemma}: best {top[2][:10]} of {show(bounds[lemma])} at degree {top[1]}"
                     + (f", {top2[2][:10]} at degree {top2[1]} among degrees >= 2" if top2 else "")
                     + f" ({report.effort['instances']} instances)")
    return Evidence(True, "search", f"{total} instances, every degree 1 to {_degree(config)}, each best witness re-evaluated "
                    f"from its exact coefficients", total, worst_margin="; ".join(lines), details={"best ratios": best})
