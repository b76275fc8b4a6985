"""lcnsym.checking.runner: blocking, errors, precision shortfalls, statuses."""

from types import SimpleNamespace

import pytest

from lcnsym.errors import DependencyCycleError, DuplicateIdError, RegistryError, UnknownDependencyError
from lcnsym.checking.evidence import CheckConfig, Evidence
from helpers import toy_check_module
from lcnsym.checking.registry import Registry, discover
from lcnsym.checking.runner import run


module = toy_check_module


def test_failed_dependency_blocks_and_errors_are_reported():
    reg = Registry.from_modules([
        module("a", passed=False),
        module("b", ("a",)),
        module("c", ("b",)),
        module("d", raises=ZeroDivisionError("boom")),
        module("e", ("d",)),
        module("f"),
    ])
    res = {r.id: r for r in run(reg)}
    assert res["a"].status == "fail" and "counterexample" in res["a"].evidence_text()
    assert res["b"].status == "blocked" and "a (fail)" in res["b"].message
    assert res["c"].status == "blocked"
    assert res["d"].status == "error" and "ZeroDivisionError: boom" in res["d"].message
    assert res["e"].status == "blocked"
    assert res["f"].status == "pass"
    assert set(res["a"].as_dict()) >= {"id", "status", "evidence", "seconds"}


def test_a_check_returning_no_evidence_is_an_error():
    bad = SimpleNamespace(__name__="bad", ID="x", STATEMENT="s", DEPENDS_ON=(), check=lambda: True)
    assert run(Registry.from_modules([bad]))[0].status == "error"




def test_a_precision_shortfall_is_an_error_never_a_pass_or_a_failure():
    from lcnsym.errors import PrecisionError

    res = run(Registry.from_modules([module("u", raises=PrecisionError("undecided at 60 digits", dps=50)), module("v", ("u",))]))
    assert res[0].status == "error" and "undecided" in res[0].message and res[1].status == "blocked"


def test_results_serialize_their_status_as_text():
    (res,) = run(Registry.from_modules([module("a")]))
    assert res.as_dict()["status"] == "pass" and isinstance(res.as_dict()["status"], str)


def test_a_crashing_part_keeps_its_traceback_in_the_checks_result():
    from lcnsym.checking.registry import ProofCheck
    from lcnsym.checking.runner import CheckResult, _combine
    from lcnsym.checking.status import Status

    part = CheckResult("x", Status.ERROR, None, 1.0, "ValueError: boom", traceback="Traceback ...\nValueError: boom\n")
    check = SimpleNamespace(id="x", combine=lambda config, evidences: None)
    result = _combine(check, CheckConfig(), [part], 2.0)
    assert result.status == Status.ERROR and "ValueError: boom" in result.traceback


def _swallowing(signum, raised):
    """A check that passes although the signal's exception was raised inside it, and swallowed (as python-flint's
    ``acb_poly.roots`` swallows a KeyboardInterrupt raised while it runs)."""
    import os
    import signal
    import time

    def check(config=CheckConfig()):
        try:
            if signum == signal.SIGALRM:
                time.sleep(0.5)
            else:
                os.kill(os.getpid(), signum)
                time.sleep(0.05)
        except raised:
            pass
        return Evidence(True, "search", "toy", 3, worst_margin="0.5")

    return SimpleNamespace(__name__="toy.s", ID="s", STATEMENT="claim s", DEPENDS_ON=(), check=check)


