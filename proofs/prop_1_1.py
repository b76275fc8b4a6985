"""prop-1.1: composing the layers is one convolution with stride ``s_v``, width ``k_v`` and filter (3.11)."""

import sympy as sp

from lcnsym.algebra import convolution
from lcnsym.algebra.architecture import Architecture, final_filter_width, shapes
from lcnsym.algebra.coefficients import final_filter_recursive
from lcnsym.algebra.convolution import first_row_difference, network_rows
from lcnsym.checking.evidence import CheckConfig, Evidence, combine_parts, exact_over, run_in_turn
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

# The minimums, kept apart from the grid's generator so that a shrunk grid fails as "search too small".
LEAST_K, LEAST_S = 4, 3
"""At every depth ``N`` up to the profile's, every shape with ``k_i <= 4, s_i <= 3`` must run."""
MIN_DEEP = 3
"""Deep architectures (beyond the grid) that must run."""
MIN_INPUT_WIDTHS = 2
"""Distinct input widths ``d0`` per architecture (RESULTS.md: more than one admissible ``d0`` each)."""


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


def output_widths(k):
    """The output widths ``d_N`` each shape is checked at: 1, 2 (and 3 for ``N <= 2``)."""
    return (1, 2, 3) if len(k) <= 2 else (1, 2)


def input_width(k, s, dN):
    """``d0`` of the architecture with output width ``dN``: eq. (1.5) backwards, ``d_{i-1} = (d_i - 1) s_i + k_i``.

    Examples
    --------
    >>> input_width((4, 3), (2, 1), 2)
    10
    """
    d = dN
    for ki, si in zip(reversed(k), reversed(s)):
        d = (d - 1) * si + ki
    return d


def grid_tally(part, found):
    """Distinct shapes of ``found`` by depth: ``{N: [count, max k_i, max s_i]}`` (grid parts: only the part's own)."""
    if part != ("deep",):
        found = [(k, s) for k, s in found if len(k) == part[0] and (k[0], s[0]) == part[1:]]  # parts stay disjoint
    by_depth = {}
    for k, s in set(found):
        n, kk, ss = by_depth.get(str(len(k)), (0, 0, 0))
        by_depth[str(len(k))] = [n + 1, max(kk, *k), max(ss, *s)]
    return by_depth


def part_shortfall(part, found):
    """What a grid part lacks (``None`` if nothing): all ``12^(n-1)`` shapes after its first layer, before any runs."""
    if part == ("deep",):
        return None if len(set(found)) >= MIN_DEEP else f"ran {len(set(found))} deep architectures, minimum {MIN_DEEP}"
    n = part[0]
    tails = {(k[1:], s[1:]) for k, s in found if len(k) == n and (k[0], s[0]) == part[1:]}
    full = {(k, s) for k, s in tails if all(x <= LEAST_K for x in k) and all(x <= LEAST_S for x in s)}
    least = (LEAST_K * LEAST_S) ** (n - 1)
    if len(full) < least:
        return (f"part {part}: {len(full)} shapes of depth {n} with k_1 = {part[1]}, s_1 = {part[2]}, "
                f"minimum {least} (every k_i<={LEAST_K}, s_i<={LEAST_S})")
    return None


def grid_shortfall(config, details):
    """What the whole grid lacks (``{}`` if nothing), from the parts' ``details``: every depth complete, the deep ones."""
    tally, deep = {}, 0
    for d in details:
        if d.get("part") == "deep":
            deep += sum(n for n, _, _ in d["shapes"].values())
            continue
        for depth, (n, kk, ss) in d["shapes"].items():
            m, k0, s0 = tally.get(int(depth), (0, 0, 0))
            tally[int(depth)] = (m + n, max(k0, kk), max(s0, ss))
    short = {}
    for depth in range(1, _depth(config) + 1):
        n, kk, ss = tally.get(depth, (0, 0, 0))
        complete = n == (kk * ss) ** depth  # distinct shapes with k_i <= kk, s_i <= ss: all of them ran
        if not complete or kk < LEAST_K or ss < LEAST_S:
            short[f"N={depth}"] = (f"ran {n} distinct shapes (k_i<={kk}, s_i<={ss}{'' if complete else ', not all'}), "
                                   f"minimum all {(LEAST_K * LEAST_S) ** depth} with k_i<={LEAST_K}, s_i<={LEAST_S}")
    if deep < MIN_DEEP:
        short["deep"] = f"ran {deep}, minimum {MIN_DEEP}"
    return short, tally


