"""Families of test polynomials for the checks of Section 2.2: random and adversarial.

Each family yields ``(name, coefficients)`` with ascending coefficients that
are exact (ints, Fractions, ``(re, im)`` pairs of Fractions), so that every
check sees the same polynomial whatever the precision.
"""

from collections import namedtuple
from fractions import Fraction
import math
import random

import mpmath

from lcnsym.numeric import to_complex_rational, to_mpf, to_rational, working_precision

__all__ = ["random_family", "adversarial_family", "exact_modulus_family", "all_polynomials", "polynomial_instances", "Instance",
           "coefficients_from_roots", "KINDS", "kinds_of"]


def _q(x):
    return to_rational(x, floats=True)


def coefficients_from_roots(roots, lead=1):
    """Ascending coefficients of ``lead * prod (x - z)``, exact for exact roots (Fractions or ``(re, im)`` pairs).

    Examples
    --------
    >>> coefficients_from_roots([1, 2])
    [(Fraction(2, 1), Fraction(0, 1)), (Fraction(-3, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(0, 1))]
    """
    coeffs = [(Fraction(lead), Fraction(0))]
    for z in roots:
        zr, zi = (_q(z[0]), _q(z[1])) if isinstance(z, tuple) else (_q(z), Fraction(0))
        shifted = [(Fraction(0), Fraction(0))] + coeffs  # x * c
        for i, (cr, ci) in enumerate(coeffs):  # - z * c
            sr, si = shifted[i]
            shifted[i] = (sr - (zr * cr - zi * ci), si - (zr * ci + zi * cr))
        coeffs = shifted
    return coeffs


def _unit_root(k, n, radius=1):
    """``radius e^(2 pi i k / n)`` to 40 digits, as an exact pair (the 40-digit value is the root)."""
    with working_precision(40):
        z = to_mpf(Fraction(radius)) * mpmath.expjpi(to_mpf(Fraction(2 * k, n)))
        return (_q(z.real), _q(z.imag))


def random_family(count, max_degree, seed):
    """Random polynomials: Gaussian, uniform, complex Gaussian and integer coefficients."""
    rng = random.Random(seed)
    kinds = ("gaussian", "uniform", "complex", "integer")
    for t in range(count):
        n = rng.randint(1, max_degree)
        kind = kinds[t % 4]
        if kind == "gaussian":
            c = [_q(rng.gauss(0, 1)) for _ in range(n + 1)]
        elif kind == "uniform":
            c = [_q(rng.uniform(-1, 1)) for _ in range(n + 1)]
        elif kind == "complex":
            c = [(_q(rng.gauss(0, 1)), _q(rng.gauss(0, 1))) for _ in range(n + 1)]
        else:
            c = [rng.randint(-9, 9) for _ in range(n + 1)]
        if c[-1] in (0, (0, 0)):
            c[-1] = 1
        yield f"{kind} degree {n}", c


