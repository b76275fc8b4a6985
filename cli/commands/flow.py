"""``lcnsym flow``: integrate the gradient flow in arbitrary precision."""

from contextlib import contextmanager
import time

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from lcnsym.algebra.architecture import MAX_SIZE
from lcnsym.cli._common import (CheckFailed, Choice, Failed, InputFile, IntList, Interrupted, LossSpec, OutputPath, Rational, Whole,
                                architecture_from_options, busy, dps_option, echo_json, problem_from_options, write_output)
from lcnsym.dynamics.bounds import balancedness, g_bound, tau
from lcnsym.dynamics.data import MAX_DATA_ENTRIES, random_start
from lcnsym.dynamics.engines import DEFAULT_ENGINE, MAX_STEP_SECONDS, MAX_STEPS, engine_help, engine_table
from lcnsym.dynamics.flow import MAX_SAMPLES, SPACINGS, gradient_flow
from lcnsym.dynamics.losses import loss_help
from lcnsym.errors import HypothesisFails, LossDefinitionError, ParseError
from lcnsym.numeric import DEFAULT_DPS, abbreviate, show, show_upper, to_float, to_rational, tolerance
from lcnsym.parsing import read_json


CLASSIFY_GUARD = 5
"""Guard digits of a flow run with --classify."""

LOG_INTERVAL = 20.0
"""Seconds between progress lines on a stderr that is not a terminal (a CI log), from the first 20 s of a run on."""


@contextmanager
def _progress(t_max):
    """A ``progress`` for :func:`gradient_flow`: a live line on a terminal (t, L, ||grad L||, steps per second, the time
    to t_max), or a line every :data:`LOG_INTERVAL` seconds of a long run in a log."""
    console = Console(stderr=True)
    if console.is_terminal:
        with Progress(BarColumn(bar_width=12), TextColumn("{task.description}"), console=console, transient=True) as bar:
            task = bar.add_task("starting", total=to_float(t_max))
            yield lambda p: bar.update(task, completed=p.t, description=p.line())
        return
    last = [time.monotonic()]

    def log(p):
        if time.monotonic() - last[0] >= LOG_INTERVAL:
            last[0] = time.monotonic()
            click.echo(f"flow: {p.line()}", err=True)

    yield log


def _a_priori_tau(arch, data, loss, traj, w0):
    """tau of Lemma 3.5 with T = g(L(w0)) of Lemma 3.6 (L is non-increasing along the flow)."""
    try:
        T = to_rational(g_bound(traj.losses[0], loss, data, arch.dN, dps=traj.dps), floats=True) * (1 + tolerance(traj.dps, 5))
    except (HypothesisFails, LossDefinitionError) as exc:  # no g without full-rank data or an h of (3.8)
        return None, str(exc)
    return tau(T, arch.k_v, balancedness([[to_rational(c, floats=True) for c in w] for w in w0])), None


@click.command("flow", short_help="Integrate the gradient flow dw/dt = -grad L(w) in arbitrary precision.")
@click.option("--k", "k", required=True, type=IntList(), help="Filter widths, e.g. 2,2.")
@click.option("--s", "s", required=True, type=IntList(), help="Strides, e.g. 1,1.")
@click.option("--d0", type=Whole(1, MAX_SIZE), default=None, help="Input width (default: the smallest with d_N = 2).")
@click.option("--data", "data_file", type=InputFile(), help='JSON {"X": [[...]...], "Y": [[...]...]}; rows of X are the d0 coordinates.')
@click.option("--random-data", "m", type=Whole(1), default=None, help="Random rational data with M samples (default d0 + 2).")
@click.option("--seed", type=Whole(0, 2**63 - 1), default=0, show_default=True, help="Seed of the random data and initialization.")
@click.option("--init", "init_file", type=InputFile(), help='JSON {"w": [[...], ...]}, one list per layer.')
@click.option("--loss", "loss", default="square", show_default=True, type=LossSpec(), help=loss_help())
@click.option("--t-max", default="20", show_default=True, type=Rational(), help="End of the time interval (exact: 20, 0.5, 1/3).")
@dps_option(DEFAULT_DPS, "Working precision (digits).")
@click.option("--grad-tol", default="1e-20", show_default=True, type=Rational(), help="Stop when ||grad L|| falls below this (>= 0).")
@click.option("--samples", type=Whole(1, MAX_SAMPLES), default=40, show_default=True,
              help="Sample times (each costs an evaluation of the risk and its gradient).")
