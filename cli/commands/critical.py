"""``lcnsym critical``: every complex critical point of the square loss on a small instance, the real ones classified."""

import click

from lcnsym.algebra.architecture import MAX_SIZE
from lcnsym.cli._common import (InputFile, IntList, Whole, architecture_from_options, busy, dps_option, echo_json,
                                problem_from_options)
from lcnsym.dynamics.data import MAX_DATA_ENTRIES
from lcnsym.exploration.critical import critical_points


@click.command("critical", short_help="All critical points of the square loss on a small instance, exactly.")
@click.option("--k", "k", required=True, type=IntList(), help="Filter widths, e.g. 2,2 (at most two with k_i >= 2).")
@click.option("--s", "s", required=True, type=IntList(), help="Strides, e.g. 1,1.")
@click.option("--d0", type=Whole(1, MAX_SIZE), default=None, help="Input width (default: the smallest with d_N = 2).")
@click.option("--data", "data_file", type=InputFile(), help='JSON {"X": [[...]...], "Y": [[...]...]} with rational entries.')
@click.option("--random-data", "m", type=Whole(1), default=None, help="Random rational data with M samples (default d0 + 2).")
@click.option("--seed", type=Whole(0, 2**63 - 1), default=0, show_default=True, help="Seed of the random data.")
@click.option("--max-entries", type=Whole(1), default=MAX_DATA_ENTRIES, show_default=True,
              help="Refuse data with more entries than this.")
@dps_option(30, "Digits of the printed values (the computation is exact).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def command(k, s, d0, data_file, m, seed, max_entries, dps, as_json):
    """All complex critical points of L = sum_j ||pi(w) x_j - y_j||^2 on a slice that removes the rescalings (Lemma 3.3),
    by a Groebner basis in degree order converted to lexicographic (FGLM), counted two ways; the real ones with their
    filters v, losses and kinds (certified Hessian inertia on the slice)."""
    arch = architecture_from_options(k, s, d0, dN=2)
    data, _ = problem_from_options(arch, data_file, m, seed, max_entries)
    with busy("solving the critical equations", long=arch.kbar - arch.N >= 3):
        report = critical_points(arch, data, dps=dps)
    info = report.as_dict()
    if as_json:
        echo_json(info)
        return
    lines = [f"k = {','.join(map(str, arch.k))}, s = {','.join(map(str, arch.s))}, d0 = {arch.d0}, m = {data.m}, "
             f"k_v = {arch.k_v}; slice: {info['slice']}",
             f"complex critical filters v != 0: {report.complex_count}",
             f"solutions on the slice: {report.quotient_dimension} (quotient ring) and {report.distinct_roots} "
             f"(certified roots of the eliminant): routes {'agree' if report.routes_agree else 'DISAGREE'}",
             f"real critical points: {len(report.real)}"]
    for n, point in enumerate(info["real"], 1):
        lines.append(f"  {n}. {point['kind']:<10} L = {point['loss']}")
        lines.append(f"     v = [{', '.join(point['v'])}]")
        lines.append(f"     w = {'; '.join('[' + ', '.join(layer) + ']' for layer in point['w'])}")
    click.echo("\n".join(lines))
