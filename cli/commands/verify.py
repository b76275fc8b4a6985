"""``lcnsym verify``: run the registered checks of the paper in dependency order."""

import click

from lcnsym.cli._common import echo_json, handle_errors
from lcnsym.errors import UnknownDependencyError
from lcnsym.evidence import CheckConfig
from lcnsym.registry import discover
from lcnsym.report import print_table


@click.command("verify")
@click.option("--only", multiple=True, metavar="ID", help="Run only this check (and what it depends on); repeatable.")
@click.option("--profile", type=click.Choice(["quick", "thorough"]), default="quick", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every random search.")
@click.option("--json", "as_json", is_flag=True, help='Print {"results": [...]} as JSON.')
@handle_errors
def command(only, profile, seed, as_json):
    """Run every check of the paper (or --only some) and exit 0 only if all passed."""
    registry = discover()
    try:
        registry.order(only)
    except UnknownDependencyError as exc:
        raise click.UsageError(str(exc)) from None
    results = registry.run(only, CheckConfig(profile, seed))
    if as_json:
        echo_json({"profile": profile, "seed": seed, "results": [r.as_dict() for r in results]})
    else:
        print_table(results)
    if any(r.status != "pass" for r in results):
        raise SystemExit(1)