@click.option("--engine", type=Choice(sorted(engine_table())), default=DEFAULT_ENGINE, show_default=True, help=engine_help())
@click.option("--max-steps", type=Whole(1), default=MAX_STEPS, show_default=True, help="The most integration steps before giving up.")
@click.option("--max-step-seconds", type=Whole(1), default=MAX_STEP_SECONDS, show_default=True,
              help="Refuse a run whose single step is estimated to take longer (high --dps, large problems).")
@click.option("--max-entries", type=Whole(1), default=MAX_DATA_ENTRIES, show_default=True,
              help="The most entries (d0 + dN) m the data may have.")
@click.option("--spacing", type=Choice(SPACINGS), default="auto", show_default=True,
              help="Sample times: linear; log (six decades below --t-max); auto (linear, and log-spaced near t = 0, where L changes fastest).")
@click.option("--plot", type=OutputPath(("png", "pdf", "svg")), help="Write a plot of the loss, gradient norm, layer norms and drift (.png, .pdf, .svg).")
@click.option("--out", "out_file", type=OutputPath(("json", "csv")), help="Write every sample (t, w, L, ||grad L||, invariants, layer norms) "
                                                               "with --dps digits (.json reads back with Trajectory.from_json, or .csv).")
@click.option("--compare", multiple=True, metavar="SPEC", help='Also run with another loss or start and overlay it in --plot: '
              '"loss=log-cosh:1", "seed=3" (the random start of seed 3; not with --init), or both "loss=lp:4,seed=3"; repeatable.')
@click.option("--classify", is_flag=True, help="Square loss: which exactly computed critical point the limit is (to "
              "10^-(dps-5); lcnsym critical), its kind, and whether it is a global minimum. The flow then runs with 5 guard "
              "digits and the default --grad-tol becomes 10^-dps, so that it comes that close.")
