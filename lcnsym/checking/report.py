"""Reports of a verification run: the table, JSON, JUnit XML and Markdown.

All four are made from the same list of :class:`~lcnsym.checking.registry.CheckResult`
and the same run metadata, so they agree with each other.
"""

import json
import platform
import xml.etree.ElementTree as ET

from rich.console import Console
from rich.table import Table

from lcnsym.checking.status import Status

__all__ = ["print_table", "run_metadata", "json_report", "junit_report", "markdown_report", "status_counts"]


def _versions():
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for dist in ("lcnsym", "sympy", "mpmath", "python-flint", "networkx", "gmpy2"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out


def run_metadata(profile, seed, workers=1, scheduler=None, paths=()):
    """What a report says about the run: profile, seed, how it ran, the versions of the libraries."""
    return {
        "profile": profile,
        "seed": seed,
        "workers": workers,
        "scheduler": scheduler,
        "paths": [str(p) for p in paths],
        "versions": _versions(),
    }


def status_counts(results):
    """How many results have each status."""
    return {s.value: sum(r.status == s for r in results) for s in Status}


def print_table(results, console=None, meta=None):
    """Print the results as a table: id, status, evidence, seconds; then a one-line total."""
    console = console or Console(soft_wrap=False)
    table = Table(show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("evidence")
    table.add_column("seconds", justify="right", no_wrap=True)
    for r in results:
        table.add_row(r.id, f"[{r.status.style}]{r.status}[/]", r.evidence_text(), f"{r.seconds:.2f}")
    console.print(table)
    counts = status_counts(results)
    line = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no checks ran"
    if meta is not None:
        line += f"  (profile {meta['profile']}, seed {meta['seed']})"
    console.print(line, highlight=False)


def json_report(results, meta):
    """The JSON report: run metadata, the counts, and each result with its evidence and counterexample."""
    out = dict(meta)
    out["counts"] = status_counts(results)
    out["results"] = [r.as_dict() for r in results]
    return out


def _counterexample_text(r):
    if r.evidence is None or r.evidence.counterexample is None:
        return r.message
    return json.dumps(r.evidence.counterexample, indent=2, default=str)


def junit_report(results, meta):
    """JUnit XML (one test case per check; failures carry their counterexample), as text."""
    counts = status_counts(results)
    total = sum(r.seconds for r in results)
    suites = ET.Element("testsuites", name="lcnsym verify", tests=str(len(results)))
    suite = ET.SubElement(
        suites, "testsuite", name="lcnsym verify", tests=str(len(results)), failures=str(counts["fail"]),
        errors=str(counts["error"] + counts["interrupted"]), skipped=str(counts["blocked"]), time=f"{total:.3f}",
    )
    props = ET.SubElement(suite, "properties")
    for key in ("profile", "seed", "workers", "scheduler"):
        ET.SubElement(props, "property", name=key, value=str(meta.get(key)))
    for name, v in meta.get("versions", {}).items():
        ET.SubElement(props, "property", name=f"version.{name}", value=str(v))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="lcnsym.proofs", name=r.id, time=f"{r.seconds:.3f}")
        if r.status == Status.FAIL:
            ET.SubElement(case, "failure", message=r.evidence_text(), type="CounterexampleFound").text = _counterexample_text(r)
        elif r.status in (Status.ERROR, Status.INTERRUPTED):
            ET.SubElement(case, "error", message=r.message, type="CheckError" if r.status == Status.ERROR else "Interrupted").text = r.message
        elif r.status == Status.BLOCKED:
            ET.SubElement(case, "skipped", message=r.message)
        ET.SubElement(case, "system-out").text = r.evidence_text()
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_report(results, meta):
    """A Markdown report a person can read or attach to a pull request."""
    counts = status_counts(results)
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())
    lines = [
        "# lcnsym verify",
        "",
        f"Profile `{meta['profile']}`, seed `{meta['seed']}`, workers {meta.get('workers', 1)}"
        + (f", scheduler `{meta['scheduler']}`" if meta.get("scheduler") else "") + ".",
        f"Versions: {versions}.",
        "",
        "**" + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + "**",
        "",
        "| id | status | evidence | seconds |",
        "|---|---|---|---:|",
    ]
    for r in results:
        lines.append(f"| {_cell(r.id)} | {r.status} | {_cell(r.evidence_text())} | {r.seconds:.2f} |")
    bad = [r for r in results if r.status != Status.PASS]
    if bad:
        lines += ["", "## What did not pass", ""]
        for r in bad:
            lines += [f"### {r.id}: {r.status}", ""]
            if r.status == Status.FAIL:
                lines += ["Counterexample:", "", "```json", _counterexample_text(r), "```", ""]
            else:
                lines += [r.message, ""]
    return "\n".join(lines) + "\n"
