"""The checks beyond the paper (GROUP = "beyond the paper"): each passes, and each false variant fails with a counterexample."""

import dataclasses
from fractions import Fraction

import pytest

from lcnsym.checking.evidence import CheckConfig
from lcnsym.checking.registry import discover
from lcnsym.exploration.critical import critical_points
from lcnsym.numeric import to_arb, to_fmpq
from lcnsym.proofs import beyond_critical, beyond_filling, beyond_flows, beyond_tightness

QUICK = CheckConfig()


def test_the_group_is_declared_and_shown():
    registry = discover()
    beyond = {pid for pid, c in registry.checks.items() if c.group == "beyond the paper"}
    assert beyond == {"filling", "critical-points", "flows-meet-critical-points", "constants-tightness"}


def test_filling_passes_and_a_false_theorem_fails():
    assert beyond_filling.check(QUICK).passed
    e = beyond_filling.check(QUICK, theorem=lambda k: sum(1 for ki in k if ki >= 2 and ki % 2 == 0) <= 2)
    assert not e.passed and e.counterexample["decided"] is False and e.counterexample["expected"] is True


def test_critical_points_pass_and_a_wrong_point_fails():
    assert beyond_critical.check(QUICK).passed

    def wrong(arch, data, dps):
        report = critical_points(arch, data, dps=dps)
        if report.real:
            p = report.real[0]
            moved = [[w + to_fmpq(Fraction(1, 1000)) if (i, j) == (len(p.w_exact) - 1, 0) else w for j, w in enumerate(layer)]
                     for i, layer in enumerate(p.w_exact)]
            report.real[0] = dataclasses.replace(p, w_exact=moved)
        return report

    e = beyond_critical.check(QUICK, solver=wrong)
    assert not e.passed and e.counterexample["grad L"] == "nonzero in Q(alpha)"


def test_critical_points_with_disagreeing_counts_fail():
    def miscounted(arch, data, dps):
        return dataclasses.replace(critical_points(arch, data, dps=dps), distinct_roots=0)

    e = beyond_critical.check(QUICK, solver=miscounted)
    assert not e.passed and e.counterexample["distinct certified roots"] == 0


def test_flows_land_on_listed_points_and_a_missing_point_is_caught():
    part = beyond_flows.parts(QUICK)[0]
    assert beyond_flows.check_part(QUICK, part).passed

    def incomplete(arch, data, dps):
        report = critical_points(arch, data, dps=dps)
        return dataclasses.replace(report, real=[p for p in report.real if p.kind != "minimum"])

    e = beyond_flows.check_part(QUICK, part, solver=incomplete)
    assert not e.passed and "nearest listed point at" in e.counterexample


def test_flows_need_their_minimum_count():
    part = beyond_flows.parts(QUICK)[0]
    one = beyond_flows.check_part(QUICK, part)
    e = beyond_flows.combine(QUICK, [one])
    assert not e.passed and "search too small" in e.counterexample


def test_tightness_passes_and_a_smaller_constant_fails_with_its_witness():
    e = beyond_tightness.check(QUICK)
    assert e.passed and "Lemma 2.4" in e.worst_margin
    e = beyond_tightness.check(QUICK, bounds={"2.2": Fraction(1), "2.3": Fraction(1), "2.4": Fraction(1, 2)})
    assert not e.passed and e.counterexample["lemma"] == "2.4" and e.counterexample["witness"]


# ---------------------------------------------------------------- campaign A2: C1, C2, C3 (critical points)

def test_critical_points_catch_inertia_from_sign_permanences(monkeypatch):
    """C1: Descartes' permanences instead of sign changes swap the counts, and minima become "maximum"."""
    from lcnsym.exploration import critical as crit

    real = crit._inertia

    def permanences(hessian, f, root_of, dps):
        positive, negative, zero = real(hessian, f, root_of, dps)
        return negative, positive, zero

    monkeypatch.setattr(crit, "_inertia", permanences)
    e = beyond_critical.check(QUICK)
    assert not e.passed and e.counterexample["kind"] == "maximum"
    assert e.counterexample["why"] == "a least-squares risk has no local maximum"
    assert e.counterexample["inertia from the check's own Hessian (Jacobi)"] == [3, 0, 0]


