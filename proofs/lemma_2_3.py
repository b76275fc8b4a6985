"""lemma-2.3: every root of ``p`` satisfies ``|x| <= A = n max_i |a_i| / |a_n|``."""

from fractions import Fraction

from lcnsym.analysis.factorization import root_bound, root_bound_squared
from lcnsym.analysis.families import all_polynomials
from lcnsym.analysis.roots import certified_roots, normalize_polynomial
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.errors import PrecisionError
from lcnsym.numeric import DEFAULT_DPS, compare, escalation, show, to_float, to_rational

ID = "lemma-2.3"
STATEMENT = "every root x of p = sum a_i x^i (degree n) satisfies |x| <= A = n max_i |a_i| / |a_n|"
DEPENDS_ON = ()
REFERENCE = "Lemma 2.3"
LIBRARY = ("lcnsym.analysis.factorization.root_bound", "lcnsym.analysis.roots.certified_roots")
CLI = 'lcnsym roots --coeffs "-1,-1,1"'
EVIDENCE = "certified: each root's ball |x|^2 against the exact A^2, on random and adversarial polynomials; worst |x|/A"


def _degree_one(poly):
    """Degree 1: ``|x|^2`` of the root ``-a_0/a_1`` and ``A^2 = max(|a_0|^2, |a_1|^2)/|a_1|^2``, both exact."""
    (r0, i0), (r1, i1) = poly.coeffs
    a0, a1 = r0 * r0 + i0 * i0, r1 * r1 + i1 * i1
    return a0 / a1, max(a0, a1) / a1


def _bound_squared(bound, poly):
    if bound is root_bound:
        return root_bound_squared(poly)  # exact also for complex coefficients
    A = to_rational(bound(poly), "A", floats=True)
    return A * A


def _decide(poly, A2, dps):
    """``(verdict, worst |mid|^2 / A^2, root)`` for the roots' balls at ``dps`` digits, then at twice as many if undecided."""
    for digits in escalation(dps):
        roots = certified_roots(poly, digits)
        verdicts = [(compare(abs(r.ball) ** 2, A2), r) for r in roots]
        worst = max(r.modulus_squared() / A2 for r in roots)
        bad = [r for v, r in verdicts if v is False]
        if bad:
            return False, worst, bad[0]
        if all(v for v, _ in verdicts):
            return True, worst, None
    undecided = next(r for v, r in verdicts if v is None)
    raise PrecisionError(f"lemma-2.3 undecided: a root ball straddles |x| = A even at {digits} digits "
                         f"(root {show(undecided.ball, 20)})", dps=digits)


def check(config=CheckConfig(), bound=root_bound, dps=DEFAULT_DPS):
    """Certified root enclosures against the bound; ``bound`` may be a false variant (e.g. without ``n``)."""
    worst, count, degrees, exact_ones = Fraction(0), 0, set(), 0
    for name, coeffs in all_polynomials(config):
        poly = normalize_polynomial(coeffs)
        count += 1
        degrees.add(poly.degree)
        if poly.degree == 1 and bound is root_bound:  # equality |x| = A occurs: decide it exactly
            exact_ones += 1
            modulus_sq, bound_sq = _degree_one(poly)
            if modulus_sq > bound_sq:
                return Evidence(False, "certified", "exact degree-1 roots", count, counterexample={
                    "polynomial": name, "|x|^2": show(modulus_sq), "A^2": show(bound_sq)})
            continue
        A2 = _bound_squared(bound, poly)
        ok, ratio, root = _decide(poly, A2, dps)
        worst = max(worst, ratio)
        if not ok:
            return Evidence(False, "certified", "root enclosures", count, counterexample={
                "polynomial": name, "coefficients": [show(c) for c in poly.coeffs][:12],
                "root": show(root.ball, 20), "|x|^2 (ball)": show(abs(root.ball) ** 2, 20), "A^2": show(A2)})
    return Evidence(
        True, "certified",
        f"{count} polynomials of degree {min(degrees)} to {max(degrees)} (random Gaussian, uniform, complex, integer; "
        f"adversarial: tiny leading coefficients, huge constants, roots on and near the unit circle, multiple and clustered "
        f"roots, Wilkinson, roots at 0): every root's certified ball has |x|^2 <= A^2 (A^2 exact); "
        f"{exact_ones} of degree 1 decided exactly (equality occurs there)",
        count,
        worst_margin=f"largest |x|/A = {to_float(worst) ** 0.5:.6g}",
        details={"largest |x|/A": to_float(worst) ** 0.5, "degrees": [min(degrees), max(degrees)]},
    )
