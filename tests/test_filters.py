"""lcnsym.algebra.filters: the final filter, numeric and symbolic, and its input."""

from fractions import Fraction
import math

import mpmath
import pytest
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.errors import ArchitectureError, FilterError, WorkLimitError

ARCH = Architecture.for_output_width((3, 2, 3), (2, 1, 2), dN=2)
from lcnsym.algebra.filters import filter_symbols, final_filter, symbolic_final_filter, symbolic_terms, validate_filters


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

def test_validate_filters_returns_lists():
    assert validate_filters(Architecture(2, (2,), (1,)), [(1, 2)]) == [[1, 2]]
    with pytest.raises(FilterError):
        validate_filters(Architecture(2, (2,), (1,)), "1,2")



def test_evaluate_refuses_inexact_entries_with_the_hierarchy():
    v = symbolic_final_filter(Architecture.for_output_width((2, 2), (1, 1)))
    assert v.evaluate([[Fraction(1, 2), 1], [3, 4]]) == [sp.Rational(3, 2), 5, 4]
    for bad in (0.1, mpmath.mpf(1)):
        with pytest.raises(FilterError, match="binary floating-point"):
            v.evaluate([[bad, 1], [3, 4]])


def test_symbolic_work_is_bounded_before_it_starts():
    deep = Architecture.for_output_width((2,) * 40, (1,) * 40)
    assert symbolic_terms(deep) == 2**40
    with pytest.raises(WorkLimitError, match="1000000"):
        symbolic_final_filter(deep)
    assert len(symbolic_final_filter(Architecture.for_output_width((2,) * 3, (1,) * 3), max_terms=8)) == 4


def test_mpmath_entries_at_the_requested_precision_whatever_the_global():
    arch = Architecture.for_output_width((2, 2), (1, 1))
    w = [[mpmath.mpf(1) / 3, 2], [3, 5]]
    results = []
    for global_dps in (15, 80):
        with mpmath.workdps(global_dps):
            results.append(final_filter(arch, w, dps=40))
    assert results[0] == results[1]


def test_mpmath_entries_are_computed_at_the_digits_asked_for():
    """Injected in a campaign (C4, I07): final_filter ran at the default 30 digits whatever dps said (exact and symbolic
    entries, the only ones tested, do not depend on it). k = (2, 2), s = (1, 1): by Prop 1.1 v = (w11 w21,
    w11 w22 + w12 w21, w12 w22), so with w = [1/3, 1], [1, 1/3] (1/3 to 60 digits) v = (1/3, 10/9, 1/3)."""
    arch = Architecture.for_output_width((2, 2), (1, 1))
    with mpmath.workdps(60):
        third = mpmath.mpf(1) / 3
    for method in ("recursion", "product"):
        v = final_filter(arch, [[third, 1], [1, third]], method, dps=50)
        with mpmath.workdps(80):
            for got, want in zip(v, (Fraction(1, 3), Fraction(10, 9), Fraction(1, 3))):
                assert abs(got - mpmath.mpf(want.numerator) / want.denominator) < mpmath.mpf(10) ** -49, (method, got)


def test_a_sympy_complex_infinity_entry_is_refused():
    """Campaign D: sympy's 1/0 is ``zoo`` (complex infinity), not a number: a filter holding it is refused with the
    layer and entry, as nan and oo are."""
    import sympy as sp

    from lcnsym.algebra.architecture import Architecture
    from lcnsym.algebra.filters import final_filter
    from lcnsym.errors import FilterError

    arch = Architecture.for_output_width((2, 2), (1, 1))
    for bad in (sp.Integer(1) / 0, sp.zoo, sp.nan, sp.oo, -sp.oo):
        with pytest.raises(FilterError, match="filter 1, entry 2"):
            final_filter(arch, [[1, bad], [1, 1]])


@pytest.mark.parametrize("bad", [complex("inf"), complex(0, float("nan")), "mpc-inf"])
def test_complex_entries_that_are_not_finite_are_refused(bad):
    """Campaign L: a complex infinity or nan is no more a filter entry than a real one."""
    import mpmath

    from lcnsym.errors import FilterError

    entry = mpmath.mpc(mpmath.inf, 0) if bad == "mpc-inf" else bad
    with pytest.raises(FilterError, match="not a finite number"):
        final_filter(Architecture(3, (2, 2), (1, 1)), [[entry, 1], [1, 1]])


