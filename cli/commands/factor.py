"""``lcnsym factor``: Lemma 2.4's factorization into linear factors of bounded 1-norm."""

import click

from lcnsym.analysis.factorization import RESIDUAL_DIGITS_LOST, linear_factorization
from lcnsym.analysis.roots import root_work
from lcnsym.cli._common import LONG_WORK, CheckFailed, busy, echo_json, polynomial_options
from lcnsym.numeric import CHECK_DPS, show, show_ball, show_upper


@click.command("factor", short_help="Lemma 2.4: p = sgn(a_n) prod u_i with |||u_i|||_1 <= 6 n T.")
@polynomial_options(CHECK_DPS, "Digits of the factors (their product reproduces p to 10^-(dps-5)).")
def command(coeffs, dps, as_json, max_work):
    """Factor p into linear factors as the proof of Lemma 2.4 does (certified roots, ball arithmetic, --dps digits)."""
    with busy("Lemma 2.4 in balls of degree " + str(len(coeffs) - 1), root_work(len(coeffs) - 1, dps) > LONG_WORK):
        f = linear_factorization(coeffs, dps=dps, max_work=max_work)
    out = {
        "degree": f.degree, "dropped_leading_zeros": f.dropped, "dps": dps, "case": f.case, "r": f.r,
        "T": show(f.T, dps), "B": show(f.B, dps), "bound": show(f.bound, dps), "sign": show(f.sign, dps),
        "factors": [[show(c0, dps), show(c1, dps)] for c0, c1 in f.factors],
        "factor_radii": [[show_ball(c0, dps)["rad"], show_ball(c1, dps)["rad"]] for c0, c1 in f.factors],
        "factor_norms": [show(n, dps) for n in f.factor_norms],
        "max_factor_norm": show(f.max_factor_norm, dps),
        "ratio_to_nT": show(f.ratio, 10),
        "roots_product": None if f.roots_product is None else show(f.roots_product, dps),
        "roots_product_bound": None if f.roots_product_bound is None else show(f.roots_product_bound, dps),
        "residual": show_upper(f.residual), "residual_bound": f"1e-{dps - RESIDUAL_DIGITS_LOST}",
        "ambiguous_roots": f.ambiguous, "holds": f.holds(),
    }
    if as_json:
        echo_json(out)
    else:
        _print(f, out)
    if not out["holds"]:
        raise CheckFailed(f"Lemma 2.4's bound does not hold here: {f.verdict()[1]}")


def _print(f, out):
    note = f" ({f.dropped} zero leading coefficients dropped)" if f.dropped else ""
    click.echo(f"degree n = {f.degree}{note}; case {f.case}" + (f", r = {f.r}" if f.case == 2 else ""))
    click.echo(f"T = {out['T']}, B = {out['B']}, bound 6 n T = {out['bound']}")
    if f.case == 2:
        click.echo(f"|z_1...z_r| = {out['roots_product']} <= 3 B n^r = {out['roots_product_bound']}  (2.5)")
    click.echo(f"p = sgn(a_n) * prod u_i with sgn(a_n) = {out['sign']}")
    for i, ((c0, c1), n) in enumerate(zip(out["factors"], out["factor_norms"]), 1):
        click.echo(f"u_{i}(x) = ({c1}) x + ({c0})    |||u_{i}|||_1 = {n}")
    verdict = "holds" if out["holds"] else "DOES NOT HOLD"
    click.echo(f"the product's balls contain p and reproduce it to {out['residual']} (relative to |||p|||_1); "
               f"max |||u_i|||_1 / (n T) = {out['ratio_to_nT']}; the bound {verdict}")
