"""lcnsym.analysis.factorization: Lemma 2.4 in balls (decided or undecided, never guessed), Lemmas 2.2 and 2.3's helpers."""

from fractions import Fraction
import random

import flint
import mpmath
import pytest

from lcnsym.analysis.factorization import (factorizations_for_all_classifications, linear_factorization, norm_constant_search,
                                           norm_ratio, norm_ratio_ball, one_norm_ratio, root_bound, root_bound_squared)
from lcnsym.analysis.families import adversarial_family, coefficients_from_roots
from lcnsym.errors import PrecisionError
from lcnsym.numeric import compare, to_float


def test_trailing_zeros_are_dropped_and_reported():
    f = linear_factorization([2, -3, 1, 0, 0], dps=30)
    assert (f.degree, f.dropped) == (2, 2)


@pytest.mark.parametrize("name,coeffs", list(adversarial_family()), ids=lambda v: v if isinstance(v, str) else "")
def test_factorization_on_adversarial_polynomials(name, coeffs):
    for f in factorizations_for_all_classifications(coeffs, dps=40):
        assert f.holds() and f.consistent, name
        assert f.residual <= Fraction(1, 10**35)


@pytest.mark.parametrize("dps", [20, 50, 80])
def test_residual_is_within_the_working_precision(dps):
    rng = random.Random(dps)
    for n in (3, 17, 40):
        coeffs = [(Fraction(rng.gauss(0, 1)), Fraction(rng.gauss(0, 1))) for _ in range(n + 1)]
        f = linear_factorization(coeffs, dps=dps)
        assert f.residual <= Fraction(1, 10 ** (dps - 5)) and f.holds()
    assert mpmath.mp.dps == 15  # never left changed


def test_x100_minus_1_is_decided_with_more_guard_digits():
    # at 50 digits + 10 guard digits the product of the 100 factors reproduces p only to ~1e-40 (cancellation):
    # more guard digits decide it; a shortfall is never reported as a counterexample
    f = linear_factorization([-1] + [0] * 99 + [1], dps=50)
    assert f.holds() and f.residual <= Fraction(1, 10**45) and f.ambiguous > 0


def test_an_undecidable_comparison_raises_precision_error_not_false(monkeypatch):
    from lcnsym.analysis import factorization

    monkeypatch.setattr(factorization, "MAX_GUARD_DIGITS", 10)
    monkeypatch.setattr(factorization, "RESIDUAL_DIGITS_LOST", -60)  # asks more than the balls can give
    with pytest.raises(PrecisionError, match="undecided"):
        factorization.linear_factorization([2, -3, 1], dps=20)


def test_exact_quantities_are_exact():
    f = linear_factorization([2, -3, 1], dps=50)
    assert (f.T, f.B, f.bound, f.sign) == (6, 3, 72, (1, 0))
    assert f.roots_product_bound == 36 and compare(f.roots_product, 2) is True and compare(2, f.roots_product) is True
    g = linear_factorization([1, 0, (2, 1)], dps=30)  # complex a_n: sgn(a_n) and T are balls
    assert isinstance(g.sign, flint.acb) and isinstance(g.T, flint.arb)


def test_case_1_and_case_2_as_in_the_proof():
    f = linear_factorization([Fraction(1, 4), 0, 1], dps=30)  # roots +-i/2: case 1
    assert f.case == 1 and f.r == 0 and f.roots_product is None
    g = linear_factorization(coefficients_from_roots([3, Fraction(1, 2), -2]), dps=30)
    assert g.case == 2 and g.r == 2
    assert abs(to_float(g.roots_product) - 6) < 1e-25  # |3 * -2|
    assert g.roots_product_bound == 3 * g.B * 3**2


def test_lemma_2_2_and_2_3_helpers():
    assert one_norm_ratio([1, -1], [1, 1]) == Fraction(1, 2)
    assert norm_ratio([1, 1], [1, 1], 2, dps=20) > 1
    assert compare(norm_ratio_ball([(1, 1), 2], [3, (0, -1)]), 1) is True
    assert compare(1, norm_ratio_ball([1, 1], [1, 1], 2)) is True
    assert root_bound([-1, -1, 1]) == 2 and root_bound_squared([1, (0, 1)]) == 1
    ratio, (q1, q2) = norm_constant_search(2, 4, trials=300, dps=20)
    assert ratio > 1 and len(q1) + len(q2) - 2 == 4


