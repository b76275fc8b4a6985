"""lemma-3.5: ``||pi(w)||_1 <= T`` implies ``||w^(i)||^2 <= tau(T, k_v, delta)`` with the explicit ``tau``."""

from fractions import Fraction
import math
import random

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.bounds import balancedness, tau
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.algebra.filters import final_filter
from lcnsym.numeric import decimal_log, show, to_rational

ID = "lemma-3.5"
STATEMENT = "||pi(w)||_1 <= T implies ||w^(i)||^2 <= tau = tau_1 + (N-1) Delta for every layer"
DEPENDS_ON = ("prop-2.1", "lemma-2.2", "lemma-2.3", "lemma-2.4")
REFERENCE = "Lemma 3.5 (constant in RESULTS.md)"
LIBRARY = ("lcnsym.dynamics.bounds.tau", "lcnsym.dynamics.bounds.balancedness", "lcnsym.algebra.filters.final_filter")
CLI = "lcnsym filter --k 3,2 --s 2,1 --filters 1,2,3;4,5"
EVIDENCE = ("search: exact rationals on random balanced and very unbalanced filters; how loose tau is (log10 of tau / max "
            "||w^(i)||^2); certified: along a certified flow's enclosures")


def _instance(rng, unbalance):
    depth = rng.randint(1, 4)
    arch = Architecture.for_output_width(tuple(rng.randint(1, 3) for _ in range(depth)), tuple(rng.randint(1, 2) for _ in range(depth)))
    w = [[Fraction(rng.randint(-9, 9), rng.randint(1, 4)) or Fraction(1) for _ in range(k)] for k in arch.k]
    if depth >= 2 and unbalance:
        i, j = rng.sample(range(depth), 2)
        w[i] = [c * 10**unbalance for c in w[i]]
        w[j] = [c / 10**unbalance for c in w[j]]  # pi(w) unchanged, deltas huge
    return arch, w


MIN_INSTANCES = {"quick": 500, "thorough": 4000}
"""The fewest random exact instances a run may check and still pass."""
MIN_UNBALANCED = {"quick": 100, "thorough": 800}
"""The fewest of them unbalanced (where the balancedness term of tau matters)."""
UNBALANCED_RATIO = 1000
"""An instance counts as unbalanced when its largest layer norm is at least this many times its smallest (measured)."""
MIN_SAMPLES = 6
"""The fewest flow samples."""


def tau_as_stated(T, k_v, deltas):
    """``tau`` transcribed from RESULTS.md on its own (not the library's code): ``N max(1, max_n e_n(0..N-1) Delta^n,
    (6 T' k_v)^(2 k_v)) + (N - 1) Delta``; the check requires the library's ``tau`` to equal it exactly."""
    from itertools import combinations
    from math import prod

    N, Tp = len(deltas) + 1, max(Fraction(T), Fraction(1))
    Delta = max((abs(Fraction(d)) for d in deltas), default=Fraction(0))
    e = [sum(prod(c) for c in combinations(range(N), n)) for n in range(1, N + 1)]
    return N * max([Fraction(1), (6 * Tp * k_v) ** (2 * k_v)] + [e[n - 1] * Delta ** n for n in range(1, N + 1)]) + (N - 1) * Delta


MIN_ENCLOSURES = 8
"""The fewest enclosures of a certified flow on which the bound is checked."""


def largest_squared_norm(layers):
    """``max_i ||w^(i)||^2`` over every point of the balls ``layers``, from above: the upper end of each layer's ball
    (an exact binary number; the midpoint would miss the part of the enclosure above it)."""
    from lcnsym.numeric import exact_value, to_arb

    return max(exact_value(sum((x * x for x in layer), to_arb(0)).upper()) for layer in layers)


def _on_enclosures(config, bound):
    """Lemma 3.5 along the certified square-loss flow: with ``T`` the upper end of a ball of ``g(L(w0))`` (Lemma 3.6;
    ``L`` is non-increasing, so ``||pi(w(t))||_1 <= T``), every layer norm's ball over every enclosure lies below
    ``bound(T, k_v, delta(w0))``.  Returns ``(counterexample or None, enclosures, smallest log10 gap, t_final)``."""
    from lcnsym.dynamics.bounds import g_bound_ball
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.dynamics.risk import empirical_risk_ball
    from lcnsym.numeric import ball_bounds, to_arb, working_precision
    from lcnsym.proofs import _flows

    square = parse_loss("square")
    gap, count, t_final = math.inf, 0, None
    for k, s in _flows.certified_shapes(config):
        arch, data, w0 = _flows.problem(k, s, config.seed + 1)
        w0 = [list(w) for w in w0]
        T = ball_bounds(g_bound_ball(empirical_risk_ball(arch, w0, data, square, dps=_flows.DPS), square, data, arch.dN,
                                     dps=_flows.DPS))[1]
        t = bound(T, arch.k_v, balancedness(w0))
        traj = _flows.certified_flow("square", k, s, config.seed + 1)
        count += len(traj.enclosures)
        with working_precision(traj.dps):
            for e in traj.enclosures:
                top = largest_squared_norm(_flows.enclosure_layers(arch, e))
                if top > t:
                    return ({"k": k, "s": s, "t": show(e.t), "max ||w^(i)||^2 over the enclosure <=": show(top, 10),
                             "tau": show(t, 10), "T": show(T, 10)}, count, None, None)
                gap = min(gap, decimal_log(t / top))
        t_final = traj.enclosures[-1].t if t_final is None else min(t_final, traj.enclosures[-1].t)  # the shortest flow's end
    return None, count, gap, t_final


