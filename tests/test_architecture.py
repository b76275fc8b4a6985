from fractions import Fraction

from hypothesis import given, strategies as st
import pytest

from lcnsym.algebra.architecture import Architecture, final_filter_width, final_stride, shapes, stride_products
from lcnsym.errors import ArchitectureError


def test_widths_and_derived_quantities():
    a = Architecture(20, (4, 3), (2, 1))
    assert a.d == (20, 9, 7) and a.N == 2 and a.dN == 7
    assert (a.kbar, a.k_v, a.s_v, a.t, a.stride_products) == (7, 8, 2, (3, 4), (1, 2))
    assert a.as_dict()["d"] == [20, 9, 7]


def test_paper_example_eq_1_4():
    a = Architecture(8, (4,), (2,))
    assert a.d == (8, 3)


@pytest.mark.parametrize(
    "args,words",
    [
        ((21, (4, 3), (2, 1)), "layer 1: (d_0 - k_1)/s_1 + 1 = (21 - 4)/2 + 1 = 19/2 is not an integer"),
        ((5, (2, 5), (1, 1)), "layer 2: (d_1 - k_2)/s_2 + 1 = (4 - 5)/1 + 1 = 0 is not positive"),
        ((3, (4,), (1,)), "wider than the layer's input (d_0 = 3)"),
        ((5, (2, 2), (1,)), "k has 2 entries but s has 1"),
        ((5, (0,), (1,)), "k_1 must be at least 1, got 0"),
        ((5, (1,), (-1,)), "s_1 must be at least 1, got -1"),
        ((5.0, (1,), (1,)), "d0 must be a whole number"),
        ((5, (), ()), "at least one layer"),
        ((5, 3, (1,)), "k must be a sequence"),
    ],
)
def test_invalid_architectures_name_layer_and_numbers(args, words):
    with pytest.raises(ArchitectureError) as info:
        Architecture(*args)
    assert words in str(info.value)


def test_architecture_is_immutable_and_hashable():
    a = Architecture(5, [2, 2], [1, 1])
    assert a.k == (2, 2)
    with pytest.raises(AttributeError):
        a.d0 = 6
    assert hash(a) == hash(Architecture(5, (2, 2), (1, 1)))


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4)), min_size=1, max_size=5), st.integers(1, 6))
def test_for_output_width_gives_the_smallest_d0(layers, dN):
    k = tuple(l[0] for l in layers)
    s = tuple(l[1] for l in layers)
    a = Architecture.for_output_width(k, s, dN)
    assert a.dN == dN
    # the final convolution needs d0 = (dN - 1) s_v + k_v inputs (Prop. 1.1)
    assert a.d0 == (dN - 1) * final_stride(s) + final_filter_width(k, s)
    try:
        smaller = Architecture(a.d0 - 1, k, s)
    except ArchitectureError:
        return
    assert smaller.dN < dN


def test_admissible_d0_are_consecutive_output_widths():
    a = Architecture(7, (3,), (2,))
    assert [b.dN for b in a.admissible_d0(3)] == [1, 2, 3]


def test_stride_products_and_widths():
    assert stride_products((2, 3, 4)) == (1, 2, 6)
    assert final_filter_width((3, 2, 3), (2, 1, 2)) == 3 + 1 * 2 + 2 * 2
    assert sum(1 for _ in shapes(2, 2, 2)) == 4 + 16


@given(st.integers(1, 60), st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3)), min_size=1, max_size=3))
def test_valid_iff_eq_1_5(d0, layers):
    k = tuple(l[0] for l in layers)
    s = tuple(l[1] for l in layers)
    d, ok = d0, True
    for ki, si in layers:
        nxt = Fraction(d - ki, si) + 1
        if nxt.denominator != 1 or nxt < 1:
            ok = False
            break
        d = int(nxt)
    if ok:
        assert Architecture(d0, k, s).dN == d
    else:
        with pytest.raises(ArchitectureError):
            Architecture(d0, k, s)


def test_for_output_width_refuses_unhashable_input_with_the_hierarchy():
    # found by hypothesis in CI: the per-shape cache must not see a list
    with pytest.raises(ArchitectureError, match="dN must be a whole number"):
        Architecture.for_output_width((2,), (1,), [])
    with pytest.raises(ArchitectureError):
        Architecture.for_output_width([[2]], (1,), 1)