@pytest.mark.parametrize("coeffs", [[1, -3, 2, 5, -7, Fraction(1, 3)], [2, -3, 0, 1, 5], [-1] + [0] * 19 + [1]])
def test_the_residual_bounds_every_point_of_the_products_balls(coeffs):
    """Campaign E: the residual is ``max_i |c_i - a_i| / |||p|||_1`` over the whole balls ``c_i`` of the product of the
    factors (their radii included), recomputed here: a residual from the balls' midpoints understates it."""
    import flint

    from lcnsym.numeric import exact_value, to_acb, working_precision

    f = linear_factorization(coeffs, dps=30)
    with working_precision(prec=f.prec):
        deviation = max(exact_value(abs(c - to_acb(Fraction(a))).upper()) for c, a in zip(f.product, coeffs))
    norm = sum(abs(Fraction(a)) for a in coeffs)
    assert f.residual >= deviation / norm > 0


def test_a_straddling_2_5_leaves_the_verdict_undecided():
    """Campaign H: (2.5) ``|z_1...z_r| <= 3 B n^r`` decided on a ball that straddles its bound is undecided, never
    "holds"; above the bound it fails, below it holds."""
    from dataclasses import replace

    from lcnsym.numeric import make_ball, working_precision

    g = linear_factorization(coefficients_from_roots([3, Fraction(1, 2), -2]), dps=30)
    assert g.case == 2 and g.verdict() == (True, "holds")
    bound = g.roots_product_bound
    with working_precision(prec=g.prec):
        straddling = make_ball(bound, Fraction(1, 10**6))
        above = make_ball(bound + 1, Fraction(1, 10**6))
    decided, reason = replace(g, roots_product=straddling).verdict()
    assert decided is None and "(2.5)" in reason
    assert replace(g, roots_product=above).verdict()[0] is False


def test_the_product_must_hold_each_coefficients_whole_ball():
    """Campaign H: a product ball that only touches the ball of p's coefficient does not show that it holds p's exact
    coefficient (which may lie in the part outside)."""
    from lcnsym.analysis.factorization import _contains_all
    from lcnsym.numeric import make_ball, to_acb, working_precision

    with working_precision(30):
        a = [to_acb(make_ball(Fraction(1, 3), Fraction(1, 10**15)))]
        assert _contains_all([to_acb(make_ball(Fraction(1, 3), Fraction(1, 10**10)))], a)
        inner = to_acb(make_ball(Fraction(1, 3), Fraction(1, 10**25)))  # inside a's ball, a point of it only
        # its lower edge 5e-16 above 1/3: it overlaps a's ball and misses the part of it below
        shifted = to_acb(make_ball(Fraction(1, 3) + Fraction(1, 10**10) + Fraction(5, 10**16), Fraction(1, 10**10)))
        assert not _contains_all([inner], a) and not _contains_all([shifted], a)
        assert inner.overlaps(a[0]) and shifted.overlaps(a[0])


def test_root_bound_of_a_complex_polynomial_has_the_digits_asked_for():
    """Campaign N: A = sqrt(A^2) is taken at ``dps`` digits, not the default."""
    from lcnsym.numeric import working_precision

    A = root_bound([(1, 2), 1], dps=80)  # A = 1 |1 + 2i| / 1 = sqrt 5
    B = root_bound([(1, 1), 0, 1], dps=80)  # A = 2 |1 + i| = 2 sqrt 2
    with working_precision(90):
        assert abs(B - 2 * mpmath.sqrt(2)) < mpmath.mpf(10) ** -78 and abs(A - mpmath.sqrt(5)) < mpmath.mpf(10) ** -78