def check(config=CheckConfig(), bound=tau):
    """Random exact instances; ``bound`` may be a false variant (e.g. one that ignores the balancedness)."""
    rng = random.Random(config.seed)
    loosest, tightest, count, unbalanced = 0.0, math.inf, 0, 0
    archs, scales = [], set()
    for n in range(5000 if config.thorough else 600):
        unbalance = (0, 0, 1, 3, 6)[n % 5]
        arch, w = _instance(rng, unbalance)
        archs.append(arch)
        norms = [sum(c * c for c in layer) for layer in w]
        measured = arch.N >= 2 and min(norms) > 0 and max(norms) >= UNBALANCED_RATIO * min(norms)
        unbalanced += measured  # counted from the filters generated, not from the plan
        if measured and unbalance:
            scales.add(unbalance)
        T, deltas = sum(abs(c) for c in final_filter(arch, w)), balancedness(w)
        t, computed, stated = bound(T, arch.k_v, deltas), tau(T, arch.k_v, deltas), tau_as_stated(T, arch.k_v, deltas)
        if computed != stated:  # the library's constant is the one RESULTS.md states
            return Evidence(False, "exact", "tau against RESULTS.md's statement", count, counterexample={
                "k": arch.k, "s": arch.s, "T": str(T), "deltas": [str(d) for d in deltas], "tau computed": str(computed),
                "tau as stated": str(stated)})
        largest = max(sum(c * c for c in layer) for layer in w)
        count += 1
        if largest > t:
            return Evidence(False, "search", "exact rational filters", count, counterexample={
                "k": arch.k, "s": arch.s, "w": [[str(c) for c in layer] for layer in w], "T = ||pi(w)||_1": str(T),
                "max ||w^(i)||^2": str(largest), "tau": str(t)})
        if largest:
            gap = decimal_log(t / largest)
            loosest, tightest = max(loosest, gap), min(tightest, gap)
    from lcnsym.proofs import _flows

    flow_gap, samples, flow_shapes = math.inf, 0, []
    for k, s in _flows.shapes(config):
        arch, _, w0 = _flows.problem(k, s, config.seed + 1)
        traj = _flows.flow("square", k, s, config.seed + 1, _flows.t_max_of(config), profile=config.profile)
        flow_shapes.append(f"{k}/{s}")
        for state in traj.states:  # the lemma at every sample, read as an exact point w: T = ||pi(w)||_1 exactly
            w = [[to_rational(c, floats=True) for c in layer] for layer in state]
            T = sum(abs(c) for c in final_filter(arch, w))
            t = bound(T, arch.k_v, balancedness(w))
            largest = max(sum(c * c for c in layer) for layer in w)
            count += 1
            samples += 1
            if largest > t:
                return Evidence(False, "search", "along a flow", count, counterexample={
                    "k": k, "s": s, "max ||w^(i)||^2": show(largest), "tau": show(t)})
            flow_gap = min(flow_gap, decimal_log(t / largest))
    bad, enclosures, cert_gap, t_cert = _on_enclosures(config, bound)
    if bad is not None:
        return Evidence(False, "certified", "enclosures of a certified flow", count, counterexample=bad)
    ran = {"random exact instances": (count - samples, MIN_INSTANCES[config.profile]), "enclosures": (enclosures, MIN_ENCLOSURES),
           "unbalanced instances": (unbalanced, MIN_UNBALANCED[config.profile]), "flow samples": (samples, MIN_SAMPLES)}
    short = {what: f"ran {got}, minimum {least}" for what, (got, least) in ran.items() if got < least}
    if short:
        return Evidence(False, "search", "a search smaller than its minimum", count, counterexample={"search too small": short})
    scale_text = ", ".join(f"10^{e}" for e in sorted(scales))
    return Evidence(True, "search",
                    f"{count - samples} random exact instances (N<={max(a.N for a in archs)}, k_i<={max(max(a.k) for a in archs)}, "
                    f"s_i<={max(max(a.s) for a in archs)}; balanced, and {unbalanced} measured unbalanced (largest layer norm >= "
                    f"{UNBALANCED_RATIO} x the smallest) by {scale_text}; tau computed = tau as stated in RESULTS.md on each; "
                    f"T = ||pi(w)||_1 exactly, tau exactly), and {samples} samples of square-loss flows on "
                    f"{', '.join(flow_shapes)} (k/s) read as exact points, where tau exceeds the largest layer norm by "
                    f"10^{flow_gap:.1f} at least; certified on the {enclosures} enclosures of the square-loss flows on "
                    f"{_flows.shapes_text(_flows.certified_shapes(config))} to t = {show(t_cert)} (T = the upper end "
                    f"of a ball of g(L(w0)), L non-increasing): every layer norm over every enclosure stays below tau, by "
                    f"10^{cert_gap:.1f} at least",
                    count, worst_margin=f"tau exceeds max ||w^(i)||^2 by 10^{tightest:.1f} at least (10^{loosest:.1f} at most)",
                    details={"smallest log10 gap": tightest})
