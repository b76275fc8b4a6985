"""Section 2.2: submultiplicativity (Lemma 2.2), the root bound (Lemma 2.3) and
the factorization into linear factors of bounded 1-norm (Lemma 2.4).

The factorization is built exactly as the proof of Lemma 2.4 builds it, in
python-flint ball arithmetic from certified root enclosures
(:mod:`lcnsym.analysis.roots`): every factor, norm and product is a ball that
contains the value the exact roots give.  Quantities that are exact for
exact input (``T``, ``B``, ``6 n T``, ``sgn(a_n)`` of a real polynomial) are
Fractions.  A comparison the balls cannot decide is recomputed with more
guard digits and, if still undecided, raises
:class:`~lcnsym.errors.PrecisionError`: a precision shortfall is never
reported as a counterexample.
"""

from dataclasses import dataclass, field
from fractions import Fraction
from functools import reduce
import random

import flint
import mpmath

from lcnsym.algebra.polynomials import coefficient_norm
from lcnsym.analysis.roots import MAX_ROOT_WORK, certified_roots, check_root_work, normalize_polynomial
from lcnsym.errors import PolynomialError, PrecisionError
from lcnsym.numeric import (DEFAULT_DPS, GUARD_DIGITS, ball_bounds, check_dps, compare, show, show_upper, to_acb, to_arb, to_mpc,
                            to_rational, tolerance, working_precision)

__all__ = [
    "one_norm_ratio",
    "norm_ratio",
    "norm_ratio_ball",
    "norm_constant_search",
    "root_bound",
    "root_bound_squared",
    "LinearFactorization",
    "linear_factorization",
    "factorizations_for_all_classifications",
    "RESIDUAL_DIGITS_LOST",
    "MAX_GUARD_DIGITS",
]

RESIDUAL_DIGITS_LOST = 5
"""The product of the factors must reproduce ``p`` to ``10^-(dps - 5)`` relative to ``|||p|||_1``."""

_UNBOUNDED = Fraction(10**100)  # the residual of an infinite ball: undecided, retried with more digits

MAX_GUARD_DIGITS = 16 * GUARD_DIGITS
"""The most guard digits Lemma 2.4's balls are given before a comparison is reported undecided."""


def _multiply(a, b):
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


def norm_ratio(p, q, norm=1, *, dps=DEFAULT_DPS):
    """``|||pq|||_norm / (|||p|||_norm |||q|||_norm)`` in mpmath at ``dps`` digits (Lemma 2.2 for ``norm = 1``; the remark for ``norm > 1``).

    Coefficients are read exactly (binary floats by their value, complex as pairs or ``complex``).

    Examples
    --------
    >>> show(norm_ratio([1, 1], [1, 1], 2, dps=20), 12)  # (1+x)^2: sqrt(6)/2 > 1, not submultiplicative
    '1.22474487139'
    """
    with working_precision(dps):
        p, q = [to_mpc(c) for c in p], [to_mpc(c) for c in q]
        size = [coefficient_norm(cs, norm, dps=dps) for cs in (_multiply(p, q), p, q)]
        return size[0] / (size[1] * size[2])


def norm_ratio_ball(p, q, norm=1, *, dps=DEFAULT_DPS):
    """``|||pq|||_norm / (|||p|||_norm |||q|||_norm)`` as a python-flint ball at ``dps`` digits (``norm`` a whole number >= 1).

    Coefficients are read exactly (complex as pairs); the ball contains the exact ratio.

    Examples
    --------
    >>> compare(norm_ratio_ball([1, (0, 1)], [(1, 1), 2]), 1)  # Lemma 2.2: at most 1, decided by the ball
    True
    """
    with working_precision(dps):
        p, q = [to_acb(c) for c in p], [to_acb(c) for c in q]
        pq = (flint.acb_poly(p) * flint.acb_poly(q)).coeffs()

        def size(cs):
            total = sum((abs(c) ** norm if norm > 1 else abs(c) for c in cs), to_arb(0))
            return total.root(norm) if norm > 1 else total

        return size(pq) / (size(p) * size(q))