def test_critical_points_catch_an_undeduplicated_filter_count(monkeypatch):
    """C2: ``complex_count = len(labels)`` (one per root of g) instead of the number of distinct labels."""
    from lcnsym.exploration import critical as crit

    real = crit.CriticalReport

    def undeduplicated(*args):
        args = list(args)
        args[6] = args[3]  # len(labels) == len(roots)
        return real(*args)

    monkeypatch.setattr(crit, "CriticalReport", undeduplicated)
    e = beyond_critical.check(QUICK)
    assert not e.passed and e.counterexample["reported complex filters"] == 6
    assert e.counterexample["distinct complex filters recounted"] == 5


def test_critical_points_catch_real_points_of_one_factor_only(monkeypatch):
    """C3: ``_real_points`` reads only the first irreducible factor of g; the Sturm count of g's real roots is larger."""
    from lcnsym.exploration import critical as crit

    real = crit._real_points

    def first_factor(arch, g, *args):
        f = g.factor()[1][0][0]
        f = f / f.coeffs()[-1]
        return [p for p in real(arch, g, *args) if p.modulus == f]

    monkeypatch.setattr(crit, "_real_points", first_factor)
    e = beyond_critical.check(QUICK)
    assert not e.passed
    got, expected = e.counterexample["reported real points"], e.counterexample["real roots of the eliminant (Sturm)"]
    assert got < expected


def test_critical_points_catch_a_maximum_label_alone():
    """Any "maximum" for a square loss fails, whatever the inertia says."""
    def relabelled(arch, data, dps):
        report = critical_points(arch, data, dps=dps)
        report.real = [dataclasses.replace(p, kind="maximum") if p.kind == "saddle" else p for p in report.real]
        return report

    e = beyond_critical.check(QUICK, solver=relabelled)
    assert not e.passed and e.counterexample["kind"] == "maximum"


@pytest.mark.parametrize("swap", [("minimum", "saddle"), ("saddle", "minimum"), ("saddle", "degenerate")])
def test_critical_points_catch_a_kind_its_inertia_does_not_make(swap):
    """Campaign II (C3): a point relabelled (its inertia kept) fails, whatever the new label: the kind is the inertia's
    by the check's own rule, not only "the least loss is a minimum"."""
    old, new = swap

    def relabelled(arch, data, dps):
        report = critical_points(arch, data, dps=dps)
        report.real = [dataclasses.replace(p, kind=new) if p.kind == old else p for p in report.real]
        return report

    e = beyond_critical.check(QUICK, solver=relabelled)
    assert not e.passed and e.counterexample["kind"] == new
    assert e.counterexample["why"] == f"the kind is not the one its inertia makes it ({old})"


def test_the_kind_of_an_inertia_by_hand():
    assert [beyond_critical._kind_of(i) for i in ((3, 0, 0), (2, 1, 0), (1, 1, 1), (2, 0, 1), (0, 3, 0))] == [
        "minimum", "saddle", "saddle", "degenerate", "maximum"]


# ---------------------------------------------------------------- campaign A2: T1 to T4 (constants-tightness)

def _first_root_ratio(coeffs, dps):
    """T1: Lemma 2.3's ratio from the first root's modulus, not the largest."""
    from lcnsym.analysis.factorization import root_bound
    from lcnsym.analysis.roots import normalize_polynomial
    from lcnsym.exploration.tightness import certified_roots
    from lcnsym.numeric import GUARD_DIGITS, show, to_arb, working_precision

    poly = normalize_polynomial(coeffs)
    A = root_bound(poly)
    if poly.degree == 1:
        (a0, _), (a1, _) = poly.coeffs
        return abs(a0 / a1) / A, {"A": show(A)}
    roots = certified_roots(poly, dps + GUARD_DIGITS)
    with working_precision(dps, guard=GUARD_DIGITS):
        return abs(roots[0].ball) / to_arb(A), {"A": show(A)}


def test_tightness_catches_the_first_root_for_the_largest(monkeypatch):
    """T1.  ``certified_roots`` lists the roots by decreasing modulus, so the first root alone gives the right value
    today; with the roots in any other order (here reversed) the anchors ``(x -+ 3)(x +- 2)`` catch it."""
    from lcnsym.analysis.roots import certified_roots
    from lcnsym.exploration import tightness as module

    monkeypatch.setitem(module._EVALUATORS, "2.3", _first_root_ratio)
    monkeypatch.setattr(module, "certified_roots", lambda *a, **k: certified_roots(*a, **k)[::-1])
    e = beyond_tightness.check(QUICK)
    assert not e.passed and e.counterexample["lemma"] == "2.3"
    assert e.counterexample["expected"] == "1/4" and e.counterexample["evaluate"].startswith("0.16666")