@click.option("--certify", is_flag=True, help="With --engine certified: try the convergence certificate at the last "
              "enclosure (a unique critical point in a ball, the Hessian positive definite on the balanced slice there, the "
              "flow unable to leave it); says which condition failed otherwise.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def command(ctx, k, s, d0, data_file, m, seed, init_file, loss, t_max, dps, grad_tol, samples, engine, max_steps, max_step_seconds,
            max_entries, spacing,
            plot, out_file, compare, classify, certify, as_json):
    """Integrate dw/dt = -grad L(w) (eq. 1.7) and report the loss, the gradient, the invariants of Lemma 3.3 and tau.

    On Ctrl-C the trajectory so far is reported, up to the last state computed.
    """
    arch = architecture_from_options(k, s, d0, dN=2)
    data, w0 = problem_from_options(arch, data_file, m, seed, max_entries)
    if init_file:
        raw = read_json(init_file, "--init file")
        if not isinstance(raw, dict) or "w" not in raw:
            raise ParseError(f'--init file {init_file} must hold an object {{"w": [[...], ...]}}')
        w0 = raw["w"]
    if certify and engine != "certified":
        raise click.BadParameter(f"--certify needs --engine certified (the certificate starts from a rigorous enclosure), "
                                 f"got --engine {engine}", param_hint="--certify")
    report = None
    if classify:
        if loss.label() != "square":
            raise click.BadParameter(f"--classify needs --loss square (the critical points are computed exactly for it), "
                                     f"got {loss.label()}", param_hint="--classify")
        from lcnsym.exploration.critical import critical_points

        with busy("computing the critical points exactly", long=arch.kbar - arch.N >= 3):
            report = critical_points(arch, data, dps=dps)  # refused before the flow if the instance is too large
        if ctx.get_parameter_source("grad_tol") == click.core.ParameterSource.DEFAULT:
            grad_tol = tolerance(dps + CLASSIFY_GUARD, CLASSIFY_GUARD)  # 10^-dps: the state comes within ~10^-dps of the limit
    with _progress(t_max) as progress:
        options = dict(dps=dps + (CLASSIFY_GUARD if classify else 0), grad_tol=grad_tol, samples=samples, engine=engine,
                       max_steps=max_steps, spacing=spacing, max_step_seconds=max_step_seconds, progress=progress)
        others = [_parse_compare(spec, loss, seed) for spec in compare]  # refused before any work
        if init_file and any(other_seed != seed for _, other_seed in others):
            raise click.BadParameter("seed=N compares the random start of seed N, and --init gives the start: compare "
                                     "losses (loss=...) with --init", param_hint="--compare")
        traj = gradient_flow(arch, data, loss, w0, t_max, **options)
        runs = [(f"{loss.label()}, seed {seed}", traj)]
        for other_loss, other_seed in others:
            if traj.interrupted:
                break
            start = random_start(arch, other_seed) if other_seed != seed else w0
            runs.append((f"{other_loss.label()}, seed {other_seed}", gradient_flow(arch, data, other_loss, start, t_max, **options)))
    bound, why = _a_priori_tau(arch, data, loss, traj, w0)
    largest = traj.max_layer_norm_sq()
    out = {
        "k": list(arch.k), "s": list(arch.s), "d0": arch.d0, "loss": loss.label(), "engine": engine, "dps": dps,
        "t_final": show(traj.times[-1], dps), "loss_initial": show(traj.losses[0], dps),
        "loss_final": show(traj.losses[-1], dps), "grad_norm_final": show(traj.grad_norms[-1], dps),
        "balancedness_drift": show(traj.balancedness_drift(), 5), "converged": traj.converged,
        "interrupted": traj.interrupted, "message": traj.message, "loss_non_increasing": traj.loss_non_increasing(),
        "w_final": [[show(c, dps) for c in w] for w in traj.states[-1]],
        "tau": None if bound is None else show(bound),
        "tau_note": why or "tau of Lemma 3.5 with T = g(L(w0)) of Lemma 3.6, exactly",
        "max_layer_norm_sq": show(largest, dps),
        # compared, not asserted: the samples' largest layer norm (at --dps digits) against tau, exactly
        "within_tau": None if bound is None else to_rational(largest, floats=True) <= bound,
    }
    if traj.enclosures:
        from lcnsym.dynamics.certificate import certify_flow, enclosure_table

        out["enclosure"] = enclosure_table(arch, traj.enclosures[-1], dps)
        out["enclosure_radius"] = show_upper(traj.enclosures[-1].radius)
        if certify and not traj.interrupted:
            with busy("trying the convergence certificate", long=False):
                out["certificate"] = certify_flow(arch, data, loss, w0, traj, dps=dps).as_dict()
    if report is not None:
        from lcnsym.exploration.landscape import classify_limit

        out["grad_tol"] = show(grad_tol)
        out["classification"] = classify_limit(arch, data, traj.states[-1], report=report, dps=dps).as_dict()
        out["critical_points"] = {"complex_count": report.complex_count, "real": len(report.real),
                                  "routes_agree": report.routes_agree}
    if len(runs) > 1:
        out["compare"] = [{"run": label, "t_final": show(r.times[-1], dps), "loss_final": show(r.losses[-1], dps),
                           "grad_norm_final": show(r.grad_norms[-1], dps), "converged": r.converged} for label, r in runs[1:]]
    plot_error = None
    if plot:
        from lcnsym.dynamics.plotting import plot_trajectories

        try:
            plot_trajectories([r for _, r in runs], [label for label, _ in runs], plot, f"k={arch.k}, s={arch.s}")
            out["plot"] = str(plot)
        except (OSError, ValueError, RuntimeError) as exc:  # the result is printed all the same
            plot_error = f"could not write the plot {plot}: {exc}"
    if out_path := out_file:
        text = traj.to_csv() if out_path.suffix.lower() == ".csv" else traj.to_json()
        if write_output(out_path, text, "--out file"):
            out["out"] = str(out_path)
        else:
            plot_error = plot_error or f"could not write {out_path}"
    if as_json:
        echo_json(out)
    else:
        _print_text(arch, loss, engine, dps, out, bound, traj)
    if traj.interrupted:
        raise Interrupted(traj.message)
    if plot_error:
        raise Failed(plot_error)
    if out["within_tau"] is False:
        raise CheckFailed(f"max ||w^(i)||^2 = {out['max_layer_norm_sq']} is above tau: Lemma 3.5 fails along this flow")


