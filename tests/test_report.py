"""lcnsym.checking.report: the four reports agree, from one list of results."""

import json
import xml.etree.ElementTree as ET

from lcnsym.checking.evidence import Evidence
from lcnsym.checking.report import json_report, junit_report, markdown_report, run_metadata, status_counts
from lcnsym.checking.runner import CheckResult

RESULTS = [CheckResult("a", "pass", Evidence(True, "exact", "all", 3), 0.5),
           CheckResult("b", "fail", Evidence(False, "search", "some", 2, counterexample={"x": 1}), 0.25),
           CheckResult("c", "blocked", None, 0.0, "blocked by b (fail)"),
           CheckResult("d", "interrupted", None, 0.0, "interrupted before it finished")]


def test_reports_agree():
    meta = run_metadata("quick", 0)
    data = json_report(RESULTS, meta)
    assert data["counts"] == status_counts(RESULTS) == {"pass": 1, "fail": 1, "blocked": 1, "error": 0, "interrupted": 1}
    json.dumps(data)
    root = ET.fromstring(junit_report(RESULTS, meta).split("\n", 1)[1])
    suite = next(root.iter("testsuite"))
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("1", "1", "1")
    md = markdown_report(RESULTS, meta)
    assert "| b | fail |" in md and "### d: interrupted" in md


def test_every_case_that_did_not_pass_carries_its_status_in_junit():
    """CI dashboards read a ``<testcase>`` without a failure, error or skipped child as passed: a fail has a failure,
    an error and an interruption an error (of their own types), a blocked check a skipped child, a pass none."""
    results = RESULTS + [CheckResult("e", "error", None, 0.1, "ZeroDivisionError: boom")]
    root = ET.fromstring(junit_report(results, run_metadata("quick", 0)).split("\n", 1)[1])
    children = {case.get("name"): [(child.tag, child.get("type")) for child in case if child.tag != "system-out"]
                for case in root.iter("testcase")}
    assert children == {"a": [], "b": [("failure", "CounterexampleFound")], "c": [("skipped", None)],
                        "d": [("error", "Interrupted")], "e": [("error", "CheckError")]}


def test_every_report_shows_a_failures_counterexample():
    """Campaign L: the counterexample of a failed check is in every report (JUnit, Markdown, HTML), not only its status."""
    from lcnsym.checking.report import html_report

    meta = run_metadata("quick", 0)
    for text in (junit_report(RESULTS, meta), markdown_report(RESULTS, meta), html_report(RESULTS, meta)):
        assert '"x": 1' in text or "&quot;x&quot;: 1" in text, text[:300]


def test_the_table_names_the_seed_and_the_json_the_papers_reference():
    """Campaign V: the table's total line gives the run's seed (not its profile again); the JSON's "reference" is the
    paper's number the check declares, not its module."""
    import io

    from rich.console import Console

    from lcnsym.checking.registry import discover
    from lcnsym.checking.report import print_table

    out = io.StringIO()
    print_table(RESULTS, console=Console(file=out, width=200), meta=run_metadata("quick", 7))
    assert "(profile quick, seed 7)" in out.getvalue()
    reg = discover()
    data = json_report([CheckResult("eq-1.5", "pass", Evidence(True, "exact", "all", 3), 0.5)], run_metadata("quick", 0), reg)
    check = reg.checks["eq-1.5"]
    assert data["results"][0]["reference"] == check.reference == "Eq. (1.5)"
    assert data["results"][0]["statement"] == check.statement and data["results"][0]["group"] == check.group


def _table(results, **kwargs):
    import io

    from rich.console import Console

    from lcnsym.checking.report import print_table

    out = io.StringIO()
    print_table(results, console=Console(file=out, width=250), **kwargs)
    return out.getvalue()


