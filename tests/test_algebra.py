"""Coefficient lists, polynomials, final filters and matrices, over every kind of entry."""

from fractions import Fraction
import math

import mpmath
import pytest
import sympy as sp

from lcnsym.architecture import Architecture
from lcnsym.coefficients import compose_filters, convolve, final_filter_by_product, final_filter_recursive, stride_substitute
from lcnsym.convolution import convolution_matrix, first_row_difference, network_matrix, network_matrix_matches, network_rows
from lcnsym.errors import ArchitectureError, FilterError
from lcnsym.filters import filter_symbols, final_filter, symbolic_filters, symbolic_final_filter, validate_filters
from lcnsym.polynomials import coefficient_norm, filter_polynomial, stride_polynomial, stride_polynomials, x

ARCH = Architecture.for_output_width((3, 2, 3), (2, 1, 2), dN=2)


def test_convolve_and_stride_substitute():
    assert convolve([1, 1], [1, -1]) == [1, 0, -1]
    assert stride_substitute([5], 7) == [5]
    assert stride_substitute([1, 2], 3) == [1, 0, 0, 2]
    with pytest.raises(FilterError):
        convolve([], [1])


def test_compose_fills_gaps_with_zero_of_the_right_type():
    # k_1 = 1, s_1 = 2: the final filter has a structural zero in the middle
    v = compose_filters([Fraction(2)], [Fraction(1), Fraction(3)], 2)
    assert v == [2, 0, 6] and all(isinstance(c, Fraction) for c in v)
    arch = Architecture.for_output_width((1, 2), (2, 1))
    w = filter_symbols(arch)
    assert final_filter(arch, w) == [w[0][0] * w[1][0], 0, w[0][0] * w[1][1]]


@pytest.mark.parametrize(
    "filters",
    [
        [[1, 2, 3], [4, 5], [6, 7, 8]],
        [[Fraction(1, 3), Fraction(-2), 3], [Fraction(1, 7), 5], [6, 0, Fraction(8, 9)]],
        [[sp.Rational(1, 3), 2, 3], [4, sp.Rational(-5, 2)], [6, 7, 8]],
    ],
)
def test_routes_agree_on_exact_numbers_and_keep_the_type(filters):
    a = final_filter(ARCH, filters)
    b = final_filter(ARCH, filters, method="product")
    assert a == b and len(a) == ARCH.k_v
    kinds = {type(c) for w in filters for c in w}
    expected = (sp.Rational, int) if any(issubclass(t, sp.Basic) for t in kinds) else (Fraction if Fraction in kinds else int)
    assert all(isinstance(c, expected) for c in a)
    assert symbolic_final_filter(ARCH).evaluate(filters) == [sp.Rational(c.numerator, c.denominator) if isinstance(c, Fraction) else c for c in a]


def test_symbolic_expressions_and_mpmath_numbers():
    a, b = sp.symbols("a b")
    arch = Architecture.for_output_width((2, 2), (1, 1))
    v = final_filter(arch, [[a + 1, sp.sqrt(2)], [b, a]])
    assert sp.expand(v[1] - ((a + 1) * a + sp.sqrt(2) * b)) == 0
    with mpmath.workdps(30):
        w = [[mpmath.mpf(1) / 3, mpmath.mpf(2)], [mpmath.mpf(3), mpmath.mpf(1) / 7]]
        v = final_filter(arch, w)
        assert mpmath.almosteq(v[1], mpmath.mpf(1) / 21 + 6, 1e-28)


def test_symbolic_filter_value_type():
    v = symbolic_final_filter(ARCH)
    w = filter_symbols(ARCH)
    assert len(v) == ARCH.k_v == 9
    assert v[0] == w[0][0] * w[1][0] * w[2][0]
    assert v == symbolic_final_filter(ARCH, method="product")
    assert "w^{(1)}_{1}" in v.latex()[0]
    assert final_filter(ARCH, w) == v.exprs()