def test_tightness_catches_a_downhill_search(monkeypatch):
    """T2: the hill climb keeps smaller ratios; the ratio 1 at degree 1 (and 2.2's equality case) is not reached."""
    from lcnsym.exploration import tightness as module

    real = module._key
    monkeypatch.setattr(module, "_key", lambda value: -real(value))
    e = beyond_tightness.check(QUICK)
    assert not e.passed and "below the ratio 1 attained there" in e.counterexample["search too small"]


def test_tightness_catches_a_downhill_search_above_degree_one(monkeypatch):
    """T2 where the floors at degree 1 hold: the check's own random sample beats a downhill search."""
    from lcnsym.exploration import tightness as module

    real_key, real_search = module._key, module._search_degree

    def downhill_above_one(lemma, n, *args):
        if n >= 2:
            monkeypatch.setattr(module, "_key", lambda value: -real_key(value))
        try:
            return real_search(lemma, n, *args)
        finally:
            monkeypatch.setattr(module, "_key", real_key)

    monkeypatch.setattr(module, "_search_degree", downhill_above_one)
    monkeypatch.setattr(beyond_tightness, "LEMMAS", ("2.3", "2.4"))
    e = beyond_tightness.check(QUICK)
    assert not e.passed and "the best of 8 random polynomials" in e.counterexample["search too small"]


def test_tightness_catches_a_search_of_the_top_degree_only(monkeypatch):
    """T3: only degree 5 searched, while the text said every degree 1 to 5."""
    from lcnsym.exploration import tightness as module

    real = module._search_degree

    def top_only(lemma, n, factors, restarts, steps, *rest):
        return real(lemma, n, factors, restarts, steps, *rest) if n == 5 else (None, 0, 0)

    monkeypatch.setattr(module, "_search_degree", top_only)
    e = beyond_tightness.check(QUICK)
    assert not e.passed and "candidates evaluated (minimum 150)" in e.counterexample["search too small"]


def test_tightness_catches_missing_degrees(monkeypatch):
    """T3 as in the campaign (``range(degree, degree + 1)``): the degrees below are absent from ``by_degree``."""
    from lcnsym.exploration import tightness as module

    real = module.tightness

    def top_only(lemma, degree, **kwargs):
        report = real(lemma, degree, **kwargs)
        report.by_degree = {degree: report.by_degree[degree]}
        return report

    monkeypatch.setattr(beyond_tightness, "tightness", top_only)
    e = beyond_tightness.check(QUICK)
    assert not e.passed and e.counterexample["search too small"] == "degrees searched [5], not every degree 1 to 5"


def test_tightness_catches_a_search_that_skips_case_two(monkeypatch):
    """T4: every case-2 polynomial of Lemma 2.4 skipped; the skipped share is far above the undecided ones'."""
    from lcnsym.analysis.factorization import linear_factorization
    from lcnsym.exploration import tightness as module

    def case_one_only(coeffs, dps):
        f = linear_factorization(coeffs, dps)
        if f.ambiguous or f.case == 2:
            raise module._Skip("skipped")
        return f.ratio, {"case": f.case, "r": f.r, "T": str(f.T)}

    monkeypatch.setitem(module._EVALUATORS, "2.4", case_one_only)
    e = beyond_tightness.check(QUICK)
    assert not e.passed and e.counterexample["lemma"] == "2.4" and "skipped as undecided" in e.counterexample["search too small"]


def test_tightness_catches_a_wrong_2_4_ratio(monkeypatch):
    """A ratio of Lemma 2.4 computed against 6 n T (not n T) differs from the check's own from the factors."""
    from lcnsym.analysis.factorization import LinearFactorization

    monkeypatch.setattr(LinearFactorization, "ratio", property(lambda self: self.max_factor_norm / to_arb(self.bound)))
    e = beyond_tightness.check(QUICK)
    assert not e.passed and e.counterexample["lemma"] == "2.4" and e.counterexample["from the definition"].startswith("1.0")