def test_ctrl_c_swallowed_inside_a_check_still_interrupts_the_run():
    """A CI run reported lemma-2.3 as passed, and the run went on, after Ctrl-C arrived inside ``acb_poly.roots``."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # also in a job that ignores SIGINT
    try:
        res = run(Registry.from_modules([_swallowing(signal.SIGINT, KeyboardInterrupt), module("t", ("s",))]))
        assert {r.id: r.status.value for r in res} == {"s": "interrupted", "t": "interrupted"}
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_time_limit_swallowed_inside_a_check_still_ends_it():
    import signal

    from lcnsym.checking.runner import CheckTimeout

    (res,) = run(Registry.from_modules([_swallowing(signal.SIGALRM, CheckTimeout)]), timeout=0.1)
    assert res.status == "error" and "timed out after 0.1 s" in res.message


def test_a_dependency_that_did_not_run_blocks_its_dependents():
    """A dependency left out of a run (an order that dropped it) blocks, naming it: never a dependent run unguarded."""
    from lcnsym.checking.runner import blocked

    reg = Registry.from_modules([module("a"), module("b", ("a",))])
    stop = blocked(reg, "b", {})
    assert stop is not None and stop.status == "blocked" and "a (not run)" in stop.message
    (ran,) = run(reg, only=["a"])
    assert blocked(reg, "b", {"a": ran}) is None


def test_a_failing_part_fails_the_combined_check():
    """Injected in a campaign: the parts combined without the failing ones passed with --workers 2."""
    from lcnsym.checking.evidence import combine_parts
    from lcnsym.checking.registry import ProofCheck
    from lcnsym.checking.runner import CheckResult, _combine
    from lcnsym.checking.status import Status

    split = SimpleNamespace(__name__="toy.split", ID="split", STATEMENT="s", DEPENDS_ON=(), check=lambda config: None,
                            parts=lambda config: [0, 1], check_part=lambda config, part: None,
                            combine=lambda config, evidences: combine_parts(evidences, "search", "both parts"))
    good = CheckResult("split", Status.PASS, Evidence(True, "search", "part 0", 1), 0.1)
    bad = CheckResult("split", Status.FAIL, Evidence(False, "search", "part 1", 1, counterexample={"part": 1}), 0.1)
    for parts in ([good, bad], [bad, good]):
        result = _combine(ProofCheck.from_module(split), CheckConfig(), parts, 0.2)
        assert result.status == "fail" and result.evidence.counterexample == {"part": 1}


SLOW_PARTS = '''
import time
from lcnsym.checking.evidence import Evidence, combine_parts
ID = "slow-parts"
STATEMENT = "three parts of 0.3 s"
DEPENDS_ON = ()
def parts(config):
    return [0, 1, 2]
def check_part(config, part):
    time.sleep(0.3)
    return Evidence(True, "exact", f"part {part}", 1)
def combine(config, evidences):
    return combine_parts(evidences, "exact", "three parts")
def check(config):
    return combine(config, [check_part(config, p) for p in parts(config)])
'''


def test_a_split_checks_seconds_on_an_executor_are_the_work_of_its_parts(tmp_path):
    """(campaign R: I15) the parts of a split check run side by side took the longest part's time (0.3 s) as the check's
    seconds; they are the parts' work, their sum (3 x 0.3 s), as a serial run would report."""
    from lcnsym.checking.registry import load_path_module
    from lcnsym.checking.runner import executor_for

    path = tmp_path / "slow_parts.py"
    path.write_text(SLOW_PARTS)
    reg = Registry.from_modules([load_path_module(path)])
    with executor_for(2) as executor:
        (res,) = run(reg, executor=executor)
    assert res.status == "pass" and res.evidence.instances == 3
    assert res.seconds >= 0.85, res.seconds


@pytest.mark.parametrize("profile, seconds", [("quick", 900), ("thorough", 6 * 3600)])
def test_each_profile_runs_under_its_own_time_limit(monkeypatch, profile, seconds):
    """Campaign X (9): without a timeout given, a check runs under its profile's (thorough: 6 hours, not quick's 900 s);
    a timeout given wins."""
    from lcnsym.checking import runner

    seen = []
    real = runner.run_check
    monkeypatch.setattr(runner, "run_check", lambda check, config, *a, timeout: seen.append(timeout) or real(check, config, timeout=timeout))
    reg = Registry.from_modules([module("a")])
    assert [r.status for r in run(reg, config=CheckConfig(profile=profile))] == ["pass"]
    run(reg, config=CheckConfig(profile=profile), timeout=7)
    assert seen == [seconds, 7] and runner.TIMEOUTS[profile] == seconds