def test_norm_ratio_divides_by_both_norms():
    """Campaign R: ``|||pq|||_1 / (|||p|||_1 |||q|||_1)`` with p != q; (1 + x)(1 + 2x) = 1 + 3x + 2x^2: 6 / (2 * 3)."""
    from lcnsym.analysis.factorization import norm_ratio, norm_ratio_ball

    with mpmath.workdps(30):
        assert abs(norm_ratio([1, 1], [1, 2], 1, dps=30) - 1) < mpmath.mpf(10) ** -28
        assert abs(norm_ratio([1, 1], [1, -2], 2, dps=30) - mpmath.sqrt(6) / mpmath.sqrt(10)) < mpmath.mpf(10) ** -28
    ball = norm_ratio_ball([1, 1], [1, 2], 1, dps=30)
    assert ball.contains(1) and compare(ball, Fraction(1) + Fraction(1, 10**25)) is True


def test_norm_ratio_at_a_fractional_p_is_the_p_norm():
    """mpmath.norm takes the p-th root with nthroot, which truncates a fractional p: |||(1+x)^2|||_1.5 / |||1+x|||_1.5^2
    came out (2 + 2^1.5) / 2^2 instead of (2 + 2^1.5)^(2/3) / 2^(4/3) = 1.1336973368643386974..."""
    from lcnsym.analysis.factorization import norm_ratio
    import mpmath

    got = norm_ratio([1, 1], [1, 1], 1.5, dps=30)
    with mpmath.workdps(50):
        want = (2 + mpmath.mpf(2) ** 1.5) ** (mpmath.mpf(2) / 3) / mpmath.mpf(2) ** (mpmath.mpf(4) / 3)
        assert abs(got - want) < mpmath.mpf(10) ** -28


def _replaced(f, **changes):
    import dataclasses

    return dataclasses.replace(f, **changes)


def test_the_verdict_names_each_way_lemma_2_4_can_fail_or_stay_undecided():
    """A mutation pass over factorization.py: each branch of ``verdict`` on a factorization edited one field at a time.
    (x - 1)(x - 2): n = 2, T = 6, the bound 6 n T = 72, (2.5)'s 3 B n^r = 36."""
    from lcnsym.numeric import tolerance, to_arb

    f = linear_factorization([2, -3, 1], dps=30)
    assert f.verdict() == (True, "holds") and f.holds()
    assert _replaced(f, consistent=False).verdict() == (False, "the product of the factors does not contain p's coefficients")
    at_tolerance = tolerance(30, 5)
    assert _replaced(f, residual=at_tolerance).verdict() == (True, "holds")  # the tolerance itself is accepted
    ok, why = _replaced(f, residual=at_tolerance * 2).verdict()
    assert ok is None and "reproduces p only to" in why and "not to 1e-25" in why
    with pytest.raises(PrecisionError, match="Lemma 2.4 undecided for degree 2"):
        _replaced(f, residual=at_tolerance * 2).holds()
    too_big = _replaced(f, factor_norms=[f.factor_norms[0], to_arb(73)])
    assert too_big.verdict() == (False, "a factor's 1-norm exceeds 6 n T") and too_big.holds(80) is True
    assert _replaced(f, factor_norms=[to_arb(71), to_arb(1)]).holds() is True
    beyond = _replaced(f, roots_product=to_arb(37))
    assert beyond.verdict() == (False, "(2.5) fails: |z_1...z_r| > 3 B n^r")
    assert _replaced(beyond, case=1).verdict() == (True, "holds")  # (2.5) is case 2's condition only
    with mpmath.workdps(30):
        straddle = _replaced(f, roots_product=flint.arb(36, 1e-10))
    ok, why = straddle.verdict()
    assert ok is None and "within the balls' width" in why


def test_the_bounds_and_the_ratio_as_the_proof_states_them():
    f = linear_factorization([2, -3, 1], dps=30)
    assert f.bound == 72 and f.scaled_bound() == 72 and f.scaled_bound(Fraction(1, 2)) == 6 and f.scaled_bound(1.5) == 18
    # u = (2.12132..., 2.82843...): max / (n T) = 2 sqrt 2 / 12
    assert abs(to_float(f.ratio) - 2 * 2 ** 0.5 / 12) < 1e-12 and abs(to_float(f.max_factor_norm) - 2 * 2 ** 0.5) < 1e-12
    g = linear_factorization([1, 0, (2, 1)], dps=30)  # T a ball: the scaled bound a ball too
    assert isinstance(g.scaled_bound(), flint.arb) and abs(to_float(g.scaled_bound(3)) - 3 * 2 * to_float(g.T)) < 1e-12