def test_constants_tightness_never_orders_a_straddling_ratio_by_its_midpoint(monkeypatch):
    """Campaign D: a re-evaluated ratio whose ball holds the paper's bound is undecided (a PrecisionError naming the
    lemma), not within the bound because its midpoint is: here the balls are widened by 10 around their midpoints."""
    import flint

    from lcnsym.errors import PrecisionError
    from lcnsym.numeric import make_ball
    from lcnsym.proofs import beyond_tightness

    real = beyond_tightness.evaluate

    def widened(lemma, witness, dps):
        value, details = real(lemma, witness, dps=dps)
        return (make_ball(value.mid(), 10) if isinstance(value, flint.arb) else value), details

    monkeypatch.setattr(beyond_tightness, "evaluate", widened)
    with pytest.raises(PrecisionError, match="straddles the bound"):
        beyond_tightness.check(CheckConfig())


def test_filling_states_the_widths_and_depths_it_ran():
    """Campaign I: the scope's "widths up to W and depth up to D" are those of the stride-one architectures that ran."""
    ev = beyond_filling.check(QUICK)
    one = [k for k, s in beyond_filling._grid(QUICK) if all(S == 1 for S in s)]
    assert f"stride one with widths up to {max(max(k) for k in one)} and depth up to {max(map(len, one))}," in ev.scope


def test_filling_refuses_a_real_roots_certificate_with_as_many_real_roots_as_odd_factors():
    """Campaign I: a filter outside the image for k = (2, 2) needs fewer real roots than the 2 odd-degree factors:
    x^2 - 1 (2 real roots) is in the image, x^2 + 1 (none) is not."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.exploration.filling import filling

    arch = Architecture.for_output_width((2, 2), (1, 1))
    report = filling(arch, seed=0)
    assert report.filling is False and report.certificate["argument"] == "real roots"
    for coefficients, bad in ((["1", "0", "1"], False), (["-1", "0", "1"], True), (["1", "2", "1"], True)):
        forged = dataclasses.replace(report, certificate={**report.certificate, "filter": coefficients})
        assert (beyond_filling._confirm(arch, forged) is not None) is bad, coefficients


@pytest.mark.parametrize("shift", [-1, 1, "upper"])
def test_filling_fails_on_a_dimension_the_minor_does_not_certify(monkeypatch, shift):
    """Campaign I: a rank below min(k_v, kbar - N + 1) is not a certified dimension (nor one above it): the check fails on
    "dimensions". Campaign HH: nor is a rank equal to it that the report does not certify (its upper bound above)."""
    from lcnsym.exploration.filling import filling

    def off(arch, seed=0):
        report = filling(arch, seed=seed)
        if arch.k != (2, 3):
            return report
        if shift == "upper":
            return dataclasses.replace(report, dimension_upper=report.dimension + 1)
        return dataclasses.replace(report, dimension=report.dimension + shift)

    monkeypatch.setattr(beyond_filling, "filling", off)
    ev = beyond_filling.check(QUICK)
    assert not ev.passed and ev.scope == "dimensions" and ev.counterexample["k"] == [2, 3]


def test_tightness_states_each_lemmas_own_instances(monkeypatch):
    """Campaign I: each lemma's line in the margin counts its own search's instances, and the scope their total."""
    import re

    real, ran = beyond_tightness.tightness, {}

    def recording(lemma, D, **kw):
        report = real(lemma, D, **kw)
        ran[lemma] = report.effort["instances"]
        return report

    monkeypatch.setattr(beyond_tightness, "tightness", recording)
    e = beyond_tightness.check(QUICK)
    assert e.passed and len(ran) == len(beyond_tightness.LEMMAS) >= 2
    for lemma, n in ran.items():
        assert re.search(rf"Lemma {re.escape(lemma)}: [^;]*\({n} instances, ", e.worst_margin), (lemma, n, e.worst_margin)
    assert e.scope.startswith(f"{sum(ran.values())} instances,") and e.instances == sum(ran.values())


def test_critical_points_own_inertia_stays_undecided_where_its_minors_straddle_zero(monkeypatch):
    """Campaign I: where the check's own Hessian cannot decide a leading minor's sign, a point the library calls
    nondegenerate raises PrecisionError: the library's counts are taken only for a point it calls degenerate."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_problem
    from lcnsym.dynamics.risk import normal_equations
    from lcnsym.errors import PrecisionError
    from lcnsym.numeric import make_ball

    k, s, d0, m, seed = next(iter(beyond_critical.instances(QUICK)))
    arch = Architecture(d0, k, s)
    data, _ = random_problem(arch, m, seed)
    report = critical_points(arch, data, dps=30)
    point = next(p for p in report.real if p.inertia[2] == 0)
    A, b, _ = normal_equations(arch, data)
    assert beyond_critical._own_inertia(arch, A, b, point) == tuple(point.inertia)
    real = beyond_critical._hessian
    monkeypatch.setattr(beyond_critical, "escalation", lambda digits: [digits])
    monkeypatch.setattr(beyond_critical, "_hessian",
                        lambda *args: [[make_ball(0, 1) if (r, c) == (0, 0) else x for c, x in enumerate(row)]
                                       for r, row in enumerate(real(*args))])
    with pytest.raises(PrecisionError, match="undecided"):
        beyond_critical._own_inertia(arch, A, b, point)
    degenerate = dataclasses.replace(point, inertia=(point.inertia[0] - 1, point.inertia[1], 1))
    assert beyond_critical._own_inertia(arch, A, b, degenerate) == tuple(degenerate.inertia)