def one_norm_ratio(p, q):
    """``|||pq|||_1 / (|||p|||_1 |||q|||_1)`` exactly, for real rational coefficients (Lemma 2.2).

    Examples
    --------
    >>> one_norm_ratio([1, -1], [1, 1])  # (1-x)(1+x) = 1 - x^2
    Fraction(1, 2)
    >>> one_norm_ratio([1, 2], [3, 0, 1])  # nonnegative coefficients: equality
    Fraction(1, 1)
    """
    p, q = normalize_polynomial(p, min_degree=0), normalize_polynomial(q, min_degree=0)
    if not (p.is_real and q.is_real):
        raise PolynomialError("one_norm_ratio takes real coefficients; use norm_ratio_ball for complex ones")
    p, q = [re for re, _ in p.coeffs], [re for re, _ in q.coeffs]
    return sum(abs(c) for c in _multiply(p, q)) / (sum(map(abs, p)) * sum(map(abs, q)))


def norm_constant_search(norm, degree, trials=2000, seed=0, *, dps=DEFAULT_DPS):
    """The largest ``|||q1 q2|||_p / (|||q1|||_p |||q2|||_p)`` a random search finds with ``q1 q2`` of degree ``degree``.

    An exploration of the constant ``c(p, n)`` of the remark after Lemma 2.2
    (a lower bound for it): random Gaussian, nonnegative and constant
    coefficient vectors (exact binary rationals), split into degrees ``d`` and ``degree - d``.

    Returns
    -------
    (mpmath.mpf, tuple)
        The largest ratio (at ``dps`` digits) and the pair reaching it, as Fractions.

    Examples
    --------
    >>> ratio, _ = norm_constant_search(2, 2, trials=200, dps=20)
    >>> show(ratio, 8)
    '1.2247449'
    """
    rng = random.Random(seed)
    best, arg = None, None
    for t in range(trials):
        d = rng.randint(0, degree)
        kind = t % 3

        def draw(k):
            if kind == 0:
                return [Fraction(rng.gauss(0, 1)) for _ in range(k + 1)]
            if kind == 1:
                return [Fraction(rng.random()) + Fraction(1, 10**9) for _ in range(k + 1)]
            return [Fraction(1)] * (k + 1)

        q1, q2 = draw(d), draw(degree - d)
        r = norm_ratio(q1, q2, norm, dps=dps)
        if best is None or r > best:
            best, arg = r, (q1, q2)
    return best, arg


def root_bound_squared(coeffs):
    """``A^2 = n^2 max_i |a_i|^2 / |a_n|^2`` of Lemma 2.3, exactly (a Fraction, also for complex coefficients).

    Examples
    --------
    >>> root_bound_squared([1, (0, 1)])  # i x + 1: root i, |x| = A = 1
    Fraction(1, 1)
    """
    poly = normalize_polynomial(coeffs)
    sq = [re * re + im * im for re, im in poly.coeffs]
    return poly.degree**2 * max(sq) / sq[-1]


def root_bound(coeffs, *, dps=DEFAULT_DPS):
    """``A = n max_i |a_i| / |a_n|`` of Lemma 2.3 (every root satisfies ``|x| <= A``).

    Exact (a Fraction) for real coefficients; for complex ones the square root
    of the exact :func:`root_bound_squared`, an mpmath number at ``dps`` digits.

    Examples
    --------
    >>> root_bound([-1, -1, 1])  # x^2 - x - 1: the golden ratio 1.618... <= 2
    Fraction(2, 1)
    """
    poly = normalize_polynomial(coeffs)
    if poly.is_real:
        return poly.degree * max(abs(re) for re, _ in poly.coeffs) / abs(poly.coeffs[-1][0])
    with working_precision(dps):
        return mpmath.sqrt(to_mpc(root_bound_squared(poly)).real)