def test_the_latex_and_repr_of_a_factorization():
    f = linear_factorization(coefficients_from_roots([2, 3, -2, Fraction(1, 2), 5, 7, -3, 4]), dps=20)
    latex = f._repr_latex_()
    assert latex.count("\\left((") == 6 and "(2 more)" in latex and "case 2, r = 7" in latex and latex.startswith("$p(x) = 1 \\cdot")
    small = linear_factorization([-2, 3, -1], dps=20)  # -(x - 1)(x - 2): the sign -1
    assert "more" not in small._repr_latex_() and small._repr_latex_().startswith("$p(x) = -1 \\cdot")
    assert "case 1" in linear_factorization([Fraction(1, 4), 0, 1], dps=20)._repr_latex_()
    assert ", r =" not in linear_factorization([Fraction(1, 4), 0, 1], dps=20)._repr_latex_()
    assert repr(small).startswith("LinearFactorization(degree 2, case 2, r = 2, T = 6, ")
    complex_sign = linear_factorization([1, 0, (0, 1)], dps=20)._repr_latex_()
    assert complex_sign.startswith("$p(x) = ") and "i" in complex_sign.split("\\cdot")[0]


def test_the_classifications_count_every_straddling_root_both_ways_in_modulus_order():
    from lcnsym.analysis.factorization import _classifications, _midpoint_choice
    from lcnsym.analysis.roots import RootEnclosure

    def root(re, rad, m=1):
        return RootEnclosure(flint.acb(flint.arb(re, rad), 0), m)

    sure, near, nearer, inside = root(3, 1e-9, 2), root(1.001, 0.01), root(0.999, 0.01), root(0.5, 1e-9)
    choices, ambiguous = _classifications([sure, near, nearer, inside])
    # sides per root with multiplicity: 3, 3, ~1, ~1, 0.5 -> sure [0, 1], unsure [2, 3]
    assert choices == [[0, 1], [0, 1, 2], [0, 1, 2, 3]] and ambiguous == 2
    assert _classifications([inside, root(0.9, 1e-9)]) == ([[]], 0)
    assert _midpoint_choice([sure, near, nearer, inside]) == [0, 1, 2]  # |mid| >= 1 once some |mid| > 1
    assert _midpoint_choice([root(1, 1e-9), inside]) == []  # no |mid| > 1: case 1


def test_root_bounds_by_hand_with_a_negative_leading_coefficient():
    assert root_bound([1, 2, -4]) == 2  # n max|a_i| / |a_n| = 2 * 4 / 4
    assert root_bound([-3, 1, -1]) == 6 and root_bound([1, -5]) == 1
    assert root_bound_squared([3, (0, 2)]) == Fraction(9, 4) and root_bound_squared([(0, 3), 0, 2]) == 9
    with mpmath.workdps(30):
        assert abs(root_bound([3, (0, 2)], dps=30) - mpmath.mpf(3) / 2) < mpmath.mpf(10) ** -28


def test_norm_ratios_multiply_by_adding_exponents():
    """(1 + 2x + 3x^2)^2 = 1 + 4x + 10x^2 + 12x^3 + 9x^4: its largest coefficient 12 against 3 * 3 (a product indexed
    by i - j has the same 1- and 2-norms here, not the same largest coefficient)."""
    import math

    with mpmath.workdps(30):
        assert abs(norm_ratio([1, 2, 3], [1, 2, 3], math.inf, dps=30) - mpmath.mpf(12) / 9) < 1e-25
        assert abs(norm_ratio([1, -2, 3], [2, 0, 1], 3, dps=30) - (8 + 64 + 343 + 8 + 27) ** (mpmath.mpf(1) / 3)
                   / ((1 + 8 + 27) ** (mpmath.mpf(1) / 3) * (8 + 1) ** (mpmath.mpf(1) / 3))) < 1e-25
    assert one_norm_ratio([1, -2, 3], [1, 1, -1]) == Fraction(abs(1) + abs(-1) + abs(0) + abs(5) + abs(-3), 6 * 3)