def test_flows_state_the_acceptance_their_matches_used(monkeypatch):
    """Campaign M: "matched ... within X" is the acceptance classify_limit applied, carried from the parts, not a
    tolerance typed again (a wider acceptance must show in the text)."""
    from lcnsym.exploration import landscape
    from lcnsym.numeric import show_upper

    seen = []
    real = landscape.classify_limit

    def recording(*args, **kw):
        c = real(*args, **kw)
        seen.append(show_upper(c.accepted_below))
        return c

    monkeypatch.setattr(beyond_flows, "classify_limit", recording)
    parts = [beyond_flows.check_part(QUICK, part) for part in beyond_flows.parts(QUICK)]
    e = beyond_flows.combine(QUICK, parts)
    assert e.passed and seen and f"listed real critical point within {' or '.join(sorted(set(seen)))} on the slice" in e.scope


def test_flows_meet_critical_points_starts_from_distinct_random_starts(monkeypatch):
    """Campaign O: the N flows of a part start from N different random points (one seed per start)."""
    real, starts = beyond_flows.random_start, []
    monkeypatch.setattr(beyond_flows, "random_start", lambda arch, seed: starts.append(real(arch, seed)) or starts[-1])
    part = beyond_flows.parts(QUICK)[0]
    assert beyond_flows.check_part(QUICK, part).passed
    flat = [tuple(x for layer in w for x in layer) for w in starts]
    assert len(flat) == beyond_flows.CHUNK and len(set(flat)) == len(flat)


def test_flows_meet_critical_points_run_to_the_tolerance_their_scope_states(monkeypatch):
    """Campaign S (I21): the flows stopped at tolerance(dps, GUARD) = 1e-10 while the scope still said
    "||grad L|| < 1.00e-15 at 20 digits"; the limits still matched, and the start spy above records starts, not
    tolerances. Every flow of a part runs at dps + GUARD digits to the stated tolerance (1e-15 on the quick profile)."""
    from lcnsym.numeric import tolerance

    real, seen = beyond_flows.gradient_flow, []

    def recording(*args, **kw):
        seen.append((kw["dps"], kw["grad_tol"]))
        return real(*args, **kw)

    monkeypatch.setattr(beyond_flows, "gradient_flow", recording)
    assert beyond_flows.check_part(QUICK, beyond_flows.parts(QUICK)[0]).passed
    dps, guard = beyond_flows._dps(QUICK), beyond_flows.GUARD
    assert len(seen) >= beyond_flows.CHUNK
    assert set(seen) == {(dps + guard, tolerance(dps + guard, guard))} and tolerance(dps + guard, guard) == Fraction(1, 10**15)


def test_filling_refuses_a_root_moduli_certificate_whose_roots_are_not_all_found():
    """Campaign T: x^5 - x - 1 has no roots sympy can write down, so its moduli cannot be certified distinct (and two
    conjugate pairs share theirs): the certificate is refused, not taken as distinct moduli."""
    from types import SimpleNamespace

    from lcnsym.algebra.architecture import Architecture

    arch = Architecture.for_output_width((2, 3), (2, 1))
    report = SimpleNamespace(certificate={"argument": "root moduli", "filter": ["-1", "-1", "0", "0", "0", "1"]})
    assert beyond_filling._confirm(arch, report) is not None


