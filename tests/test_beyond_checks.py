"""The checks beyond the paper (GROUP = "beyond the paper"): each passes, and each false variant fails with a counterexample."""

import dataclasses
from fractions import Fraction

from lcnsym.checking.evidence import CheckConfig
from lcnsym.checking.registry import discover
from lcnsym.exploration.critical import critical_points
from lcnsym.numeric import to_fmpq
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