def test_mixed_symbolic_and_numeric_entries_come_back_expanded():
    """A mutation pass: symbolic entries beside plain numbers (one symbol is enough) are still expanded exactly."""
    a = sp.Symbol("a")
    arch = Architecture.for_output_width((2, 2), (1, 1))
    v = final_filter(arch, [[a + 1, 2], [a, 3]])
    assert v == [a**2 + a, 3 * a + 3 + 2 * a, 6]
    assert all(c == sp.expand(c) for c in v)


def test_filter_entries_are_real_symbols():
    w = filter_symbols(Architecture.for_output_width((2, 2), (1, 1)))
    assert w[0][0].is_real and sp.conjugate(w[0][0]) == w[0][0] and w[1][1].name == "w2_2"


def test_symbolic_filters_are_equal_only_when_their_entries_are():
    """Same symbols, another stride: equal contexts, different polynomials."""
    one = symbolic_final_filter(Architecture.for_output_width((2, 2), (1, 1)))
    two = symbolic_final_filter(Architecture.for_output_width((2, 2), (2, 1)))
    assert one.ctx == two.ctx and one != two
    assert one == symbolic_final_filter(Architecture.for_output_width((2, 2), (1, 1)))


def test_the_notebook_latex_shows_eight_entries_then_counts_the_rest():
    eight = symbolic_final_filter(Architecture.for_output_width((8,), (1,)))
    assert eight._repr_latex_().count("w^{(1)}") == 8 and "more" not in eight._repr_latex_()
    nine = symbolic_final_filter(Architecture.for_output_width((9,), (1,)))
    latex = nine._repr_latex_()
    assert latex.count("w^{(1)}") == 8 and "(1 more)" in latex


def test_the_symbol_limit_is_two_thousand_entries():
    from lcnsym.algebra.filters import MAX_SYMBOLS

    assert len(symbolic_final_filter(Architecture.for_output_width((MAX_SYMBOLS,), (1,)))) == MAX_SYMBOLS
    with pytest.raises(WorkLimitError) as info:
        symbolic_final_filter(Architecture.for_output_width((MAX_SYMBOLS + 1,), (1,)))
    assert info.value.kbar == 2001 and info.value.limit == 2000 == MAX_SYMBOLS


@pytest.mark.parametrize("bad", [None, True, object(), b"1"])
def test_an_entry_that_is_not_a_number_is_refused_by_position(bad):
    with pytest.raises(FilterError, match="filter 2, entry 1") as info:
        final_filter(Architecture.for_output_width((2, 2), (1, 1)), [[1, 2], [bad, 3]])
    assert (info.value.layer, info.value.entry) == (2, 1)


@pytest.mark.parametrize("filters, words", [
    (5, "one list of numbers per layer, got 5"),
    ([[1, 2], 3], "filter 2 is 3, not a list"),
    ([[1, 2], "ab"], "filter 2 is 'ab', not a list"),
    ([{1: 2}, [1, 2]], "filter 1 is"),
])
def test_filters_that_are_not_lists_of_lists_are_refused(filters, words):
    with pytest.raises(FilterError, match=words):
        validate_filters(Architecture.for_output_width((2, 2), (1, 1)), filters)


def test_evaluate_names_the_inexact_entry():
    v = symbolic_final_filter(Architecture.for_output_width((2, 2), (1, 1)))
    with pytest.raises(FilterError, match="filter 2, entry 2"):
        v.evaluate([[1, 2], [3, 0.5]])


def test_filters_given_as_one_string_are_refused_as_such():
    with pytest.raises(FilterError, match="filters must be sequences of numbers, not a string"):
        final_filter(Architecture.for_output_width((2, 2), (1, 1)), "1,2;3,4")


@pytest.mark.parametrize("filters, words", [([[1, 2], [3, 4]], "filter 2 has 2 entries but k_2 = 3"),
                                            ([[1, 2], [3, 4, 5, 6]], "filter 2 has 4 entries but k_2 = 3"),
                                            ([[1], [3, 4, 5]], "filter 1 has 1 entries but k_1 = 2")])
def test_a_filter_of_the_wrong_width_is_refused_shorter_or_longer(filters, words):
    """Campaign PP: a filter shorter than k_i is refused as a longer one is (it used to give a final filter of the
    wrong width only if the check were loosened)."""
    with pytest.raises(FilterError, match=words):
        final_filter(Architecture(6, (2, 3), (1, 1)), filters)
