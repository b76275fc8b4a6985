"""``lcnsym arch``: the widths, ``k_v``, ``s_v`` and ``kbar`` of an architecture; with ``--filling``, whether every
filter is a final filter, and the neuromanifold's dimension."""

import click

from lcnsym.algebra.architecture import MAX_SIZE
from lcnsym.cli._common import IntList, Whole, architecture_from_options, busy, echo_json
from lcnsym.exploration.filling import filling
from lcnsym.numeric import show


def _list(values):
    return ", ".join(show(v) for v in values)


@click.command("arch", short_help="Widths, k_v, s_v, kbar and degrees t_i of an architecture.")
@click.option("--d0", type=Whole(1, MAX_SIZE), default=None, help="Input width (default: the smallest with d_N = 1).")
@click.option("--k", "k", required=True, type=IntList(), help="Filter widths, e.g. 4,3.")
@click.option("--s", "s", required=True, type=IntList(), help="Strides, e.g. 2,1.")
@click.option("--filling", "with_filling", is_flag=True,
              help="Decide whether every filter is a final filter ([7, Thm 4.1], or a dimension count) and compute the "
                   "neuromanifold's dimension, with certificates.")
@click.option("--seed", type=Whole(0, 2**63 - 1), default=0, show_default=True,
              help="Seed of the random rational points where the Jacobian's rank is computed (with --filling).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def command(d0, k, s, with_filling, seed, as_json):
    """Widths d_i (eq. 1.5), final filter width k_v and stride s_v (Prop. 1.1), kbar and the degrees t_i.

    With --filling: whether the architecture is filling, decided by a theorem or by a computation, the dimension of the
    image of pi (the exact rank of its Jacobian at random rational points, certified by a nonzero maximal minor) and,
    when it is not filling, a filter outside the image with the argument."""
    arch = architecture_from_options(k, s, d0)
    info = arch.as_dict()
    report = None
    if with_filling:
        with busy("deciding filling", long=arch.k_v * arch.kbar > 2000):
            report = filling(arch, seed=seed)
        info.update({key: value for key, value in report.as_dict().items() if key not in ("k", "s", "k_v")})
    if as_json:
        echo_json(info)
        return
    lines = [f"widths d     = {_list(arch.d)}   (N = {arch.N})", f"k_v          = {show(arch.k_v)}",
             f"s_v          = {show(arch.s_v)}", f"kbar         = {show(arch.kbar)}", f"degrees t_i  = {_list(arch.t)}"]
    if report is not None:
        lines += _filling_lines(report)
    click.echo("\n".join(lines))  # built whole before printing: nothing half printed


def _filling_lines(report):
    verdict = {True: "yes", False: "no", None: "undecided"}[report.filling]
    dimension = (f"{report.dimension} (certified: a nonzero {report.dimension} x {report.dimension} minor of the Jacobian)"
                 if report.dimension_certified else
                 f"at least {report.dimension}, at most {report.dimension_upper} (the rank at a random point)")
    lines = [f"dimension    = {dimension}", f"filling      = {verdict}, by {report.decided_by}: {report.argument}"]
    if report.certificate is not None:
        v = report.certificate["filter"]
        shown = ", ".join(v) if len(v) <= 12 else ", ".join(v[:6] + ["..."] + v[-3:]) + f"; {len(v)} in all, --json for each"
        lines.append(f"outside      = v = [{shown}] (coefficients of x^0, x^1, ...)")
    return lines
