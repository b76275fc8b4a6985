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
