"""prop-2.1: ``p_{k_v-1}(v) = prod_i p~_{k_i,s}(w^(i))``, ``deg p~_i = t_i``, ``|||p~_i|||_p = ||w^(i)||_p``."""

from fractions import Fraction
import math
import random

import sympy as sp

from lcnsym.algebra import coefficients, polynomials
from lcnsym.algebra.architecture import Architecture, final_filter_width
from lcnsym.algebra.coefficients import convolve, final_filter_recursive
from lcnsym.checking.evidence import CheckConfig, Evidence, combine_parts, exact_over, run_in_turn
from lcnsym.errors import NumberError
from lcnsym.algebra.filters import symbolic_filters
from lcnsym.algebra.polynomials import stride_polynomial_coefficients
from lcnsym.numeric import to_rational, to_sympy
from lcnsym.proofs import prop_1_1

ID = "prop-2.1"
STATEMENT = (
    "p_{k_v-1}(pi(w)) = prod_i p~_{k_i,s}(w^(i)) with deg p~_i = t_i = (k_i - 1) prod_{n<i} s_n, "
    "and |||p~_i|||_p = ||w^(i)||_p"
)
DEPENDS_ON = ("prop-1.1",)
LIBRARY = ("lcnsym.algebra.polynomials.stride_polynomial_coefficients", "lcnsym.algebra.coefficients.convolve", "lcnsym.algebra.polynomials.coefficient_norm")
CLI = "lcnsym filter --k 3,2,3 --s 2,1,2 --latex"
EVIDENCE = ("exact: symbolic identity over the grid of prop-1.1, and final_filter_by_product equal to the recursion (on "
            "symbolic entries and on integer filters with zero entries); exact "
            "p-norms at rational filters against the check's transcription and known values")
REFERENCE = "Proposition 2.1, eq. (2.1)"

P_VALUES = (1, 2, 3, math.inf)
"""The ``p`` of the norm identity at random rational filters."""
# The minimums, kept apart from what the search runs, so that a shrunk search fails as "search too small".
REQUIRED_P = ("1", "2", "3", "inf")
MIN_NORM_FILTERS = {"quick": 12, "thorough": 40}
"""Random rational filters per ``p`` in ``REQUIRED_P``."""
ANCHORS = [([1, -1], 1, 2), ([3, -4], 2, 25), ([1, -2, 2], 3, 17), ([1, -7, 2], math.inf, 7)]
"""``(coefficients, p, value)`` known by hand: ``|||1 - x|||_1 = 2``, ``|||3 - 4x|||_2 = 5``,
``|||1 - 2x + 2x^2|||_3 = 17^(1/3)``, ``|||1 - 7x + 2x^2|||_inf = 7`` (``value`` in the form of :func:`norm_as_stated`)."""


COMPLEX_ANCHORS = [([(1, 0), (0, 1)], 2, 2), ([(1, 0), (0, 1)], 1, 2), ([(3, 4), (0, -5)], 3, 250),
                   ([(1, 1), (1, 0)], 4, 5), ([(3, 4), (1, 0)], math.inf, 5)]
"""Complex ``(coefficients as (re, im), p, value)``: ``|||1 + i x|||_2 = sqrt 2``, ``|||1 + i x|||_1 = 2``,
``|||(3+4i) - 5i x|||_3 = 250^(1/3)``, ``|||(1+i) + x|||_4 = 5^(1/4)``, ``|||(3+4i) + x|||_inf = 5``. A norm right
for real coefficients only (``(c^2)^(p/2)`` for ``|c|^p``) fails here."""
STRIDE_ANCHOR = (([1, 2, 3], 2, (2, 1)), {0: 1, 2: 2, 4: 3})
"""``p~_{3,(2,1)}(1, 2, 3) = 1 + 2 x^2 + 3 x^4`` for layer 2 (eq. 2.1), as ``{power: coefficient}``."""


def _p_text(p):
    return "inf" if p == math.inf else str(p)