@pytest.mark.parametrize("k,s,expected", [
    # by hand: d_{i-1} = (d_i - 1) s_i + k_i from d_N = 1; k_v = k_1 + sum_{i>1} (k_i - 1) prod_{n<i} s_n;
    # s_v = prod s_i; kbar = sum k_i; t_i = (k_i - 1) prod_{n<i} s_n
    ((3, 2), (2, 3), {"d0": 5, "d": [5, 2, 1], "N": 2, "kbar": 5, "k_v": 5, "s_v": 6, "t": [2, 2]}),
    ((2, 3, 2), (3, 1, 2), {"d0": 11, "d": [11, 4, 2, 1], "N": 3, "kbar": 7, "k_v": 11, "s_v": 6, "t": [1, 6, 3]}),
    ((4,), (5,), {"d0": 4, "d": [4, 1], "N": 1, "kbar": 4, "k_v": 4, "s_v": 5, "t": [3]}),
])
def test_as_dict_gives_the_definitions_values(k, s, expected):
    """Injected in a campaign (C4, I11): as_dict's s_v was the last stride product prod_{n<N} s_n, equal to s_v only
    when s_N = 1 (the shape tested before)."""
    assert Architecture.for_output_width(k, s).as_dict() == {"k": list(k), "s": list(s), **expected}


def test_sizes_above_the_largest_accepted_are_refused():
    """Campaign L: d0, k_i and s_i above MAX_SIZE are refused by name, also as plain ints (the fast path)."""
    from lcnsym.algebra.architecture import MAX_SIZE

    for args, what in (((MAX_SIZE + 1, (2,), (1,)), "d0"), ((8, (MAX_SIZE + 1,), (1,)), "k"), ((8, (2,), (MAX_SIZE + 1,)), "s")):
        with pytest.raises(ArchitectureError, match="larger than"):
            Architecture(*args)
    assert Architecture(MAX_SIZE, (2,), (1,)).d0 == MAX_SIZE


def test_the_notebook_table_shows_the_architectures_own_values():
    """(campaign R: I18) the notebook table's strides row showed the filter widths k ("4, 3"), and no test read the rows.
    Each row, parsed back, is the architecture's own value (as_dict)."""
    import re

    a = Architecture(20, (4, 3), (2, 1))
    html = a._repr_html_()
    rows = dict(re.findall(r"<tr><th style='text-align:left'>(.*?)</th><td>(.*?)</td></tr>", html))
    numbers = lambda text: [int(n) for n in text.split(", ")]
    info = a.as_dict()
    assert rows["filter widths k"] == "4, 3" and rows["strides s"] == "2, 1"
    assert numbers(rows["widths d"]) == info["d"] and numbers(rows["filter widths k"]) == info["k"]
    assert numbers(rows["strides s"]) == info["s"] and numbers(rows["degrees t_i (eq. 2.1)"]) == info["t"]
    assert numbers(rows["k_v, s_v (Prop. 1.1)"]) == [info["k_v"], info["s_v"]]
    assert len(rows) == 5 and f"<caption>LCN architecture, N = {info['N']}</caption>" in html


def test_whole_numbers_that_are_not_ints_are_read_at_both_ends_of_the_range():
    """A mutation pass: the slow path (sympy, numpy-like integers) had its own comparisons, untested at 1 and MAX_SIZE."""
    import sympy as sp

    from lcnsym.algebra.architecture import MAX_SIZE

    arch = Architecture(sp.Integer(MAX_SIZE), (sp.Integer(1), sp.Integer(2)), (sp.Integer(1), 1))
    assert arch.d0 == MAX_SIZE and arch.k == (1, 2) and type(arch.d0) is int and type(arch.k[0]) is int
    with pytest.raises(ArchitectureError, match="k_1 must be at least 1, got 0"):
        Architecture(5, (sp.Integer(0), 2), (1, 1))
    with pytest.raises(ArchitectureError, match="larger than"):
        Architecture(sp.Integer(MAX_SIZE + 1), (2,), (1,))


def test_the_depth_limit_is_ten_thousand_layers():
    from lcnsym.algebra.architecture import MAX_DEPTH

    assert Architecture.for_output_width((1,) * MAX_DEPTH, (1,) * MAX_DEPTH).N == MAX_DEPTH
    with pytest.raises(ArchitectureError, match=f"{MAX_DEPTH + 1} entries; at most {MAX_DEPTH} layers"):
        Architecture.for_output_width([1] * (MAX_DEPTH + 1), [1] * (MAX_DEPTH + 1))
    with pytest.raises(ArchitectureError, match="at most 10000 layers"):  # tuples of ints: the cached path
        Architecture.for_output_width((1,) * (MAX_DEPTH + 1), (1,) * (MAX_DEPTH + 1))


@pytest.mark.parametrize("k, s", [((True, 2), (1, 1)), ((1, 2), (1, True)), ((1, Fraction(2)), (1, 1)),
                                  ((1, 2), (Fraction(1), 1))])
def test_the_shape_cache_never_answers_for_a_value_that_only_hashes_like_an_int(k, s):
    """True == 1 and Fraction(2) == 2 hash alike: once (1, 2) is cached, they must still be refused, not served from it."""
    Architecture.for_output_width((1, 2), (1, 1))
    with pytest.raises(ArchitectureError, match="must be a whole number"):
        Architecture.for_output_width(k, s)
