"""Section 2.2's checks lemma-2.2, lemma-2.3, lemma-2.4: they pass, and each fails with a counterexample on a false variant."""

from fractions import Fraction

import pytest

from lcnsym.analysis.factorization import root_bound
from lcnsym.checking.evidence import CheckConfig
from lcnsym.errors import PrecisionError
from lcnsym.proofs import lemma_2_2, lemma_2_3, lemma_2_4


@pytest.mark.parametrize("mod", [lemma_2_2, lemma_2_3, lemma_2_4], ids=lambda m: m.ID)
def test_lemma_checks_pass(mod):
    ev = mod.check(CheckConfig())
    assert ev.passed and ev.instances > 50 and ev.worst_margin, ev.summary()


def test_lemma_2_2_false_variants_are_caught():
    ev = lemma_2_2.check(CheckConfig(), norm=2)
    assert not ev.passed and float(ev.counterexample["ratio"]) > 1
    ev = lemma_2_2.check(CheckConfig(), constant=Fraction(99, 100))
    assert not ev.passed and ev.counterexample["claimed constant"] == "99/100"


def test_lemma_2_3_without_the_factor_n_is_caught():
    ev = lemma_2_3.check(CheckConfig(), bound=lambda p: root_bound(p) / p.degree)
    assert not ev.passed
    assert float(ev.counterexample["|x|^2 (ball)"]) > float(Fraction(ev.counterexample["A^2"]))


def test_lemma_2_4_with_a_smaller_constant_is_caught():
    largest = Fraction(lemma_2_4.check(CheckConfig()).details["largest ratio"]) * Fraction(99, 100)
    ev = lemma_2_4.check(CheckConfig(), constant=largest)
    assert not ev.passed and "exceeds" in ev.counterexample["why"]


def test_lemma_2_4_reports_a_precision_shortfall_as_undecided_not_as_false(monkeypatch):
    from lcnsym.analysis import factorization

    monkeypatch.setattr(factorization, "MAX_GUARD_DIGITS", 10)
    monkeypatch.setattr(factorization, "RESIDUAL_DIGITS_LOST", -60)
    with pytest.raises(PrecisionError):
        lemma_2_4.check(CheckConfig())


def test_lemma_2_2_a_search_shrunk_below_its_minimum_fails():
    from lcnsym.checking.evidence import CheckConfig
    from lcnsym.proofs import lemma_2_2

    ev = lemma_2_2.check(CheckConfig(), pairs=12)
    assert not ev.passed and "all" in ev.counterexample["search too small"]


@pytest.mark.parametrize("field_name, factor", [("roots_product_bound", Fraction(11, 10)), ("T", Fraction(101, 100))])
def test_lemma_2_4_catches_library_constants_that_are_not_the_papers(monkeypatch, field_name, factor):
    """An injected 3.3 B n^r in (2.5) (a looser bound, still true, but not the paper's) passed every check before."""
    import dataclasses

    real = lemma_2_4.factorizations_for_all_classifications

    def loosened(coeffs, dps):
        out = []
        for f in real(coeffs, dps):
            value = getattr(f, field_name)
            out.append(dataclasses.replace(f, **{field_name: value * factor}) if value is not None else f)
        return out

    monkeypatch.setattr(lemma_2_4, "factorizations_for_all_classifications", loosened)
    ev = lemma_2_4.check(CheckConfig())
    assert not ev.passed and ev.counterexample["why"] == "a constant differs from RESULTS.md"


# Injection campaign A: each mistake below used to let lemma-2.2, lemma-2.3 or lemma-2.4 pass.  The check must now
# fail on its own, naming an instance.

import dataclasses

import flint
import mpmath

from lcnsym import numeric
from lcnsym.analysis import factorization, families
from lcnsym.analysis.roots import normalize_polynomial

QUICK = CheckConfig()


def _fails(ev):
    assert not ev.passed, ev.summary()
    assert ev.counterexample, ev.summary()
    return ev.counterexample


def _ratio_by_abs_of_sum(p, q):
    """A1: ``|sum pq|`` for ``sum |pq|``: at most 1, and 1 on nonnegative pairs, so the bound alone cannot see it."""
    p, q = [Fraction(c) for c in p], [Fraction(c) for c in q]
    pq = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        for j, y in enumerate(q):
            pq[i + j] += x * y
    return abs(sum(pq)) / (sum(map(abs, p)) * sum(map(abs, q)))


def _ratio_ball_re_plus_im(p, q, norm=1, *, dps=numeric.DEFAULT_DPS):
    """A2: ``|Re c| + |Im c|`` for ``|c|`` (also submultiplicative, so every ratio stays <= 1)."""
    with numeric.working_precision(dps):
        p, q = [numeric.to_acb(c) for c in p], [numeric.to_acb(c) for c in q]
        pq = (flint.acb_poly(p) * flint.acb_poly(q)).coeffs()

        def size(cs):
            total = sum((abs(c) ** norm if norm > 1 else abs(c.real) + abs(c.imag) for c in cs), numeric.to_arb(0))
            return total.root(norm) if norm > 1 else total

        return size(pq) / (size(p) * size(q))


@pytest.mark.parametrize("anchors", [True, False], ids=["anchors", "search only"])
def test_lemma_2_2_a1_ratio_of_the_absolute_sum_is_caught(monkeypatch, anchors):
    monkeypatch.setattr(lemma_2_2, "one_norm_ratio", _ratio_by_abs_of_sum)
    if not anchors:
        monkeypatch.setattr(lemma_2_2, "ANCHORS", ())
    cx = _fails(lemma_2_2.check(QUICK))
    if anchors:
        assert cx["anchor"] == "(1 - x)(1 + x) = 1 - x^2" and cx["one_norm_ratio"] == "0" and cx["known ratio"] == "1/2"
    else:
        assert cx["problem"] == "one_norm_ratio differs from the exact ratio" and cx["p"] and cx["q"]


