"""Section 2.2: submultiplicativity (Lemma 2.2), the root bound (Lemma 2.3) and
the factorization into linear factors of bounded 1-norm (Lemma 2.4).

The factorization is built exactly as the proof of Lemma 2.4 builds it, in
mpmath at a precision the caller names, from certified root enclosures
(:mod:`lcnsym.roots`).
"""

from dataclasses import dataclass, field
from fractions import Fraction
import random

import mpmath

from lcnsym.roots import Polynomial, certified_roots, normalize_polynomial

__all__ = [
    "one_norm_ratio",
    "norm_ratio",
    "norm_constant_search",
    "root_bound",
    "LinearFactorization",
    "linear_factorization",
    "factorizations_for_all_classifications",
]


def _mp(poly):
    return poly.mp()


def _multiply(a, b):
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += x * y
    return out


def norm_ratio(p, q, norm=1):
    """``|||pq|||_norm / (|||p|||_norm |||q|||_norm)`` in mpmath (Lemma 2.2 for ``norm = 1``; the remark for ``norm > 1``).

    Examples
    --------
    >>> round(float(norm_ratio([1, 1], [1, 1], 2)), 12)  # (1+x)^2: sqrt(6)/2 > 1, not submultiplicative
    1.224744871392
    """
    p, q = list(map(mpmath.mpmathify, p)), list(map(mpmath.mpmathify, q))
    return mpmath.norm(_multiply(p, q), norm) / (mpmath.norm(p, norm) * mpmath.norm(q, norm))


def one_norm_ratio(p, q):
    """``|||pq|||_1 / (|||p|||_1 |||q|||_1)`` exactly, for real rational coefficients (Lemma 2.2).

    Examples
    --------
    >>> one_norm_ratio([1, -1], [1, 1])  # (1-x)(1+x) = 1 - x^2
    Fraction(1, 2)
    >>> one_norm_ratio([1, 2], [3, 0, 1])  # nonnegative coefficients: equality
    Fraction(1, 1)
    """
    p, q = [Fraction(c) for c in p], [Fraction(c) for c in q]
    return sum(abs(c) for c in _multiply(p, q)) / (sum(map(abs, p)) * sum(map(abs, q)))


def norm_constant_search(norm, degree, trials=2000, seed=0):
    """The largest ``|||q1 q2|||_p / (|||q1|||_p |||q2|||_p)`` a random search finds with ``q1 q2`` of degree ``degree``.

    An exploration of the constant ``c(p, n)`` of the remark after Lemma 2.2
    (a lower bound for it): random Gaussian, nonnegative and constant
    coefficient vectors, split into degrees ``d`` and ``degree - d``.

    Returns
    -------
    (mpmath.mpf, tuple)
        The largest ratio and the pair reaching it.

    Examples
    --------
    >>> ratio, _ = norm_constant_search(2, 2, trials=200)
    >>> ratio >= mpmath.sqrt(6) / 2 - 1e-12
    True
    """
    rng = random.Random(seed)
    best, arg = mpmath.mpf(0), None
    for t in range(trials):
        d = rng.randint(0, degree)
        kind = t % 3
        def draw(k):
            if kind == 0:
                return [mpmath.mpf(rng.gauss(0, 1)) for _ in range(k + 1)]
            if kind == 1:
                return [mpmath.mpf(rng.random()) + mpmath.mpf("1e-9") for _ in range(k + 1)]
            return [mpmath.mpf(1)] * (k + 1)
        q1, q2 = draw(d), draw(degree - d)
        r = norm_ratio(q1, q2, norm)
        if r > best:
            best, arg = r, (q1, q2)
    return best, arg


def root_bound(coeffs):
    """``A = n max_i |a_i| / |a_n|`` of Lemma 2.3 (every root satisfies ``|x| <= A``).

    Exact (a Fraction) for real rational coefficients, mpmath otherwise.

    Examples
    --------
    >>> root_bound([-1, -1, 1])  # x^2 - x - 1: the golden ratio 1.618... <= 2
    Fraction(2, 1)
    """
    poly = coeffs if isinstance(coeffs, Polynomial) else normalize_polynomial(coeffs)
    n = poly.degree
    if poly.is_real:
        return n * max(abs(re) for re, _ in poly.coeffs) / abs(poly.coeffs[-1][0])
    a = poly.mp()
    return n * max(abs(c) for c in a) / abs(a[-1])


@dataclass
class LinearFactorization:
    """The factorization ``p = sgn(a_n) prod u_i`` of Lemma 2.4 and the quantities of its proof.

    Attributes
    ----------
    factors : list of (mpc, mpc)
        ``(c0, c1)`` with ``u_i(x) = c1 x + c0``.
    case : int
        1 if every root has ``|z_i| <= 1``, else 2.
    r : int
        The number of roots with ``|z_i| >= 1`` in case 2 (0 in case 1).
    T, B, bound : mpf
        ``T = max(|||p|||_1, 1)``, ``B = max_i |a_i| / |a_n|``, ``bound = 6 n T``.
    roots_product, roots_product_bound : mpf
        ``|z_1 ... z_r|`` against (2.5)'s ``3 B n^r`` (``None`` in case 1).
    residual : mpf
        ``max_i |coefficient_i(sgn(a_n) prod u_i) - a_i| / |||p|||_1``.
    """

    degree: int
    dropped: int
    dps: int
    sign: object
    factors: list
    factor_norms: list
    case: int
    r: int
    T: object
    B: object
    bound: object
    roots_product: object
    roots_product_bound: object
    residual: object
    roots: list = field(repr=False, default_factory=list)
    ambiguous: int = 0

    @property
    def max_factor_norm(self):
        return max(self.factor_norms)

    @property
    def ratio(self):
        """``max |||u_i|||_1 / (n T)``: how far below 6 the factors sit."""
        return self.max_factor_norm / (self.degree * self.T)

    def holds(self, constant=6, tolerance=None):
        """Whether the bound ``constant * n T``, (2.5) and the product (to ``10^-(dps-5)``) hold."""
        tol = mpmath.mpf(10) ** (-(self.dps - 5)) if tolerance is None else tolerance
        ok = self.max_factor_norm <= constant * self.degree * self.T and self.residual <= tol
        if self.case == 2:
            ok = ok and self.roots_product <= self.roots_product_bound
        return bool(ok)


