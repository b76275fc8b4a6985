"""lcnsym.analysis.families: exact test polynomials, the same whatever the precision."""

from fractions import Fraction

from lcnsym.analysis.families import adversarial_family, all_polynomials, coefficients_from_roots, random_family
from lcnsym.analysis.roots import normalize_polynomial
from lcnsym.checking.evidence import CheckConfig


def test_coefficients_from_roots_exactly():
    assert coefficients_from_roots([1, 2]) == [(2, 0), (-3, 0), (1, 0)]
    assert coefficients_from_roots([(0, 1), (0, -1)]) == [(1, 0), (0, 0), (1, 0)]  # x^2 + 1


def test_families_are_exact_and_reproducible():
    a = list(random_family(20, 10, seed=3))
    assert a == list(random_family(20, 10, seed=3))
    for _, coeffs in a + list(adversarial_family()):
        p = normalize_polynomial(coeffs)
        assert all(isinstance(re, Fraction) and isinstance(im, Fraction) for re, im in p.coeffs)
    names = [name for name, _ in all_polynomials(CheckConfig())]
    assert any("unit circle" in n for n in names) and any("Wilkinson" in n for n in names)


def test_kinds_are_read_from_the_coefficients_not_the_name():
    from lcnsym.analysis.families import Instance, kinds_of

    assert kinds_of(Instance("random", "gaussian degree 2", [1, (0, 1), 2], None)) == ["random complex", "complex of degree >= 2"]
    assert kinds_of(Instance("random", "complex degree 2", [1, 2, 3], None)) == []
    assert kinds_of(Instance("exact modulus", "x^5 - 1", [-1, 0, 0, 0, 0, 1], Fraction(1))) == [
        "roots on the unit circle of degree >= 5"]
    assert kinds_of(Instance("adversarial", "", [1, 1, 9, 0, 0], None)) == ["dominant leading coefficient", "zero leading coefficients"]
    assert kinds_of(Instance("adversarial", "", [1, 1, 2], None)) == []  # |a_2| = 2 is not > 2 max(|a_0|, |a_1|)


def test_the_families_hold_every_kind_the_checks_count():
    """A dominant leading coefficient (a root bound leaving a_n out fails there), zero leading coefficients (the true
    degree below the stated one), random complex polynomials and roots on the unit circle of degree >= 5."""
    from lcnsym.analysis.families import KINDS, kinds_of, polynomial_instances
    from lcnsym.proofs import lemma_2_3, lemma_2_4

    for config in (CheckConfig(), CheckConfig(profile="thorough")):
        counts = dict.fromkeys(KINDS, 0)
        for inst in polynomial_instances(config):
            for kind in kinds_of(inst):
                counts[kind] += 1
        for mod in (lemma_2_3, lemma_2_4):
            assert all(counts[k] >= least for k, least in mod.MIN_KINDS[config.profile].items()), (config.profile, counts)
    coeffs = {repr(c) for _, c in adversarial_family()}
    assert repr([2, -3, 1, 0, 0]) in coeffs and repr([(0, 1), 1, 0]) in coeffs and repr([1, 1, 9]) in coeffs


def test_unit_roots_are_exact_to_forty_digits():
    """Campaign L: the roots of unity of the families are their 40-digit values (|z| = radius and the angle 2 pi k/n)."""
    import mpmath

    from lcnsym.analysis.families import _unit_root

    from lcnsym.numeric import working_precision

    re, im = _unit_root(1, 3)
    assert abs(re + Fraction(1, 2)) < Fraction(1, 10**39)
    with working_precision(60):
        assert abs(mpmath.mpf(im.numerator) / im.denominator - mpmath.sqrt(3) / 2) < mpmath.mpf(10) ** -39


def test_the_random_family_makes_its_four_kinds_in_turn():
    """Campaign T: Gaussian, uniform, complex and integer coefficients, 40 of each in 160; the integer ones integers."""
    from collections import Counter

    polys = list(random_family(160, 30, 0))
    kinds = Counter(name.split(" degree")[0] for name, _ in polys)
    assert kinds == {"gaussian": 40, "uniform": 40, "complex": 40, "integer": 40}
    assert all(isinstance(c, int) for name, cs in polys if name.startswith("integer") for c in cs)


def test_every_exact_modulus_claim_holds_for_every_root():
    """The exact-modulus family states |x|^2 of every root: certified roots' moduli agree, in both profiles (an instance
    whose stated modulus were wrong would make lemma-2.3's audit rest on a false premise)."""
    import flint

    from lcnsym.analysis.families import exact_modulus_family
    from lcnsym.analysis.roots import certified_roots
    from lcnsym.numeric import to_arb, working_precision

    seen = 0
    for thorough in (False, True):
        for name, coeffs, m2 in exact_modulus_family(thorough):
            roots = certified_roots(coeffs, 30)
            assert sum(r.multiplicity for r in roots) == normalize_polynomial(coeffs).degree, name
            with working_precision(30):
                for r in roots:
                    assert (abs(r.ball) ** 2).overlaps(to_arb(m2)), (name, r)
                    assert abs(abs(r.ball) ** 2 - to_arb(m2)) < to_arb(Fraction(1, 10**20)), (name, r)
            seen += 1
    assert seen > 30


