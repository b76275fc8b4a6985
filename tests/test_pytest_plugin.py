"""lcnsym.checking.pytest_plugin: the checks as pytest tests, with selection and failures shown."""

import textwrap

import pytest

from test_verify_runs import LEMMA


@pytest.mark.slow
def test_pytest_plugin_runs_checks_with_k_selection(pytester, tmp_path):
    pytester.makeconftest('pytest_plugins = ["lcnsym.checking.pytest_plugin"]')
    mine = pytester.mkdir("mine")
    (mine / "mine.py").write_text(textwrap.dedent(LEMMA.format(id="my-a", deps=("eq-1.5",))))
    (mine / "bad.py").write_text(textwrap.dedent(LEMMA.format(id="my-bad", deps=()).replace("Evidence(True", "Evidence(False")))
    result = pytester.runpytest_subprocess("--lcnsym-path", "mine", "-k", "eq-1.5 or my-a or my-bad", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*my-bad: fail*"])
    result = pytester.runpytest_subprocess("-k", "not lcnsym", "-p", "no:cacheprovider")
    assert "no tests ran" in result.stdout.str() or result.ret == 5