def adversarial_family(thorough=False, seed=0):
    """Hard cases: tiny leading coefficients, huge constants, roots on and near the unit circle,
    multiple roots, Wilkinson-like spread roots, roots at zero, degree 1, mixed roots (some inside the unit
    circle, some outside), a dominant leading coefficient, zero leading coefficients, high degree."""
    rng = random.Random(seed + 1)
    big = 400 if thorough else 200
    for e in (10, 20, 30):
        yield f"leading coefficient 1e-{e}", [1, -3, 2, Fraction(1, 10**e)]
        yield f"leading coefficient 1e-{e}, degree 12", [rng.randint(-5, 5) or 1 for _ in range(12)] + [Fraction(1, 10**e)]
    yield "huge constant 1e30", [10**30, 1, -2, 1]
    yield "huge constant, tiny leading", [10**30, 0, 1, Fraction(1, 10**20)]
    for n in (8, 20):
        yield f"x^{n} - 1 (roots on the unit circle)", [-1] + [0] * (n - 1) + [1]
    yield "roots 1e-12 outside the unit circle", coefficients_from_roots([_unit_root(k, 10, 1 + Fraction(1, 10**12)) for k in range(10)])
    yield "roots 1e-12 inside the unit circle", coefficients_from_roots([_unit_root(k, 10, 1 - Fraction(1, 10**12)) for k in range(10)])
    yield "cluster at 1: 1 +- 1e-15", coefficients_from_roots([1 + Fraction(k, 10**15) for k in range(-3, 4)])
    for m in (5, 20):
        yield f"(x - 1)^{m}", [(-1) ** (m - k) * math.comb(m, k) for k in range(m + 1)]
    yield "(x + 1/2)^6 (x - 3)^4", coefficients_from_roots([Fraction(-1, 2)] * 6 + [3] * 4)
    yield "Wilkinson: prod_{k=1}^{20} (x - k)", coefficients_from_roots(range(1, 21))
    yield "spread roots 2^k, k = -10..10", coefficients_from_roots([Fraction(2) ** k for k in range(-10, 11)])
    yield "roots at zero: x^3 (x - 2)(x + 1/3)", [0, 0, 0] + [c for c in coefficients_from_roots([2, Fraction(-1, 3)])]
    yield "degree 1: 3x - 5", [-5, 3]
    yield "mixed roots, leading coefficient 1e-10: 1e-10 x^3 - 3x + 1", [1, -3, 0, Fraction(1, 10**10)]
    # |a_n| > n max_{i<n} |a_i|: a root bound that leaves a_n out of the max falls below these roots
    yield "dominant leading coefficient: 9x^2 + x + 1", [1, 1, 9]
    yield "dominant leading coefficient: 1000x^5 + x^4 - x + 1", [1, -1, 0, 0, 1, 1000]
    yield "dominant leading coefficient, complex: (30+40j) x^3 + j x + 1", [1, (0, 1), 0, (30, 40)]
    # zero leading coefficients (ascending lists with trailing zeros): the true degree is below the stated one
    yield "zero leading coefficients: 0x^4 + 0x^3 + x^2 - 3x + 2", [2, -3, 1, 0, 0]
    yield "zero leading coefficient, complex: 0x^2 + x + j", [(0, 1), 1, 0]
    yield "degree 1, complex: (1+2j) x + 1", [1, (1, 2)]
    for n in ((60, big) if not thorough else (60, 200, big)):
        yield f"random gaussian degree {n}", [_q(rng.gauss(0, 1)) for _ in range(n + 1)]
    if thorough:
        yield "(x - 1)^40", [(-1) ** (40 - k) * math.comb(40, k) for k in range(41)]
        yield "x^100 - 1", [-1] + [0] * 99 + [1]


def exact_modulus_family(thorough=False):
    """Polynomials all of whose roots have one exactly known modulus: ``(name, coefficients, |x|^2 of every root)``.

    ``x^n - 1`` and ``x^n + 1`` (every root exactly on the unit circle, where
    Lemma 2.4's classification ``|z| >= 1`` or ``<= 1`` is ambiguous for every
    ball), ``x^n - R^n`` (roots on ``|x| = R``), ``x^4 - i``, and degree-1
    polynomials whose root lies exactly on ``|x| = A`` of Lemma 2.3 (the bound
    is attained there, so no ball can decide it strictly), and ``x^n - 10^-(n e)`` (a dominant leading
    coefficient: roots on ``|x| = 10^-e``, far beyond ``n max_{i<n} |a_i| / |a_n|``).  The thorough
    profile takes more and higher degrees.

    Examples
    --------
    >>> [(name, m2) for name, _, m2 in exact_modulus_family()][:2]
    [('x^2 - 1 (roots on the unit circle)', Fraction(1, 1)), ('x^3 - 1 (roots on the unit circle)', Fraction(1, 1))]
    """
    for n in (2, 3, 5, 8, 13, 20) + ((34, 55, 100) if thorough else ()):
        yield f"x^{n} - 1 (roots on the unit circle)", [-1] + [0] * (n - 1) + [1], Fraction(1)
    for n in (2, 4, 7) + ((16, 31) if thorough else ()):
        yield f"x^{n} + 1 (roots on the unit circle)", [1] + [0] * (n - 1) + [1], Fraction(1)
    for n in (3, 6) + ((12,) if thorough else ()):
        yield f"x^{n} - (3/2)^{n} (roots on |x| = 3/2)", [-Fraction(3, 2) ** n] + [0] * (n - 1) + [1], Fraction(9, 4)
    yield "x^4 - i (roots on the unit circle)", [(0, -1), 0, 0, 0, 1], Fraction(1)
    for n, e in ((3, 1), (4, 2)):  # x^n - eps, a dominant leading coefficient: roots on |x| = 10^-e, far beyond n eps
        yield f"x^{n} - 10^-{n * e} (roots on |x| = 10^-{e})", [-Fraction(1, 10 ** (n * e))] + [0] * (n - 1) + [1], Fraction(1, 10 ** (2 * e))
    on_bound = [("3x - 5", [-5, 3]), ("-2x + 7", [7, -2]), ("x - 1", [-1, 1]), ("7x + 7", [7, 7]), ("3x + 10", [10, 3]),
                ("11x - 13", [-13, 11]), ("(1+2j) x + (2-1j)", [(2, -1), (1, 2)]), ("(3+4j) x - 10", [-10, (3, 4)]),
                ("(1+1j) x + 3", [3, (1, 1)])]
    for name, c in on_bound + ([("9x - 100", [-100, 9]), ("(2-3j) x + (5+7j)", [(5, 7), (2, -3)])] if thorough else []):
        yield f"{name} (root on |x| = A)", c, _abs_sq(c[0]) / _abs_sq(c[1])  # |x| = |a_0|/|a_1| = A as |a_0| >= |a_1|