@dataclass
class LinearFactorization:
    """The factorization ``p = sgn(a_n) prod u_i`` of Lemma 2.4 and the quantities of its proof, in balls.

    Attributes
    ----------
    factors : list of (acb, acb)
        ``(c0, c1)`` with ``u_i(x) = c1 x + c0``: balls containing the factors
        the exact roots give.
    factor_norms : list of arb
        ``|||u_i|||_1``.
    case : int
        1 if every root is counted as ``|z_i| <= 1``, else 2.
    r : int
        The number of roots counted as ``|z_i| >= 1`` in case 2 (0 in case 1).
    T, B : Fraction or arb
        ``T = max(|||p|||_1, 1)`` and ``B = max_i |a_i| / |a_n|``: exact for real coefficients.
    sign : (Fraction, Fraction) or acb
        ``sgn(a_n) = a_n / |a_n|``: exact for real ``a_n``.
    roots_product, roots_product_bound : arb, and Fraction or arb
        ``|z_1 ... z_r|`` against (2.5)'s ``3 B n^r`` (``None`` in case 1).
    product : list of acb
        The coefficients of ``sgn(a_n) prod u_i``: each ball must contain ``a_i``.
    residual : Fraction
        An upper bound of ``max_i |coefficient_i(sgn(a_n) prod u_i) - a_i| / |||p|||_1``.
    """

    degree: int
    dropped: int
    dps: int
    prec: int
    sign: object
    factors: list
    factor_norms: list
    case: int
    r: int
    T: object
    B: object
    one_norm: object
    roots_product: object
    roots_product_bound: object
    product: list = field(repr=False)
    residual: Fraction
    consistent: bool
    roots: list = field(repr=False, default_factory=list)
    ambiguous: int = 0

    @property
    def bound(self):
        """``6 n T`` (exact when ``T`` is)."""
        return 6 * self.degree * self.T

    def scaled_bound(self, constant=6):
        """``constant * n * T``: exact when ``T`` is, else a ball (at the factorization's precision)."""
        if isinstance(self.T, Fraction):
            return to_rational(constant, "constant", floats=True) * self.degree * self.T
        with working_precision(prec=self.prec):
            return to_arb(to_rational(constant, "constant", floats=True) * self.degree) * self.T

    @property
    def max_factor_norm(self):
        """A ball containing ``max_i |||u_i|||_1``."""
        return reduce(lambda a, b: a.max(b), self.factor_norms)

    @property
    def ratio(self):
        """``max |||u_i|||_1 / (n T)`` as a ball: how far below 6 the factors sit."""
        return self.max_factor_norm / (self.degree * to_arb(self.T))

    def verdict(self, constant=6):
        """``(True | False | None, reason)``: whether the bound ``constant * n T``, (2.5) and the product hold.

        ``None`` when the balls cannot decide at this precision.
        """
        if not self.consistent:
            return False, "the product of the factors does not contain p's coefficients"
        if self.residual > tolerance(self.dps, RESIDUAL_DIGITS_LOST):
            return None, (f"the product reproduces p only to {show_upper(self.residual)} at {self.prec} bits, "
                          f"not to 1e-{self.dps - RESIDUAL_DIGITS_LOST}")
        bound = self.scaled_bound(constant)
        decisions = [compare(n, bound) for n in self.factor_norms]
        if False in decisions:
            return False, f"a factor's 1-norm exceeds {constant} n T"
        if self.case == 2:
            decisions.append(compare(self.roots_product, self.roots_product_bound))
            if decisions[-1] is False:
                return False, "(2.5) fails: |z_1...z_r| > 3 B n^r"
        if None in decisions:
            return None, f"a factor's 1-norm or (2.5) is within the balls' width of its bound at {self.prec} bits"
        return True, "holds"

    def holds(self, constant=6):
        """Whether the bound ``constant * n T``, (2.5) and the product hold.

        Raises
        ------
        PrecisionError
            When the balls cannot decide at this precision (undecided, not false).
        """
        ok, why = self.verdict(constant)
        if ok is None:
            raise PrecisionError(f"Lemma 2.4 undecided for degree {self.degree}: {why}", dps=self.dps, prec=self.prec)
        return ok

    def _repr_latex_(self):
        def num(x):
            return show(x, 6).replace("j", "i")

        factors = " ".join(f"\\left(({num(c1)})\\,x + ({num(c0)})\\right)" for c0, c1 in self.factors[:6])
        more = f" \\cdots \\text{{({self.degree - 6} more)}}" if self.degree > 6 else ""
        sign = num(self.sign) if not isinstance(self.sign, tuple) else show(self.sign)
        return (f"$p(x) = {sign} \\cdot {factors}{more}$, case {self.case}"
                f"{f', r = {self.r}' if self.case == 2 else ''}; $\\max_i |||u_i|||_1 = {show(self.max_factor_norm, 6)} "
                f"\\le 6 n T = {show(self.bound, 6)}$ (Lemma 2.4)")

    def __repr__(self):
        return (f"LinearFactorization(degree {self.degree}, case {self.case}, r = {self.r}, T = {show(self.T, 10)}, "
                f"max |||u_i|||_1 = {show(self.max_factor_norm, 10)}, 6 n T = {show(self.bound, 10)}, dps {self.dps})")