@pytest.mark.parametrize("anchors", [True, False], ids=["anchors", "search only"])
def test_lemma_2_2_a2_complex_modulus_as_re_plus_im_is_caught(monkeypatch, anchors):
    monkeypatch.setattr(lemma_2_2, "norm_ratio_ball", _ratio_ball_re_plus_im)
    if not anchors:
        monkeypatch.setattr(lemma_2_2, "_anchors", lambda: None)
    cx = _fails(lemma_2_2.check(QUICK))
    if anchors:
        assert cx["anchor"] == "((1+i) + x)(1 + (1+i) x)" and cx["norm_ratio_ball"]["mid"].startswith("0.7777")
    else:
        assert cx["kind"] == "complex" and cx["problem"] == "the library's ball misses the ratio" and cx["p"]


def test_lemma_2_2_c5b_degrees_shrunk_to_3_is_caught(monkeypatch):
    real = lemma_2_2._pairs
    shrink = lambda c: c if len(c) <= 4 else c[:3] + c[-1:]  # degree <= 3, the leading coefficient kept
    monkeypatch.setattr(lemma_2_2, "_pairs", lambda rng, count: ((k, shrink(p), shrink(q)) for k, p, q in real(rng, count)))
    cx = _fails(lemma_2_2.check(QUICK))
    assert "with a factor of degree >= 10" in cx["search too small"]


def test_lemma_2_2_c6_complex_pairs_made_real_is_caught(monkeypatch):
    real = lemma_2_2._pairs
    realify = lambda c: [(x[0], 0 * x[1]) if isinstance(x, tuple) else x for x in c]
    monkeypatch.setattr(lemma_2_2, "_pairs", lambda rng, count: ((k, realify(p), realify(q)) for k, p, q in real(rng, count)))
    cx = _fails(lemma_2_2.check(QUICK))
    assert "with a non-real coefficient" in cx["search too small"]


def test_lemma_2_2_text_reports_what_ran():
    ev = lemma_2_2.check(QUICK)
    assert ev.passed and "degree <= 12" in ev.scope and "known-answer anchors" in ev.scope
    assert "with a non-real coefficient" in ev.scope and "with a factor of degree >= 10" in ev.scope


def _squares(coeffs):
    poly = normalize_polynomial(coeffs)
    return poly, [re * re + im * im for re, im in poly.coeffs]


def _a_squared_n_cubed(coeffs):  # A3
    poly, sq = _squares(coeffs)
    return poly.degree**3 * max(sq) / sq[-1]


def _a_squared_without_a_n(coeffs):  # A4: a false Lemma 2.3
    poly, sq = _squares(coeffs)
    return poly.degree**2 * max(sq[:-1]) / sq[-1]


@pytest.mark.parametrize("variant", [_a_squared_n_cubed, _a_squared_without_a_n], ids=["A3 n^3", "A4 a_n left out"])
def test_lemma_2_3_a3_a4_library_a_squared_not_the_papers_is_caught(monkeypatch, variant):
    monkeypatch.setattr(lemma_2_3, "root_bound_squared", variant)
    cx = _fails(lemma_2_3.check(QUICK))
    assert cx["polynomial"] and "differs from RESULTS.md" in cx["problem"]
    assert Fraction(cx["root_bound_squared"]) != Fraction(cx["A^2 as stated"])


def test_lemma_2_3_a4_as_the_bound_itself_fails_on_the_roots():
    """A bound that leaves a_n out of the max is false: the dominant-leading-coefficient instances have roots beyond it."""
    def without_a_n(poly):
        if poly.degree == 1:  # |x| = A exactly there, which balls cannot decide; the variant matters for n >= 2
            return 2 * root_bound(poly)
        if poly.is_real:
            return poly.degree * max(abs(re) for re, _ in poly.coeffs[:-1]) / abs(poly.coeffs[-1][0])
        _, sq = _squares(poly)
        with numeric.working_precision(60):
            return poly.degree * mpmath.sqrt(numeric.to_mpf(max(sq[:-1]) / sq[-1]))

    cx = _fails(lemma_2_3.check(QUICK, bound=without_a_n))
    assert cx["polynomial"] and ("|x|^2 (ball)" in cx or cx.get("problem") in (
        "|x| > A exactly", "the ball's verdict contradicts the exact one"))


def test_lemma_2_3_dominant_leading_coefficients_break_a_bound_without_a_n():
    for name, coeffs in (("9x^2 + x + 1", [1, 1, 9]), ("x^3 - 10^-3", [-Fraction(1, 1000), 0, 0, 1])):
        _, sq = _squares(coeffs)
        roots = lemma_2_3.certified_roots(coeffs, 40)
        assert any(numeric.compare(abs(r.ball) ** 2, _a_squared_without_a_n(coeffs)) is False for r in roots), name


def test_lemma_2_3_a5_root_bound_without_n_is_caught(monkeypatch):
    real = lemma_2_3.root_bound

    def without_n(coeffs, *, dps=numeric.DEFAULT_DPS):
        poly = normalize_polynomial(coeffs)
        if poly.is_real:
            return max(abs(re) for re, _ in poly.coeffs) / abs(poly.coeffs[-1][0])
        return real(coeffs, dps=dps)

    monkeypatch.setattr(lemma_2_3, "root_bound", without_n)
    cx = _fails(lemma_2_3.check(QUICK))
    assert cx["polynomial"] and cx["problem"].startswith("root_bound squared is not RESULTS.md's A^2")


