"""``lcnsym roots``: certified enclosures of the roots, against Lemma 2.3's bound."""

import click

from lcnsym.analysis.factorization import root_bound, root_bound_squared
from lcnsym.analysis.roots import certified_roots, normalize_polynomial
from lcnsym.analysis.roots import root_work
from lcnsym.cli._common import LONG_WORK, busy, echo_json, polynomial_options
from lcnsym.numeric import DEFAULT_DPS, compare, show, show_ball


@click.command("roots", short_help="Certified root enclosures and Lemma 2.3's bound A.")
@polynomial_options(DEFAULT_DPS, "Digits of the enclosures.")
def command(coeffs, dps, as_json, max_work):
    """Certified enclosures (python-flint balls) of every root, with multiplicities, and A = n max|a_i| / |a_n|.

    Each root prints as its midpoint with --dps digits and the radius of a ball that
    contains it and no other root; a root certified real prints as real.
    """
    poly = normalize_polynomial(coeffs)
    with busy("certified roots of degree " + str(len(coeffs) - 1), root_work(len(coeffs) - 1, dps) > LONG_WORK):
        roots = certified_roots(poly, dps, max_work=max_work)
    A, A2 = root_bound(poly, dps=dps), root_bound_squared(poly)
    rows = [{**show_ball(r.ball, dps), "real": r.is_real, "multiplicity": r.multiplicity,
             "modulus": show(abs(r.ball), dps)} for r in roots]
    out = {"degree": poly.degree, "dropped_leading_zeros": poly.dropped, "dps": dps, "A": show(A, dps), "roots": rows,
           "within_bound": all(compare(abs(r.ball) ** 2, A2) for r in roots)}
    if as_json:
        echo_json(out)
        return
    click.echo(f"degree {poly.degree}; Lemma 2.3: every root has |x| <= A = {out['A']}")
    for row in rows:
        kind = "real, " if row["real"] else ""
        click.echo(f"{row['mid']}  (+/- {row['rad']}, {kind}multiplicity {row['multiplicity']}, |x| = {row['modulus']})")