def test_tightness_check_holds_degree_two_to_its_random_sample(monkeypatch):
    """Campaign T: a search weak at degree 2 only (its best the fixed 100 + x + x^2) fails, naming degree 2."""
    from lcnsym.exploration import tightness as T

    real = T._search_degree

    def weak_at_two(lemma, n, factors, restarts, steps, seed, dps, tally):
        best, evaluated, skipped = real(lemma, n, factors, restarts, steps, seed, dps, tally)
        if lemma == "2.3" and n == 2:
            cand = [Fraction(100), Fraction(1), Fraction(1)]
            r, det = T._EVALUATORS[lemma](cand, dps)
            best = (r, cand, det)
        return best, evaluated, skipped

    monkeypatch.setattr(T, "_search_degree", weak_at_two)
    ev = beyond_tightness.check(CheckConfig())
    assert not ev.passed and "degree 2" in str(ev.counterexample)


def test_flows_need_twenty_starts_on_every_instance_of_the_profile():
    """Campaign X (15): the thorough profile has three instances, so 20 converged flows (one instance's worth) are too few."""
    from lcnsym.checking.evidence import Evidence

    thorough = CheckConfig(profile="thorough")
    assert len(beyond_flows._instances(thorough)) == 3 and len(beyond_flows._instances(QUICK)) == 1
    one = Evidence(True, "search", "flows", beyond_flows.STARTS, details={"kinds": {"minimum": 20}, "verdicts": {}})
    e = beyond_flows.combine(thorough, [one])
    assert not e.passed and e.counterexample == {"search too small": "ran 20, minimum 60"}
    assert beyond_flows.combine(QUICK, [one]).passed


@pytest.mark.parametrize("profile, count", [("quick", 3), ("thorough", 6)])
def test_critical_points_instances_start_at_the_seed_asked_for(profile, count):
    """Campaign X (16): ``--seed N`` draws the data of seed N (then N + 1, ...), not from N + 1 on."""
    insts = beyond_critical.instances(CheckConfig(profile=profile, seed=7))
    assert [seed for k, s, d0, m, seed in insts if (k, s) == ((2, 2), (1, 1))] == list(range(7, 7 + count))


@pytest.mark.parametrize("profile, widths", [("quick", 4), ("thorough", 5)])
def test_filling_runs_every_stride_one_architecture_up_to_depth_three(profile, widths):
    """Campaign X (25): depth 3 was dropped and the check still passed above its minimum; the grid is every stride-one
    k of depth 1 to 3 with widths up to the profile's, then the strided depth-2 ones."""
    import itertools

    config = CheckConfig(profile=profile)
    stride_one = [k for k, s in beyond_filling._grid(config) if set(s) == {1}]
    assert stride_one == [k for d in (1, 2, 3) for k in itertools.product(range(1, widths + 1), repeat=d)]
    if profile == "quick":
        assert beyond_filling.check(config).instances == len(list(beyond_filling._grid(config))) == 4 + 16 + 64 + 27


def test_critical_points_thorough_instances_include_a_strided_and_a_three_layer_shape():
    """Campaign AA (22): the thorough profile's instances beyond the quick ones: k = 2,2 with s = 1,2, and k = 2,1,2."""
    quick = beyond_critical.instances(QUICK)
    thorough = beyond_critical.instances(CheckConfig(profile="thorough"))
    assert max(len(k) for k, *_ in quick) == 2
    assert ((2, 1, 2), (1, 1, 1)) in {(k, s) for k, s, *_ in thorough} and ((2, 2), (1, 2)) in {(k, s) for k, s, *_ in thorough}
    assert len(thorough) == len(quick) + 3 + 2


def test_tightness_fails_a_search_below_nine_tenths_of_its_own_random_sample(monkeypatch):
    """Campaign HH (bt2): the search's best at each degree must reach SAMPLE_SHARE of the check's own random sample;
    with the sample made 3/2 of its best (so no search reaches 9/10 of it) the check fails naming the share."""
    real = beyond_tightness._sample_best

    def higher(lemma, n, rng):
        value, coeffs = real(lemma, n, rng)
        return value * 3 / 2, coeffs

    monkeypatch.setattr(beyond_tightness, "_sample_best", higher)
    e = beyond_tightness.check(QUICK)
    assert not e.passed and "below 9/10 of" in e.counterexample["search too small"]