def grid_scope(config, details):
    """The grid that ran, in words, from the parts' ``details`` (call after :func:`grid_shortfall` found nothing)."""
    _, tally = grid_shortfall(config, details)
    depth = _depth(config)
    kk = min(tally[n][1] for n in range(1, depth + 1))
    ss = min(tally[n][2] for n in range(1, depth + 1))
    deep = [d for d in details if d.get("part") == "deep"]
    deep_depths = sorted({int(n) for d in deep for n in d["shapes"]})
    kv = max(d.get("max k_v", 0) for d in deep)
    return f"every N<={depth}, k_i<={kk}, s_i<={ss}, plus N={','.join(map(str, deep_depths))} with k_v up to {kv}"


def rows_as_stated(w, d_in, s):
    """``Pi_{(d_in,d_out),k,s}(w)`` transcribed from eq. (1.4): row ``j`` (0-based) holds ``w_n`` at column ``j s + n``.

    ``d_out = (d_in - k)/s + 1`` (the callers pass admissible widths only).

    Examples
    --------
    >>> rows_as_stated(["a", "b"], 5, 3)
    [{0: 'a', 1: 'b'}, {3: 'a', 4: 'b'}]
    """
    w = list(w)
    return [{j * s + n: wn for n, wn in enumerate(w)} for j in range((d_in - len(w)) // s + 1)]


def layout_difference(rows, w, d_in, s):
    """``None``, or the first row (1-based) where ``rows`` is not the layout of eq. (1.4), as a counterexample part."""
    stated = rows_as_stated(w, d_in, s)
    if len(rows) != len(stated):
        return {"rows": len(rows), "rows by eq. (1.4)": len(stated)}
    for j, (a, b) in enumerate(zip(rows, stated)):
        if a != b:  # the entries are the same objects: a structural comparison is exact here
            return {"row": j + 1, "columns of the library's row": [c + 1 for c in sorted(a)],
                    "columns by eq. (1.4)": [c + 1 for c in sorted(b)],
                    "first column by eq. (1.4)": f"(j-1)s + 1 = {j}*{s} + 1 = {j * s + 1}"}
    return None


EQ_1_4_ANCHOR = ((4, 8, 2), [[1, 2, 3, 4, 0, 0, 0, 0],
                             [0, 0, 1, 2, 3, 4, 0, 0],
                             [0, 0, 0, 0, 1, 2, 3, 4]])
"""RESULTS.md's example of eq. (1.4), ``k = 4, s = 2``, ``3 x 8``: entry ``n`` stands for ``w_n``, 0 for zero."""


def eq_1_4_anchor():
    """``None``, or how the public ``convolution_matrix`` differs from RESULTS.md's ``3 x 8`` example of eq. (1.4)."""
    (k, d_in, s), table = EQ_1_4_ANCHOR
    w = sp.symbols(f"w1:{k + 1}")
    stated = sp.Matrix([[w[n - 1] if n else 0 for n in row] for row in table])
    got = convolution.convolution_matrix(w, d_in, s)
    if got.shape != stated.shape or sp.Matrix(got) != stated:
        return {"anchor": f"convolution_matrix(w1..w{k}, {d_in}, {s}) (eq. 1.4)", "got": str(sp.Matrix(got).tolist()),
                "eq. (1.4)": str(stated.tolist())}
    return None


class _StrideOffByOne:
    """A deliberately wrong architecture for ``network_matrix_matches``: ``s_v + 1`` and ``d0`` widened to keep ``d_N``
    rows, so ``Pi(pi(w))`` agrees with ``W^(N)...W^(1)`` in row 1 and differs from row 2 on."""

    def __init__(self, arch):
        self.d, self.s, self.k, self.N = arch.d, arch.s, arch.k, arch.N
        self.s_v = arch.s_v + 1
        self.d0 = (arch.dN - 1) * self.s_v + arch.k_v
        self.dN = arch.dN


NEGATIVE_CONTROL = ((2, 3), (2, 1), 3)
"""``(k, s, d_N)`` of the negative control of ``network_matrix_matches`` (``N >= 2``: ``d0`` enters only ``Pi(pi(w))``)."""


def public_route_controls():
    """``None``, or a counterexample: the public ``network_matrix_matches`` must find the later-row difference of
    :class:`_StrideOffByOne` (a comparison of the first row alone answers "equal")."""
    k, s, dN = NEGATIVE_CONTROL
    arch = Architecture.for_output_width(k, s, dN)
    ctx, ws = symbolic_filters(arch)
    v = final_filter_recursive(ws, s)
    if convolution.network_matrix_matches(arch, ws, v) is not None:
        return {"k": k, "s": s, "d_N": dN, "problem": "network_matrix_matches finds a difference where there is none"}
    wrong = _StrideOffByOne(arch)
    got = convolution.network_matrix_matches(wrong, ws, v)
    if got is None or got[0] < 1:
        return {"k": k, "s": s, "d_N": dN, "negative control": f"Pi_{{(d0,dN),k_v,s_v+1}}(pi(w)), d0 = {wrong.d0}",
                "network_matrix_matches": "equal" if got is None else f"first difference in row {got[0] + 1}",
                "expected": "a difference first in row 2 (row 1 agrees)"}
    return None


def check_shape(k, s, output_widths, final_filter=final_filter_recursive, width=final_filter_width, rows=None):
    """Prop. 1.1 for ``(k, s)`` at every output width: ``(None, d0s checked)`` or ``(counterexample, d0s checked)``.

    ``Pi(pi(w))`` is held to eq. (1.4) as transcribed here; for ``N <= 3`` and the deep shapes (not all: it repeats the
    network product) the public ``network_matrix_matches`` must agree too.
    """
    public = len(k) <= 3 or (tuple(k), tuple(s)) in DEEP
    rows = rows or convolution.convolution_rows  # looked up at run time: the library's function, whatever it is now
    ctx, ws = symbolic_filters(Architecture.for_output_width(k, s))
    v = final_filter(ws, s)
    if len(v) != width(k, s):
        return {"k": k, "s": s, "k_v by formula": width(k, s), "entries of pi(w)": len(v)}, []
    checked = []
    for dN in output_widths:
        d0 = input_width(k, s, dN)  # computed here, not taken from the library: the widths checked are the ones asked
        arch = Architecture.for_output_width(k, s, dN)
        if (arch.d0, arch.dN, arch.k, arch.s) != (d0, dN, tuple(k), tuple(s)):
            return {"k": k, "s": s, "asked d_N": dN, "d0 by eq. (1.5) backwards": d0,
                    "for_output_width gave": f"d0={arch.d0}, d_N={arch.dN}, k={arch.k}, s={arch.s}"}, checked
        if len(v) > arch.d0:
            return {"k": k, "s": s, "d0": arch.d0, "k_v": len(v), "problem": "final filter wider than the input"}, checked
        conv = rows(v, arch.d0, arch.s_v)
        # both sides below come from the library: anchor the right one to eq. (1.4) as transcribed here
        layout = layout_difference(conv, v, arch.d0, arch.s_v)
        if layout is not None:
            return {"k": k, "s": s, "d0": arch.d0, "s_v": arch.s_v, "problem": "Pi(pi(w)) is not laid out as eq. (1.4)",
                    **layout}, checked
        diff = first_row_difference(network_rows(arch, ws), conv)
        if diff is not None:
            r, c, a, b = diff
            return {"k": k, "s": s, "d0": arch.d0, "row": r + 1, "column": None if c is None else c + 1,
                    "W^(N)...W^(1) entry": str(a), "Pi(pi(w)) entry": str(b)}, checked
        if public and convolution.network_matrix_matches(arch, ws, v) is not None:  # the CLI's --check-matrix route
            return {"k": k, "s": s, "d0": arch.d0, "problem": "network_matrix_matches reports a difference the check "
                    "does not find", "network_matrix_matches": str(convolution.network_matrix_matches(arch, ws, v))}, checked
        checked.append((dN, d0))
    return None, checked


def check_part(config, part, **variants):
    """Prop. 1.1 on one part of the grid, at ``d_N = 1, 2`` (and 3 for ``N <= 2``), at least two ``d0`` each."""
    found = shapes_of(part)
    short = part_shortfall(part, found)
    if short is not None:  # before any symbolic work: a shrunk part fails at once
        return Evidence(False, "exact", "a search smaller than its minimum", 0, counterexample={"search too small": short})
    if part == ("deep",):  # once per run: the deep part always runs
        bad = eq_1_4_anchor() or public_route_controls()
        if bad is not None:
            return Evidence(False, "exact", "eq. (1.4) anchor and network_matrix_matches controls", 1, counterexample=bad)
    widths, counts, kv = {}, [], 0

    def judge(k, s):
        nonlocal kv
        bad, checked = check_shape(k, s, output_widths(k), **variants)
        if bad is not None:
            return bad
        d0s = sorted({d0 for _, d0 in checked})
        if len(d0s) < MIN_INPUT_WIDTHS:
            return {"k": k, "s": s, "search too small": f"checked at {len(d0s)} input width(s) d0 = {d0s}, "
                                                         f"minimum {MIN_INPUT_WIDTHS}"}
        counts.append(len(d0s))
        dNs = {dN for dN, _ in checked}
        key = str(len(k))
        widths[key] = sorted(dNs if key not in widths else dNs & set(widths[key]))  # the d_N every shape had
        kv = max(kv, final_filter_width(k, s))
        return None

    ev = exact_over(found, judge, f"part {part}, symbolic in w{{i}}_{{j}}")
    ev.details = {"part": "deep" if part == ("deep",) else list(part), "shapes": grid_tally(part, found), "d_N": widths,
                  "input widths": [min(counts, default=0), max(counts, default=0)], "max k_v": kv}
    return ev


def _widths_text(details):
    """``d_N = 1, 2, 3 for N = 1, 2; d_N = 1, 2 for N = 3, 4, 5, 6, 8``: the output widths every shape had."""
    common = {}
    for d in details:
        for n, dNs in d["d_N"].items():
            common[int(n)] = set(dNs) if int(n) not in common else common[int(n)] & set(dNs)
    groups = {}
    for n in sorted(common):
        groups.setdefault(tuple(sorted(common[n])), []).append(n)
    return "; ".join(f"d_N = {', '.join(map(str, dNs))} for N = {', '.join(map(str, ns))}" for dNs, ns in groups.items())


def combine(config, evidences):
    """The evidence of the whole grid from its parts, with the search's minimums."""
    total = sum(e.instances for e in evidences)
    if not all(e.passed for e in evidences):
        return combine_parts(evidences, "exact", "")
    details = [e.details for e in evidences]
    short, _ = grid_shortfall(config, details)
    if short:
        return Evidence(False, "exact", "a search smaller than its minimum", total, counterexample={"search too small": short})
    lo = min(d["input widths"][0] for d in details)
    hi = max(d["input widths"][1] for d in details)
    scope = (
        f"{total} architectures symbolic in w{{i}}_{{j}} ({grid_scope(config, details)}), each at "
        f"{lo if lo == hi else f'{lo} to {hi}'} input widths d0 ({_widths_text(details)})"
    )
    return combine_parts(evidences, "exact", scope)


def check(config=CheckConfig(), **variants):
    """Prop. 1.1 symbolically (exact polynomials in ``w{i}_{j}``) over the whole grid."""
    return run_in_turn(parts(config), lambda part: check_part(config, part, **variants),
                       lambda evidences: combine(config, evidences))