def _parse_compare(spec, loss, seed):
    """``(loss, seed)`` of a ``--compare`` spec such as ``loss=log-cosh:1,seed=3`` (the loss's own commas are kept)."""
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.parsing import parse_int

    found = {}
    for part in spec.replace(",seed=", ";seed=").replace(",loss=", ";loss=").split(";"):
        key, sep, value = part.partition("=")
        if not sep or key.strip() not in ("loss", "seed") or key.strip() in found:
            raise ParseError(f"--compare: {abbreviate(spec)} is not of the form loss=LOSS, seed=N or loss=LOSS,seed=N")
        found[key.strip()] = value.strip()
    other_loss = parse_loss(found["loss"]) if "loss" in found else loss
    return other_loss, parse_int(found["seed"], "--compare seed") if "seed" in found else seed


def _print_text(arch, loss, engine, dps, out, bound, traj):
    click.echo(f"k = {arch.k}, s = {arch.s}, d0 = {arch.d0}, loss {loss.label()}, engine {engine}, {dps} digits")
    click.echo(f"t: 0 -> {out['t_final']}")
    click.echo(f"L: {out['loss_initial']} -> {out['loss_final']}")
    click.echo(f"||grad L|| = {out['grad_norm_final']}   balancedness drift = {out['balancedness_drift']}")
    if bound is None:
        tau_text = "not available"
    else:
        exact = show(bound)
        tau_text = exact if len(exact) <= 40 else f"{to_float(bound):.6g} (an exact rational of {len(exact)} characters: --json prints it)"
    relation = {True: "<=", False: "> (ABOVE: Lemma 3.5 fails here)", None: "against"}[out["within_tau"]]
    click.echo(f"max ||w^(i)||^2 = {out['max_layer_norm_sq']} {relation} tau = {tau_text} ({out['tau_note']})")
    click.echo(traj.message)
    for run in out.get("compare", []):
        click.echo(f"compared: {run['run']}: L -> {run['loss_final']}, ||grad L|| = {show_short(run['grad_norm_final'])}, "
                   f"{'converged' if run['converged'] else 'not converged'} at t = {show_short(run['t_final'])}")
    if "enclosure" in out:
        click.echo(f"enclosure at t = {show_short(out['t_final'])}: every entry within {out['enclosure_radius']} "
                   f"(Euclidean radius) of w_final (certified engine)")
    if "certificate" in out:
        cert = out["certificate"]
        if cert["converges"]:
            click.echo(f"certificate: the flow converges (certified) to a {cert['kind']}, w*, within {cert['radius']} of "
                       f"the centre that --json prints; {cert['bound']}")
        else:
            click.echo(f"certificate: none ({cert['failed']})")
    if "classification" in out:
        c, listed = out["classification"], out["critical_points"]
        if c["point"] is None:
            click.echo(f"limit: no listed real critical point within {c['accepted_below']} (nearest at {c['distance']}; "
                       f"{listed['real']} listed): run longer or raise --dps")
        else:
            click.echo(f"limit = critical point {c['point']} of {listed['real']} (lcnsym critical), a {c['kind']}, "
                       f"within {c['distance']} on the slice; L = {c['loss']}")
        click.echo(f"global minimum: {c['global_minimum']}, by {c['by']}")
    if "plot" in out:
        click.echo(f"plot written to {out['plot']}")
    if "out" in out:
        click.echo(f"samples written to {out['out']}")


def show_short(text):
    """A number's text cut to 6 significant digits for a summary line."""
    mantissa, _, exponent = text.partition("e")
    head = mantissa[:8] if "." in mantissa[:8] else mantissa
    return head + (f"e{exponent}" if exponent else "")
