"""prop-1.1: composing the layers is one convolution with stride ``s_v``, width ``k_v`` and filter (3.11)."""

from lcnsym.algebra.architecture import Architecture, final_filter_width, shapes
from lcnsym.algebra.coefficients import final_filter_recursive
from lcnsym.algebra.convolution import convolution_rows, first_row_difference, network_rows
from lcnsym.checking.evidence import CheckConfig, Evidence, combine_parts, exact_over
from lcnsym.algebra.filters import symbolic_filters

ID = "prop-1.1"
STATEMENT = (
    "W^(N)...W^(1) = Pi_{(d0,dN),k_v,s_v}(pi(w)) with s_v = prod s_i, "
    "k_v = k_1 + sum_{i>=2} (k_i - 1) prod_{m<i} s_m and pi(w) from the recursion (3.11)"
)
DEPENDS_ON = ("eq-1.5",)
LIBRARY = ("lcnsym.algebra.filters.symbolic_final_filter", "lcnsym.algebra.coefficients.final_filter_recursive", "lcnsym.algebra.convolution.network_rows", "lcnsym.algebra.convolution.convolution_rows")
CLI = "lcnsym filter --k 3,2,3 --s 2,1,2 --check-matrix"
EVIDENCE = "exact: symbolic identity in w{i}_{j} over every N<=4, k_i<=4, s_i<=3 and deep ones, 2-3 input widths each"
REFERENCE = "Proposition 1.1, eq. (3.11)"

DEEP = [((3,) * 8, (2,) * 8), ((2, 3, 2, 3, 2, 3), (2, 1, 3, 1, 2, 2)), ((1, 2, 1, 3, 1), (2, 3, 1, 2, 2))]


def _depth(config):
    return 5 if config.thorough else 4


def parts(config):
    """The grid in independent pieces: one per depth and first layer ``(k_1, s_1)``, and the deep ones."""
    return [(n, k1, s1) for n in range(1, _depth(config) + 1) for k1 in range(1, 5) for s1 in range(1, 4)] + [("deep",)]


def shapes_of(part):
    """The ``(k, s)`` of one part: every ``k_i <= 4, s_i <= 3`` of depth ``n`` starting with ``(k_1, s_1)``."""
    if part == ("deep",):
        return DEEP
    n, k1, s1 = part
    if n == 1:
        return [((k1,), (s1,))]
    return [((k1,) + k, (s1,) + s) for k, s in shapes(n - 1, 4, 3, min_depth=n - 1)]


def grid(config):
    """The ``(k, s)`` the check covers: every ``N<=4, k_i<=4, s_i<=3`` (``N<=5`` when thorough), and deep ones."""
    for part in parts(config):
        yield from shapes_of(part)


def check_shape(k, s, output_widths, final_filter=final_filter_recursive, width=final_filter_width, rows=convolution_rows):
    """``None`` if Proposition 1.1 holds for ``(k, s)`` at every output width, else a counterexample."""
    ctx, ws = symbolic_filters(Architecture.for_output_width(k, s))
    v = final_filter(ws, s)
    if len(v) != width(k, s):
        return {"k": k, "s": s, "k_v by formula": width(k, s), "entries of pi(w)": len(v)}
    for dN in output_widths:
        arch = Architecture.for_output_width(k, s, dN)
        if len(v) > arch.d0:
            return {"k": k, "s": s, "d0": arch.d0, "k_v": len(v), "problem": "final filter wider than the input"}
        diff = first_row_difference(network_rows(arch, ws), rows(v, arch.d0, arch.s_v))
        if diff is not None:
            r, c, a, b = diff
            return {"k": k, "s": s, "d0": arch.d0, "row": r + 1, "column": None if c is None else c + 1,
                    "W^(N)...W^(1) entry": str(a), "Pi(pi(w)) entry": str(b)}
    return None


def check_part(config, part, **variants):
    """Prop. 1.1 on one part of the grid, at ``d_N = 1, 2`` (and 3 for ``N <= 2``)."""
    def judge(k, s):
        return check_shape(k, s, (1, 2, 3) if len(k) <= 2 else (1, 2), **variants)

    return exact_over(shapes_of(part), judge, f"part {part}, symbolic in w{{i}}_{{j}}")


def combine(config, evidences):
    """The evidence of the whole grid from its parts."""
    depth = _depth(config)
    scope = (
        f"{sum(e.instances for e in evidences)} architectures symbolic in w{{i}}_{{j}} (every N<={depth}, k_i<=4, "
        f"s_i<=3, plus N=5,6,8 with k_v up to 511), each at 2 or 3 input widths d0 (d_N = 1, 2, and 3 for N<=2)"
    )
    return combine_parts(evidences, "exact", scope)


def check(config=CheckConfig(), **variants):
    """Prop. 1.1 symbolically (exact polynomials in ``w{i}_{j}``) over the whole grid."""
    return combine(config, [check_part(config, p, **variants) for p in parts(config)])