def _classifications(enclosures):
    """Every admissible set of indices counted as ``|z_i| >= 1`` (ambiguous balls both ways, in modulus order)."""
    sides = [enc.modulus_vs_one() for enc in enclosures for _ in range(enc.multiplicity)]
    sure = [i for i, s in enumerate(sides) if s == 1]
    unsure = [i for i, s in enumerate(sides) if s == 0]  # already in decreasing modulus
    choices = [sure + unsure[:k] for k in range(len(unsure) + 1)]
    return choices, len(unsure)  # an empty set (case 1) only arises when no root is certainly > 1


def _midpoint_choice(enclosures):
    """The classification by the midpoints: ``|mid| >= 1`` counted as big, when some ``|mid| > 1``."""
    mods = [enc.modulus_squared() for enc in enclosures for _ in range(enc.multiplicity)]
    return [i for i, m in enumerate(mods) if m >= 1] if any(m > 1 for m in mods) else []


def _product_tree(polys):
    """The product of ball polynomials, pairwise in a balanced tree (far narrower balls than one after another)."""
    while len(polys) > 1:
        polys = [polys[i] * polys[i + 1] if i + 1 < len(polys) else polys[i] for i in range(0, len(polys), 2)]
    return polys[0]


def _contains_all(product, a):
    """Whether each ball of the product holds the whole ball of p's coefficient (touching it shows nothing: p's exact
    coefficient may lie in the part outside)."""
    return all(c.contains(ai) for c, ai in zip(product, a))


def _build(poly, enclosures, big, dps, prec):
    """The factors of the proof of Lemma 2.4, in balls, with the roots ``big`` (indices) counted as ``|z_i| >= 1``."""
    n = poly.degree
    roots = [enc.ball for enc in enclosures for _ in range(enc.multiplicity)]
    a = poly.acb()
    abs_sq = [re * re + im * im for re, im in poly.coeffs]
    if poly.is_real:
        one_norm = sum(abs(re) for re, _ in poly.coeffs)
        T = max(one_norm, Fraction(1))
        B = max(abs(re) for re, _ in poly.coeffs) / abs(poly.coeffs[-1][0])
        sign = (Fraction(1 if poly.coeffs[-1][0] > 0 else -1), Fraction(0))
        abs_an = to_arb(abs(poly.coeffs[-1][0]))
        sign_ball = to_acb(sign)
    else:
        one_norm = sum((to_arb(q).sqrt() for q in abs_sq), to_arb(0))
        T = one_norm.max(to_arb(1))
        B = (to_arb(max(abs_sq)) / to_arb(abs_sq[-1])).sqrt()
        abs_an = to_arb(abs_sq[-1]).sqrt()
        sign = sign_ball = a[-1] / abs_an
    if not big:  # case 1: |a_n| on the first factor, |a_n z_i| <= |a_n| <= T
        factors = [(-roots[0] * abs_an, to_acb(abs_an))] + [(-z, to_acb(1)) for z in roots[1:]]
        case, r, prod_r, prod_bound = 1, 0, None, None
    else:  # case 2: rescale the r roots with |z_i| >= 1
        case, r = 2, len(big)
        prod_r = reduce(lambda x, y: x * y, (abs(roots[i]) for i in big))
        prod_bound = 3 * B * n**r if isinstance(B, Fraction) else 3 * B * to_arb(n) ** r
        scale = (abs_an * prod_r).root(r)
        factors = [(-(scale / abs(z)) * z, to_acb(scale / abs(z))) if i in big else (-z, to_acb(1))
                   for i, z in enumerate(roots)]
    coeffs = (_product_tree([flint.acb_poly([c0, c1]) for c0, c1 in factors]) * sign_ball).coeffs()
    consistent = len(coeffs) == n + 1 and _contains_all(coeffs, a)
    uppers = [ball_bounds(abs(c - ai))[1] for c, ai in zip(coeffs, a)]
    deviation = _UNBOUNDED if None in uppers else max(uppers)
    norm_lower = one_norm if isinstance(one_norm, Fraction) else ball_bounds(one_norm)[0]
    norms = [abs(c0) + abs(c1) for c0, c1 in factors]
    return LinearFactorization(n, poly.dropped, dps, prec, sign, factors, norms, case, r, T, B, one_norm, prod_r,
                               prod_bound, coeffs, deviation / norm_lower, consistent, roots)


