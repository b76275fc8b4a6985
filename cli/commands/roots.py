"""``lcnsym roots``: certified enclosures of the roots, against Lemma 2.3's bound."""

import click

from lcnsym.analysis.factorization import root_bound, root_bound_squared
from lcnsym.analysis.roots import certified_roots, normalize_polynomial
from lcnsym.analysis.roots import root_work
from lcnsym.cli._common import LONG_WORK, CheckFailed, busy, echo_json, polynomial_options
from lcnsym.numeric import DEFAULT_DPS, compare, show, show_ball, working_precision


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
    with working_precision(dps):  # the moduli at the asked digits, not at flint's ambient 53 bits
        moduli = [abs(r.ball) for r in roots]
        decided = [compare(m ** 2, A2) for m in moduli]
    rows = [{**show_ball(r.ball, dps), "real": r.is_real, "multiplicity": r.multiplicity,
             "modulus": show(m, dps), "within_bound": d} for r, m, d in zip(roots, moduli, decided)]
    # null when a root's ball meets |x| = A (a root on the bound itself cannot be decided in balls)
    within = False if False in decided else None if None in decided else True
    out = {"degree": poly.degree, "dropped_leading_zeros": poly.dropped, "dps": dps, "A": show(A, dps), "roots": rows,
           "within_bound": within}
    if as_json:
        echo_json(out)
    else:
        _print(poly, out)
    if within is False:
        raise CheckFailed(f"Lemma 2.3's bound |x| <= A fails for {decided.count(False)} root(s)")


def _print(poly, out):
    click.echo(f"degree {poly.degree}; Lemma 2.3: every root has |x| <= A = {out['A']}")
    for row in out["roots"]:
        kind = "real, " if row["real"] else ""
        click.echo(f"{row['mid']}  (+/- {row['rad']}, {kind}multiplicity {row['multiplicity']}, |x| = {row['modulus']})")
    if out["within_bound"] is None:
        undecided = sum(row["within_bound"] is None for row in out["roots"])
        click.echo(f"|x| <= A undecided at {out['dps']} digits for {undecided} root(s): their balls meet |x| = A")
