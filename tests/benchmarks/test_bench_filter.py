"""Speed of the symbolic final filter and its exact matrix check (issue: foundation).

Run: ``pytest tests/benchmarks/test_bench_filter.py -m perf -s``.  The baseline,
sympy's plain ``expand`` of the product of the ``p~_i``, is measured in the
same run; the figures are printed.
"""

import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.convolution import network_matrix_matches
from lcnsym.algebra.filters import filter_symbols, symbolic_filters, symbolic_final_filter
from lcnsym.algebra.polynomials import stride_polynomials, x

from _timing import best_time

K8, S8 = (3,) * 8, (2,) * 8


def _sympy_expand_baseline(arch):
    w = filter_symbols(arch)
    prod = sp.Mul(*[p.as_expr() for p in stride_polynomials(w, arch.s)])
    return sp.Poly(sp.expand(prod), x)


def _ring_route(arch):
    from sympy.polys.rings import ring
    from sympy.polys.domains import ZZ
    from lcnsym.algebra.coefficients import final_filter_recursive
    from lcnsym.algebra.filters import filter_symbol_names

    names = [n for layer in filter_symbol_names(arch) for n in layer]
    R, *gens = ring(names, ZZ)
    it = iter(gens)
    return final_filter_recursive([[next(it) for _ in range(k)] for k in arch.k], arch.s)


def _matrix_check(arch):
    ctx, ws = symbolic_filters(arch)
    assert network_matrix_matches(arch, ws, list(symbolic_final_filter(arch).polys)) is None


def test_symbolic_final_filter_n8(benchmark):
    arch = Architecture.for_output_width(K8, S8)
    v = benchmark(symbolic_final_filter, arch)
    assert len(v) == 511


def test_matrix_check_n8(benchmark):
    benchmark(_matrix_check, Architecture.for_output_width(K8, S8, dN=2))


def test_targets_and_ratio_against_sympy_expand():
    arch = Architecture.for_output_width(K8, S8, dN=2)
    ours = best_time(lambda: symbolic_final_filter(arch), repeat=20)
    check = best_time(lambda: _matrix_check(arch), repeat=10)
    ring = best_time(lambda: _ring_route(arch), repeat=3)
    to_sympy = best_time(lambda: symbolic_final_filter(arch).exprs(), repeat=1)
    baseline = best_time(lambda: _sympy_expand_baseline(arch), repeat=1)
    print(f"\nk=(3,)*8, s=(2,)*8, k_v=511, 24 symbols")
    print(f"  symbolic final filter (flint fmpz_mpoly, recursion 3.11): {ours * 1e3:8.2f} ms")
    print(f"  exact matrix check W^(8)...W^(1) vs Pi(pi(w)), d_N=2:    {check * 1e3:8.2f} ms")
    print(f"  sympy sparse ring (PolyRing) route:                      {ring * 1e3:8.2f} ms")
    print(f"  conversion of the 511 entries to sympy expressions:      {to_sympy * 1e3:8.2f} ms")
    print(f"  baseline: sympy expand of prod p~_i:                     {baseline * 1e3:8.2f} ms")
    print(f"  ratio baseline / ours: {baseline / ours:.0f}x;  baseline / matrix check: {baseline / check:.0f}x")
    assert ours < 0.1 and check < 0.5
    assert baseline / ours >= 30


def test_growth_from_n4_to_n10():
    print("\nN  k_v   final filter (ms)  matrix check (ms)")
    times = []
    for n in range(4, 11):
        arch = Architecture.for_output_width((3,) * n, (2,) * n, dN=2)
        t1 = best_time(lambda: symbolic_final_filter(arch), repeat=5)
        t2 = best_time(lambda: _matrix_check(arch), repeat=3)
        times.append((n, t1, t2))
        print(f"{n:<2} {arch.k_v:<5} {t1 * 1e3:17.2f} {t2 * 1e3:18.2f}")
    assert times[-1][1] < 1.0