def _roots_list(enclosures):
    return [z for enc in enclosures for z in [enc.value()] * enc.multiplicity]


def _build(a, roots, big, dps, poly):
    """The factors of the proof of Lemma 2.4 with the roots ``big`` (indices) counted as ``|z_i| >= 1``."""
    n = len(a) - 1
    an = a[-1]
    one_norm = mpmath.fsum(abs(c) for c in a)
    T = max(one_norm, mpmath.mpf(1))
    B = max(abs(c) for c in a) / abs(an)
    if not big:  # case 1: |a_n| on the first factor, |a_n z_i| <= |a_n| <= T
        factors = [(-roots[0] * abs(an), abs(an))] + [(-z, mpmath.mpf(1)) for z in roots[1:]]
        case, r, prod_r, prod_bound = 1, 0, None, None
    else:  # case 2: rescale the r roots with |z_i| >= 1
        case, r = 2, len(big)
        prod_r = mpmath.fprod(abs(roots[i]) for i in big)
        prod_bound = 3 * B * mpmath.mpf(n) ** r
        scale = (abs(an) * prod_r) ** (mpmath.mpf(1) / r)
        factors = [(-(scale / abs(z)) * z, scale / abs(z)) if i in big else (-z, mpmath.mpf(1))
                   for i, z in enumerate(roots)]
    sign = an / abs(an)
    product = [sign]
    for c0, c1 in factors:
        product = _multiply(product, [c0, c1])
    residual = max(abs(x - y) for x, y in zip(product, a)) / one_norm
    norms = [abs(c0) + abs(c1) for c0, c1 in factors]
    return LinearFactorization(n, poly.dropped, dps, sign, factors, norms, case, r, T, B, 6 * n * T,
                               prod_r, prod_bound, residual, roots)


def _classifications(enclosures):
    """Every admissible set of indices counted as ``|z_i| >= 1`` (ambiguous balls both ways, in modulus order)."""
    sides = [enc.modulus_vs_one() for enc in enclosures for _ in range(enc.multiplicity)]
    sure = [i for i, s in enumerate(sides) if s == 1]
    unsure = [i for i, s in enumerate(sides) if s == 0]  # already in decreasing modulus
    choices = [sure + unsure[:k] for k in range(len(unsure) + 1)]
    return choices, len(unsure)  # an empty set (case 1) only arises when no root is certainly > 1


def factorizations_for_all_classifications(coeffs, dps=50):
    """Lemma 2.4's factorization for every admissible classification of roots near the unit circle.

    A root whose certified ball straddles ``|z| = 1`` is counted both ways,
    so that a check never rests on a guess.

    Returns
    -------
    list of LinearFactorization
    """
    poly = coeffs if isinstance(coeffs, Polynomial) else normalize_polynomial(coeffs)
    enclosures = certified_roots(poly, dps + 10)
    with mpmath.workdps(dps + 10):
        a = poly.mp()
        roots = _roots_list(enclosures)
        choices, ambiguous = _classifications(enclosures)
        out = []
        for big in choices:
            f = _build(a, roots, set(big), dps, poly)
            f.ambiguous = ambiguous
            out.append(f)
    return out


def linear_factorization(coeffs, dps=50):
    """Factor ``p`` into linear factors as in the proof of Lemma 2.4: ``p = sgn(a_n) prod u_i``, ``|||u_i|||_1 <= 6 n T``.

    Parameters
    ----------
    coeffs : sequence
        Ascending coefficients ``a_0..a_n`` (real or complex; see
        :func:`lcnsym.roots.normalize_polynomial`); zero leading coefficients
        are dropped and the true degree reported.
    dps : int
        Working precision in decimal digits.

    Returns
    -------
    LinearFactorization
        With the classification of the roots by their certified enclosures'
        midpoints; :func:`factorizations_for_all_classifications` gives every
        admissible one when a ball straddles the unit circle.

    Raises
    ------
    PolynomialError
        The zero polynomial, a constant, NaN or infinite entries.
    PrecisionError
        If the roots cannot be isolated.

    Examples
    --------
    >>> f = linear_factorization([2, -3, 1], dps=30)  # (x - 1)(x - 2): case 2, r = 2
    >>> f.case, f.r, float(f.T), float(f.bound), f.holds()
    (2, 2, 6.0, 72.0, True)
    >>> [round(float(n), 6) for n in f.factor_norms]
    [2.12132, 2.828427]

    References
    ----------
    Lemma 2.4 and eq. (2.5).
    """
    poly = coeffs if isinstance(coeffs, Polynomial) else normalize_polynomial(coeffs)
    enclosures = certified_roots(poly, dps + 10)
    with mpmath.workdps(dps + 10):
        a = poly.mp()
        roots = _roots_list(enclosures)
        big = {i for i, z in enumerate(roots) if abs(z) >= 1} if any(abs(z) > 1 for z in roots) else set()
        f = _build(a, roots, big, dps, poly)
        f.ambiguous = _classifications(enclosures)[1]
    return f
