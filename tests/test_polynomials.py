"""lcnsym.algebra.polynomials: p_n, p~_i and coefficient norms."""

from fractions import Fraction
import math

import mpmath
import pytest
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.errors import ArchitectureError, FilterError, WorkLimitError

ARCH = Architecture.for_output_width((3, 2, 3), (2, 1, 2), dN=2)
from lcnsym.algebra.filters import filter_symbols, final_filter
from lcnsym.algebra.polynomials import coefficient_norm, filter_polynomial, stride_polynomial, stride_polynomials, x


def test_polynomials_and_norms():
    assert filter_polynomial([1, 0, 2]).as_expr() == 2 * x**2 + 1
    p = stride_polynomial([1, -2, 2], 3, (2, 3, 1))
    assert p.degree() == 2 * 6  # t_3 = (k_3 - 1) s_1 s_2 = 2 * 6
    assert coefficient_norm(p, 1) == 5 and coefficient_norm(p, 2) == 3 and coefficient_norm(p, math.inf) == 2
    assert coefficient_norm([1, 1], 3) == 2 ** sp.Rational(1, 3)
    assert coefficient_norm([mpmath.mpf(3), mpmath.mpf(-4)], 2, dps=20) == 5
    with pytest.raises(FilterError, match="binary floating-point"):
        filter_polynomial([0.1, 1])  # floats are not read silently into exact polynomials
    with pytest.raises(FilterError):
        coefficient_norm([1, 2], 0.5)
    with pytest.raises(FilterError):
        stride_polynomial([1], 4, (1, 1))

def test_product_of_stride_polynomials_is_the_final_filter_polynomial():
    w = filter_symbols(ARCH)
    prod = sp.Mul(*[p.as_expr() for p in stride_polynomials(w, ARCH.s)])
    coeffs = sp.Poly(sp.expand(prod), x).all_coeffs()[::-1]
    assert [sp.expand(c) for c in coeffs] == final_filter(ARCH, w)


def test_coefficient_norm_of_mpmath_numbers_has_the_digits_asked_for():
    """Campaign L: mpmath coefficients are normed at ``dps`` digits, not at the default 30."""
    import mpmath

    from lcnsym.numeric import working_precision

    with working_precision(80):
        coeffs = [mpmath.mpf(1) / 3, mpmath.mpf(2) / 3]
        exact = mpmath.sqrt(5) / 3
    value = coefficient_norm(coeffs, 2, dps=60)
    with working_precision(80):
        assert abs(value - exact) < mpmath.mpf(10) ** -58


def test_coefficients_of_pads_to_degree_plus_one_entries():
    """Campaign L: coefficients up to ``degree`` are degree + 1 entries."""
    from lcnsym.algebra.polynomials import coefficients_of

    assert coefficients_of([1], 3) == [1, 0, 0, 0] and len(coefficients_of([1, 2, 3], 2)) == 3


def test_coefficient_norm_is_exact_up_to_max_norm_p_inclusive():
    """(campaign R: I17) the limit refused p = MAX_NORM_P itself (``>=`` for ``>``): the boundary is accepted and exact,
    |||1 + x|||_p = 2^(1/p), and the first p past it is refused."""
    from lcnsym.algebra.polynomials import MAX_NORM_P

    assert coefficient_norm([1, 1], MAX_NORM_P) == sp.Integer(2) ** sp.Rational(1, MAX_NORM_P)
    with pytest.raises(WorkLimitError):
        coefficient_norm([1, 1], MAX_NORM_P + 1)


@pytest.mark.parametrize("layer", [0, 4, -1])
def test_stride_polynomial_refuses_a_layer_that_is_not_among_them(layer):
    """Campaign V: layers are counted 1..N; layer 0 is refused, not read as the last."""
    from lcnsym.algebra.polynomials import stride_polynomial_coefficients

    with pytest.raises(FilterError, match=f"layer {layer} is not among the 3 layers"):
        stride_polynomial_coefficients([1, 2], layer, (2, 3, 1))


def test_the_default_norm_is_the_euclidean_one():
    assert coefficient_norm([3, -4]) == 5


@pytest.mark.parametrize("call, words", [
    (lambda: filter_polynomial([1, sp.oo]), "not finite"),
    (lambda: filter_polynomial([1, -sp.oo]), "not finite"),
    (lambda: filter_polynomial([sp.zoo]), "not finite"),
    (lambda: filter_polynomial(["1", 2]), "is a string; parse it first"),
    (lambda: filter_polynomial(5), "a filter must be a sequence of numbers, got 5"),
    (lambda: filter_polynomial("12"), "a filter must be a sequence of numbers"),
    (lambda: filter_polynomial([]), "at least one entry"),
    (lambda: stride_polynomials([[1, 2]], (1, 1)), "got 1 filters for 2 layers"),
    (lambda: coefficient_norm(7, 2), "expected a polynomial or a list of coefficients, got 7"),
    (lambda: coefficient_norm("12", 2), "expected a polynomial or a list of coefficients"),
])
def test_entries_and_shapes_that_are_not_filters_are_refused(call, words):
    """A mutation pass over polynomials.py: each refusal, with its words."""
    with pytest.raises(FilterError, match=words):
        call()


def test_the_stride_polynomial_refuses_a_string_entry_before_reading_it():
    with pytest.raises(FilterError, match="'2' is a string"):
        stride_polynomial([1, "2"], 1, (1,))


def test_mpmath_and_exact_coefficients_mixed_are_normed_in_mpmath():
    value = coefficient_norm([mpmath.mpf(3), 4], 2, dps=20)
    assert isinstance(value, mpmath.mpf) and value == 5


def test_a_fractional_or_float_p_is_read_exactly():
    assert coefficient_norm([1, 1], 1.5) == 2 ** sp.Rational(2, 3)
    assert coefficient_norm([1, 1], Fraction(3, 2)) == 2 ** sp.Rational(2, 3)
    with mpmath.workdps(30):
        assert mpmath.almosteq(coefficient_norm([mpmath.mpf(1), 1], 1.5, dps=30), mpmath.mpf(2) ** (mpmath.mpf(2) / 3))
