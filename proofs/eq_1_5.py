"""eq-1.5: the widths ``d_i = (d_{i-1} - k_i)/s_i + 1`` are positive integers, or the architecture is refused."""

from fractions import Fraction

from lcnsym.algebra import convolution
from lcnsym.algebra.architecture import Architecture, shapes
from lcnsym.errors import ArchitectureError
from lcnsym.checking.evidence import CheckConfig, Evidence

ID = "eq-1.5"
STATEMENT = "An architecture (d0, k, s) is valid iff every d_i = (d_{i-1} - k_i)/s_i + 1 is a positive integer"
DEPENDS_ON = ()
LIBRARY = ("lcnsym.algebra.architecture.Architecture",)
CLI = "lcnsym arch --d0 20 --k 4,3 --s 2,1"
EVIDENCE = "exact: every (d0, k, s) of a grid accepted with the right widths or refused naming the layer and numbers"
REFERENCE = "Eq. (1.5)"

MALFORMED = [
    ((5, (2, 2), (1,)), "k has 2 entries but s has 1"),
    ((5, (), ()), "at least one layer"),
    ((5, (0,), (1,)), "k_1 must be at least 1"),
    ((5, (2,), (0,)), "s_1 must be at least 1"),
    ((0, (1,), (1,)), "d0 must be at least 1"),
    ((5, (2.0,), (1,)), "k_1 must be a whole number"),
    ((True, (1,), (1,)), "d0 must be a whole number"),
]


# The minimums, kept apart from the grid's generator so that a shrunk grid fails as "search too small".
MIN_GRID = {"quick": (24, 3), "thorough": (40, 4)}
"""``(largest d0, depth)``: every ``(d0, k, s)`` up to these, with every ``k_i <= LEAST_K, s_i <= LEAST_S``, must run."""
LEAST_K, LEAST_S = 4, 3
MIN_OUTCOMES = {"quick": (8262, 36954), "thorough": (99067, 805733)}
"""``(valid, refused)`` architectures of that grid (counted by eq. 1.5 in exact arithmetic)."""


def expected_widths(d0, k, s):
    """Widths by eq. (1.5) in exact arithmetic: ``(widths, None)`` or ``(None, (layer, d_prev, k_i, s_i))``."""
    widths = [d0]
    for i, (ki, si) in enumerate(zip(k, s), 1):
        di = Fraction(widths[-1] - ki, si) + 1
        if di.denominator != 1 or di < 1:
            return None, (i, widths[-1], ki, si)
        widths.append(int(di))
    return tuple(widths), None


def _judge(architecture, d0, k, s):
    """``None`` if the constructor behaves as eq. (1.5) says, else what went wrong."""
    widths, bad = expected_widths(d0, k, s)
    try:
        arch = architecture(d0, k, s)
    except ArchitectureError as exc:
        if widths is not None:
            return {"d0": d0, "k": k, "s": s, "expected widths": widths, "refused with": str(exc)}
        i, d_prev, ki, si = bad
        msg = str(exc)
        if f"layer {i}" not in msg or not all(f"{n}" in msg for n in (d_prev, ki, si)):
            return {"d0": d0, "k": k, "s": s, "message": msg, "should name": f"layer {i}, d_{i-1}={d_prev}, k_{i}={ki}, s_{i}={si}"}
        return None
    if widths is None:
        return {"d0": d0, "k": k, "s": s, "accepted with widths": tuple(getattr(arch, "d", ())), "but fails at layer": bad[0]}
    if tuple(arch.d) != widths:
        return {"d0": d0, "k": k, "s": s, "widths": tuple(arch.d), "expected": widths}
    return None


CONVOLUTION_ANCHOR = ([1, 2], 7, 2)
"""``convolution_matrix([1, 2], 7, 2)``: ``(7 - 2)/2 + 1 = 7/2`` is not whole, so the public matrix route must refuse it."""


def _judge_layer(d_in, k, s):
    """``None`` if ``convolution_rows`` (the route of ``convolution_matrix`` and the network matrix) follows eq. (1.5)
    for one layer: refused naming ``k``, ``s``, ``d_in`` when ``(d_in - k)/s + 1`` is not a positive integer, else
    ``d_out`` rows, and a wrong ``d_out`` refused; otherwise what went wrong."""
    widths, _ = expected_widths(d_in, (k,), (s,))
    w = list(range(1, k + 1))
    where = {"convolution_rows": f"(w1..w{k}, d_in={d_in}, s={s})", "(d_in - k)/s + 1": str(Fraction(d_in - k, s) + 1)}
    try:
        rows = convolution.convolution_rows(w, d_in, s)
    except ArchitectureError as exc:
        if widths is not None:
            return {**where, "refused with": str(exc), "expected d_out": widths[1]}
        if not all(str(n) in str(exc) for n in (d_in, k, s)):
            return {**where, "message": str(exc), "should name": f"k = {k}, s = {s}, d_in = {d_in}"}
        return None
    if widths is None:
        return {**where, "accepted with rows": len(rows), "but": "not a positive integer (eq. 1.5)"}
    if len(rows) != widths[1]:
        return {**where, "rows": len(rows), "d_out by eq. (1.5)": widths[1]}
    try:
        convolution.convolution_rows(w, d_in, s, widths[1] + 1)
    except ArchitectureError:
        return None
    return {**where, "d_out given": widths[1] + 1, "accepted, but eq. (1.5) gives": widths[1]}