def test_filling_confirms_certificates_by_hand_campaign_ii():
    """Campaign II (B1-B3): _confirm refuses a certificate filter of the wrong degree, a root-moduli witness with equal
    moduli, and a root-moduli argument on an architecture with no strided layer; it accepts the honest ones."""
    from types import SimpleNamespace

    from lcnsym.algebra.architecture import Architecture

    def report(argument, filter_):
        return SimpleNamespace(certificate={"argument": argument, "filter": filter_})

    plain = Architecture.for_output_width((2, 2), (1, 1))  # k_v = 3
    strided = Architecture.for_output_width((2, 2), (2, 1))  # k_v = 4, a strided layer
    assert plain.k_v == 3 and strided.k_v == 4
    assert beyond_filling._confirm(plain, report("real roots", ["1", "0", "1"])) is None  # 1 + x^2: no real root
    low = beyond_filling._confirm(plain, report("real roots", ["1"]))
    assert low == {"certificate filter degree": 0, "k_v - 1": 2}
    assert beyond_filling._confirm(strided, report("root moduli", ["-6", "11", "-6", "1"])) is None  # roots 1, 2, 3
    equal = beyond_filling._confirm(strided, report("root moduli", ["-1", "0", "0", "1"]))  # x^3 - 1: all |z| = 1
    assert equal is not None and equal["problem"] == "moduli not distinct"
    unstrided = beyond_filling._confirm(plain, report("root moduli", ["2", "-3", "1"]))  # (x - 1)(x - 2)
    assert unstrided == {"problem": "root-moduli argument without a strided layer"}


def test_tightness_needs_lemma_2_2s_equality_case_at_every_degree(monkeypatch):
    """Campaign II (T1): Lemma 2.2's ratio 1 (nonnegative coefficients) must be reached at every degree, not only at
    degree 1; a search that climbs downhill (its comparison reversed) fails at degree 2 or above."""
    from lcnsym.exploration import tightness as library

    real = library._key
    monkeypatch.setattr(library, "_key", lambda value: -real(value))
    e = beyond_tightness.check(QUICK)
    assert not e.passed and e.counterexample["lemma"] == "2.2"
    why = e.counterexample["search too small"]
    assert "below the ratio 1 attained there" in why and not why.startswith("degree 1:")


def test_tightness_states_each_lemmas_best_ratio_and_its_degree(monkeypatch):
    """Campaign II (T2): the best ratio stated per lemma is the largest re-evaluated per-degree best (the degree with
    the largest value), and among degrees >= 2 likewise; not the smallest."""
    from lcnsym.numeric import exact_value

    values = {}
    real = beyond_tightness.evaluate

    def spy(lemma, witness, dps):
        out = real(lemma, witness, dps=dps)
        values.setdefault(lemma, []).append(exact_value(out[0]) if not isinstance(out[0], Fraction) else out[0])
        return out

    monkeypatch.setattr(beyond_tightness, "evaluate", spy)
    e = beyond_tightness.check(QUICK)
    assert e.passed
    for lemma, best in e.details["best ratios"].items():
        per_degree = values[lemma][-len(best["evaluated by degree"]):]  # the re-evaluations, degree 1 to D in order
        assert best["degree"] == 1 + per_degree.index(max(per_degree)), lemma
        assert min(per_degree) < max(per_degree) or lemma == "2.2"  # 2.2's ratio is 1 at every degree
        line = next(x for x in e.worst_margin.split("; ") if x.startswith(f"Lemma {lemma}:"))
        second = 2 + per_degree[1:].index(max(per_degree[1:]))
        assert f"at degree {second} among degrees >= 2" in line, (lemma, line)