def test_lemma_2_3_c8_degree_one_bound_loosened_is_caught(monkeypatch):
    real = lemma_2_3._degree_one
    monkeypatch.setattr(lemma_2_3, "_degree_one", lambda poly: (real(poly)[0], 4 * real(poly)[1]))
    cx = _fails(lemma_2_3.check(QUICK))
    assert cx["polynomial"] and cx["problem"] == "the exact degree-1 A^2 differs from RESULTS.md's"


def test_lemma_2_4_a6_factor_norm_of_the_sum_is_caught(monkeypatch):
    real = factorization._build

    def norm_of_sum(*args):
        f = real(*args)
        f.factor_norms = [abs(c0 + c1) for c0, c1 in f.factors]
        return f

    monkeypatch.setattr(factorization, "_build", norm_of_sum)
    cx = _fails(lemma_2_4.check(QUICK))
    assert cx["polynomial"] and cx["why"] == "the library's factor norms are not |c0| + |c1| of its factors"


@pytest.mark.parametrize("attr", ["scaled_bound", "bound"])
def test_lemma_2_4_a7_bound_6_n_plus_1_t_is_caught(monkeypatch, attr):
    cls = factorization.LinearFactorization
    if attr == "scaled_bound":
        real = cls.scaled_bound
        monkeypatch.setattr(cls, "scaled_bound", lambda self, constant=6: real(self, constant) * Fraction(self.degree + 1, self.degree))
    else:
        monkeypatch.setattr(cls, "bound", property(lambda self: 6 * (self.degree + 1) * self.T))
    cx = _fails(lemma_2_4.check(QUICK))
    assert cx["polynomial"] and cx["why"] == "the library's 6 n T is not 6 n T as stated"


def test_lemma_2_4_a8_midpoint_choice_falling_back_to_case_1_is_caught(monkeypatch):
    def all_big(enclosures):
        mods = [enc.modulus_squared() for enc in enclosures for _ in range(enc.multiplicity)]
        return [i for i, m in enumerate(mods) if m >= 1] if all(m > 1 for m in mods) else []

    monkeypatch.setattr(factorization, "_midpoint_choice", all_big)
    cx = _fails(lemma_2_4.check(QUICK))
    assert cx["polynomial"] and cx["why"].startswith("linear_factorization counts r = 0 big roots, not an admissible")


def test_lemma_2_4_a12_25_left_undecided_by_the_library_is_decided_by_the_check(monkeypatch):
    """A12 (the library skips (2.5) when r = n) with (2.5) made false there: only the check's own decision sees it."""
    cls = factorization.LinearFactorization
    real_verdict, real_build = cls.verdict, factorization._build

    def skipping(self, constant=6):
        return real_verdict(dataclasses.replace(self, case=1) if self.case == 2 and self.r == self.degree else self, constant)

    def false_25(*args):
        f = real_build(*args)
        if f.case == 2 and f.r == f.degree:
            f.roots_product = 2 * numeric.to_arb(f.roots_product_bound)
        return f

    monkeypatch.setattr(cls, "verdict", skipping)
    monkeypatch.setattr(factorization, "_build", false_25)
    cx = _fails(lemma_2_4.check(QUICK))
    assert cx["polynomial"] and cx["why"] == "(2.5) fails: |z_1...z_r| > 3 B n^r as stated" and cx["r"] == cx["degree"]


def _constants_n_before_dropping(coeffs, r, prec):  # C7
    a = [c if isinstance(c, tuple) else (Fraction(c), Fraction(0)) for c in coeffs]
    n = len(a) - 1
    while len(a) > 1 and a[-1] == (0, 0):
        a.pop()
    if all(im == 0 for _, im in a):
        return max(sum(abs(re) for re, _ in a), Fraction(1)), 3 * (max(abs(re) for re, _ in a) / abs(a[-1][0])) * n ** r, n
    sq = [Fraction(re) ** 2 + Fraction(im) ** 2 for re, im in a]
    with numeric.working_precision(prec=prec):
        return (sum((numeric.to_arb(x).sqrt() for x in sq), numeric.to_arb(0)).max(numeric.to_arb(1)),
                3 * (numeric.to_arb(max(sq)) / numeric.to_arb(sq[-1])).sqrt() * numeric.to_arb(n) ** r, n)


def test_lemma_2_4_c7_degree_taken_before_dropping_zero_leading_coefficients_is_caught(monkeypatch):
    monkeypatch.setattr(lemma_2_4, "constants_as_stated", _constants_n_before_dropping)
    cx = _fails(lemma_2_4.check(QUICK))
    assert "zero leading coefficient" in cx["polynomial"] and cx["why"] == "a constant differs from RESULTS.md"


def test_lemma_2_4_the_library_counting_the_stated_degree_is_caught(monkeypatch):
    real = factorization._build
    monkeypatch.setattr(factorization, "_build", lambda poly, *rest: dataclasses.replace(real(poly, *rest), degree=poly.stated_degree))
    cx = _fails(lemma_2_4.check(QUICK))
    assert "zero leading coefficient" in cx["polynomial"] and cx["n as stated"] < cx["degree"]


def _random_without_complex(count, max_degree, seed, real=families.random_family):  # A10
    for name, c in real(count, max_degree, seed):
        if name.startswith("complex"):
            name, c = name.replace("complex", "gaussian"), [re for re, _ in c]
        yield name, c


