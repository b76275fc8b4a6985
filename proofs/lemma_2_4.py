"""lemma-2.4: ``p = sgn(a_n) prod u_i`` with linear ``u_i`` and ``|||u_i|||_1 <= 6 n T``."""

import mpmath

from lcnsym.evidence import CheckConfig, Evidence
from lcnsym.factorization import factorizations_for_all_classifications
from lcnsym.families import all_polynomials

ID = "lemma-2.4"
STATEMENT = "p = sgn(a_n) prod_i u_i with linear u_i, |||u_i|||_1 <= 6 n T, T = max(|||p|||_1, 1); and (2.5) |z_1...z_r| <= 3 B n^r"
DEPENDS_ON = ()
REFERENCE = "Lemma 2.4, eq. (2.5)"
LIBRARY = ("lcnsym.factorization.linear_factorization", "lcnsym.factorization.factorizations_for_all_classifications",
           "lcnsym.roots.certified_roots")
CLI = 'lcnsym factor --coeffs "2,-3,1" --dps 50'
EVIDENCE = "search with certified root enclosures: random and adversarial polynomials up to degree 200, every classification of roots on the unit circle; worst |||u_i|||_1 / (nT)"


def _describe(name, f, constant):
    return {"polynomial": name, "degree": f.degree, "case": f.case, "r": f.r,
            "max |||u_i|||_1": mpmath.nstr(f.max_factor_norm, 15), f"{constant} n T": mpmath.nstr(constant * f.degree * f.T, 15),
            "|z_1..z_r|": None if f.roots_product is None else mpmath.nstr(f.roots_product, 15),
            "3 B n^r": None if f.roots_product_bound is None else mpmath.nstr(f.roots_product_bound, 15),
            "residual": mpmath.nstr(f.residual, 5), "ambiguous roots": f.ambiguous}


def check(config=CheckConfig(), constant=6, dps=50):
    """Build the factorization as the proof does for every polynomial of the families; ``constant < 6`` is a false variant."""
    worst_ratio, worst_ratio_2, worst_25, worst_residual, count, classes = 0, 0, 0, 0, 0, 0
    for name, coeffs in all_polynomials(config):
        count += 1
        for f in factorizations_for_all_classifications(coeffs, dps):
            classes += 1
            worst_ratio = max(worst_ratio, f.ratio)
            if f.degree >= 2:  # degree 1 has u_1 = p, ratio |||p|||_1 / T <= 1 trivially
                worst_ratio_2 = max(worst_ratio_2, f.ratio)
            worst_residual = max(worst_residual, f.residual)
            if f.case == 2:
                worst_25 = max(worst_25, f.roots_product / f.roots_product_bound)
            if not f.holds(constant):
                return Evidence(False, "search", f"factorizations at {dps} digits", count,
                                counterexample=_describe(name, f, constant))
    return Evidence(
        True, "search",
        f"{count} polynomials (random Gaussian, uniform, complex, integer up to degree 30; adversarial: leading coefficient "
        f"down to 1e-30, constant 1e30, roots on and 1e-12 off the unit circle, (x-1)^20, Wilkinson, roots at 0, degree 1, "
        f"degree 200), {classes} classifications of roots, certified enclosures, {dps} digits",
        count,
        worst_margin=f"largest |||u_i|||_1/(nT) = {mpmath.nstr(worst_ratio, 6)} (bound 6; {mpmath.nstr(worst_ratio_2, 6)} for n >= 2); "
                     f"largest |z_1..z_r|/(3Bn^r) = "
                     f"{mpmath.nstr(worst_25, 6)}; largest residual {mpmath.nstr(worst_residual, 3)}",
        details={"largest ratio": float(worst_ratio), "largest ratio n>=2": float(worst_ratio_2), "largest (2.5) ratio": float(worst_25)},
    )