@pytest.mark.parametrize(
    "filters,words",
    [
        ([[1, 2, 3], [4, 5]], "got 2 filters for an architecture of depth N = 3"),
        ([[1, 2, 3], [4, 5, 6], [6, 7, 8]], "filter 2 has 3 entries but k_2 = 2"),
        ([[1, float("nan"), 3], [4, 5], [6, 7, 8]], "filter 1, entry 2 is nan"),
        ([[1, 2, 3], [4, mpmath.inf], [6, 7, 8]], "filter 2, entry 2 is +inf"),
        ([[1, 2, "3"], [4, 5], [6, 7, 8]], "filter 1, entry 3: '3' is not a number"),
        ([[1, 2, 3], [4, sp.oo], [6, 7, 8]], "not finite"),
    ],
)
def test_bad_filters_are_refused(filters, words):
    with pytest.raises(FilterError) as info:
        final_filter(ARCH, filters)
    assert words in str(info.value)


def test_polynomials_and_norms():
    assert filter_polynomial([1, 0, 2]).as_expr() == 2 * x**2 + 1
    p = stride_polynomial([1, -2, 2], 3, (2, 3, 1))
    assert p.degree() == ARCH.t[2] if False else p.degree() == 2 * 6
    assert coefficient_norm(p, 1) == 5 and coefficient_norm(p, 2) == 3 and coefficient_norm(p, math.inf) == 2
    assert coefficient_norm([1, 1], 3) == 2 ** sp.Rational(1, 3)
    with mpmath.workdps(20):
        assert coefficient_norm([mpmath.mpf(3), mpmath.mpf(-4)], 2) == 5
    with pytest.raises(FilterError):
        coefficient_norm([1, 2], 0.5)
    with pytest.raises(FilterError):
        stride_polynomial([1], 4, (1, 1))


def test_product_of_stride_polynomials_is_the_final_filter_polynomial():
    w = filter_symbols(ARCH)
    prod = sp.Mul(*[p.as_expr() for p in stride_polynomials(w, ARCH.s)])
    coeffs = sp.Poly(sp.expand(prod), x).all_coeffs()[::-1]
    assert [sp.expand(c) for c in coeffs] == final_filter(ARCH, w)


def test_convolution_matrix_eq_1_4_and_errors():
    w = sp.symbols("w1:5")
    m = convolution_matrix(w, 8, 2)
    assert m.shape == (3, 8) and m[1, 2] == w[0] and m[2, 7] == w[3] and m[0, 4] == 0
    with pytest.raises(ArchitectureError):
        convolution_matrix(w, 9, 2)
    with pytest.raises(ArchitectureError):
        convolution_matrix(w, 8, 2, d_out=4)


def test_network_matrix_against_dense_sympy_product():
    arch = Architecture(17, (3, 2, 3), (2, 1, 2))
    w = filter_symbols(arch)
    dense = sp.eye(arch.d0)
    for i in range(arch.N):
        dense = sp.Matrix(convolution_matrix(w[i], arch.d[i], arch.s[i])) * dense
    assert (sp.expand(dense) - network_matrix(arch, w)).is_zero_matrix
    v = final_filter(arch, w)
    assert network_matrix(arch, w) == convolution_matrix(v, arch.d0, arch.s_v)


def test_network_matrix_check_reports_the_first_difference():
    arch = Architecture(13, (3, 2, 3), (2, 1, 2))
    ctx, ws = symbolic_filters(arch)
    v = list(symbolic_final_filter(arch).polys)
    assert network_matrix_matches(arch, ws, v) is None
    wrong = v[:]
    wrong[4] = wrong[4] + ws[0][0]
    r, c, a, b = network_matrix_matches(arch, ws, wrong)
    assert (r, c) == (0, 4)
    assert network_matrix_matches(arch, ws, v + [v[0]] * 20)[1] is None  # too wide
    assert first_row_difference([{0: 1}], [{0: 1}, {}])[2] == "1 rows"


def test_validate_filters_returns_lists():
    assert validate_filters(Architecture(2, (2,), (1,)), [(1, 2)]) == [[1, 2]]
    with pytest.raises(FilterError):
        validate_filters(Architecture(2, (2,), (1,)), "1,2")