def _exact_modulus_shrunk(thorough=False, real=families.exact_modulus_family):  # A11: x^n - 1 for n in (2, 3) only
    for name, c, m2 in real(thorough):
        if not (name.startswith("x^") and "- 1 (roots on the unit circle)" in name and len(c) - 1 not in (2, 3)):
            yield name, c, m2


@pytest.mark.parametrize("mod", [lemma_2_3, lemma_2_4], ids=lambda m: m.ID)
@pytest.mark.parametrize("family, variant, kind", [
    ("random_family", _random_without_complex, "polynomials: random complex"),
    ("exact_modulus_family", _exact_modulus_shrunk, "polynomials: roots on the unit circle of degree >= 5")],
    ids=["A10 no random complex", "A11 unit circle shrunk"])
def test_lemma_2_3_2_4_a10_a11_shrunk_families_are_caught(monkeypatch, mod, family, variant, kind):
    monkeypatch.setattr(families, family, variant)
    cx = _fails(mod.check(QUICK))
    assert kind in cx["search too small"]


@pytest.mark.parametrize("mod", [lemma_2_3, lemma_2_4], ids=lambda m: m.ID)
def test_lemma_2_3_2_4_texts_count_the_kinds_that_ran(mod):
    ev = mod.check(QUICK)
    assert ev.passed
    for kind, n in ev.details["kinds"].items():
        assert f"{n} {kind}" in ev.scope and n >= mod.MIN_KINDS["quick"][kind]


# Campaign A2: library injections that used to pass verify (N5, A1).

def test_lemma_2_2_catches_norm_constant_search_keeping_the_smallest_ratio(monkeypatch):  # A2 N5
    from helpers import injected

    keeps_smallest = injected(factorization.norm_constant_search, "if best is None or r > best:",
                              "if best is None or r < best:")
    assert lemma_2_2._search_route() is None
    monkeypatch.setattr(factorization, "norm_constant_search", keeps_smallest)
    ev = lemma_2_2.check(CheckConfig())
    assert not ev.passed
    c = ev.counterexample
    assert c["norm_constant_search"] == f"(norm=1, degree=2, trials={lemma_2_2.SEARCH_TRIALS})"
    assert c["returned ratio"]["mid"].startswith("0.") and c["largest ratio of the search"]["mid"].startswith("1.000")


def test_lemma_2_2_catches_norm_constant_search_below_the_p2_supremum(monkeypatch):  # A2 N5, the p = 2 side
    real = factorization.norm_constant_search
    monkeypatch.setattr(factorization, "norm_constant_search",
                        lambda norm, degree, trials=2000, **kw: real(norm, degree, trials=min(trials, 6), **kw))
    ev = lemma_2_2.check(CheckConfig())  # 6 trials never draw (1 + x)^2: 1.1505.. < sqrt(3/2)
    assert not ev.passed and ev.counterexample["norm_constant_search"].startswith("(norm=2")
    assert ev.counterexample["largest ratio of the search"]["mid"].startswith("1.2247448713")


def test_lemma_2_4_catches_a_ratio_against_6nT_instead_of_nT(monkeypatch):  # A2 A1
    cls = factorization.LinearFactorization
    monkeypatch.setattr(cls, "ratio", property(lambda self: self.max_factor_norm / numeric.to_arb(self.bound)))
    ev = lemma_2_4.check(CheckConfig())
    assert not ev.passed
    why = ev.counterexample["why"]
    assert why.startswith("LinearFactorization.ratio ") and "is not max |||u_i|||_1 / (n T) = " in why
    library, own = (Fraction(part.split()[0]) for part in why.split("ratio ")[1].split(" = "))
    assert own / library > 5  # a sixth, up to the 15 digits shown


def test_lemma_2_3_never_counts_a_ball_that_straddles_the_bound_as_inside(monkeypatch):
    """A root ball that straddles ``|x| = A`` at every precision is undecided: ``_decide`` raises a PrecisionError naming
    the precision (a decider that counted it as ``|x| <= A`` would pass a lemma it did not decide); a ball inside beside
    it does not change that."""
    from lcnsym.analysis.roots import RootEnclosure
    from lcnsym.numeric import make_ball, working_precision

    with working_precision(30):
        straddling = RootEnclosure(flint.acb(make_ball(1, Fraction(1, 1000))), 1)
        inside = RootEnclosure(flint.acb(make_ball(Fraction(1, 2), Fraction(1, 1000))), 1)
    monkeypatch.setattr(lemma_2_3, "certified_roots", lambda poly, digits: [inside, straddling])
    with pytest.raises(PrecisionError, match="straddles"):
        lemma_2_3._decide(normalize_polynomial([1, 0, 1]), Fraction(1), 30)


def test_lemma_2_3_reports_the_ratio_not_its_square():
    """Campaign E: the check tracks |x|^2/A^2; its text and details report |x|/A: 1/4 is a ratio of 1/2, and the run's
    own figure squares back to its worst squared ratio (at most 1: the lemma)."""
    assert lemma_2_3.largest_ratio(Fraction(1, 4)) == 0.5 and lemma_2_3.largest_ratio(Fraction(9, 16)) == 0.75
    ev = lemma_2_3.check(CheckConfig())
    assert ev.passed and ev.worst_margin == f"largest |x|/A = {ev.details['largest |x|/A']:.6g}"


