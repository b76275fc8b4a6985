"""``lcnsym verify``: run the registered checks of the paper (and your own) in dependency order."""

import json
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from lcnsym.checking.cache import default_cache
from lcnsym.checking.evidence import PROFILES, CheckConfig
from lcnsym.checking.registry import discover
from lcnsym.checking.report import html_report, json_report, junit_report, markdown_report, print_table, run_metadata
from lcnsym.checking.runner import TIMEOUTS, executor_for, run
from lcnsym.checking.status import Status
from lcnsym.cli._common import Choice, Folder, Interrupted, OutputPath, Whole, echo_json, write_output


def _address(ctx, param, value):
    if value is not None and not value.strip():
        raise click.BadParameter("an empty address (give tcp://host:port)", ctx=ctx, param=param)
    return value


def _run(registry, only, config, workers, scheduler, timeout, cache, assume):
    order = registry.order(only)
    options = {"timeout": timeout, "cache": cache, "assume": assume}
    console = Console(stderr=True)
    if not console.is_terminal:  # a CI log: one line per finished check, as it finishes
        def line(res):
            click.echo(f"{res.id}: {res.status} ({'cached' if res.cached else f'{res.seconds:.1f} s'})", err=True)

        with executor_for(workers, scheduler) as executor:
            return run(registry, only, config, executor=executor, on_result=line, **options)
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
            return run(registry, only, config, executor=executor, on_result=finished, on_start=started, **options)


@click.command("verify")
@click.option("--only", multiple=True, metavar="ID", help="Run only this check (and what it depends on); repeatable.")
@click.option("--profile", type=Choice(PROFILES), default="quick", show_default=True,
              help="quick: the whole paper in minutes; thorough: wider grids and searches, for hours on many cores.")
@click.option("--seed", type=Whole(0, 2**63 - 1), default=0, show_default=True, help="Seed of every random search.")
@click.option("--workers", type=Whole(1, 256), default=1, show_default=True, help="Local processes.")
@click.option("--scheduler", metavar="ADDRESS", default=None, callback=lambda ctx, param, value: _address(ctx, param, value),
              help="Run on this Dask scheduler (tcp://host:8786).")
@click.option("--path", "paths", multiple=True, type=Folder(),
              help="A folder of your own proof modules; repeatable. Files that declare a check (ID and check()) are "
                   "imported, so they run as code; other files are not.")
@click.option("--timeout", type=Whole(1, 10**7), default=None,
              help=f"Seconds a check may take before it is stopped and reported as an error "
                   f"(default: {', '.join(f'{p} {s} s' for p, s in TIMEOUTS.items())}).")
@click.option("--no-cache", is_flag=True, help="Run every check, even those whose inputs have not changed since a recorded result.")
@click.option("--no-deps", is_flag=True, help="With --only: take the recorded results of what the checks depend on as given "
                                              "(said in their evidence) instead of running them.")
@click.option("--traceback", "show_tracebacks", is_flag=True, help="Print the traceback of every check that crashed.")
@click.option("--json", "json_path", is_flag=False, flag_value="-", default=None, type=str, metavar="[FILE]",
              help="Print the JSON report to standard output, or write it to FILE.")
@click.option("--junit", type=OutputPath(), help="Write JUnit XML here.")
@click.option("--markdown", type=OutputPath(), help="Write a Markdown report here.")
@click.option("--html", "html_path", type=OutputPath(("html", "htm")), help="Write one self-contained HTML page here.")
@click.pass_context
def command(ctx, only, profile, seed, workers, scheduler, paths, timeout, no_cache, no_deps, show_tracebacks, json_path, junit,
            markdown, html_path):
    """Run every check of the paper (or --only some) and report.

    Results are cached by content: a check whose module, library and
    dependencies have not changed is not run again (--no-cache runs it).  On
    Ctrl-C the reports are still written, with the finished checks and the
    others marked interrupted.
    """
    param = next(p for p in ctx.command.params if p.name == "json_path")
    json_file = None if json_path in (None, "-") else OutputPath().convert(json_path, param, ctx)
    registry = discover(paths=paths)
    registry.order(only)
    meta = run_metadata(profile, seed, workers, scheduler, paths)
    click.echo(f"lcnsym verify: profile {profile}, seed {seed}", err=True)
    if no_deps and not only:
        raise click.UsageError("--no-deps goes with --only: it names the checks to run without what they depend on", ctx)
    cache = None if no_cache else default_cache()
    assume = [pid for pid in registry.order(only) if pid not in only] if no_deps else []
    results = _run(registry, only, CheckConfig(profile, seed), workers, scheduler, timeout, cache, assume)
    report = json_report(results, meta, registry)
    if json_path == "-":
        echo_json(report)
    else:
        print_table(results, meta=meta, groups={pid: c.group for pid, c in registry.checks.items()})
    written = [write_output(path, text(results, meta), what) for path, text, what in (
        (json_file, lambda r, m: json.dumps(report, indent=2, default=str), "JSON report"),
        (junit, junit_report, "JUnit report"), (markdown, markdown_report, "Markdown report"),
        (html_path, lambda r, m: html_report(r, m, registry), "HTML report")) if path]
    if show_tracebacks:
        for r in results:
            if r.traceback:
                click.echo(f"\n{r.id}: {r.message}\n{r.traceback}", err=True)
    statuses = [r.status for r in results]
    if Status.INTERRUPTED in statuses:
        raise Interrupted("interrupted: the reports hold the finished checks; the others are marked interrupted")
    code = Status.worst_exit_code(statuses)
    if not all(written):
        code = max(code, 3)
    if code:
        ctx.exit(code)
