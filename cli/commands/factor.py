"""``lcnsym factor``: Lemma 2.4's factorization into linear factors of bounded 1-norm."""

import click
import mpmath

from lcnsym.cli._common import echo_json, handle_errors, polynomial_options
from lcnsym.factorization import linear_factorization
from lcnsym.parsing import parse_complex_list


def _num(z, digits):
    z = mpmath.mpc(z)
    if z.imag == 0:
        return mpmath.nstr(z.real, digits)
    sign = "+" if z.imag >= 0 else "-"
    return f"{mpmath.nstr(z.real, digits)}{sign}{mpmath.nstr(abs(z.imag), digits)}j"


@click.command("factor", short_help="Lemma 2.4: p = sgn(a_n) prod u_i with |||u_i|||_1 <= 6 n T.")
@polynomial_options(50, "Working precision (digits).")
@handle_errors
def command(coeffs, dps, as_json):
    """Factor p into linear factors as the proof of Lemma 2.4 does (certified roots, mpmath at --dps digits)."""
    f = linear_factorization(parse_complex_list(coeffs, "--coeffs"), dps=dps)
    digits = min(dps, 30)
    with mpmath.workdps(dps):
        out = {
            "degree": f.degree, "dropped_leading_zeros": f.dropped, "dps": dps, "case": f.case, "r": f.r,
            "T": mpmath.nstr(f.T, digits), "B": mpmath.nstr(f.B, digits), "bound": mpmath.nstr(f.bound, digits),
            "sign": _num(f.sign, digits),
            "factors": [[_num(c0, digits), _num(c1, digits)] for c0, c1 in f.factors],
            "factor_norms": [mpmath.nstr(n, digits) for n in f.factor_norms],
            "max_factor_norm": mpmath.nstr(f.max_factor_norm, digits),
            "ratio_to_nT": mpmath.nstr(f.ratio, 10),
            "roots_product": None if f.roots_product is None else mpmath.nstr(f.roots_product, digits),
            "roots_product_bound": None if f.roots_product_bound is None else mpmath.nstr(f.roots_product_bound, digits),
            "residual": mpmath.nstr(f.residual, 5), "ambiguous_roots": f.ambiguous, "holds": f.holds(),
        }
    if as_json:
        echo_json(out)
        return
    note = f" ({f.dropped} zero leading coefficients dropped)" if f.dropped else ""
    click.echo(f"degree n = {f.degree}{note}; case {f.case}" + (f", r = {f.r}" if f.case == 2 else ""))
    click.echo(f"T = {out['T']}, B = {out['B']}, bound 6 n T = {out['bound']}")
    if f.case == 2:
        click.echo(f"|z_1...z_r| = {out['roots_product']} <= 3 B n^r = {out['roots_product_bound']}  (2.5)")
    click.echo(f"p = sgn(a_n) * prod u_i with sgn(a_n) = {out['sign']}")
    for i, ((c0, c1), n) in enumerate(zip(out["factors"], out["factor_norms"]), 1):
        click.echo(f"u_{i}(x) = ({c1}) x + ({c0})    |||u_{i}|||_1 = {n}")
    verdict = "holds" if out["holds"] else "DOES NOT HOLD"
    click.echo(f"product reproduces p to {out['residual']} (relative to |||p|||_1); max |||u_i|||_1 / (n T) = "
               f"{out['ratio_to_nT']}; the bound {verdict}")