def test_lemma_2_2_counts_in_its_text_are_the_pairs_it_drew():
    """Campaign H: every count in lemma-2.2's evidence is recounted from the same draw: a degree-0 complex pair has the
    exact ratio 1 and is not "decided by balls"."""
    import random

    ev = lemma_2_2.check(QUICK)
    drawn = list(lemma_2_2._pairs(random.Random(QUICK.seed), lemma_2_2.MIN_PAIRS["quick"]))
    balls = [(p, q) for kind, p, q in drawn if kind == "complex" and len(p) > 1 and len(q) > 1]
    nonreal = sum(any(c[1] != 0 for c in p + q) for p, q in balls)
    high = sum(max(len(p), len(q)) - 1 >= lemma_2_2.HIGH_DEGREE for _, p, q in drawn)
    equal = sum(kind == "nonnegative" for kind, _, _ in drawn)
    assert ev.passed and ev.instances == len(drawn)
    assert f"{len(drawn) - len(balls)} ratios decided exactly, {len(balls)} by " in ev.scope
    assert f"{high} with a factor of degree >= {lemma_2_2.HIGH_DEGREE}; {nonreal} with a non-real coefficient" in ev.scope
    assert f"on all {equal} nonnegative pairs" in ev.scope


def test_lemma_2_2_equality_case_refuses_a_ratio_below_one(monkeypatch):
    """Campaign N: nonnegative pairs have ratio exactly 1; a library (and a check) that gave them 1/2 fails the equality
    case, not only one above 1."""
    halved = lambda real: (lambda p, q: real(p, q) / 2 if all(c >= 0 for c in p + q) else real(p, q))
    monkeypatch.setattr(lemma_2_2, "one_norm_ratio", halved(lemma_2_2.one_norm_ratio))
    monkeypatch.setattr(lemma_2_2, "exact_ratio", halved(lemma_2_2.exact_ratio))
    monkeypatch.setattr(lemma_2_2, "_anchors", lambda: None)
    monkeypatch.setattr(lemma_2_2, "_search_route", lambda: None)
    ev = lemma_2_2.check(QUICK)
    assert not ev.passed and ev.scope == "equality case" and ev.counterexample["ratio"] == "1/2"


def test_lemma_2_4_states_the_largest_ratio_over_degrees_two_and_up(monkeypatch):
    """Campaign N: "... for n >= 2" is the largest ratio over every factorization of degree 2 or more, recomputed."""
    from lcnsym.numeric import to_float

    seen = []
    real = lemma_2_4._own_ratio
    monkeypatch.setattr(lemma_2_4, "_own_ratio", lambda f, T, n: seen.append((f.degree, real(f, T, n))) or seen[-1][1])
    ev = lemma_2_4.check(QUICK)
    assert ev.passed and any(d == 2 for d, _ in seen)
    assert ev.details["largest ratio n>=2"] == max(to_float(r) for d, r in seen if d >= 2)
    assert ev.details["largest ratio"] == max(to_float(r) for _, r in seen)


def test_lemma_2_3_text_counts_what_ran():
    """Campaign R: the counts in the evidence (polynomials, exactly known moduli, roots exactly on |x| = A, degree-one
    exact ones) are the instances', recounted here from the families."""
    import re

    from lcnsym.analysis.families import polynomial_instances

    ev = lemma_2_3.check(QUICK)
    insts = list(polynomial_instances(QUICK))
    known = [i for i in insts if i.modulus_squared is not None]
    on_bound = sum(i.modulus_squared == lemma_2_3.bound_squared_as_stated(i.coeffs) for i in known)
    degree_one = sum(i.modulus_squared is None and normalize_polynomial(i.coeffs).degree == 1 for i in insts)
    assert 4 <= on_bound < len(known)  # some on the bound, not all: "<=" in place of "==" would count them all
    assert ev.passed and ev.instances == len(insts) and ev.scope.startswith(f"{len(insts)} polynomials")
    assert re.search(rf"\b{len(known)} with exactly known root moduli", ev.scope)
    assert re.search(rf"\b{on_bound} with a root exactly on \|x\| = A", ev.scope)
    assert re.search(rf"\b{degree_one} further ones of degree 1", ev.scope)
    # the families and kinds as recounted, and the unit-circle degrees (a mutation pass: none of these was read back)
    from lcnsym.analysis.families import KINDS, kinds_of

    families, kinds = {}, dict.fromkeys(KINDS, 0)
    for i in insts:
        families[i.family] = families.get(i.family, 0) + 1
        for kind in kinds_of(i):
            kinds[kind] += 1
    assert ev.details["families"] == families and ev.details["kinds"] == kinds
    assert f"({', '.join(f'{n} {f}' for f, n in families.items())}; of these {', '.join(f'{n} {k}' for k, n in kinds.items())};" in ev.scope
    unit = sorted({normalize_polynomial(i.coeffs).degree for i in known if i.modulus_squared == 1
                   and normalize_polynomial(i.coeffs).degree > 1})
    assert f"roots on the unit circle of degree {', '.join(map(str, unit))} and" in ev.scope and 2 in unit


def test_lemma_2_4_counts_the_polynomials_whose_balls_straddle_the_unit_circle(monkeypatch):
    """Campaign HH: the count of straddling polynomials (held against MIN_STRADDLING) is those with more than one
    classification, recounted here from the library's answers while the check runs, not every polynomial."""
    real = lemma_2_4.factorizations_for_all_classifications
    sizes = []

    def spy(coeffs, dps):
        out = real(coeffs, dps)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(lemma_2_4, "factorizations_for_all_classifications", spy)
    ev = lemma_2_4.check(QUICK)
    straddled = sum(n > 1 for n in sizes)
    assert ev.passed and len(sizes) == ev.instances and lemma_2_4.MIN_STRADDLING["quick"] <= straddled < len(sizes)
    assert f"({straddled} polynomials with balls straddling |z| = 1," in ev.scope