@pytest.mark.parametrize("lemma", ["2.3", "2.4"])
def test_tightness_draws_its_stated_sample_of_random_polynomials(monkeypatch, lemma):
    """Campaign II (T5): the text says "the best of SAMPLE random polynomials": _sample_best evaluates that many, of the
    degree asked, and returns the best of them."""
    import random

    name = "_own_2_3" if lemma == "2.3" else "_own_2_4"
    real, seen = getattr(beyond_tightness, name), []

    def spy(cs):
        out = real(cs)
        seen.append((len(cs) - 1, out[0] if isinstance(out, tuple) else out))
        return out

    monkeypatch.setattr(beyond_tightness, name, spy)
    value, _ = beyond_tightness._sample_best(lemma, 3, random.Random(0))
    assert len(seen) == beyond_tightness.SAMPLE and {n for n, _ in seen} == {3}
    assert beyond_tightness._value(value) == max(beyond_tightness._value(v) for _, v in seen if v is not None)


def test_flows_meet_critical_points_hold_the_match_to_its_stated_acceptance(monkeypatch):
    """Campaign MM: a limit matched with a looser acceptance (10^-(dps - 10) instead of 10^-(dps - 5)) fails the part:
    the check holds the library's match to the acceptance it states, not to the one the library reports."""
    from lcnsym.exploration import landscape
    from lcnsym.numeric import tolerance

    real = landscape.classify_limit

    def loose(arch, data, filters, *, report=None, dps=30):
        c = real(arch, data, filters, report=report, dps=dps)
        return dataclasses.replace(c, accepted_below=tolerance(dps, 10))

    monkeypatch.setattr(beyond_flows, "classify_limit", loose)
    e = beyond_flows.check_part(QUICK, beyond_flows.parts(QUICK)[0])
    assert not e.passed and e.counterexample["problem"] == "a match looser than 10^-(dps - 5) on the slice"


def test_filling_confirms_every_not_filling_certificate_stride_one_too(monkeypatch):
    """Campaign NN: a stride-one "not filling" report whose real-roots witness has as many real roots as odd factors
    fails: every certificate is confirmed, not only the strided architectures'."""
    from lcnsym.exploration.filling import filling

    def real_rooted(arch, seed=0):
        report = filling(arch, seed=seed)
        if report.filling is False and report.certificate["argument"] == "real roots":
            roots = list(range(1, arch.k_v))  # (x - 1)(x - 2)...: all real
            import sympy as sp

            x = sp.Symbol("x")
            coeffs = sp.Poly(sp.prod([x - r for r in roots]), x).all_coeffs()[::-1]
            return dataclasses.replace(report, certificate={**report.certificate, "filter": [str(c) for c in coeffs]})
        return report

    monkeypatch.setattr(beyond_filling, "filling", real_rooted)
    e = beyond_filling.check(QUICK)
    assert not e.passed and "witness real roots" in e.counterexample
    assert all(s == 1 for s in e.counterexample["s"])  # a stride-one architecture


def test_critical_points_need_every_gradient_entry_zero(monkeypatch):
    """Campaign NN: a listed point whose gradient has one nonzero entry (the others zero) fails: all must vanish."""
    import flint

    real = beyond_critical.gradient_at

    def one_entry_off(arch, A, b, point):
        grad = real(arch, A, b, point)
        return [grad[0] + flint.fmpq_poly([1])] + list(grad[1:])

    monkeypatch.setattr(beyond_critical, "gradient_at", one_entry_off)
    e = beyond_critical.check(QUICK)
    assert not e.passed and e.counterexample["grad L"] == "nonzero in Q(alpha)"


@pytest.mark.parametrize("missing", [1, 3])
def test_tightness_needs_every_degree_searched(monkeypatch, missing):
    """Campaign NN: a tightness report without degree 1 (or a middle degree) fails as too small, where the text would
    still claim "every degree 1 to D"."""
    real = beyond_tightness.tightness

    def without(lemma, D, **kw):
        report = real(lemma, D, **kw)
        report.by_degree = {n: e for n, e in report.by_degree.items() if int(n) != missing}
        return report

    monkeypatch.setattr(beyond_tightness, "tightness", without)
    e = beyond_tightness.check(QUICK)
    assert not e.passed and "not every degree 1 to" in e.counterexample["search too small"]


def test_critical_points_hold_each_inertia_to_the_number_of_unknowns(monkeypatch):
    """Campaign NN: a report whose unknowns do not match the inertia's total (one more unknown) fails."""
    def one_more(arch, data, dps):
        report = critical_points(arch, data, dps=dps)
        report.unknowns += 1
        return report

    e = beyond_critical.check(QUICK, solver=one_more)
    assert not e.passed and e.counterexample["why"].startswith("the inertia does not count the")
