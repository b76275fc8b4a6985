"""``lcnsym list``: the registered checks, their statements, references, evidence kinds and last statuses."""

from pathlib import Path

import click

from lcnsym.checking.cache import default_cache
from lcnsym.checking.registry import discover, load_source
from lcnsym.cli._common import Folder, echo_json


def check_rows(paths=()):
    """One dict per check in dependency order: id, statement, reference, depends_on, module, evidence kind, last status."""
    registry = discover(paths=paths)
    cache = default_cache()
    rows = []
    for pid in registry.order():
        check = registry.checks[pid]
        module = load_source(check.source)
        last = cache.last(pid) if cache else None
        rows.append({"id": pid, "statement": check.statement, "reference": check.reference, "depends_on": list(check.depends_on), "group": check.group,
                     "module": check.module, "evidence": getattr(module, "EVIDENCE", ""),
                     "last_status": None if last is None else str(last.status), "last_run": None if last is None else last.cached})
    return rows


@click.command("list", short_help="The checks: ids, statements, references, evidence kinds, last statuses.")
@click.option("--path", "paths", multiple=True, type=Folder(),
              help="A folder of your own proof modules; repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def command(paths, as_json):
    """List every registered check in dependency order, with its last recorded status."""
    rows = check_rows(paths)
    if as_json:
        echo_json({"checks": rows})
        return
    group = None
    for r in sorted(rows, key=lambda r: r["group"] != "the paper"):  # the paper first; dependency order within a group
        if r["group"] != group:
            group = r["group"]
            click.echo(f"-- {group} --")
        kind = r["evidence"].split(":")[0] if r["evidence"] else "?"
        status = r["last_status"] or "never run"
        click.echo(f"{r['id']:<12} {status:<11} {kind:<10} {r['reference'] or r['module']}")
        click.echo(f"{'':<12} {r['statement']}")
