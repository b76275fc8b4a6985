"""The final filter against an independent route: explicit dense convolution matrices multiplied out.

Nothing here uses lcnsym's convolution or network-matrix code: the matrices
are written down from eq. (1.4) as dense lists and multiplied naively.
"""

import pytest

from lcnsym.algebra.architecture import Architecture, shapes
from lcnsym.algebra.filters import symbolic_filters, symbolic_final_filter


def dense_convolution(w, d_in, s, zero):
    d_out = (d_in - len(w)) // s + 1
    rows = []
    for j in range(d_out):
        row = [zero] * d_in
        for n, wn in enumerate(w):
            row[j * s + n] = wn
        rows.append(row)
    return rows


def dense_product(a, b, zero):
    out = []
    for row in a:
        new = [zero] * len(b[0])
        for l, c in enumerate(row):
            if c == 0:
                continue
            for j, bj in enumerate(b[l]):
                if bj != 0:
                    new[j] = new[j] + c * bj
        out.append(new)
    return out


def filter_from_matrices(k, s, dN=2):
    arch = Architecture.for_output_width(k, s, dN)
    ctx, ws = symbolic_filters(arch)
    zero = ctx.from_dict({})
    mats = [dense_convolution(w, arch.d[i], arch.s[i], zero) for i, w in enumerate(ws)]
    prod = mats[-1]
    for m in reversed(mats[:-1]):
        prod = dense_product(prod, m, zero)
    return arch, prod


def assert_route_agrees(k, s):
    arch, prod = filter_from_matrices(k, s)
    v = symbolic_final_filter(arch)
    assert len(v) == arch.k_v
    # row j of the network matrix is v shifted by j * s_v, zero elsewhere (read v off row 1)
    for j, row in enumerate(prod):
        expected = [0] * arch.d0
        expected[j * arch.s_v: j * arch.s_v + arch.k_v] = v.polys
        assert [c == e for c, e in zip(row, expected)] == [True] * arch.d0, (k, s, j)


@pytest.mark.slow
def test_final_filter_equals_product_of_explicit_matrices_on_the_whole_grid():
    count = 0
    for k, s in shapes(4, 4, 3):
        assert_route_agrees(k, s)
        count += 1
    assert count == 22620


@pytest.mark.parametrize("k,s", [((3,) * 8, (2,) * 8), ((3, 2, 3, 2, 3, 2, 3, 2), (2, 1, 2, 3, 1, 2, 1, 2))])
def test_final_filter_equals_product_of_explicit_matrices_deep(k, s):
    assert_route_agrees(k, s)


def test_symbolic_entries_print_as_sympy():
    arch, prod = filter_from_matrices((2, 2), (1, 1))
    assert symbolic_final_filter(arch).strings() == ["w1_1*w2_1", "w1_1*w2_2 + w1_2*w2_1", "w1_2*w2_2"]
