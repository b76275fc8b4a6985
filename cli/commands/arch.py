"""``lcnsym arch``: the widths, ``k_v``, ``s_v`` and ``kbar`` of an architecture."""

import click

from lcnsym.algebra.architecture import MAX_SIZE
from lcnsym.cli._common import IntList, Whole, architecture_from_options, echo_json
from lcnsym.numeric import show


def _list(values):
    return ", ".join(show(v) for v in values)


@click.command("arch", short_help="Widths, k_v, s_v, kbar and degrees t_i of an architecture.")
@click.option("--d0", type=Whole(1, MAX_SIZE), default=None, help="Input width (default: the smallest with d_N = 1).")
@click.option("--k", "k", required=True, type=IntList(), help="Filter widths, e.g. 4,3.")
@click.option("--s", "s", required=True, type=IntList(), help="Strides, e.g. 2,1.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def command(d0, k, s, as_json):
    """Widths d_i (eq. 1.5), final filter width k_v and stride s_v (Prop. 1.1), kbar and the degrees t_i."""
    arch = architecture_from_options(k, s, d0)
    info = arch.as_dict()
    if as_json:
        echo_json(info)
        return
    lines = [f"widths d     = {_list(arch.d)}   (N = {arch.N})", f"k_v          = {show(arch.k_v)}",
             f"s_v          = {show(arch.s_v)}", f"kbar         = {show(arch.kbar)}", f"degrees t_i  = {_list(arch.t)}"]
    click.echo("\n".join(lines))  # built whole before printing: nothing half printed
