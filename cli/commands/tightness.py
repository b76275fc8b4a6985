"""``lcnsym tightness``: how tight the paper's constants are (the 1 of Lemmas 2.2 and 2.3, the 6 of Lemma 2.4, tau of
Lemma 3.5): the largest ratios a seeded search finds, each with an exact witness and a certified value."""

import click

from lcnsym.cli._common import Choice, Failed, OutputPath, Whole, busy, dps_option, echo_json, write_output
from lcnsym.errors import InputError, WorkLimitError
from lcnsym.exploration.tightness import (DEFAULT_EFFORT, LEMMAS, MAX_DEGREE, MAX_FACTORS, QUANTITIES, REFERENCES,
                                          tightness)
from lcnsym.numeric import DEFAULT_DPS, parse_rational, to_float

LONG_SEARCH = 2000
"""Ratio evaluations (or 20 x flows) above which a spinner shows on a terminal."""

_DEFAULTS = ", ".join(f"{lemma}: {r} x {s}" for lemma, (r, s) in DEFAULT_EFFORT.items())


def _brief(text):
    """Six significant digits of a decimal ratio (for the summary line)."""
    return "none" if text is None else f"{to_float(parse_rational(text)):.6g}"


@click.command("tightness", short_help="How tight the constants are: the largest ratios a search finds.")
@click.option("--lemma", required=True, type=Choice(LEMMAS),
              help="2.2: |||p_1..p_N|||_1 / prod |||p_i|||_1; 2.3: max |x| / A; 2.4: max |||u_i|||_1 / (n T); "
                   "tau: max ||w^(i)||^2 / tau along flows.")
@click.option("--degree", required=True, type=Whole(1, MAX_DEGREE),
              help="Largest degree searched (of p; of the product for 2.2; k_v - 1 for tau, at most 8).")
@click.option("--restarts", type=Whole(1), default=None, help=f"Random starts per degree (default per lemma, {_DEFAULTS}).")
@click.option("--steps", type=Whole(0), default=None, help="Hill-climbing steps after each start (default per lemma).")
@click.option("--factors", type=Whole(1, MAX_FACTORS), default=2, show_default=True,
              help="N: factors of the product (2.2) or layers of the network (tau, at most 4).")
@click.option("--seed", type=Whole(0, 2**63 - 1), default=0, show_default=True, help="Seed of the search.")
@dps_option(DEFAULT_DPS, "Digits of the certified ratios (and of the flows for tau).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--output", type=OutputPath(("json",)), default=None, help="Also save the JSON object to this file.")
def command(lemma, degree, restarts, steps, factors, seed, dps, as_json, output):
    """Search (seeded random restarts, then a hill climb on exact rational coefficients) for the largest ratio of a
    lemma's constant, in every degree from 1 to --degree.  Every witness is exact; its ratio is certified (exact, or a
    ball's midpoint and radius).  The paper's bound is printed beside it."""
    first, each = DEFAULT_EFFORT[lemma]
    work = (restarts or first) * ((each if steps is None else steps) + 1) * degree * (20 if lemma == "tau" else 1)
    try:
        with busy(f"searching Lemma {lemma} up to degree {degree}", work > LONG_SEARCH):
            report = tightness(lemma, degree, restarts=restarts, steps=steps, seed=seed, dps=dps, factors=factors)
    except WorkLimitError as exc:
        raise click.BadParameter(str(exc), param_hint="'--restarts' / '--steps'") from None
    except InputError as exc:
        what = getattr(exc, "what", None)
        if what in ("degree", "factors", "restarts", "steps", "seed"):
            raise click.BadParameter(str(exc), param_hint=f"'--{what}'") from None
        raise
    data = report.as_dict()
    saved = output is None or write_output(output, report.to_json() + "\n", "report")
    if as_json:
        echo_json(data)
    else:
        click.echo("\n".join(_summary(report, data)))
    if output is not None and saved and not as_json:
        click.echo(f"saved the JSON report to {output}")
    if not saved:  # the result is printed all the same; the run did not complete what was asked
        raise Failed(f"the report was not written to {output}")


def _summary(report, data):
    cert = data["certified_ratio"]
    if cert["exact"] is None:
        value = f"{cert['mid']} +/- {cert['rad']}"
    else:
        value = cert["mid"] if len(cert["exact"]) > 40 else f"{cert['exact']} = {cert['mid']}"
        value += " (exact; --json for the rational)" if len(cert["exact"]) > 40 else " (exact)"
    verdict = {True: "within the bound", False: "ABOVE THE BOUND", None: "undecided against the bound"}[data["within_bound"]]
    lines = [f"{REFERENCES[report.lemma]}: {QUANTITIES[report.lemma]}",
             f"largest ratio at degree {report.degree}: {value}; the paper's bound: {data['bound']} ({verdict})"]
    w = data["witness"]
    if report.lemma in ("2.3", "2.4"):
        lines.append(f"witness a_0..a_n: {', '.join(w)}")
    elif report.lemma == "2.2":
        lines.append("witness factors: " + "; ".join("[" + ", ".join(p) + "]" for p in w))
    else:
        lines.append(f"witness: k = {w['k']}, data seed {w['data_seed']}, w0 = {w['w0']}, state at t = {data['details']['t']} "
                     f"(--json for the exact state)")
    lines.append("by degree: " + ", ".join(f"{n}: {_brief(e['best_ratio'])}" for n, e in data["by_degree"].items()))
    e = data["effort"]
    lines.append(f"effort: {e['instances']} instances, {e['local_steps']} local steps ({e['accepted_steps']} accepted), "
                 f"{e['skipped']} skipped, {e['restarts']} restarts, {e['seconds']} s")
    return lines