def test_printed_output_is_kept_whole_up_to_the_limit():
    """Campaign X (31): exactly MAX_OUTPUT characters are kept as they are; one more is cut, saying how many."""
    import io

    from lcnsym.checking.runner import MAX_OUTPUT, _kept

    assert _kept(io.StringIO("x" * MAX_OUTPUT)) == "x" * MAX_OUTPUT
    assert _kept(io.StringIO("x" * (MAX_OUTPUT + 1))) == "x" * MAX_OUTPUT + "\n... (1 more characters)"


def test_every_result_that_did_not_pass_takes_its_own_seconds_and_says_what_blocked_it():
    """A mutation pass over runner.py: an error's, a timeout's and a sys.exit's seconds are elapsed times (not a clock
    reading); a blocked result's message begins "blocked by"; as_dict keeps output and traceback."""
    import sys

    def printing_crash(config=CheckConfig()):
        print("said something")
        raise ValueError("boom")

    reg = Registry.from_modules([
        SimpleNamespace(__name__="toy.e", ID="e", STATEMENT="s", check=printing_crash),
        SimpleNamespace(__name__="toy.x", ID="x", STATEMENT="s", check=lambda config=CheckConfig(): sys.exit(2)),
        module("f", passed=False), module("g", ("f",)),
    ])
    res = {r.id: r for r in run(reg)}
    assert all(0 <= r.seconds < 60 for r in res.values())
    assert res["g"].message.startswith("blocked by f (fail)")
    d = res["e"].as_dict()
    assert d["output"] == "said something\n" and "ValueError: boom" in d["traceback"] and d["status"] == "error"
    assert "sys.exit(2)" in res["x"].message


def test_the_executor_is_none_for_one_worker_and_refuses_fewer():
    from lcnsym.checking.runner import executor_for
    from lcnsym.errors import InputError

    with executor_for(1) as ex:
        assert ex is None
    with pytest.raises(InputError, match="--workers must be at least 1, got 0"):
        with executor_for(0):
            pass
    with executor_for(2) as ex:
        assert ex is not None and ex.submit(abs, -3).result() == 3


def test_a_serial_run_reports_each_start_and_each_result_as_it_goes():
    reg = Registry.from_modules([module("a"), module("b", ("a",)), module("c", passed=False)])
    started, finished = [], []
    run(reg, on_start=started.append, on_result=lambda r: finished.append((r.id, r.status.value)))
    assert started == ["a", "b", "c"] and finished == [("a", "pass"), ("b", "pass"), ("c", "fail")]


def test_evidence_names_every_dependency_it_assumed_campaign_ff():
    """Campaign FF: a check run on the recorded results of two dependencies names both in its evidence."""
    from lcnsym.checking.runner import CheckResult, _Plan

    reg = Registry.from_modules([module("x"), module("y"), module("z", ("x", "y"))])
    plan = _Plan(reg, CheckConfig(), None, {"x", "y"})
    result = CheckResult("z", "pass", Evidence(True, "exact", "toy", 3), 0.1)
    plan.record("z", result)
    assert result.evidence.assumptions == ["x", "y"]
    assert "assuming the recorded results of x, y" in result.evidence_text()


def test_a_failing_evidence_without_a_counterexample_is_a_failure():
    """Campaign KK: the verdict is Evidence.passed, never "no counterexample": a check that returns passed=False with
    no counterexample fails, alone and as a split check's combination."""
    def check(config=CheckConfig()):
        return Evidence(False, "search", "toy grid", 7)

    alone = SimpleNamespace(__name__="toy.nocx", ID="nocx", STATEMENT="s", DEPENDS_ON=(), check=check)
    split = SimpleNamespace(__name__="toy.split", ID="split", STATEMENT="s", DEPENDS_ON=(), check=check,
                            parts=lambda config: [1, 2], check_part=lambda config, part: Evidence(True, "search", "p", 1),
                            combine=lambda config, evs: Evidence(False, "search", "toy grid", 2))
    res = {r.id: r for r in run(Registry.from_modules([alone, split]))}
    assert res["nocx"].status == "fail" and res["split"].status == "fail"