def _next_guard(guard, factorizations, dps):
    """More guard digits: the digits the widest product fell short by, plus a margin; at least twice as many."""
    worst = max(f.residual for f in factorizations)
    short = 0
    while worst > tolerance(dps, RESIDUAL_DIGITS_LOST) * 10**short:
        short += 1
    return max(2 * guard, guard + short + GUARD_DIGITS)


def _decided(poly, dps, choose, max_work=MAX_ROOT_WORK):
    """Build at rising guard digits until ``verdict(6)`` is decided; the factorization for each choice of big roots."""
    check_root_work(poly.degree, dps, max_work)  # once, at the digits asked for: the guard digits are ours
    guard = GUARD_DIGITS + 2 * len(str(poly.degree))  # the balls of a product of n factors widen with n
    while True:
        enclosures = certified_roots(poly, dps + guard, max_work=None)
        with working_precision(dps, guard=guard) as prec:
            choices, ambiguous = choose(enclosures)
            out = []
            for big in choices:
                f = _build(poly, enclosures, set(big), dps, prec)
                f.ambiguous = ambiguous
                out.append(f)
        if all(f.verdict()[0] is not None for f in out):
            return out
        if guard >= MAX_GUARD_DIGITS:
            break
        guard = min(_next_guard(guard, out, dps), MAX_GUARD_DIGITS)
    why = next(f.verdict()[1] for f in out if f.verdict()[0] is None)
    raise PrecisionError(f"Lemma 2.4 undecided for degree {poly.degree} even with {guard} guard digits: {why}",
                         dps=dps, guard=guard, degree=poly.degree)


def factorizations_for_all_classifications(coeffs, dps=DEFAULT_DPS, *, max_work=MAX_ROOT_WORK):
    """Lemma 2.4's factorization for every admissible classification of roots near the unit circle.

    A root whose certified ball straddles ``|z| = 1`` is counted both ways,
    so that a check never rests on a guess.

    Returns
    -------
    list of LinearFactorization

    Raises
    ------
    PrecisionError
        If some classification stays undecided with the most guard digits.
    """
    dps = check_dps(dps)
    return _decided(normalize_polynomial(coeffs), dps, _classifications, max_work)


def linear_factorization(coeffs, dps=DEFAULT_DPS, *, max_work=MAX_ROOT_WORK):
    """Factor ``p`` into linear factors as in the proof of Lemma 2.4: ``p = sgn(a_n) prod u_i``, ``|||u_i|||_1 <= 6 n T``.

    Parameters
    ----------
    coeffs : sequence
        Ascending coefficients ``a_0..a_n`` (real or complex; see
        :func:`lcnsym.analysis.roots.normalize_polynomial`); zero leading
        coefficients are dropped and the true degree reported.
    dps : int
        Digits: the factors are balls whose midpoints carry ``dps`` digits,
        and their product must reproduce ``p`` to ``10^-(dps-5)``.

    Returns
    -------
    LinearFactorization
        With the roots classified by their certified enclosures' midpoints;
        :func:`factorizations_for_all_classifications` gives every admissible
        classification when a ball straddles the unit circle.

    Raises
    ------
    PolynomialError, NumberError
        The zero polynomial, a constant, NaN or infinite entries.
    PrecisionError
        If the roots cannot be isolated, or the balls cannot decide the bound
        even with :data:`MAX_GUARD_DIGITS` guard digits.

    Examples
    --------
    >>> f = linear_factorization([2, -3, 1], dps=30)  # (x - 1)(x - 2): case 2, r = 2
    >>> f.case, f.r, f.T, f.bound, f.holds()
    (2, 2, Fraction(6, 1), Fraction(72, 1), True)
    >>> [show(n, 6) for n in f.factor_norms]
    ['2.12132', '2.82843']

    References
    ----------
    Lemma 2.4 and eq. (2.5).
    """
    dps = check_dps(dps)
    poly = normalize_polynomial(coeffs)
    f = _decided(poly, dps, lambda enc: ([_midpoint_choice(enc)], _classifications(enc)[1]), max_work)[0]
    return f
