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
