"""``lcnsym flow``: integrate the gradient flow in arbitrary precision."""

from fractions import Fraction
import json
from pathlib import Path
import random

import click
import mpmath
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from lcnsym.bounds import balancedness, g_bound, tau
from lcnsym.cli._common import architecture_from_options, echo_json, handle_errors
from lcnsym.errors import HypothesisFails, ParseError
from lcnsym.flow import ENGINES, gradient_flow
from lcnsym.losses import parse_loss
from lcnsym.parsing import parse_rational
from lcnsym.risk import validate_data
from lcnsym.roots import mpf_to_fraction


def _read_json(path, what):
    try:
        return json.loads(Path(path).read_text(), parse_float=parse_rational)
    except (OSError, ValueError) as exc:
        raise ParseError(f"cannot read {what} file {path}: {exc}") from None


def _random_problem(arch, m, seed):
    rng = random.Random(seed)
    X = [[Fraction(rng.randint(-8, 8), 4) for _ in range(m)] for _ in range(arch.d0)]
    Y = [[Fraction(rng.randint(-8, 8), 4) for _ in range(m)] for _ in range(arch.dN)]
    w0 = [[Fraction(rng.choice([-1, 1]) * rng.randint(1, 8), 4) for _ in range(k)] for k in arch.k]
    return X, Y, w0


def _a_priori_tau(arch, data, loss, traj, w0):
    """tau of Lemma 3.5 with T = g(L(w0)) of Lemma 3.6 (L is non-increasing along the flow)."""
    try:
        with mpmath.workdps(traj.dps):
            T = g_bound(traj.losses[0], loss, data, arch.dN) * (1 + mpmath.mpf(10) ** -(traj.dps - 5))
    except HypothesisFails as exc:
        return None, str(exc)
    return tau(mpf_to_fraction(T), arch.k_v, balancedness([[Fraction(c) for c in w] for w in w0])), None


@click.command("flow", short_help="Integrate the gradient flow dw/dt = -grad L(w) in arbitrary precision.")
@click.option("--k", "k", required=True, help="Filter widths, e.g. 2,2.")
@click.option("--s", "s", required=True, help="Strides, e.g. 1,1.")
@click.option("--d0", type=int, default=None, help="Input width (default: the smallest with d_N = 2).")
@click.option("--data", "data_file", type=click.Path(dir_okay=False), help='JSON {"X": [[...]...], "Y": [[...]...]}; rows of X are the d0 coordinates.')
@click.option("--random-data", "m", type=click.IntRange(min=1), default=None, help="Random rational data with M samples (default 6).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random data and initialization.")
@click.option("--init", "init_file", type=click.Path(dir_okay=False), help='JSON {"w": [[...], ...]}, one list per layer.')
@click.option("--loss", "loss_text", default="square", show_default=True, help="square, lp:4, pseudo-huber:1, gen-huber:1,0.5, log-cosh:1.")
@click.option("--t-max", type=float, default=20.0, show_default=True)
@click.option("--dps", type=click.IntRange(10, 1000), default=30, show_default=True)
@click.option("--grad-tol", type=float, default=1e-20, show_default=True, help="Stop when ||grad L|| falls below this.")
@click.option("--samples", type=click.IntRange(min=1), default=40, show_default=True, help="Sample times.")
@click.option("--engine", type=click.Choice(ENGINES), default="taylor", show_default=True,
              help="taylor: jet transport in gmpy2; odefun: mpmath.odefun, the slow reference.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write a PNG of the loss, gradient norm, layer norms and drift.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@handle_errors
def command(k, s, d0, data_file, m, seed, init_file, loss_text, t_max, dps, grad_tol, samples, engine, plot, as_json):
    """Integrate dw/dt = -grad L(w) (eq. 1.7) and report the loss, the gradient, the invariants of Lemma 3.3 and tau."""
    arch = architecture_from_options(k, s, d0, dN=2)
    loss = parse_loss(loss_text)
    X, Y, w0 = _random_problem(arch, m or 6, seed)
    if data_file:
        raw = _read_json(data_file, "data")
        if not isinstance(raw, dict) or "X" not in raw or "Y" not in raw:
            raise ParseError(f'{data_file} must hold an object {{"X": [[...]], "Y": [[...]]}}')
        X, Y = raw["X"], raw["Y"]
    if init_file:
        raw = _read_json(init_file, "initialization")
        if not isinstance(raw, dict) or "w" not in raw:
            raise ParseError(f'{init_file} must hold an object {{"w": [[...], ...]}}')
        w0 = raw["w"]
    data = validate_data(arch, X, Y)
    console = Console(stderr=True)
    with Progress(TextColumn("flow"), BarColumn(), TextColumn("t = {task.completed:.3g}"), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("flow", total=float(t_max))
        traj = gradient_flow(arch, data, loss, w0, t_max, dps=dps, grad_tol=grad_tol, samples=samples, engine=engine,
                             progress=lambda t, end: bar.update(task, completed=float(t)))
    if traj.interrupted:
        click.echo(traj.message, err=True)
    bound, why = _a_priori_tau(arch, data, loss, traj, w0)
    digits = min(dps, 30)
    with mpmath.workdps(dps):
        out = {
            "k": list(arch.k), "s": list(arch.s), "d0": arch.d0, "loss": loss.label(), "engine": engine, "dps": dps,
            "t_final": mpmath.nstr(traj.times[-1], digits), "loss_initial": mpmath.nstr(traj.losses[0], digits),
            "loss_final": mpmath.nstr(traj.losses[-1], digits), "grad_norm_final": mpmath.nstr(traj.grad_norms[-1], 5),
            "balancedness_drift": mpmath.nstr(traj.balancedness_drift(), 5), "converged": traj.converged,
            "message": traj.message, "loss_non_increasing": traj.loss_non_increasing(),
            "w_final": [[mpmath.nstr(c, digits) for c in w] for w in traj.states[-1]],
            "tau": None if bound is None else mpmath.nstr(mpmath.mpf(bound.numerator) / bound.denominator, 10),
            "tau_note": why or "tau of Lemma 3.5 with T = g(L(w0)) of Lemma 3.6",
            "max_layer_norm_sq": mpmath.nstr(traj.max_layer_norm_sq(), digits),
        }
    if plot:
        from lcnsym.plotting import plot_trajectory

        plot_trajectory(traj, plot, f"k={arch.k}, s={arch.s}, {loss.label()}")
        out["plot"] = plot
    if as_json:
        echo_json(out)
        return
    click.echo(f"k = {arch.k}, s = {arch.s}, d0 = {arch.d0}, loss {loss.label()}, engine {engine}, {dps} digits")
    click.echo(f"t: 0 -> {out['t_final']}   L: {out['loss_initial']} -> {out['loss_final']}")
    click.echo(f"||grad L|| = {out['grad_norm_final']}   balancedness drift = {out['balancedness_drift']}")
    click.echo(f"max ||w^(i)||^2 = {out['max_layer_norm_sq']} <= tau = {out['tau']} ({out['tau_note']})")
    click.echo(traj.message)