def test_lemma_2_4_states_the_largest_residual_whatever_the_order(monkeypatch):
    """Campaign T: the figure is the largest residual over the factorizations, not the last one's (the families end with
    their largest; reversed, the last is not)."""
    figure = lambda ev: ev.worst_margin.split("largest residual ")[-1]
    ev = lemma_2_4.check(QUICK)
    real = lemma_2_4.polynomial_instances
    monkeypatch.setattr(lemma_2_4, "polynomial_instances", lambda config: list(real(config))[::-1])
    reversed_ev = lemma_2_4.check(QUICK)
    assert ev.passed and reversed_ev.passed and figure(ev) == figure(reversed_ev)


@pytest.mark.parametrize("kind, factor", [("real", Fraction(10**30 + 1, 10**30)), ("complex", Fraction(10**12 - 1, 10**12)),
                                          ("complex", Fraction(10**12 + 1, 10**12))])
def test_lemma_2_3_root_bound_off_by_a_hair_is_caught(monkeypatch, kind, factor):
    """A mutation pass over lemma_2_3.py: root_bound must square to A^2 exactly for real p (not within a tolerance), and
    within 10^-(dps-5) relative, either way, for complex p (an mpmath square root)."""
    import mpmath

    real = root_bound

    def off(coeffs, dps=30):
        A = real(coeffs, dps=dps)
        if isinstance(A, Fraction) != (kind == "real"):
            return A
        if kind == "real":
            return A * factor
        with mpmath.workdps(dps + 10):
            return A * mpmath.mpf(factor.numerator) / factor.denominator

    monkeypatch.setattr(lemma_2_3, "root_bound", off)
    cx = _fails(lemma_2_3.check(QUICK))
    assert "root_bound squared is not RESULTS.md's A^2" in cx["problem"]


def test_lemma_2_3_decides_the_squared_modulus_against_a_squared_and_reports_the_largest_ratio():
    """A mutation pass over lemma_2_3.py: ``_decide`` on (x - 1)(x - 2) by hand. A^2 = 36: holds, worst |x|^2/A^2 = 4/36;
    A^2 = 3 (A = 1.73): the root 2 breaks it (|x| = 2 <= 3 = A^2 would not); the exact degree-1 path on complex a_0."""
    from lcnsym.analysis.roots import normalize_polynomial

    poly = normalize_polynomial([2, -3, 1])
    assert lemma_2_3._decide(poly, Fraction(36), 30)[:2] == (True, Fraction(1, 9))
    ok, worst, root = lemma_2_3._decide(poly, Fraction(3), 30)
    assert ok is False and root.ball.contains(2) and worst == Fraction(4, 3)
    # (2 + i) x + (1 - 3i): |x|^2 = 10/5, A^2 = max(10, 5)/5
    assert lemma_2_3._degree_one(normalize_polynomial([(1, -3), (2, 1)])) == (Fraction(2), Fraction(2))
    assert lemma_2_3._degree_one(normalize_polynomial([(0, 1), (3, 4)])) == (Fraction(1, 25), Fraction(1))


def test_lemma_2_3_passes_with_a_true_looser_bound_saying_it_was_replaced():
    def twice(poly):
        return 2 * root_bound(poly, dps=40)

    ev = lemma_2_3.check(QUICK, bound=twice)
    assert ev.passed and "from a replaced bound" in ev.scope and "largest |x|/A = 0.5" in ev.worst_margin


def test_lemma_2_3_a_bound_below_an_exactly_known_modulus_fails_exactly():
    """A mutation pass: where every root's modulus is known, a bound below it fails by the exact comparison even when
    each ball agrees with it (the balls' verdicts are then consistent: only "|x| > A exactly" catches it)."""
    def halved_on_the_unit_circle(poly):
        on_circle = poly.degree > 1 and poly.coeffs[0] in ((-1, 0), (1, 0)) and all(c == (0, 0) for c in poly.coeffs[1:-1])
        return Fraction(1, 2) if on_circle else 2 * root_bound(poly, dps=40)

    cx = _fails(lemma_2_3.check(QUICK, bound=halved_on_the_unit_circle))
    assert cx["problem"] == "|x| > A exactly" and cx["exact |x|^2"] == "1" and cx["A^2"] == "1/4"


def test_lemma_2_4_counterexamples_describe_the_factorization_as_it_is():
    """A mutation pass over lemma_2_4.py: case 1 has no |z_1..z_r| nor 3 B n^r (None, not a number), case 2 both, to
    15 digits, with the factor norms' largest and 6 n T."""
    from lcnsym.analysis.factorization import linear_factorization
    from lcnsym.numeric import show

    one = lemma_2_4._describe("p", linear_factorization([Fraction(1, 4), 0, 1], dps=30), 6, "why")
    assert one["case"] == 1 and one["|z_1..z_r|"] is None and one["3 B n^r"] is None and one["6 n T"] == "15"
    f = linear_factorization([2, -3, 1], dps=30)
    two = lemma_2_4._describe("p", f, 6, "why")
    assert two["|z_1..z_r|"] == show(f.roots_product, 15) and two["|z_1..z_r|"].startswith("2.0000000000000")
    assert two["3 B n^r"] == "36" and two["max |||u_i|||_1"].startswith("2.8284271247461") and two["r"] == 2
    assert len(two["max |||u_i|||_1"].replace(".", "")) == 15


@pytest.mark.parametrize("mod", [lemma_2_3, lemma_2_4], ids=lambda m: m.ID)
def test_lemmas_2_3_and_2_4_fail_with_fewer_random_polynomials_than_the_family_draws(monkeypatch, mod):
    """Campaign Y (Y01): 120 random polynomials in place of the quick profile's 160 left 169 in all, above the old
    minimum of 150: every random polynomial is now required."""
    from lcnsym.analysis import families

    real = families.polynomial_instances
    monkeypatch.setattr(mod, "polynomial_instances", lambda config: real(config, random_count=120))
    cx = _fails(mod.check(QUICK))
    assert cx["search too small"] == {"random polynomials": "ran 120, minimum 160"}


