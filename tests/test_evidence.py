"""lcnsym.checking.evidence: evidence kinds, summaries built from the fields, combining parts."""

import pytest

from lcnsym.checking.evidence import CheckConfig, Evidence, combine_parts, exact_over
from lcnsym.errors import InputError


def test_evidence_is_validated_and_summarized():
    with pytest.raises(InputError):
        Evidence(True, "vibes", "x")
    e = Evidence(False, "search", "toy", 3, worst_margin="0.5", counterexample={"x": 1})
    assert e.summary() == "search over 3 instances (toy); worst margin 0.5; counterexample: {'x': 1}"
    assert e.as_dict()["summary"] == e.summary()
    assert Evidence(True, "certified", "balls", 2).summary() == "certified enclosures over balls"


def test_config_is_validated():
    assert CheckConfig("thorough", 3).thorough
    for bad in ({"profile": "fast"}, {"seed": "1"}):
        with pytest.raises(InputError):
            CheckConfig(**bad)


def test_parts_and_exact_over():
    assert combine_parts([Evidence(True, "exact", "a", 2), Evidence(False, "exact", "b", 3, counterexample={"y": 2})],
                         "exact", "both").counterexample == {"y": 2}
    ev = exact_over([(1,), (2,), (3,)], lambda n: None if n < 3 else {"n": n}, "n <= 3")
    assert not ev.passed and ev.instances == 3


def test_a_falsy_counterexample_or_a_passed_that_is_not_a_bool_is_never_a_pass():
    """Injected in a campaign: `if bad:` in exact_over made an empty counterexample a pass; and a check's passed given
    as a list of failures or the text "False" would read as True."""
    for bad in ({}, [], 0, ""):
        assert not exact_over([(1,)], lambda n, bad=bad: bad, "one").passed
    for passed in ([], ["x"], "False", 1, None):
        with pytest.raises(InputError):
            Evidence(passed, "search", "toy", 1)


def test_exact_over_lets_a_judge_that_raises_raise():
    """An instance whose judge raises was not judged: it neither passes nor counts (the check reports the error)."""
    with pytest.raises(ZeroDivisionError):
        exact_over([(1,), (0,)], lambda n: None if 1 / n else {"n": n}, "1/n")


def test_a_failing_combination_counts_every_parts_instances():
    """(campaign R: I16) a failing combination reported only the failing part's instances (3) as those examined; the
    passing parts' were examined too (2 + 3 = 5), in either order."""
    good = Evidence(True, "exact", "a", 2)
    bad = Evidence(False, "exact", "b", 3, worst_margin="-1", counterexample={"y": 2})
    for parts in ([good, bad], [bad, good]):
        ev = combine_parts(parts, "exact", "both")
        assert not ev.passed and ev.instances == 5 and ev.counterexample == {"y": 2}


def test_evidence_summaries_say_the_kind_and_only_a_failure_shows_its_counterexample():
    """A mutation pass over evidence.py: each kind's summary, the worst margin, a counterexample only when failed."""
    assert Evidence(True, "exact", "3 shapes", 3).summary() == "exact identity over 3 shapes"
    assert Evidence(True, "certified", "2 flows", 2).summary() == "certified enclosures over 2 flows"
    assert Evidence(True, "search", "grid", 7, worst_margin="0.5").summary() == "search over 7 instances (grid); worst margin 0.5"
    assert "counterexample" not in Evidence(True, "exact", "x", 1, counterexample={"n": 1}).summary()
    assert Evidence(False, "exact", "x", 1, counterexample={"n": 1}).summary().endswith("; counterexample: {'n': 1}")
    assert Evidence(True, "exact", "x").instances == 0 and Evidence(True, "exact", "x").details == {}


def test_the_default_configuration_is_quick_with_seed_zero_and_cannot_change():
    import dataclasses

    config = CheckConfig()
    assert (config.profile, config.seed, config.thorough) == ("quick", 0, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.seed = 1


def test_run_in_turn_stops_at_the_first_failing_part_and_exact_over_passes_when_none_fails():
    from lcnsym.checking.evidence import combine_parts, exact_over, run_in_turn

    ran = []

    def part(n):
        ran.append(n)
        return Evidence(n != 2, "exact", f"part {n}", 1)

    assert run_in_turn([1, 2, 3], part, lambda evs: [e.passed for e in evs]) == [True, False] and ran == [1, 2]
    ran.clear()
    assert run_in_turn([1, 3], part, lambda evs: len(evs)) == 2 and ran == [1, 3]
    ok = exact_over([(1,), (2,)], lambda n: None, "n <= 2")
    assert (ok.passed, ok.kind, ok.instances, ok.scope) == (True, "exact", 2, "n <= 2")
    both = combine_parts([Evidence(True, "exact", "a", 2), Evidence(True, "exact", "b", 3)], "exact", "a and b")
    assert both.passed and both.details == {} and both.instances == 5


def test_exact_over_counts_what_ran_and_nothing_is_not_a_pass():
    """Campaign KK: the count is the instances judged (a pass over none claimed one); an identity over no instance at
    all fails as a search too small."""
    ev = exact_over([(1,), (2,)], lambda n: None, "two")
    assert ev.passed and ev.instances == 2
    empty = exact_over([], lambda n: None, "none")
    assert not empty.passed and empty.instances == 0 and empty.counterexample == {"search too small": "no instance ran"}
