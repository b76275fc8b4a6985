"""``lcnsym graph``: the dependency graph of the checks."""

import json
from pathlib import Path

import click

from lcnsym.cli._common import BadRun
from lcnsym.errors import LcnsymError
from lcnsym.checking.graph import FORMATS, graph_dot, graph_mermaid, graph_text
from lcnsym.checking.registry import discover

_RENDER = {"text": graph_text, "mermaid": graph_mermaid, "dot": graph_dot}


def _statuses(report):
    try:
        data = json.loads(report.read_text())
        return {r["id"]: r["status"] for r in data["results"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadRun(f"{report} is not a JSON report of lcnsym verify --json: {exc}") from None


@click.command("graph")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--report", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JSON report of lcnsym verify: show each check's status.")
@click.option("--path", "paths", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="A folder of your own proof modules; repeatable.")
def command(fmt, report, paths):
    """Print the dependency graph of the checks (an edge a -> b: the proof of b uses a)."""
    try:
        registry = discover(paths=paths)
    except LcnsymError as exc:
        raise BadRun(str(exc)) from None
    click.echo(_RENDER[fmt](registry, _statuses(report) if report else None))