def test_the_adversarial_family_is_what_its_names_say():
    """Names state properties; each is read back from the coefficients (a mutation of the family's data shows here)."""
    from lcnsym.analysis.families import Instance, kinds_of
    from lcnsym.analysis.roots import certified_roots

    family = dict(adversarial_family())
    for e in (10, 20, 30):
        assert family[f"leading coefficient 1e-{e}"][-1] == Fraction(1, 10**e)
        assert family[f"leading coefficient 1e-{e}, degree 12"][-1] == Fraction(1, 10**e)
        assert len(family[f"leading coefficient 1e-{e}, degree 12"]) == 13
    for n in (8, 20):
        assert family[f"x^{n} - 1 (roots on the unit circle)"] == [-1] + [0] * (n - 1) + [1]
    sides = {name: {r.modulus_vs_one() for r in certified_roots(family[name], 30)}
             for name in ("roots 1e-12 outside the unit circle", "roots 1e-12 inside the unit circle")}
    assert sides == {"roots 1e-12 outside the unit circle": {1}, "roots 1e-12 inside the unit circle": {-1}}
    for m in (5, 20):
        (root,) = certified_roots(family[f"(x - 1)^{m}"], 30)
        assert root.multiplicity == m and root.ball.contains(1)
    assert [r.multiplicity for r in certified_roots(family["(x + 1/2)^6 (x - 3)^4"], 30)] == [4, 6]
    assert len(certified_roots(family["Wilkinson: prod_{k=1}^{20} (x - k)"], 30)) == 20
    assert len(certified_roots(family["spread roots 2^k, k = -10..10"], 30)) == 21
    assert family["roots at zero: x^3 (x - 2)(x + 1/3)"][:3] == [0, 0, 0]
    assert len(family["cluster at 1: 1 +- 1e-15"]) == 8
    assert family["degree 1: 3x - 5"] == [-5, 3] and family["huge constant 1e30"][0] == 10**30
    for name in [n for n in family if n.startswith("dominant leading coefficient")]:
        assert "dominant leading coefficient" in kinds_of(Instance("adversarial", name, family[name], None)), name
    for name in [n for n in family if n.startswith("zero leading coefficient")]:
        assert "zero leading coefficients" in kinds_of(Instance("adversarial", name, family[name], None)), name
    assert len(family["random gaussian degree 60"]) == 61 and len(family["random gaussian degree 200"]) == 201
    thorough = dict(adversarial_family(thorough=True))
    assert len(thorough["random gaussian degree 400"]) == 401 and thorough["x^100 - 1"] == [-1] + [0] * 99 + [1]
    assert [r.multiplicity for r in certified_roots(thorough["(x - 1)^40"], 30)] == [40]


def test_each_random_kind_draws_from_its_own_distribution():
    """Gaussian N(0, 1) (not integers), uniform on [-1, 1], complex with both parts N(0, 1), integers in [-9, 9] with
    a nonzero leading coefficient; degrees from 1 to the maximum (the statistics are of seed 0: deterministic)."""
    import statistics

    polys = list(random_family(400, 30, 0))
    by_kind = {}
    for name, cs in polys:
        kind = name.split(" degree")[0]
        by_kind.setdefault(kind, []).extend(cs[:-1])  # the leading coefficient may be replaced by 1
    gauss = [float(c) for c in by_kind["gaussian"]]
    assert abs(statistics.mean(gauss)) < 0.1 and 0.9 < statistics.pstdev(gauss) < 1.1 and max(map(abs, gauss)) > 2
    assert not all(c == int(c) for c in gauss)
    uniform = [float(c) for c in by_kind["uniform"]]
    assert all(-1 <= c <= 1 for c in uniform) and min(uniform) < -0.95 and max(uniform) > 0.95
    for part in (0, 1):
        values = [float(c[part]) for c in by_kind["complex"]]
        assert abs(statistics.mean(values)) < 0.1 and 0.9 < statistics.pstdev(values) < 1.1
    assert set(by_kind["integer"]) == set(range(-9, 10))
    degrees = [len(cs) - 1 for _, cs in polys]
    assert min(degrees) == 1 and max(degrees) == 30
    assert all(cs[-1] not in (0, (0, 0)) for _, cs in polys)


def test_coefficients_from_complex_roots_with_real_and_imaginary_parts():
    assert coefficients_from_roots([(1, 1), (1, -1)]) == [(2, 0), (-2, 0), (1, 0)]  # x^2 - 2x + 2
    assert coefficients_from_roots([(1, 2)], lead=3) == [(-3, -6), (3, 0)]
    assert coefficients_from_roots([(1, 1), (2, 0)]) == [(2, 2), (-3, -1), (1, 0)]  # (x - 1 - i)(x - 2)


def test_only_random_polynomials_count_as_random_complex_campaign_dd():
    from lcnsym.analysis.families import Instance, kinds_of

    assert kinds_of(Instance("adversarial", "(2-3j) x + (5+7j)", [(5, 7), (2, -3)], None)) == []
    assert kinds_of(Instance("random", "complex degree 1", [(5, 7), (2, -3)], None)) == ["random complex"]
