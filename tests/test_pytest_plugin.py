"""lcnsym.checking.pytest_plugin: checks collected from their files, selected with -k, dependencies run, crashes shown."""

import textwrap
import xml.etree.ElementTree as ET

import pytest

LEMMA = """
from lcnsym.checking.evidence import Evidence
ID = {id!r}
STATEMENT = "a user's claim"
DEPENDS_ON = {deps!r}
def check(config):
{body}
    return Evidence({passed}, "search", "a toy search", 3, counterexample=None if {passed} else {{"x": 1}})
"""


def lemma(pid, deps=(), passed=True, body="pass"):
    return textwrap.dedent(LEMMA.format(id=pid, deps=tuple(deps), passed=passed, body=textwrap.indent(body, "    ")))


@pytest.fixture
def project(pytester):
    pytester.makeconftest('pytest_plugins = ["lcnsym.checking.pytest_plugin"]')
    mine = pytester.mkdir("mine")
    (mine / "mine.py").write_text(lemma("my-a", ("eq-1.5",)))
    (mine / "bad.py").write_text(lemma("my-bad", passed=False))
    (mine / "crash.py").write_text(lemma("my-crash", body="def inner():\n    return 1 / 0\ninner()"))
    (mine / "later.py").write_text(lemma("my-later", ("my-bad",)))
    (mine / "helper.py").write_text("X = 1  # no check: not collected\n")
    return pytester


def test_collect_only_lists_checks_with_their_file(project):
    result = project.runpytest_subprocess("--lcnsym-path", "mine", "--collect-only", "-q", "-p", "no:cacheprovider")
    out = result.stdout.str()
    assert "mine/mine.py::my-a" in out and "mine/bad.py::my-bad" in out and "eq_1_5.py::eq-1.5" in out
    assert "helper.py" not in out and "no tests collected" not in out
    from lcnsym.checking.registry import discover

    assert f"{len(discover().checks) + 4} tests collected" in out  # the package's checks and 4 of mine


@pytest.mark.slow
def test_k_selects_and_runs_dependencies_failures_and_crashes_are_shown(project):
    result = project.runpytest_subprocess("--lcnsym-path", "mine", "-k", "my-a or my-bad or my-crash or my-later",
                                          "-p", "no:cacheprovider", "--junitxml", "r.xml", "-rs")
    result.assert_outcomes(passed=1, failed=2, skipped=1)
    out = result.stdout.str()
    assert "my-bad: fail" in out and '"x": 1' in out  # the counterexample
    assert "ZeroDivisionError" in out and "inner()" in out  # the crash's own traceback
    assert "blocked by my-bad (fail)" in out
    assert "my-bad: a user's claim" in out  # the failure's header names the check and its statement
    cases = {c.get("name"): c for c in ET.parse(project.path / "r.xml").getroot().iter("testcase")}
    classes = {c.get("classname") for c in cases.values()}
    assert "mine.mine" in classes and "mine.bad" in classes
    evidence = {p.get("name"): p.get("value") for p in cases["my-a"].iter("property")}
    assert evidence["evidence"] == "search over 3 instances (a toy search)"


def test_m_not_lcnsym_leaves_them_out(project):
    result = project.runpytest_subprocess("--lcnsym-path", "mine", "-m", "not lcnsym", "-p", "no:cacheprovider")
    assert result.ret == 5  # no tests ran


NO_EVIDENCE = """
ID = "my-none"
STATEMENT = "a check that returns nothing"
DEPENDS_ON = ()
def check(config):
    return None
"""


def test_a_check_that_errors_without_raising_fails_under_pytest(pytester):
    """Injected in a campaign: a plugin failing only on status fail reported a check returning no evidence as PASSED
    (an error that is not an exception, like a time-out)."""
    pytester.makeconftest('pytest_plugins = ["lcnsym.checking.pytest_plugin"]')
    mine = pytester.mkdir("mine")
    (mine / "none.py").write_text(NO_EVIDENCE)
    result = pytester.runpytest_subprocess("--lcnsym-path", "mine", "-k", "my-none", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert "my-none: error" in result.stdout.str()


def test_a_dependency_blocked_by_its_own_failed_dependency_blocks_what_is_selected(project):
    """Campaign I: with my-bad (fails) -> my-later -> my-last and only my-last selected, my-later is run first as a
    dependency; it is blocked by my-bad, so my-last is skipped as blocked, not run on a dependency that never held."""
    (project.path / "mine" / "last.py").write_text(lemma("my-last", ("my-later",)))
    result = project.runpytest_subprocess("--lcnsym-path", "mine", "-k", "my-last", "-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    assert "blocked by my-later (blocked)" in result.stdout.str()


@pytest.mark.parametrize("option, value", [("--lcnsym-seed", "1"), ("--lcnsym-profile", "thorough")])
def test_the_seed_and_profile_options_reach_the_checks(pytester, option, value):
    """Campaign KK: --lcnsym-seed and --lcnsym-profile are the config the checks run with: a check that fails only off
    seed 0, or only in the thorough profile, fails when asked for them and passes otherwise."""
    pytester.makeconftest('pytest_plugins = ["lcnsym.checking.pytest_plugin"]')
    mine = pytester.mkdir("mine")
    (mine / "picky.py").write_text(textwrap.dedent("""
        from lcnsym.checking.evidence import Evidence
        ID = "my-picky"
        STATEMENT = "holds at seed 0 in the quick profile"
        DEPENDS_ON = ()
        def check(config):
            ok = config.seed == 0 and not config.thorough
            return Evidence(ok, "search", f"seed {config.seed}, {config.profile}", 1,
                            counterexample=None if ok else {"seed": config.seed, "profile": config.profile})
    """))
    base = ["--lcnsym-path", "mine", "-k", "my-picky", "-p", "no:cacheprovider"]
    pytester.runpytest_subprocess(*base).assert_outcomes(passed=1)
    pytester.runpytest_subprocess(*base, option, value).assert_outcomes(failed=1)