def test_lemma_2_4_audit_refuses_a_classification_against_an_exactly_known_modulus():
    """A mutation pass over lemma_2_4.py: the audit's second half, on factorizations whose roots' known modulus is
    planted wrong (roots 2, 3 said to lie inside or on |z| = 1; roots 1/2, 1/3 said to lie outside)."""
    from lcnsym.analysis.factorization import factorizations_for_all_classifications

    outside = factorizations_for_all_classifications([6, -5, 1], 30)
    inside = factorizations_for_all_classifications([Fraction(1, 6), Fraction(-5, 6), 1], 30)
    for fs, m2 in ((outside, Fraction(1, 4)), (outside, Fraction(1)), (inside, Fraction(4)), (inside, Fraction(1))):
        bad = lemma_2_4._audit(fs, m2)
        assert bad is not None and "classified against it" in bad["problem"], m2
    assert lemma_2_4._audit(outside, Fraction(9)) is None and lemma_2_4._audit(inside, Fraction(1, 9)) is None
    assert lemma_2_4._audit(outside, None) is None


def test_lemma_2_4_constants_as_stated_are_exact_for_real_coefficients():
    T, bound_25, n = lemma_2_4.constants_as_stated([2, -3, 1, 0], 2, 100)
    assert (T, bound_25, n) == (6, 36, 2) and isinstance(T, Fraction) and isinstance(bound_25, Fraction)


def test_lemma_2_4_an_undecided_comparison_against_the_stated_bounds_is_never_a_pass(monkeypatch):
    """Campaign AA (15): _decide_as_stated raises PrecisionError when its balls cannot decide, never returns None."""
    from lcnsym.analysis.factorization import linear_factorization
    from lcnsym.errors import PrecisionError
    from lcnsym.proofs import lemma_2_4

    f = linear_factorization([2, -3, 1], dps=30)
    T, bound_25, n = lemma_2_4.constants_as_stated([2, -3, 1], f.r, f.prec)
    assert lemma_2_4._decide_as_stated(f, 6, T, bound_25, n) is None
    monkeypatch.setattr(lemma_2_4, "compare", lambda a, b: None)
    with pytest.raises(PrecisionError, match="lemma-2.4 undecided for degree 2"):
        lemma_2_4._decide_as_stated(f, 6, T, bound_25, n)


def test_lemma_2_2_a_ratio_ball_straddling_the_constant_is_undecided_never_a_pass(monkeypatch):
    """Campaign HH (l22b): a library ball that holds the true ratio but straddles the constant 1 raises PrecisionError
    (the check's own recomputation agrees with it, so only the decision can catch it); read as "holds", it passed."""
    monkeypatch.setattr(lemma_2_2, "norm_ratio_ball", lambda p, q, norm, dps: flint.arb(1, 1))
    with pytest.raises(PrecisionError, match="lemma-2.2 undecided"):
        lemma_2_2.check(QUICK)


def test_lemma_2_4_decides_every_factors_norm_not_only_the_first(monkeypatch):
    """Campaign HH (l24a): deciding only the first factor's |c0| + |c1| against C n T misses a later, larger one. For
    (x - 2)(x + 3)(x - 1/2)(x^2 + 4) a factorization whose largest norm is not its first, with C between the two: the
    stated bound fails on the larger factor."""
    from lcnsym.numeric import to_float

    coeffs = [Fraction(12), Fraction(-26), Fraction(5), Fraction(-5, 2), Fraction(1, 2), Fraction(1)]  # the product
    for f in lemma_2_4.factorizations_for_all_classifications(coeffs, 30):
        norms = [to_float(n) for n in lemma_2_4._own_factor_norms(f)]
        if norms.index(max(norms)) != 0:
            break
    else:
        raise AssertionError("no factorization whose largest factor norm is not the first")
    T, bound_25, n = lemma_2_4.constants_as_stated(coeffs, f.r, f.prec)
    constant = Fraction((norms[0] + max(norms)) / 2 / (n * to_float(T))).limit_denominator(1000)
    assert norms[0] < constant * n * to_float(T) < max(norms)
    why = lemma_2_4._decide_as_stated(f, constant, T, bound_25, n)
    assert why is not None and "exceeds" in why


def test_lemma_2_2_states_the_largest_ratio_over_every_pair(monkeypatch):
    """Campaign II (L2): the figure is the largest ratio over the pairs, not the last pair's."""
    from lcnsym import numeric

    seen = []
    monkeypatch.setattr(lemma_2_2, "to_float", lambda x: seen.append(numeric.to_float(x)) or seen[-1])
    ev = lemma_2_2.check(QUICK)
    assert ev.passed and len(seen) == ev.instances and max(seen) != seen[-1]
    assert ev.worst_margin == f"largest ratio {max(seen):.6f}" and ev.details["largest ratio"] == max(seen)


def test_lemma_2_4_audit_needs_every_number_of_big_roots_between_the_extremes():
    """Campaign II (G2): x^2 - 1's two roots straddle |z| = 1, so r = 0, 1 and 2 must each be built; the extremes alone
    (r = 0 and 2) fail the audit, as does a repeated r."""
    from lcnsym.analysis.factorization import factorizations_for_all_classifications

    fs = factorizations_for_all_classifications([-1, 0, 1], 30)
    assert sorted(f.r for f in fs) == [0, 1, 2] and lemma_2_4._audit(fs, None) is None
    extremes = [f for f in fs if f.r != 1]
    bad = lemma_2_4._audit(extremes, None)
    assert bad is not None and bad["numbers of big roots built"] == [0, 2] and bad["needed"] == "each of 0..2"
    assert lemma_2_4._audit(fs + [fs[0]], None) is not None


