"""lemma-2.3: every root of ``p`` satisfies ``|x| <= A = n max_i |a_i| / |a_n|``."""

from fractions import Fraction

from lcnsym.analysis.factorization import root_bound, root_bound_squared
from lcnsym.analysis.families import KINDS, kinds_of, polynomial_instances
from lcnsym.analysis.roots import certified_roots, normalize_polynomial
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.errors import PrecisionError
from lcnsym.numeric import (DEFAULT_DPS, ball_bounds, compare, escalation, exact_value, show, show_ball, to_arb,
                            to_complex_rational, to_float, to_rational, tolerance, working_precision)

ID = "lemma-2.3"
STATEMENT = "every root x of p = sum a_i x^i (degree n) satisfies |x| <= A = n max_i |a_i| / |a_n|"
DEPENDS_ON = ()
REFERENCE = "Lemma 2.3"
LIBRARY = ("lcnsym.analysis.factorization.root_bound", "lcnsym.analysis.roots.certified_roots")
CLI = 'lcnsym roots --coeffs "-1,-1,1"'
EVIDENCE = ("certified: each root's ball |x|^2 against the exact A^2, on random and adversarial polynomials (per-kind minimums); "
            "the library's A^2 equal to RESULTS.md's transcribed in the check; worst |x|/A")


def bound_squared_as_stated(coeffs):
    """``A^2 = n^2 max_i |a_i|^2 / |a_n|^2`` transcribed from RESULTS.md on its own (not the library's code), exactly,
    with ``n`` the degree once zero leading coefficients are dropped.

    Examples
    --------
    >>> bound_squared_as_stated([1, 1, 9, 0])  # 9x^2 + x + 1: 4 * 81 / 81
    Fraction(4, 1)
    """
    a = [to_complex_rational(c, floats=True) for c in coeffs]
    while len(a) > 1 and a[-1] == (0, 0):
        a.pop()
    n = len(a) - 1
    sq = [re * re + im * im for re, im in a]
    return n * n * max(sq) / sq[-1]


def _library_against_stated(coeffs, poly, A2, dps):
    """``None``, or what is wrong with the library's ``root_bound_squared`` and ``root_bound`` against the stated
    ``A2``: the former must equal it exactly; ``root_bound**2`` too for real coefficients (where it is exact), and
    within ``10^-(dps - 5)`` relative for complex ones (an mpmath square root at ``dps`` digits)."""
    library_sq = root_bound_squared(coeffs)
    if library_sq != A2:
        return {"root_bound_squared": show(library_sq), "A^2 as stated": show(A2),
                "problem": "the library's A^2 differs from RESULTS.md's n^2 max_i |a_i|^2 / |a_n|^2"}
    A = root_bound(coeffs, dps=dps)
    if poly.is_real:
        same = isinstance(A, Fraction) and A * A == A2
    else:
        same = abs(exact_value(A) ** 2 - A2) <= A2 * tolerance(dps)
    if not same:
        return {"root_bound": show(A, 20), "A^2 as stated": show(A2),
                "problem": "root_bound squared is not RESULTS.md's A^2" + ("" if poly.is_real else " (within the working precision)")}
    return None


def _degree_one(poly):
    """Degree 1: ``|x|^2`` of the root ``-a_0/a_1`` and ``A^2 = max(|a_0|^2, |a_1|^2)/|a_1|^2``, both exact."""
    (r0, i0), (r1, i1) = poly.coeffs
    a0, a1 = r0 * r0 + i0 * i0, r1 * r1 + i1 * i1
    return a0 / a1, max(a0, a1) / a1


def _bound_squared(bound, poly):
    A = to_rational(bound(poly), "A", floats=True)
    return A * A


def largest_ratio(worst_squared):
    """``|x|/A`` from the largest ``|x|^2/A^2`` the check met (the text reports the ratio, not its square)."""
    return to_float(worst_squared) ** 0.5


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


