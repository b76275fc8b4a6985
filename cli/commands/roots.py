"""``lcnsym roots``: certified enclosures of the roots, against Lemma 2.3's bound."""

from fractions import Fraction

import click
import mpmath

from lcnsym.cli._common import echo_json, handle_errors, polynomial_options
from lcnsym.factorization import root_bound
from lcnsym.parsing import parse_complex_list
from lcnsym.roots import certified_roots, normalize_polynomial


@click.command("roots", short_help="Certified root enclosures and Lemma 2.3's bound A.")
@polynomial_options(30, "Digits of the enclosures.")
@handle_errors
def command(coeffs, dps, as_json):
    """Certified enclosures (python-flint balls) of every root, with multiplicities, and A = n max|a_i| / |a_n|."""
    poly = normalize_polynomial(parse_complex_list(coeffs, "--coeffs"))
    roots = certified_roots(poly, dps)
    with mpmath.workdps(dps + 10):
        A = root_bound(poly)
        A = mpmath.mpf(A.numerator) / A.denominator if isinstance(A, Fraction) else A
        rows = [{"root": mpmath.nstr(r.value(), dps), "radius": mpmath.nstr(r.radius(), 3), "multiplicity": r.multiplicity,
                 "modulus": mpmath.nstr(abs(r.value()), dps), "enclosure": str(r.ball)} for r in roots]
        out = {"degree": poly.degree, "dropped_leading_zeros": poly.dropped, "A": mpmath.nstr(A, dps), "roots": rows,
               "within_bound": all(abs(r.value()) - r.radius() <= A for r in roots)}
    if as_json:
        echo_json(out)
        return
    click.echo(f"degree {poly.degree}; Lemma 2.3: every root has |x| <= A = {out['A']}")
    for row in rows:
        click.echo(f"{row['root']}  (+/- {row['radius']}, multiplicity {row['multiplicity']}, |x| = {row['modulus']})")
