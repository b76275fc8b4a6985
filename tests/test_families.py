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
