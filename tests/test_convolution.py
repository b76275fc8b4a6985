"""lcnsym.algebra.convolution: eq. (1.4), the network matrix and its exact comparison."""

from fractions import Fraction
import math

import mpmath
import pytest
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.errors import ArchitectureError, FilterError, WorkLimitError

ARCH = Architecture.for_output_width((3, 2, 3), (2, 1, 2), dN=2)
from lcnsym.algebra.convolution import convolution_matrix, first_row_difference, network_matrix, network_matrix_matches
from lcnsym.algebra.filters import filter_symbols, final_filter, symbolic_filters, symbolic_final_filter


def test_convolution_matrix_eq_1_4_and_errors():
    w = sp.symbols("w1:5")
    m = convolution_matrix(w, 8, 2)
    assert m.shape == (3, 8) and m[1, 2] == w[0] and m[2, 7] == w[3] and m[0, 4] == 0
    with pytest.raises(ArchitectureError):
        convolution_matrix(w, 9, 2)
    with pytest.raises(ArchitectureError):
        convolution_matrix(w, 8, 2, d_out=4)
    with pytest.raises(ArchitectureError):  # a stated d_out below eq. (1.5)'s is refused too (campaign P)
        convolution_matrix(w, 8, 2, d_out=2)
    with pytest.raises(ArchitectureError):
        convolution_matrix([1, 2], 5, 1, d_out=2)


def test_network_matrix_works_at_the_digits_asked_for():
    """Campaign P: mpmath entries are multiplied at ``dps`` digits, not at the default 30."""
    from lcnsym.numeric import to_mpf, working_precision

    arch = Architecture.for_output_width((2, 2), (1, 1), dN=2)
    with working_precision(60):
        filters = [[to_mpf(Fraction(1, 3)), 2], [3, to_mpf(Fraction(1, 7))]]
    m = network_matrix(arch, filters, dps=60)
    exact = final_filter(arch, [[Fraction(1, 3), 2], [3, Fraction(1, 7)]])
    for j, v in enumerate(exact):
        assert abs(sp.Rational(m[0, j]) - sp.Rational(v.numerator, v.denominator)) <= sp.Rational(1, 10**58), (j, m[0, j])

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


def test_first_row_difference_sees_an_entry_only_one_matrix_has():
    """Campaign H: an entry nonzero in either matrix alone is a difference, whichever of the two has it."""
    assert first_row_difference([{0: 1}], [{0: 1, 3: 2}]) == (0, 3, 0, 2)
    assert first_row_difference([{0: 1, 3: 2}], [{0: 1}]) == (0, 3, 2, 0)
    assert first_row_difference([{0: 1, 3: 0}], [{0: 1}]) is None  # an explicit zero is no entry


def test_a_filter_as_wide_as_its_input_gives_one_output():
    """A mutation pass: k = d_in fits (one output entry); k = d_in + 1 does not; an empty filter is refused."""
    from lcnsym.algebra.convolution import convolution_rows

    assert convolution_rows([1, 2], 2, 1) == [{0: 1, 1: 2}]
    assert convolution_rows([1, 2], 2, 3) == [{0: 1, 1: 2}]
    with pytest.raises(ArchitectureError, match="does not fit an input of width 2"):
        convolution_rows([1, 2, 3], 2, 1)
    with pytest.raises(FilterError, match="at least one entry"):
        convolution_rows([], 2, 1)


@pytest.mark.parametrize("k, s", [((3, 2, 3), (1, 2, 3)), ((2, 3), (3, 1)), ((2, 2), (1, 2))])
def test_network_matrix_against_the_dense_product_with_unequal_strides(k, s):
    """A mutation pass: the tests' strides (2, 1, 2) were equal at both ends, so the last layer taking the first layer's
    stride went unseen."""
    arch = Architecture.for_output_width(k, s, dN=2)
    w = filter_symbols(arch)
    dense = sp.eye(arch.d0)
    for i in range(arch.N):
        dense = sp.Matrix(convolution_matrix(w[i], arch.d[i], arch.s[i])) * dense
    assert (sp.expand(dense) - network_matrix(arch, w)).is_zero_matrix
    assert network_matrix_matches(arch, w) is None


def test_network_matrix_refuses_what_is_not_an_architecture():
    with pytest.raises(ArchitectureError, match="expected an Architecture, got tuple"):
        network_matrix((2, 2), [[1, 2], [3, 4]])


def test_first_row_difference_expands_sympy_entries():
    a, b = sp.symbols("a b")
    same = [{0: (a + b) ** 2, 1: a}]
    assert first_row_difference(same, [{0: a**2 + 2 * a * b + b**2, 1: a}]) is None
    assert first_row_difference([{0: a, 1: 1}], [{0: a, 1: 2}]) == (0, 1, 1, 2)
    assert first_row_difference([{0: a}, {2: a * b}], [{0: a}, {2: b * a + 1}]) == (1, 2, a * b, a * b + 1)
    assert first_row_difference([{0: a}], [{0: a, 3: b}]) == (0, 3, 0, b)
    assert first_row_difference([{0: a}], [{0: a}, {0: a}]) == (1, None, "1 rows", "2 rows")


def test_the_final_filter_as_wide_as_the_input():
    """d_N = 1: the final filter spans the whole input (k_v = d_0), one row; one entry wider does not fit."""
    arch = Architecture.for_output_width((2, 3), (1, 1), dN=1)
    assert arch.k_v == arch.d0 and network_matrix_matches(arch, [[1, 2], [3, 4, 5]]) is None
    wide = final_filter(arch, [[1, 2], [3, 4, 5]]) + [1]
    assert network_matrix_matches(arch, [[1, 2], [3, 4, 5]], wide) == (0, None, f"{arch.d0} columns", "a filter of width 5")


def test_a_symbolic_entry_equal_to_a_plain_number_after_expansion_is_no_difference():
    a = sp.Symbol("a")
    assert first_row_difference([{0: (a + 1) ** 2 - a**2 - 2 * a}], [{0: 1}]) is None
    assert first_row_difference([{0: 1}], [{0: (a + 1) ** 2 - a**2 - 2 * a}]) is None
    assert first_row_difference([{0: (a + 1) ** 2 - a**2}], [{0: 1}]) == (0, 0, (a + 1) ** 2 - a**2, 1)
