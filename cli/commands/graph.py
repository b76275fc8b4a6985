"""``lcnsym graph``: the dependency graph of the checks."""

from pathlib import Path

import click

from lcnsym.cli._common import Choice, Folder, InputFile

from lcnsym.checking.graph import FORMATS, graph_dot, graph_mermaid, graph_svg, graph_text
from lcnsym.checking.registry import discover
from lcnsym.checking.status import Status
from lcnsym.errors import ParseError
from lcnsym.numeric import abbreviate
from lcnsym.parsing import read_json

_RENDER = {"text": graph_text, "mermaid": graph_mermaid, "dot": graph_dot, "svg": graph_svg}


def _statuses(report, registry):
    """``{id: status}`` from a JSON report of ``lcnsym verify``; unknown ids and statuses are refused."""
    data = read_json(report, "--report file")
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not all(isinstance(r, dict) and {"id", "status"} <= set(r) for r in results):
        raise ParseError(f"--report file {report} is not a JSON report of lcnsym verify --json (no list of results with id and status)")
    statuses = {}
    for r in results:
        if r["id"] not in registry.checks:
            raise ParseError(f"--report file {report} names the check {abbreviate(r['id'])}, which is not registered "
                             f"(give the same --path as the run that wrote it)")
        if r["status"] not in {s.value for s in Status}:
            raise ParseError(f"--report file {report}: status {abbreviate(r['status'])} of {r['id']} is not one of "
                             f"{', '.join(s.value for s in Status)}")
        statuses[r["id"]] = r["status"]
    return statuses


@click.command("graph")
@click.option("--format", "fmt", type=Choice(FORMATS), default="text", show_default=True)
@click.option("--report", type=InputFile(),
              help="A JSON report of lcnsym verify: show each check's status.")
@click.option("--path", "paths", multiple=True, type=Folder(),
              help="A folder of your own proof modules; repeatable.")
def command(fmt, report, paths):
    """Print the dependency graph of the checks (an edge a -> b: the proof of b uses a)."""
    registry = discover(paths=paths)
    click.echo(_RENDER[fmt](registry, _statuses(report, registry) if report else None))
