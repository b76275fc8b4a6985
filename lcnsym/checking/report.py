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

__all__ = ["print_table", "run_metadata", "json_report", "junit_report", "markdown_report", "html_report", "status_counts",
           "short_evidence"]

SHORT = 110
"""Characters of evidence the table shows (the JSON, Markdown and HTML reports have it all)."""


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


def _seconds(r):
    return "cached" if r.cached else f"{r.seconds:.2f}"


def short_evidence(r, limit=SHORT):
    """The evidence cut at ``limit`` characters, on a word."""
    text = r.evidence_text()
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " ..."


def print_table(results, console=None, meta=None, groups=None):
    """Print the results as a compact table: id, status, evidence (shortened: ``--json`` has it all), seconds; then a total.

    ``groups`` maps ids to their group (``GROUP`` of the proof module): the paper's results first, then each other group
    under its own heading."""
    console = console or Console(soft_wrap=False)
    table = Table(show_lines=False)
    table.add_column("id", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("evidence")
    table.add_column("seconds", justify="right", no_wrap=True)
    groups = groups or {}
    current = "the paper"
    for r in sorted(results, key=lambda r: groups.get(r.id, "the paper") != "the paper"):
        if groups.get(r.id, "the paper") != current:
            current = groups[r.id]
            table.add_section()
            table.add_row(f"[bold]{current}[/]", "", "", "")
        table.add_row(r.id, f"[{r.status.style}]{r.status}[/]", short_evidence(r), _seconds(r))
    console.print(table)
    counts = status_counts(results)
    line = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "no checks ran"
    if meta is not None:
        line += f"  (profile {meta['profile']}, seed {meta['seed']})"
    console.print(line, highlight=False)


def _declared(r, registry):
    if registry is None or r.id not in registry.checks:
        return {}
    check = registry.checks[r.id]
    return {"statement": check.statement, "reference": check.reference, "depends_on": list(check.depends_on),
            "group": check.group}


def json_report(results, meta, registry=None):
    """The JSON report: run metadata, the counts, and each result with its statement, paper reference, dependencies,
    evidence and counterexample."""
    out = dict(meta)
    out["counts"] = status_counts(results)
    out["results"] = [{**r.as_dict(), **_declared(r, registry)} for r in results]
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
        lines.append(f"| {_cell(r.id)} | {r.status} | {_cell(r.evidence_text())} | {_seconds(r)} |")
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


def html_report(results, meta, registry=None):
    """One self-contained HTML page: the statements, the evidence, the counterexamples, the dependency graph (inline
    SVG) and the timings; it opens without network access."""
    from html import escape

    from lcnsym.checking.graph import graph_svg

    counts = ", ".join(f"{n} {s}" for s, n in status_counts(results).items() if n)
    rows = []
    for r in results:
        d = _declared(r, registry)
        detail = ""
        if r.status == Status.FAIL:
            detail = f"<pre>{escape(_counterexample_text(r))}</pre>"
        elif r.status != Status.PASS:
            detail = f"<pre>{escape(r.message)}</pre>"
        if r.traceback:
            detail += f"<details><summary>traceback</summary><pre>{escape(r.traceback)}</pre></details>"
        if r.output:
            detail += f"<details><summary>printed by the check</summary><pre>{escape(r.output)}</pre></details>"
        rows.append(f"<tr><td><b>{escape(r.id)}</b><br><small>{escape(d.get('reference', ''))}</small></td>"
                    f"<td style='background:{r.status.colour}'>{r.status}</td>"
                    f"<td>{escape(d.get('statement', ''))}<p><small>{escape(r.evidence_text())}</small></p>{detail}</td>"
                    f"<td>{_seconds(r)}</td></tr>")
    graph = graph_svg(registry, {r.id: r.status.value for r in results}) if registry is not None else ""
    versions = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>lcnsym verify</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}td{{vertical-align:top;padding:6px;border-bottom:1px solid #ddd}}
pre{{white-space:pre-wrap;background:#f6f6f6;padding:6px}}</style></head><body>
<h1>lcnsym verify</h1>
<p>Profile <code>{escape(str(meta.get('profile')))}</code>, seed <code>{escape(str(meta.get('seed')))}</code>,
workers {escape(str(meta.get('workers', 1)))}. <b>{escape(counts)}</b>.</p>
<p><small>{escape(versions)}</small></p>
<h2>Dependencies</h2>{graph}
<h2>Checks</h2>
<table><tr><th>result</th><th>status</th><th>statement and evidence</th><th>seconds</th></tr>
{''.join(rows)}
</table></body></html>
"""
