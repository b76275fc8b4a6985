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