def norm_as_stated(coeffs, p):
    """``||a||_p`` of Section 2.1 transcribed in ``Fraction``: itself for ``p = 1, inf``, its ``p``-th power otherwise.

    The ``p``-th power keeps ``p = 2, 3`` rational, so the comparison is exact. A coefficient may be ``(re, im)``:
    for even ``p`` through ``re^2 + im^2``, otherwise its modulus must be rational.

    Examples
    --------
    >>> norm_as_stated([3, -4], 2), norm_as_stated([1, -7, 2], math.inf)
    (Fraction(25, 1), Fraction(7, 1))
    """
    if p != math.inf and p % 2 == 0:  # |c|^p = (re^2 + im^2)^(p/2): rational for every complex rational c
        return sum((_modulus_squared(c) ** (p // 2) for c in coeffs), Fraction(0))
    a = [_modulus(c) for c in coeffs]
    if p == math.inf:
        return max(a)
    if p == 1:
        return sum(a, Fraction(0))
    return sum((c ** p for c in a), Fraction(0))


def _modulus_squared(c):
    """``|c|^2 = re^2 + im^2`` as a Fraction, ``c`` a rational or ``(re, im)``."""
    re, im = c if isinstance(c, tuple) else (c, 0)
    return to_rational(re) ** 2 + to_rational(im) ** 2


def _modulus(c):
    """``|c|`` as a Fraction; ``c`` a rational or ``(re, im)`` with a rational modulus ``sqrt(re^2 + im^2)``.

    Examples
    --------
    >>> _modulus((3, -4)), _modulus(-2)
    (Fraction(5, 1), Fraction(2, 1))
    """
    if not isinstance(c, tuple):
        return abs(to_rational(c))
    sq = _modulus_squared(c)
    root = Fraction(math.isqrt(sq.numerator), math.isqrt(sq.denominator))
    if root * root != sq:  # the anchors are chosen with rational moduli, so the transcription stays exact
        raise ValueError(f"|{c}|^2 = {sq} is not a rational square")
    return root


def stride_as_stated(w, i, s):
    """``p~_{k_i,s}(w^(i))`` of eq. (2.1) transcribed here, as ``{power: coefficient}``: ``w_j`` at ``x^(j prod_{n<i} s_n)``.

    Examples
    --------
    >>> stride_as_stated([1, 2, 3], 2, (2, 1))
    {0: 1, 2: 2, 4: 3}
    """
    step = math.prod(s[:i - 1])
    return {j * step: c for j, c in enumerate(w)}


def _poly_difference(w, i, s):
    """``None``, or how the public sympy ``stride_polynomial`` (the ``--latex`` route) differs from eq. (2.1) as
    transcribed here or from the library's ascending ``stride_polynomial_coefficients`` (both looked up at run time:
    the library's functions, whatever they are now)."""
    x = sp.Symbol("x")
    got = polynomials.stride_polynomial(w, i, s, x)
    by_stated = sp.Add(*[to_sympy(c) * x ** e for e, c in stride_as_stated(w, i, s).items()])
    by_list = sp.Add(*[to_sympy(c) * x ** e for e, c in enumerate(polynomials.stride_polynomial_coefficients(w, i, s))])
    if sp.expand(got.as_expr() - by_stated) != 0 or sp.expand(by_list - by_stated) != 0:
        return {"w": [str(c) for c in w], "layer": i, "s": s, "stride_polynomial": str(got.as_expr()),
                "eq. (2.1)": str(by_stated), "from stride_polynomial_coefficients": str(by_list)}
    return None


def _in_stated_form(norm, p):
    """A library norm in the form of :func:`norm_as_stated` (``None`` if that is not rational: then it is wrong)."""
    try:
        return to_rational(norm if p in (1, math.inf) else norm ** p)
    except NumberError:
        return None


def check_shape(k, s, stride_coefficients=stride_polynomial_coefficients, final_filter=final_filter_recursive):
    """``None`` if the factorization, the degrees, the coefficient supports and ``final_filter_by_product`` hold for ``(k, s)``."""
    arch = Architecture.for_output_width(k, s)
    ctx, ws = symbolic_filters(arch)
    polys = [stride_coefficients(w, i, s) for i, w in enumerate(ws, 1)]
    for i, (p, w, t) in enumerate(zip(polys, ws, arch.t), 1):
        if len(p) - 1 != t:
            return {"k": k, "s": s, "layer": i, "deg p~_i": len(p) - 1, "t_i": t}
        nonzero = [c for c in p if c != 0]
        if nonzero != list(w) or p[-1] != w[-1]:  # same coefficients (so every p-norm agrees), w_k leading
            return {"k": k, "s": s, "layer": i, "coefficients of p~_i": [str(c) for c in p], "w^(i)": [str(c) for c in w]}
    product = polys[0]
    for p in polys[1:]:
        product = convolve(product, p)
    v = final_filter(ws, s)
    if len(product) != len(v):
        return {"k": k, "s": s, "deg of the product": len(product) - 1, "k_v - 1": len(v) - 1}
    for m, (a, b) in enumerate(zip(product, v)):
        if a != b:
            return {"k": k, "s": s, "power": m, "coefficient of prod p~_i": str(a), "v_{m+1}": str(b)}
    by_product = coefficients.final_filter_by_product(ws, s)  # the library's route for method="product"
    if list(by_product) != list(v):
        return {"k": k, "s": s, "final_filter_by_product": [str(c) for c in by_product],
                "recursion (3.11)": [str(c) for c in v]}
    for numbers in _with_zeros(k):  # symbolic entries are never zero: numbers with zero entries, leading and trailing
        by_product, v = coefficients.final_filter_by_product(numbers, s), final_filter(numbers, s)
        if list(by_product) != list(v):
            return {"k": k, "s": s, "filters": numbers, "final_filter_by_product": [str(c) for c in by_product],
                    "recursion (3.11)": [str(c) for c in v]}
    return None


def _with_zeros(k):
    """Integer filters of shape ``k`` with zero entries: every filter's last entry zero, every first entry zero, and the
    first filter all zero (the final filter then has zero coefficients at its ends, and is zero)."""
    plain = [[i + j + 1 for j in range(ki)] for i, ki in enumerate(k)]
    last = [w[:-1] + [0] for w in plain]
    first = [[0] + w[1:] for w in plain]
    return [last, first, [[0] * k[0]] + plain[1:]]


def _norm_instances(config, stride_coefficients):
    """Exact p-norms of ``p~_i`` and ``w^(i)`` at random rational filters against a transcription, and the anchors.

    Returns ``(count, counterexample or None, {p: filters})``.
    """
    norm = polynomials.coefficient_norm  # looked up at run time: the library's function, whatever it is now
    for coeffs, p, value in ANCHORS:
        got = _in_stated_form(norm(coeffs, p), p)
        if got != value or norm_as_stated(coeffs, p) != value:
            return 0, {"anchor": coeffs, "p": _p_text(p), "coefficient_norm (stated form)": str(got),
                       "transcription": str(norm_as_stated(coeffs, p)), "known value": str(value)}, {}
    for coeffs, p, value in COMPLEX_ANCHORS:
        got = _in_stated_form(norm([to_sympy(c) for c in coeffs], p), p)
        if got != value or norm_as_stated(coeffs, p) != value:
            return 0, {"anchor": [f"{re}{im:+}i" for re, im in coeffs], "p": _p_text(p),
                       "coefficient_norm (stated form)": str(got), "transcription": str(norm_as_stated(coeffs, p)),
                       "known value": str(value)}, {}
    (w, i, s), stated = STRIDE_ANCHOR
    bad = _poly_difference(w, i, s)
    if bad is not None or stride_as_stated(w, i, s) != stated:
        return 0, {"anchor": "1 + 2x^2 + 3x^4", **(bad or {"transcription": str(stride_as_stated(w, i, s))})}, {}
    rng = random.Random(config.seed)
    count, per_p = len(ANCHORS) + len(COMPLEX_ANCHORS) + 1, {}
    for n in range(40 if config.thorough else 12):
        depth = rng.randint(1, 4)
        k = tuple(rng.randint(1, 4) for _ in range(depth))
        s = tuple(rng.randint(1, 3) for _ in range(depth))
        w = [Fraction(rng.randint(-50, 50), rng.randint(1, 9)) for _ in range(k[-1])]
        bad = _poly_difference(w, depth, s)
        if bad is not None:
            return count, {"k": k, **bad}, per_p
        for p in P_VALUES:
            q = stride_coefficients(w, depth, s)
            lhs, rhs = norm(q, p), norm(w, p)
            stated_q, stated_w = norm_as_stated(q, p), norm_as_stated(w, p)
            count += 1
            if not (lhs == rhs and _in_stated_form(lhs, p) == stated_q == stated_w == _in_stated_form(rhs, p)):
                form = "" if p in (1, math.inf) else " (p-th powers)"
                return count, {"k": k, "s": s, "w": [str(c) for c in w], "p": _p_text(p), "|||p~|||_p": str(lhs),
                               "||w||_p": str(rhs), f"transcription for p~{form}": str(stated_q),
                               f"transcription for w{form}": str(stated_w)}, per_p
            per_p[_p_text(p)] = per_p.get(_p_text(p), 0) + 1
    return count, None, per_p


def parts(config):
    """The p-norms at random rational filters (first: quick to fail), and the pieces of prop-1.1's grid."""
    return [("norms",)] + prop_1_1.parts(config)


def check_part(config, part, **variants):
    """Prop. 2.1 on one piece of the grid, or the exact p-norm instances."""
    if part == ("norms",):
        norms, bad, per_p = _norm_instances(config, variants.get("stride_coefficients", stride_polynomial_coefficients))
        if bad is not None:
            return Evidence(False, "exact", "p-norms at rational filters", norms, counterexample=bad)
        least = MIN_NORM_FILTERS[config.profile]
        short = {f"p = {p}": f"ran {per_p.get(p, 0)}, minimum {least}" for p in REQUIRED_P if per_p.get(p, 0) < least}
        if short:
            return Evidence(False, "exact", "a search smaller than its minimum", norms, counterexample={"search too small": short})
        return Evidence(True, "exact", "p-norms", norms,
                        details={"norm instances": norms, "per p": per_p, "anchors": len(ANCHORS) + len(COMPLEX_ANCHORS)})
    found = prop_1_1.shapes_of(part)
    short = prop_1_1.part_shortfall(part, found)
    if short is not None:
        return Evidence(False, "exact", "a search smaller than its minimum", 0, counterexample={"search too small": short})
    ev = exact_over(found, lambda k, s: check_shape(k, s, **variants), f"part {part}, symbolic in w{{i}}_{{j}}")
    ev.details = {"part": "deep" if part == ("deep",) else list(part), "shapes": prop_1_1.grid_tally(part, found),
                  "max k_v": max((final_filter_width(k, s) for k, s in found), default=0)}
    return ev


def combine(config, evidences):
    """The evidence of the whole check from its parts, with the search's minimums."""
    total = sum(e.instances for e in evidences)
    if not all(e.passed for e in evidences):
        return combine_parts(evidences, "exact", "")
    grid = [e.details for e in evidences if "shapes" in e.details]
    normed = [e.details for e in evidences if "norm instances" in e.details]
    short, _ = prop_1_1.grid_shortfall(config, grid)
    if not normed:
        short["p-norms"] = "ran 0"
    if short:
        return Evidence(False, "exact", "a search smaller than its minimum", total, counterexample={"search too small": short})
    norms = sum(d["norm instances"] for d in normed)
    per_p = normed[0]["per p"]
    count = total - norms
    scope = (
        f"{count} architectures symbolic in w{{i}}_{{j}} (the grid of prop-1.1: {prop_1_1.grid_scope(config, grid)}): "
        f"product, degrees t_i, the coefficients of each p~_i (hence every p-norm) and final_filter_by_product (also at "
        f"{len(_with_zeros((1,)))} integer filters with zero entries each); plus "
        f"{norms} exact p-norms: {normed[0]['anchors']} known values (complex ones among them), then p = "
        f"{', '.join(per_p)} at {min(per_p.values())} random rational filters each, against a transcription of "
        f"||w||_p, the sympy stride_polynomial of each against eq. (2.1) as transcribed"
    )
    return combine_parts(evidences, "exact", scope)


def check(config=CheckConfig(), **variants):
    """Prop. 2.1 symbolically over the grid of prop-1.1, and the norm identity at random rational filters."""
    return run_in_turn(parts(config), lambda part: check_part(config, part, **variants),
                       lambda evidences: combine(config, evidences))
