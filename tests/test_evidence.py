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
