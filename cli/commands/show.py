"""``lcnsym show``: one check in full: statement, reference, what it uses, how to see its object, its last result."""

from pathlib import Path

import click

from lcnsym.checking.cache import default_cache
from lcnsym.checking.registry import discover, load_source
from lcnsym.cli._common import Folder, echo_json
from lcnsym.errors import UnknownDependencyError


@click.command("show", short_help="One check in full, with its last recorded result.")
@click.argument("check_id", metavar="ID")
@click.option("--path", "paths", multiple=True, type=Folder(),
              help="A folder of your own proof modules; repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def command(check_id, paths, as_json):
    """Show the check ID (as in the paper: prop-1.1, lemma-2.4, ...)."""
    registry = discover(paths=paths)
    registry.order([check_id])  # an unknown id is refused, with the closest known one
    check = registry.checks[check_id]
    module = load_source(check.source)
    cache = default_cache()
    last = cache.last(check_id) if cache else None
    info = {"id": check.id, "statement": check.statement, "reference": check.reference, "depends_on": list(check.depends_on),
            "used_by": sorted(registry.graph.successors(check.id)), "module": check.module,
            "library": list(getattr(module, "LIBRARY", ())), "cli": getattr(module, "CLI", ""),
            "evidence_kind": getattr(module, "EVIDENCE", ""), "last": None if last is None else {**last.as_dict(), "when": last.cached}}
    if as_json:
        echo_json(info)
        return
    click.echo(f"{check.id}  ({check.reference or check.module})")
    click.echo(f"  {check.statement}")
    for label, key in (("depends on", "depends_on"), ("used by", "used_by"), ("uses", "library")):
        if info[key]:
            click.echo(f"  {label}: {', '.join(info[key])}")
    if info["cli"]:
        click.echo(f"  see it: {info['cli']}")
    if info["evidence_kind"]:
        click.echo(f"  evidence: {info['evidence_kind']}")
    if last is None:
        click.echo("  last result: none recorded (lcnsym verify --only " + check.id + ")")
    else:
        click.echo(f"  last result ({last.cached}): {last.status}: {last.evidence_text()}")
