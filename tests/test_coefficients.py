"""lcnsym.algebra.coefficients: pure functions on coefficient lists, for any entry type."""

from fractions import Fraction
import math

import mpmath
import pytest
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.errors import ArchitectureError, FilterError, WorkLimitError

ARCH = Architecture.for_output_width((3, 2, 3), (2, 1, 2), dN=2)
from lcnsym.algebra.coefficients import compose_filters, convolve, final_filter_by_product, final_filter_recursive, stride_substitute
from lcnsym.algebra.filters import filter_symbols, final_filter


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


def test_filter_gradients_is_the_chain_rule_on_every_small_shape():
    """Backpropagation through (3.11) against the sympy derivative of ``g . pi(w)``, exactly, on every shape with
    ``N <= 3``, ``k_i <= 3``, ``s_i <= 2`` (gaps of stride substitution included), and against the contraction with
    each layer's ``prod_(k != i) p~_k`` used by risk_gradient, in rationals."""
    from lcnsym.algebra.architecture import shapes
    from lcnsym.algebra.coefficients import filter_gradients, final_filter_partials
    from lcnsym.dynamics.risk import layer_factor_products

    count = 0
    for k, s in shapes(3, 3, 2):
        arch = Architecture.for_output_width(k, s)
        w = filter_symbols(arch)
        v = final_filter_recursive(w, s)
        g = [sp.Integer(j * j - 3 * j + 2) for j in range(len(v))]  # zeros and signs among the weights
        F = sum(gj * vj for gj, vj in zip(g, v))
        grads = filter_gradients(w, s, g)
        assert [[sp.expand(x - sp.diff(F, y)) for x, y in zip(gi, wi)] for gi, wi in zip(grads, w)] == \
            [[0] * len(wi) for wi in w], (k, s)
        values = [[Fraction(2 * i + j + 1, 3 + j) for j in range(ki)] for i, ki in enumerate(k)]
        partials = final_filter_partials(values, s)
        exact = [[sum(g[j * step + l] * q for l, q in enumerate(Q)) for j in range(len(wi))]
                 for wi, Q, step in zip(values, layer_factor_products(arch, values), arch.stride_products)]
        assert filter_gradients(values, s, g, partials) == exact, (k, s)
        count += 1
    assert count == sum(1 for _ in shapes(3, 3, 2))
    with pytest.raises(FilterError, match="entries"):
        filter_gradients([[1, 2], [3]], [1, 1], [1, 2, 3])


@pytest.mark.parametrize("filters", [[[1, 0], [0, 2]], [[0, 0], [1, 2]], [[3, 0, 0], [2, 0], [0, 1]], [[0], [0, 0]]])
def test_the_product_route_keeps_zero_coefficients(filters):
    """Zero entries, at either end: the product route's final filter has the recursion's length ``k_v`` (trailing zeros
    kept), and all-zero filters give zeros, not an error."""
    strides = (1, 2, 1)[:len(filters)]
    assert final_filter_by_product(filters, strides) == final_filter_recursive(filters, strides)
    arch = Architecture.for_output_width(tuple(len(w) for w in filters), strides)
    assert len(final_filter_by_product(filters, strides)) == arch.k_v


def test_the_two_routes_agree_where_terms_collide():
    """A mutation pass: the product route's accumulation (several (i, j) with the same i + j) was exercised only in other
    files; here (1 + 2x + 3x^2)(4 + 5x) and a strided three-layer product, against the recursion and by hand."""
    from lcnsym.algebra.coefficients import sparse_product

    assert final_filter_by_product([[1, 2, 3], [4, 5]], [1, 1]) == [4, 13, 22, 15] == final_filter_recursive([[1, 2, 3], [4, 5]], [1, 1])
    assert sparse_product({0: 1, 1: 2}, {0: 3, 1: 4}) == {0: 3, 1: 10, 2: 8}
    assert final_filter_by_product([[2]], [3]) == [2] and final_filter_by_product([[Fraction(1, 2)], [1, 0]], [1, 1]) == [Fraction(1, 2), 0]
    filters, strides = [[1, -2, 3], [2, 1, 1], [1, 4]], [1, 2, 1]
    assert final_filter_by_product(filters, strides) == final_filter_recursive(filters, strides)


def test_the_zero_of_a_product_keeps_the_type_and_needs_no_division():
    """``convolve``'s zero is ``a[0] * b[0] * 0``: a zero leading coefficient of ``b`` is fine, and Fractions stay Fractions."""
    assert convolve([1, 2], [0, 1]) == [0, 1, 2]
    out = convolve([Fraction(1, 2), 0], [0, Fraction(1, 3)])
    assert out == [0, Fraction(1, 6), 0] and all(type(c) is Fraction for c in out)


@pytest.mark.parametrize("call", [
    lambda: stride_substitute([], 2),
    lambda: compose_filters([], [1], 1),
    lambda: compose_filters([1], [], 1),
    lambda: final_filter_recursive([[1], [2]], [1]),
    lambda: final_filter_recursive([], []),
    lambda: final_filter_by_product([[1], [2]], [1]),
    lambda: final_filter_by_product([], []),
])
def test_empty_or_mismatched_filters_are_refused(call):
    from lcnsym.algebra.coefficients import final_filter_partials

    with pytest.raises(FilterError):
        call()
    with pytest.raises(FilterError, match="got 2 filters for 1 strides"):
        final_filter_partials([[1], [2]], [1])
    with pytest.raises(FilterError, match="got 0 filters for 0 strides"):
        final_filter_partials([], [])
