"""``lcnsym arch``: the widths, ``k_v``, ``s_v`` and ``kbar`` of an architecture."""

import click

from lcnsym.cli._common import architecture_from_options, echo_json, handle_errors


@click.command("arch", short_help="Widths, k_v, s_v, kbar and degrees t_i of an architecture.")
@click.option("--d0", type=int, default=None, help="Input width (default: the smallest with d_N = 1).")
@click.option("--k", "k", required=True, help="Filter widths, e.g. 4,3.")
@click.option("--s", "s", required=True, help="Strides, e.g. 2,1.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@handle_errors
def command(d0, k, s, as_json):
    """Widths d_i (eq. 1.5), final filter width k_v and stride s_v (Prop. 1.1), kbar and the degrees t_i."""
    arch = architecture_from_options(k, s, d0)
    info = arch.as_dict()
    if as_json:
        echo_json(info)
        return
    click.echo(f"widths d     = {', '.join(map(str, arch.d))}   (N = {arch.N})")
    click.echo(f"k_v          = {arch.k_v}")
    click.echo(f"s_v          = {arch.s_v}")
    click.echo(f"kbar         = {arch.kbar}")
    click.echo(f"degrees t_i  = {', '.join(map(str, arch.t))}")
