"""``lcnsym verify``: run the registered checks of the paper (and your own) in dependency order."""

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lcnsym.checking.evidence import PROFILES, CheckConfig
from lcnsym.checking.registry import discover
from lcnsym.checking.report import json_report, junit_report, markdown_report, print_table, run_metadata
from lcnsym.checking.runner import executor_for, run
from lcnsym.checking.status import Status
from lcnsym.cli._common import BadRun, echo_json
from lcnsym.errors import LcnsymError


def _run(registry, only, config, workers, scheduler):
    order = registry.order(only)
    console = Console(stderr=True)
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("checks", total=len(order))
        running = set()

        def started(pid):
            running.add(pid)
            progress.update(task, description=", ".join(sorted(running)))

        def finished(res):
            running.discard(res.id)
            progress.update(task, advance=1, description=", ".join(sorted(running)) or "checks")

        with executor_for(workers, scheduler) as executor:
            return run(registry, only, config, executor=executor, on_result=finished, on_start=started)


@click.command("verify")
@click.option("--only", multiple=True, metavar="ID", help="Run only this check (and what it depends on); repeatable.")
@click.option("--profile", type=click.Choice(PROFILES), default="quick", show_default=True,
              help="quick: the whole paper in minutes; thorough: wider grids and searches, for hours on many cores.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every random search.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Local processes.")
@click.option("--scheduler", metavar="ADDRESS", default=None, help="Run on this Dask scheduler (tcp://host:8786).")
@click.option("--path", "paths", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="A folder of your own proof modules; repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report to standard output.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), help="Write JUnit XML here.")
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path), help="Write a Markdown report here.")
def command(only, profile, seed, workers, scheduler, paths, as_json, junit, markdown):
    """Run every check of the paper (or --only some) and report.

    Exit codes: 0 all passed, 1 a check failed or was blocked, 2 bad usage or input,
    3 a check crashed, timed out or stayed undecided, 130 interrupted.
    """
    try:
        registry = discover(paths=paths)
        registry.order(only)
    except LcnsymError as exc:
        raise BadRun(str(exc)) from None
    meta = run_metadata(profile, seed, workers, scheduler, paths)
    click.echo(f"lcnsym verify: profile {profile}, seed {seed}", err=True)
    try:
        results = _run(registry, only, CheckConfig(profile, seed), workers, scheduler)
    except LcnsymError as exc:
        raise BadRun(str(exc)) from None
    if as_json:
        echo_json(json_report(results, meta))
    else:
        print_table(results, meta=meta)
    if junit:
        junit.write_text(junit_report(results, meta))
    if markdown:
        markdown.write_text(markdown_report(results, meta))
    code = Status.worst_exit_code(r.status for r in results)
    if code:
        raise SystemExit(code)