MIN_INSTANCES = {"quick": 150, "thorough": 1000}
"""The fewest polynomials a run may decide and still pass."""
MIN_RANDOM = {"quick": 160, "thorough": 1000}
"""The fewest random polynomials (all the random family draws: a run that drops some of them fails)."""
MIN_EXACT_MODULUS = {"quick": 12, "thorough": 20}
"""The fewest polynomials with exactly known root moduli (the audit of the enclosures' radii)."""
MIN_ON_BOUND = 4
"""The fewest polynomials with a root exactly on |x| = A (where only the balls' radii keep a verdict honest)."""
MIN_KINDS = {"quick": {"random complex": 30, "complex of degree >= 2": 30, "roots on the unit circle of degree >= 5": 4,
                       "dominant leading coefficient": 4, "zero leading coefficients": 2},
             "thorough": {"random complex": 200, "complex of degree >= 2": 200, "roots on the unit circle of degree >= 5": 8,
                          "dominant leading coefficient": 4, "zero leading coefficients": 2}}
"""The fewest polynomials of each kind of :func:`lcnsym.analysis.families.kinds_of` a run may decide and still pass."""


def _audit(poly, modulus_sq, A2, dps):
    """Every root's modulus is known exactly: ``None``, or a counterexample if a certified ball misses it, or if a
    ball's verdict on ``|x|^2 <= A^2`` contradicts the exact one (a radius ignored, a straddling ball read by its
    midpoint).  The lemma is then decided exactly: ``|x|^2 = modulus_sq`` against ``A^2``."""
    exact = modulus_sq <= A2
    roots = certified_roots(poly, dps)
    with working_precision(2 * dps + 20):  # finer than the balls: only their radii can cover the truth
        for r in roots:
            sq = abs(r.ball) ** 2
            if not sq.contains(to_arb(modulus_sq)):
                return {"root": show(r.ball, 20), "|x|^2 (ball)": show_ball(sq, 25), "exact |x|^2": show(modulus_sq),
                        "problem": "the certified enclosure misses the root's exact modulus"}
            verdict = compare(sq, A2)
            lower, upper = ball_bounds(sq)
            if verdict is not None and lower is not None and lower < A2 < upper:
                return {"root": show(r.ball, 20), "|x|^2 (ball)": show_ball(sq, 25), "A^2": show(A2),
                        "ball verdict |x| <= A": verdict, "exact |x|^2": show(modulus_sq),
                        "problem": "the ball straddles |x| = A, yet a verdict was given (a straddling ball read by its midpoint)"}
            if verdict is not None and verdict != exact:
                return {"root": show(r.ball, 20), "|x|^2 (ball)": show_ball(sq, 25), "exact |x|^2": show(modulus_sq),
                        "A^2": show(A2), "ball verdict |x| <= A": verdict, "exact verdict": exact,
                        "problem": "the ball's verdict contradicts the exact one"}
    if not exact:
        return {"exact |x|^2": show(modulus_sq), "A^2": show(A2), "problem": "|x| > A exactly"}
    return None