def _convolution_layers(max_d0):
    """``(count, counterexample or None)``: every single layer ``d_in <= max_d0``, ``k <= LEAST_K``, ``s <= LEAST_S``
    through ``convolution_rows``, then the anchor through the public ``convolution_matrix``."""
    count = 0
    for d_in in range(1, max_d0 + 1):
        for k in range(1, LEAST_K + 1):
            for s in range(1, LEAST_S + 1):
                count += 1
                bad = _judge_layer(d_in, k, s)
                if bad is not None:
                    return count, bad
    w, d_in, s = CONVOLUTION_ANCHOR
    try:
        got = convolution.convolution_matrix(w, d_in, s)
    except ArchitectureError:
        return count + 1, None
    return count + 1, {"convolution_matrix": f"({w}, {d_in}, {s})", "(d_in - k)/s + 1": str(Fraction(d_in - len(w), s) + 1),
                       "accepted as": f"{got.shape[0]} x {got.shape[1]}", "but": "not a whole number (eq. 1.5)"}


def grid_shortfall(config, tally, d0s, valid, refused):
    """What the grid lacks (``{}`` if nothing): every ``(d0, k, s)`` of the profile's grid, and enough of each outcome.

    ``tally`` maps each depth to ``[distinct shapes, max k_i, max s_i]``; ``d0s`` is the set of input widths every
    shape ran at.
    """
    max_d0, depth = MIN_GRID[config.profile]
    short = {}
    if not set(range(1, max_d0 + 1)) <= d0s:
        short["d0"] = f"every shape ran at d0 in {_ranges(d0s)}, minimum 1..{max_d0}"
    for n in range(1, depth + 1):
        count, kk, ss = tally.get(n, (0, 0, 0))
        complete = count == (kk * ss) ** n  # distinct shapes with k_i <= kk, s_i <= ss: all of them ran
        if not complete or kk < LEAST_K or ss < LEAST_S:
            short[f"N={n}"] = (f"ran {count} distinct shapes (k_i<={kk}, s_i<={ss}{'' if complete else ', not all'}), "
                               f"minimum all {(LEAST_K * LEAST_S) ** n} with k_i<={LEAST_K}, s_i<={LEAST_S}")
    least_valid, least_refused = MIN_OUTCOMES[config.profile]
    if valid < least_valid:
        short["valid"] = f"ran {valid}, minimum {least_valid}"
    if refused < least_refused:
        short["refused"] = f"ran {refused}, minimum {least_refused}"
    return short


def _run_from_one(values):
    """The largest ``n`` with ``1..n`` all in ``values`` (0 if 1 is not)."""
    n = 0
    while n + 1 in values:
        n += 1
    return n


def _ranges(values):
    """``1..24`` for a run of whole numbers, else the list."""
    values = sorted(values)
    if values and values == list(range(values[0], values[-1] + 1)):
        return f"{values[0]}..{values[-1]}"
    return str(values)


def check(config=CheckConfig(), *, architecture=Architecture):
    """Every ``(d0, k, s)`` of a grid is accepted with the right widths or refused naming the layer and numbers."""
    max_d0, depth = (40, 4) if config.thorough else (24, 3)
    valid = refused = 0
    tally, d0s = {}, None  # what ran: distinct shapes per depth, and the input widths every shape ran at
    for k, s in dict.fromkeys(shapes(depth, 4, 3)):
        ran = set()
        for d0 in range(1, max_d0 + 1):
            bad = _judge(architecture, d0, k, s)
            if bad is not None:
                return Evidence(False, "exact", "the grid of (d0, k, s)", valid + refused + 1, counterexample=bad)
            if expected_widths(d0, k, s)[0] is None:
                refused += 1
            else:
                valid += 1
            ran.add(d0)
        n, kk, ss = tally.get(len(k), (0, 0, 0))
        tally[len(k)] = (n + 1, max(kk, *k), max(ss, *s))
        d0s = ran if d0s is None else d0s & ran
    d0s = d0s or set()
    short = grid_shortfall(config, tally, d0s, valid, refused)
    if short:
        return Evidence(False, "exact", "a search smaller than its minimum", valid + refused,
                        counterexample={"search too small": short})
    for args, words in MALFORMED:
        try:
            architecture(*args)
        except ArchitectureError as exc:
            if words not in str(exc):
                return Evidence(False, "exact", "malformed input", 1, counterexample={"input": args, "message": str(exc), "should say": words})
            continue
        except Exception as exc:  # a wrong error type is a failure too
            return Evidence(False, "exact", "malformed input", 1, counterexample={"input": args, "raised": f"{type(exc).__name__}: {exc}"})
        return Evidence(False, "exact", "malformed input", 1, counterexample={"input": args, "accepted": True})
    # Architecture is not the only place eq. (1.5) is enforced: the convolution matrices check it on their own
    layers, bad = _convolution_layers(max_d0)
    if bad is not None:
        return Evidence(False, "exact", "eq. (1.5) in convolution_rows / convolution_matrix", valid + refused + layers,
                        counterexample=bad)
    top = _run_from_one(d0s)  # only what ran, with no gap, is claimed
    depths = range(1, _run_from_one({n for n, (m, kk, ss) in tally.items() if m == (kk * ss) ** n}) + 1)
    kk, ss = min(tally[n][1] for n in depths), min(tally[n][2] for n in depths)  # every depth is complete up to these
    return Evidence(
        True,
        "exact",
        f"every (d0, k, s) with d0<={top}, N<={depths[-1]}, k_i<={kk}, s_i<={ss} ({valid} valid, {refused} refused "
        f"naming the layer and numbers) and {len(MALFORMED)} malformed inputs; convolution_rows on every single layer "
        f"with d_in<={max_d0}, k<={LEAST_K}, s<={LEAST_S} and convolution_matrix on 1 anchor ({layers} in all), "
        f"refusing exactly what eq. (1.5) refuses",
        valid + refused + len(MALFORMED) + layers,
        details={"valid": valid, "refused": refused},
    )