def test_one_norm_ratio_refuses_a_complex_coefficient_on_either_side():
    from lcnsym.errors import PolynomialError

    for p, q in (([1, (0, 1)], [1, 1]), ([1, 1], [(1, 1), 1])):
        with pytest.raises(PolynomialError, match="real coefficients"):
            one_norm_ratio(p, q)


def test_t_b_and_the_sign_of_complex_and_small_polynomials_by_hand():
    """T = max(|||p|||_1, 1) and B = max |a_i| / |a_n|, exact for real p and balls for complex p (a mutation pass)."""
    small = linear_factorization([Fraction(1, 4), Fraction(1, 4)], dps=30)  # |||p|||_1 = 1/2: T = 1
    assert small.T == 1 and small.B == 1 and small.one_norm == Fraction(1, 2)
    c = linear_factorization([(1, 1), 2], dps=30)  # (1 + i) + 2x: |||p|||_1 = sqrt 2 + 2, B = 1, sgn(a_n) = 1
    assert abs(to_float(c.T) - (2 + 2 ** 0.5)) < 1e-12 and abs(to_float(c.B) - 1) < 1e-12
    tiny = linear_factorization([(0, Fraction(1, 10)), Fraction(1, 5)], dps=30)  # |||p|||_1 = 0.3: T = 1
    assert abs(to_float(tiny.T) - 1) < 1e-12 and abs(to_float(tiny.one_norm) - 0.3) < 1e-12
    lead = linear_factorization([(0, 3), (0, -2)], dps=30)  # 3i - 2i x: B = 3/2, sgn(a_n) = -i
    assert abs(to_float(lead.B) - 1.5) < 1e-12
    with mpmath.workdps(30):
        assert abs(complex(lead.sign.real.mid(), lead.sign.imag.mid()) - (-1j)) < 1e-12
    assert lead.holds() and c.holds()


def test_the_product_contains_p_only_if_it_holds_every_coefficient():
    from lcnsym.analysis.factorization import _contains_all

    with mpmath.workdps(30):
        wide, point = flint.acb(flint.arb(1, 0.1)), flint.acb(1)
        assert _contains_all([wide, wide], [point, point])
        assert not _contains_all([wide, wide], [point, flint.acb(2)]) and not _contains_all([wide, wide], [flint.acb(2), point])


def test_the_factors_of_the_proof_by_hand():
    """(x - 1)(x - 2), case 2 with r = 2: scale = (|a_n| |z_1 z_2|)^(1/2) = sqrt 2, u = (sqrt2/2) x - sqrt 2 for z = 2 and
    sqrt2 x - sqrt 2 for z = 1: 1-norms 3/sqrt 2 and 2 sqrt 2. A complex p's (2.5) bound is the ball 3 B n^r."""
    f = linear_factorization([2, -3, 1], dps=30)
    assert [round(to_float(n), 12) for n in f.factor_norms] == [round(3 / 2 ** 0.5, 12), round(2 * 2 ** 0.5, 12)]
    c = linear_factorization(coefficients_from_roots([3, (0, 2), Fraction(1, 2)]), dps=30)  # complex: B a ball
    assert c.case == 2 and c.r == 2 and isinstance(c.roots_product_bound, flint.arb)
    assert abs(to_float(c.roots_product_bound) - 3 * to_float(c.B) * 3 ** 2) < 1e-9 and abs(to_float(c.roots_product) - 6) < 1e-12


def test_the_residual_is_the_largest_deviation_over_the_smallest_norm():
    """``residual`` bounds max_i |coefficient_i - a_i| / |||p|||_1 from above: the deviation's upper end over the norm's
    lower end, for a complex p whose norm is a ball (which end of the norm is taken shows only at its width, 1e-40)."""
    from lcnsym.numeric import ball_bounds, working_precision

    f = linear_factorization(coefficients_from_roots([3, (0, 2), (1, -1)]), dps=30)
    with working_precision(prec=f.prec):
        from lcnsym.analysis.roots import normalize_polynomial

        a = normalize_polynomial(coefficients_from_roots([3, (0, 2), (1, -1)])).acb()
        deviation = max(ball_bounds(abs(c - ai))[1] for c, ai in zip(f.product, a))
    want = deviation / ball_bounds(f.one_norm)[0]  # recomputed from the product's balls: equal to rounding of their radii
    assert abs(f.residual - want) <= want / 10**6 and 0 < f.residual < Fraction(1, 10**25)


