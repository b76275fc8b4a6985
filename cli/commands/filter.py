"""``lcnsym filter``: the final filter, symbolic or exact, with the matrix check of Prop. 1.1."""

from fractions import Fraction

import click
import sympy as sp

from lcnsym.algebra.architecture import MAX_SIZE
from lcnsym.algebra.convolution import network_matrix_matches
from lcnsym.algebra.filters import MAX_FILTER_WIDTH, final_filter, symbolic_filters, symbolic_final_filter, symbolic_terms
from lcnsym.cli._common import CheckFailed, Filters, IntList, Whole, architecture_from_options, echo_json
from lcnsym.errors import WorkLimitError
from lcnsym.numeric import abbreviate, show, to_sympy


CLI_TERMS = 100_000
"""The most monomials ``lcnsym filter`` prints unless told otherwise (--latex: at most LATEX_TERMS, through sympy)."""

LATEX_TERMS = 20_000


def _text(value):
    """Exact numbers exactly (without Python's digit limit); polynomials and expressions as they print."""
    return show(value) if isinstance(value, (int, Fraction)) else str(value)


def _matrix_report(arch, filters, final):
    diff = network_matrix_matches(arch, filters, final)
    out = {"d0": arch.d0, "dN": arch.dN, "equal": diff is None}
    if diff is not None:
        r, c, a, b = diff
        out["difference"] = {"row": r + 1, "column": None if c is None else c + 1, "network": _text(a), "convolution": _text(b)}
    return out


@click.command("filter", short_help="The final filter pi(w), symbolic or exact, with the matrix check.")
@click.option("--k", "k", required=True, type=IntList(), help="Filter widths, e.g. 3,2,3.")
@click.option("--s", "s", required=True, type=IntList(), help="Strides, e.g. 2,1,2.")
@click.option("--filters", default=None, type=Filters(), help='Exact filters, layers split by ";": "1,2,3;4,5;6,7,8" (integers, 0.1, 1/3).')
@click.option("--d0", type=Whole(1, MAX_SIZE), default=None, help="Input width for --check-matrix (default: the smallest with d_N = 2).")
@click.option("--check-matrix", is_flag=True, help="Check W^(N)...W^(1) = Pi_{(d0,dN),k_v,s_v}(v) exactly.")
@click.option("--latex", is_flag=True, help="Print LaTeX.")
@click.option("--max-terms", type=Whole(1), default=CLI_TERMS, show_default=True,
              help="Refuse a symbolic final filter with more monomials (prod k_i) than this.")
@click.option("--max-width", type=Whole(1), default=MAX_FILTER_WIDTH, show_default=True,
              help="Refuse a final filter wider than this (k_v), or a matrix check with more entries (d_N k_v).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def command(k, s, filters, d0, check_matrix, latex, max_terms, max_width, as_json):
    """The final filter v = pi(w) (Prop. 1.1, eq. 3.11): symbolic in w{i}_{j}, or exact at --filters."""
    arch = architecture_from_options(k, s, d0, dN=2)
    work = arch.k_v * (arch.dN if check_matrix else 1)
    if work > max_width:
        raise WorkLimitError(f"the final filter has k_v = {abbreviate(arch.k_v)} entries"
                             + (f" and the matrix check d_N k_v = {abbreviate(work)}" if check_matrix else "")
                             + f", more than the limit {max_width}; raise it with --max-width")
    if filters is None:
        if latex and symbolic_terms(arch) > LATEX_TERMS:
            raise WorkLimitError(f"--latex converts through sympy, at most {LATEX_TERMS} monomials; this final filter has "
                                 f"{abbreviate(symbolic_terms(arch))} (print it without --latex, or give --filters)")
        v = symbolic_final_filter(arch, max_terms=max_terms)
        entries, tex = v.strings(), (v.latex() if latex else None)
        ctx, ws = symbolic_filters(arch)
        report = _matrix_report(arch, ws, list(v.polys)) if check_matrix else None
    else:
        ws = filters
        values = final_filter(arch, ws)
        entries = [show(c) for c in values]
        tex = [sp.latex(to_sympy(c)) for c in values] if latex else None
        report = _matrix_report(arch, ws, values) if check_matrix else None
    if as_json:
        out = {"k": list(arch.k), "s": list(arch.s), "k_v": arch.k_v, "s_v": arch.s_v, "final_filter": entries}
        if tex is not None:
            out["latex"] = tex
        if report is not None:
            out["matrix_check"] = report
        echo_json(out)
    else:
        click.echo(f"k = {arch.k}, s = {arch.s}: k_v = {arch.k_v}, s_v = {arch.s_v}")
        for m, e in enumerate(tex if tex is not None else entries, 1):
            click.echo(f"v_{m} = {e}")
        if report is not None:
            verdict = "equal" if report["equal"] else f"DIFFERENT at {report['difference']}"
            click.echo(f"W^(N)...W^(1) ({arch.dN} x {arch.d0}) vs Pi_(({arch.d0},{arch.dN}),{arch.k_v},{arch.s_v})(v): {verdict}")
    if report is not None and not report["equal"]:
        raise CheckFailed("W^(N)...W^(1) and Pi(v) differ: Proposition 1.1 fails here")
