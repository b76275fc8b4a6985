"""lemma-2.3: every root of ``p`` satisfies ``|x| <= A = n max_i |a_i| / |a_n|``."""

from fractions import Fraction

import mpmath

from lcnsym.evidence import CheckConfig, Evidence
from lcnsym.factorization import root_bound
from lcnsym.families import all_polynomials
from lcnsym.roots import certified_roots, normalize_polynomial

ID = "lemma-2.3"
STATEMENT = "every root x of p = sum a_i x^i (degree n) satisfies |x| <= A = n max_i |a_i| / |a_n|"
DEPENDS_ON = ()
REFERENCE = "Lemma 2.3"
LIBRARY = ("lcnsym.factorization.root_bound", "lcnsym.roots.certified_roots")
CLI = 'lcnsym roots --coeffs "-1,-1,1"'
EVIDENCE = "certified: the upper end of each root's ball against A, on random and adversarial polynomials; worst |x|/A"


def _as_mp(value):
    if isinstance(value, Fraction):
        return mpmath.mpf(value.numerator) / value.denominator
    return mpmath.mpf(value)


def _degree_one(poly):
    """Degree 1: ``|x|^2`` of the root ``-a_0/a_1`` and ``A^2 = max(|a_0|^2, |a_1|^2)/|a_1|^2``, both exact."""
    (r0, i0), (r1, i1) = poly.coeffs
    a0, a1 = r0 * r0 + i0 * i0, r1 * r1 + i1 * i1
    return a0 / a1, max(a0, a1) / a1


def check(config=CheckConfig(), bound=root_bound, dps=30):
    """Certified root enclosures against the bound; ``bound`` may be a false variant (e.g. without ``n``)."""
    worst, count = mpmath.mpf(0), 0
    for name, coeffs in all_polynomials(config):
        poly = normalize_polynomial(coeffs)
        count += 1
        if poly.degree == 1 and bound is root_bound:  # equality |x| = A occurs: decide it exactly
            modulus_sq, bound_sq = _degree_one(poly)
            if modulus_sq > bound_sq:
                return Evidence(False, "certified", "exact degree-1 roots", count, counterexample={
                    "polynomial": name, "|x|^2": str(modulus_sq), "A^2": str(bound_sq)})
            continue
        with mpmath.workdps(dps + 20):
            A = _as_mp(bound(poly))
            for r in certified_roots(poly, dps):
                upper = abs(r.value()) + r.radius()  # certified upper end of |x| (to mpmath's rounding)
                worst = max(worst, (abs(r.value()) - r.radius()) / A)
                if upper > A:
                    lower = abs(r.value()) - r.radius()
                    if lower > A:  # certainly outside: a counterexample
                        return Evidence(False, "certified", "root enclosures", count, counterexample={
                            "polynomial": name, "coefficients": [str(c) for c in coeffs][:12],
                            "root": mpmath.nstr(r.value(), 20), "|x|": mpmath.nstr(abs(r.value()), 20), "A": mpmath.nstr(A, 20)})
                    return Evidence(False, "certified", "root enclosures", count, counterexample={
                        "polynomial": name, "undecided": "a root ball straddles |x| = A", "A": mpmath.nstr(A, 20)})
    return Evidence(
        True, "certified",
        f"{count} polynomials (random Gaussian, uniform, complex, integer; adversarial: leading coefficient down to 1e-30, "
        f"constant 1e30, roots on the unit circle, multiple and clustered roots, Wilkinson, roots at 0, degree 200): "
        f"every root's certified ball lies within |x| <= A (degree 1: the exact root, where equality occurs)",
        count,
        worst_margin=f"largest |x|/A = {mpmath.nstr(worst, 6)}",
        details={"largest |x|/A": float(worst)},
    )