def check(config=CheckConfig(), bound=None, dps=DEFAULT_DPS):
    """Certified root enclosures against the bound: RESULTS.md's ``A^2`` transcribed here, which the library's
    ``root_bound_squared`` and ``root_bound`` must reproduce; ``bound`` may be a false variant (e.g. without ``n``),
    a function of the normalized polynomial that replaces ``A``."""
    library = bound is None
    worst, count, degrees, exact_ones = Fraction(0), 0, set(), 0
    families, unit_degrees, on_bound, audited = {}, set(), 0, 0
    kinds = dict.fromkeys(KINDS, 0)
    for inst in polynomial_instances(config):
        name, coeffs = inst.name, inst.coeffs
        poly = normalize_polynomial(coeffs)
        count += 1
        degrees.add(poly.degree)
        families[inst.family] = families.get(inst.family, 0) + 1
        for kind in kinds_of(inst):
            kinds[kind] += 1
        if library:  # the bound decided below is RESULTS.md's, and the library's must be the same number
            A2 = bound_squared_as_stated(coeffs)
            bad = _library_against_stated(coeffs, poly, A2, dps)
            if bad is not None:
                return Evidence(False, "certified", "the library's A against RESULTS.md's formula", count,
                                counterexample={"polynomial": name, "coefficients": [show(c) for c in coeffs][:12], **bad})
        else:
            A2 = _bound_squared(bound, poly)
        if inst.modulus_squared is not None:  # the enclosures audited against exact moduli; the lemma decided exactly
            audited += 1
            on_bound += inst.modulus_squared == A2
            if inst.modulus_squared == 1 and poly.degree > 1:
                unit_degrees.add(poly.degree)
            bad = _audit(poly, inst.modulus_squared, A2, dps)
            if bad is not None:
                return Evidence(False, "certified", "root enclosures against exactly known moduli", count,
                                counterexample={"polynomial": name, **bad})
            worst = max(worst, inst.modulus_squared / A2)
            continue
        if poly.degree == 1 and library:  # equality |x| = A occurs: decide it exactly
            exact_ones += 1
            modulus_sq, bound_sq = _degree_one(poly)
            if bound_sq != A2:  # the exact path's own A^2 must be the stated one too
                return Evidence(False, "certified", "exact degree-1 roots", count, counterexample={
                    "polynomial": name, "A^2 (degree-1 path)": show(bound_sq), "A^2 as stated": show(A2),
                    "problem": "the exact degree-1 A^2 differs from RESULTS.md's"})
            if modulus_sq > A2:
                return Evidence(False, "certified", "exact degree-1 roots", count, counterexample={
                    "polynomial": name, "|x|^2": show(modulus_sq), "A^2": show(A2)})
            worst = max(worst, modulus_sq / A2)
            continue
        ok, ratio, root = _decide(poly, A2, dps)
        worst = max(worst, ratio)
        if not ok:
            return Evidence(False, "certified", "root enclosures", count, counterexample={
                "polynomial": name, "coefficients": [show(c) for c in poly.coeffs][:12],
                "root": show(root.ball, 20), "|x|^2 (ball)": show(abs(root.ball) ** 2, 20), "A^2": show(A2)})
    ran = {"polynomials": (count, MIN_INSTANCES[config.profile]),
           "random polynomials": (families.get("random", 0), MIN_RANDOM[config.profile]),
           "polynomials with exactly known root moduli": (audited, MIN_EXACT_MODULUS[config.profile]),
           "polynomials with a root exactly on |x| = A": (on_bound, MIN_ON_BOUND if library else 0),
           **{f"polynomials: {kind}": (kinds[kind], least) for kind, least in MIN_KINDS[config.profile].items()}}
    short = {what: f"ran {got}, minimum {least}" for what, (got, least) in ran.items() if got < least}
    if short:
        return Evidence(False, "certified", "a search smaller than its minimum", count, counterexample={"search too small": short})
    return Evidence(
        True, "certified",
        f"{count} polynomials of degree {min(degrees)} to {max(degrees)} ({', '.join(f'{n} {f}' for f, n in families.items())}; "
        f"of these {', '.join(f'{n} {kind}' for kind, n in kinds.items())}; "
        f"{audited} with exactly known root moduli, among them roots on the unit circle of degree "
        f"{', '.join(map(str, sorted(unit_degrees))) or 'none'} and {on_bound} with a root exactly on |x| = A, decided "
        f"exactly after their enclosures were audited (each ball contains the exact |x|^2, no ball verdict contradicts the "
        f"exact one)): every other root's certified ball has |x|^2 <= A^2 (A^2 exact"
        + (", RESULTS.md's formula transcribed in the check, equal to the library's root_bound_squared and root_bound^2 "
           "on every polynomial" if library else ", from a replaced bound") + "); "
        f"{exact_ones} further ones of degree 1 decided exactly (equality occurs there)",
        count,
        worst_margin=f"largest |x|/A = {largest_ratio(worst):.6g}",
        details={"largest |x|/A": largest_ratio(worst), "degrees": [min(degrees), max(degrees)], "families": families,
                 "kinds": kinds},
    )