def test_the_table_puts_the_papers_results_first_then_each_group_under_its_heading():
    """A mutation pass over report.py: groups, the empty run, cached seconds."""
    results = [CheckResult("x", "pass", Evidence(True, "exact", "beyond", 1), 0.5),
               CheckResult("a", "pass", Evidence(True, "exact", "paper", 1), 0.25)]
    text = _table(results, groups={"x": "beyond the paper"})
    assert text.index(" a ") < text.index("beyond the paper") < text.index(" x ")
    assert text.count("beyond the paper") == 1 and "0.25" in text and "0.50" in text
    assert "no checks ran" in _table([]) and "no checks ran" not in text and "2 pass" in text
    cached = CheckResult("a", "pass", Evidence(True, "exact", "paper", 1), 0.25)
    cached.cached = True
    assert "cached" in _table([cached]) and "0.25" not in _table([cached])


def test_short_evidence_cuts_long_text_on_a_word():
    from lcnsym.checking.report import SHORT, short_evidence

    long = CheckResult("a", "pass", Evidence(True, "exact", "word " * 60, 1), 0.0)
    cut = short_evidence(long)
    assert cut.endswith(" ...") and len(cut) <= SHORT + 4 and not cut[:-4].endswith(" ") and cut[:-4].endswith("word")
    short = CheckResult("a", "pass", Evidence(True, "exact", "all", 1), 0.0)
    assert short_evidence(short) == short.evidence_text() and short_evidence(long, limit=10_000) == long.evidence_text()


def test_run_metadata_names_the_run_and_the_versions():
    meta = run_metadata("thorough", 3, workers=2, scheduler="dask", paths=["p"])
    assert {k: meta[k] for k in ("profile", "seed", "workers", "scheduler", "paths")} == {
        "profile": "thorough", "seed": 3, "workers": 2, "scheduler": "dask", "paths": ["p"]}
    assert {"python", "lcnsym", "sympy", "mpmath", "python-flint", "networkx", "gmpy2"} <= set(meta["versions"])
    assert meta["versions"]["sympy"] and meta["versions"]["python-flint"]


def test_each_report_counts_and_shows_errors_interruptions_tracebacks_and_output():
    """A mutation pass over report.py: JUnit's errors are errors and interruptions both; Markdown's header, bold counts
    and a section per result that did not pass; HTML's message, traceback and printed output."""
    from lcnsym.checking.report import html_report

    error = CheckResult("e", "error", None, 0.1, "ZeroDivisionError: boom", "printed text", "Traceback: here")
    results = RESULTS + [error]
    suite = ET.fromstring(junit_report(results, run_metadata("quick", 0))).find("testsuite")
    assert (suite.get("errors"), suite.get("failures"), suite.get("skipped"), suite.get("tests")) == ("2", "1", "1", "5")
    md = markdown_report(results, run_metadata("quick", 4, workers=2, scheduler="local"))
    assert "Profile `quick`, seed `4`, workers 2, scheduler `local`." in md and md.endswith("\n")
    assert "**1 pass, 1 fail, 1 blocked, 1 error, 1 interrupted**" in md
    assert "### c: blocked\n\nblocked by b (fail)" in md and "### e: error\n\nZeroDivisionError: boom" in md
    assert "### a:" not in md and '"x": 1' in md
    html = html_report(results, run_metadata("quick", 0))
    assert "<pre>ZeroDivisionError: boom</pre>" in html and "<pre>Traceback: here</pre>" in html
    assert "<pre>printed text</pre>" in html and html.count("<summary>traceback</summary>") == 1


def test_the_html_report_names_the_workers_campaign_ff():
    from lcnsym.checking.report import html_report

    assert "workers 4." in html_report(RESULTS, run_metadata("quick", 0, workers=4))


def test_the_table_shows_each_results_evidence_and_a_failures_counterexample():
    """Campaign KK: the table's evidence column holds what ran for every result, and for a failure its counterexample
    (a fail row left empty passed)."""
    out = _table(RESULTS)
    row = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") >= 4}
    assert "search over 2 instances (some); counterexample: {'x': 1}" in row["b"]
    assert "exact identity over all" in row["a"] and "blocked by b (fail)" in row["c"]
    assert "interrupted before it finished" in row["d"]