def test_lemma_2_3_holds_the_librarys_root_bound_on_every_family(monkeypatch):
    """Campaign II (M2): root_bound_squared is held against the stated A^2 on every polynomial; one wrong only where
    the leading coefficients are zero (not a random polynomial) fails, naming that family's polynomial."""
    real = lemma_2_3.root_bound_squared

    def wrong_with_zero_leading(coeffs):
        return 4 * real(coeffs) if coeffs[-1] == 0 else real(coeffs)

    monkeypatch.setattr(lemma_2_3, "root_bound_squared", wrong_with_zero_leading)
    cx = _fails(lemma_2_3.check(QUICK))
    assert "the library's A^2 differs" in cx["problem"]


def test_lemma_2_4_recomputes_the_product_of_the_big_roots(monkeypatch):
    """Campaign II (G6): a library |z_1..z_r| halved (so (2.5) holds more easily) fails: the check recomputes it from
    the r largest root moduli."""
    import dataclasses

    real = lemma_2_4.factorizations_for_all_classifications

    def halved(coeffs, dps):
        return [dataclasses.replace(f, roots_product=f.roots_product / 2) if f.case == 2 else f for f in real(coeffs, dps)]

    monkeypatch.setattr(lemma_2_4, "factorizations_for_all_classifications", halved)
    cx = _fails(lemma_2_4.check(QUICK))
    assert cx["why"] == "the library's |z_1..z_r| is not the product of the r largest root moduli" and cx["case"] == 2


def test_lemma_2_2_catches_norm_constant_search_returning_a_pair_that_is_not_its_ratios(monkeypatch):
    """Campaign II (L7): the right best ratio with a pair whose ratio is 3/4 fails: the pair's ratio is recomputed."""
    real = factorization.norm_constant_search

    def wrong_pair(norm, degree, trials, dps):
        best, _ = real(norm, degree, trials=trials, dps=dps)
        return best, ([1, 3], [1, -1])

    monkeypatch.setattr(factorization, "norm_constant_search", wrong_pair)
    c = lemma_2_2._search_route()
    assert c is not None and c["its pair, recomputed in the check"] == "3/4"


@pytest.mark.parametrize("norm, constant", [(2, Fraction(3, 2)), (2, Fraction(1))])
def test_lemma_2_2_judges_real_pairs_by_the_norm_asked_for(norm, constant):
    """Campaign II (L6): with norm=2 every pair's 2-norm ratio is decided (real pairs too, not by their 1-norm ratio):
    the false variant "constant 3/2 for the 2-norm" fails on a pair beyond 3/2 (sqrt(3/2) = 1.22 is the degree-2
    supremum; higher degrees go beyond)."""
    ev = lemma_2_2.check(QUICK, norm=norm, constant=constant)
    assert not ev.passed and ev.counterexample["norm"] == norm and ev.counterexample["kind"] != "complex"


def test_lemma_2_4_holds_every_product_to_its_stated_residual(monkeypatch):
    """Campaign NN: a product that reproduces p only to 1e-30 (the text says within 1e-(dps - RESIDUAL_DIGITS_LOST))
    raises PrecisionError; it passed with the guard loosened by 20 digits."""
    import dataclasses

    real = lemma_2_4.factorizations_for_all_classifications
    monkeypatch.setattr(lemma_2_4, "factorizations_for_all_classifications",
                        lambda coeffs, dps: [dataclasses.replace(f, residual=Fraction(1, 10**30)) for f in real(coeffs, dps)])
    with pytest.raises(PrecisionError, match="the product reproduces .* only to"):
        lemma_2_4.check(QUICK)


def test_lemma_2_4_refuses_factor_norms_the_library_lists_in_excess(monkeypatch):
    """Campaign NN: the library's factor norms must be exactly one per factor; an extra entry fails."""
    import dataclasses

    real = lemma_2_4.factorizations_for_all_classifications
    monkeypatch.setattr(lemma_2_4, "factorizations_for_all_classifications",
                        lambda coeffs, dps: [dataclasses.replace(f, factor_norms=list(f.factor_norms) + [f.factor_norms[0] * 0])
                                             for f in real(coeffs, dps)])
    cx = _fails(lemma_2_4.check(QUICK))
    assert "the library's factor norms are not |c0| + |c1| of its factors" in str(cx)


def test_lemma_2_2_holds_the_librarys_ratio_balls_to_the_checks_own_digits(monkeypatch):
    """Campaign NN: the check's own ratio is a ball of relative radius 10^-(RECOMPUTE_DPS - 5); a library ball off by
    1e-25 relative (tight radius) misses it and fails, where a 20-digit ball would have hidden it."""
    real = lemma_2_2.norm_ratio_ball

    def off(p, q, norm, dps):  # the anchor (two linear factors) left right: its own test is another one
        ball = real(p, q, norm, dps=dps)
        if len(p) + len(q) <= 4:
            return ball
        with numeric.working_precision(200):
            return flint.arb(ball.mid() * (1 + flint.arb(10) ** -25), ball.rad())

    monkeypatch.setattr(lemma_2_2, "norm_ratio_ball", off)
    cx = _fails(lemma_2_2.check(QUICK))
    assert cx["problem"] == "the library's ball misses the ratio"