def _abs_sq(c):
    re, im = (c if isinstance(c, tuple) else (c, 0))
    return Fraction(re) ** 2 + Fraction(im) ** 2


Instance = namedtuple("Instance", "family name coeffs modulus_squared")
"""A test polynomial: its family (``random``, ``adversarial``, ``exact modulus``), name, exact coefficients, and the
exact ``|x|^2`` of every root where that is known (else ``None``)."""


KINDS = ("random complex", "complex of degree >= 2", "roots on the unit circle of degree >= 5",
         "dominant leading coefficient", "zero leading coefficients")
"""The kinds of test polynomial a check of these families counts (:func:`kinds_of`), each with its own minimum."""


def kinds_of(inst):
    """The :data:`KINDS` an :class:`Instance` belongs to, read from its exact coefficients and known modulus (never its name).

    ``random complex``: a random polynomial with a non-real coefficient; ``complex of degree >= 2``; ``roots on the
    unit circle of degree >= 5`` (exactly known ``|x|^2 = 1``); ``dominant leading coefficient``: degree ``n >= 2`` and
    ``|a_n| > n max_{i<n} |a_i|``; ``zero leading coefficients``: trailing zeros in the ascending list.

    Examples
    --------
    >>> kinds_of(Instance("adversarial", "9x^2 + x + 1", [1, 1, 9, 0], None))
    ['dominant leading coefficient', 'zero leading coefficients']
    """
    a = [to_complex_rational(c, floats=True) for c in inst.coeffs]
    stated = len(a) - 1
    while len(a) > 1 and a[-1] == (0, 0):
        a.pop()
    n, sq = len(a) - 1, [re * re + im * im for re, im in a]
    nonreal = any(im != 0 for _, im in a)
    found = {"random complex": nonreal and inst.family == "random",
             "complex of degree >= 2": nonreal and n >= 2,
             "roots on the unit circle of degree >= 5": inst.modulus_squared == 1 and n >= 5,
             "dominant leading coefficient": n >= 2 and sq[-1] > n * n * max(sq[:-1]),
             "zero leading coefficients": stated > n}
    return [kind for kind in KINDS if found[kind]]


def polynomial_instances(config, random_count=None, max_degree=30):
    """Every test polynomial of a check's profile and seed, each once: the random, the exactly-known-modulus and the
    adversarial families (a polynomial in two families is kept in the first, with its known modulus)."""
    count = random_count if random_count is not None else (1000 if config.thorough else 160)
    seen = set()

    def once(family, items):
        for name, coeffs, *m2 in items:
            key = repr(coeffs)
            if key not in seen:
                seen.add(key)
                yield Instance(family, name, coeffs, m2[0] if m2 else None)

    yield from once("random", random_family(count, 80 if config.thorough else max_degree, config.seed))
    yield from once("exact modulus", exact_modulus_family(config.thorough))
    yield from once("adversarial", adversarial_family(config.thorough, config.seed))


def all_polynomials(config, random_count=None, max_degree=30):
    """The random, exact-modulus and adversarial families for a check's profile and seed: ``(name, coefficients)``."""
    for inst in polynomial_instances(config, random_count, max_degree):
        yield inst.name, inst.coeffs