def test_more_guard_digits_by_the_digits_short_and_at_least_twice_as_many():
    from types import SimpleNamespace

    from lcnsym.analysis.factorization import _next_guard
    from lcnsym.numeric import GUARD_DIGITS, tolerance

    def fs(*residuals):
        return [SimpleNamespace(residual=r) for r in residuals]

    tol = tolerance(30, 5)
    assert _next_guard(40, fs(tol / 10, tol), 30) == 80  # none short: twice
    assert _next_guard(12, fs(tol * 10**3, tol), 30) == 12 + 3 + GUARD_DIGITS == 25  # the widest: 3 digits short
    assert _next_guard(12, fs(tol * 10**3 + tol, tol), 30) == 12 + 4 + GUARD_DIGITS  # just past 3 digits: 4
    assert _next_guard(12, fs(tol, tol * 10**6), 30) == 12 + 6 + GUARD_DIGITS


def test_the_first_guard_digits_grow_with_the_degrees_digits(monkeypatch):
    from lcnsym.analysis import factorization
    from lcnsym.numeric import GUARD_DIGITS

    real, asked = factorization.certified_roots, []
    monkeypatch.setattr(factorization, "certified_roots", lambda poly, dps, **kw: asked.append(dps) or real(poly, dps, **kw))
    linear_factorization([2, -3, 1], dps=30)
    assert asked[0] == 30 + GUARD_DIGITS + 2
    asked.clear()
    linear_factorization(coefficients_from_roots(list(range(1, 13))), dps=30)  # degree 12: two digits
    assert asked[0] == 30 + GUARD_DIGITS + 4


def test_every_classification_is_decided_before_any_is_returned(monkeypatch):
    """One classification undecided below 200 bits and the other decided: the guard digits rise until both are."""
    from lcnsym.analysis import factorization

    real = factorization.LinearFactorization.verdict

    def verdict(self, constant=6):
        if self.case == 1 and self.prec < 200:
            return None, "held back below 200 bits"
        return real(self, constant)

    monkeypatch.setattr(factorization.LinearFactorization, "verdict", verdict)
    monkeypatch.setattr(factorization, "_classifications", lambda enc: ([[0], []], 1))
    out = factorizations_for_all_classifications(coefficients_from_roots([3, Fraction(1, 2)]), dps=30)
    assert [f.case for f in out] == [2, 1] and all(f.prec >= 200 and f.verdict()[0] is not None for f in out)


def test_an_undecidable_factorization_stops_at_the_most_guard_digits_naming_them(monkeypatch):
    """Guards 12, 24, 48, 96 and then MAX_GUARD_DIGITS = 160, once each; the error names the last and the reason."""
    from lcnsym.analysis import factorization

    real, asked = factorization.certified_roots, []
    monkeypatch.setattr(factorization, "certified_roots", lambda poly, dps, **kw: asked.append(dps - 30) or real(poly, dps, **kw))
    monkeypatch.setattr(factorization.LinearFactorization, "verdict", lambda self, constant=6: (None, "never decided"))
    with pytest.raises(PrecisionError, match="undecided for degree 2 even with 160 guard digits: never decided"):
        linear_factorization([2, -3, 1], dps=30)
    assert asked == [12, 24, 48, 96, 160] and factorization.MAX_GUARD_DIGITS == 160


def test_norm_constant_search_keeps_the_first_pair_reaching_the_largest_ratio(monkeypatch):
    """Campaign Y (Y06): on a tie the first pair found is kept (the search is a function of its seed and trials: more
    trials never replace a pair by an equal one)."""
    from lcnsym.analysis import factorization

    monkeypatch.setattr(factorization, "norm_ratio", lambda p, q, norm, dps: mpmath.mpf(1))
    first = norm_constant_search(1, 2, trials=1)[1]
    assert norm_constant_search(1, 2, trials=7)[1] == first


def test_the_latex_of_exactly_six_factors_shows_them_all_campaign_dd():
    latex = linear_factorization(coefficients_from_roots([1, 2, 3, 4, 5, 6]), dps=30)._repr_latex_()
    assert latex.count("\\left((") == 6 and "more" not in latex
