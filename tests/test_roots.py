"""lcnsym.analysis.roots: exact reading, certified enclosures, certified real roots, the mpmath route."""

from fractions import Fraction
import inspect
import random

import mpmath
import pytest

from lcnsym.analysis.families import coefficients_from_roots
from lcnsym.analysis.roots import certified_roots, mpmath_roots, normalize_polynomial, polyroots_ascending
from lcnsym.errors import NumberError, PolynomialError, WorkLimitError
from lcnsym.numeric import working_precision


def test_polyroots_coefficient_order_is_pinned():
    # ascending [-2, 1] is x - 2 (root 2); descending it would be -2x + 1 (root 1/2)
    with working_precision(30):
        assert polyroots_ascending([-2, 1])[0] == 2
        assert sorted(float(z.real) for z in polyroots_ascending([6, -5, 1])) == [2.0, 3.0]
    # the installed mpmath: <1.4 has no asc argument (highest first); our wrapper passes the order explicitly
    has_asc = "asc" in inspect.signature(mpmath.polyroots).parameters
    assert has_asc == (tuple(int(x) for x in mpmath.__version__.split(".")[:2]) >= (1, 4))


@pytest.mark.parametrize("coeffs,err,words", [
    ([], PolynomialError, "at least one coefficient"), ([0, 0, 0], PolynomialError, "zero polynomial"),
    ([7], PolynomialError, "degree 0"), ([7, 0, 0], PolynomialError, "2 zero leading coefficients dropped"),
    ([1, float("nan")], NumberError, "a_1 is nan"), ([1, mpmath.inf], NumberError, "a_1 is +inf"),
    ([1, "x"], NumberError, "coefficient a_1: 'x' is not an exact number"), ([1, complex(1, float("inf"))], NumberError, "not a finite"),
    ("1,2", PolynomialError, "must be a sequence of numbers"),
])
def test_bad_polynomials_are_refused(coeffs, err, words):
    with pytest.raises(err) as info:
        normalize_polynomial(coeffs)
    assert words in str(info.value)


def test_exact_reading():
    assert normalize_polynomial([0.5, (1, Fraction(1, 3))]).coeffs == ((Fraction(1, 2), 0), (1, Fraction(1, 3)))
    assert normalize_polynomial(["1/3", "2+1j"]).coeffs == ((Fraction(1, 3), 0), (2, 1))
    p = normalize_polynomial([1, 1, 0])
    assert (p.degree, p.stated_degree, p.dropped) == (1, 2, 1)


def test_certified_roots_with_multiplicities_and_zero():
    roots = certified_roots(coefficients_from_roots([0, 0, 2, Fraction(-1, 3)] + [1] * 5), dps=30)
    found = sorted((round(float(r.value().real), 9), r.multiplicity) for r in roots)
    assert found == [(-0.333333333, 1), (0.0, 2), (1.0, 5), (2.0, 1)]
    assert all(r.radius() < Fraction(1, 10**30) and r.is_real for r in roots)


def test_real_roots_are_certified_real_and_complex_ones_are_not():
    roots = certified_roots([Fraction(1, 1000), 2, 1], dps=30)  # both real: no spurious imaginary part
    assert all(r.is_real and r.ball.imag == 0 for r in roots)
    pair = certified_roots([1, 0, 1], dps=20)  # +-i
    assert not any(r.is_real for r in pair)
    mixed = certified_roots([(1, 1), 1], dps=20)  # a complex polynomial: never certified real by symmetry
    assert not mixed[0].is_real


def test_close_real_roots_are_certified_real_at_the_working_precision():
    # 1 +- 10^-60: the mirror test once ran at 53 bits, where a ball's rounded mirror image met the other root's ball
    close = certified_roots([1 - Fraction(1, 10**120), -2, 1], dps=50)
    assert len(close) == 2 and all(r.is_real and r.ball.imag == 0 for r in close)
    pair = certified_roots([1 + Fraction(1, 10**120), -2, 1], dps=50)  # 1 +- 10^-60 i: never real
    assert not any(r.is_real for r in pair)


def test_a_ball_touching_the_axis_is_real_only_if_its_mirror_image_meets_no_other_root():
    """A ball holding 1 + 10^-10 i that reaches the axis, beside a small one holding its conjugate: the mirror image of the
    first meets the second, so the first is not made real (without the mirror test it was)."""
    from lcnsym.analysis.roots import RootEnclosure, _certify_real
    from lcnsym.numeric import make_ball, to_acb

    with working_precision(prec=200):
        wide = to_acb((make_ball(1, Fraction(1, 10**10)), make_ball(Fraction(1, 2 * 10**10), Fraction(12, 10**11))))
        small = to_acb((make_ball(1, Fraction(1, 10**12)), make_ball(Fraction(-1, 10**10), Fraction(1, 10**12))))
        assert not wide.overlaps(small) and wide.imag.contains(0)
        out = _certify_real([RootEnclosure(wide, 1), RootEnclosure(small, 1)])
        assert not out[0].is_real and out[0].ball.imag.rad() > 0
        out = _certify_real([RootEnclosure(small, 1), RootEnclosure(wide, 1)])  # Campaign N: in either order
        assert not out[1].is_real and out[1].ball.imag.rad() > 0
        alone = _certify_real([RootEnclosure(to_acb((make_ball(1, Fraction(1, 10**10)), make_ball(0, Fraction(1, 10**10)))), 1)])
        assert alone[0].is_real and alone[0].ball.imag == 0


def test_mpmath_roots_agree_with_certified_enclosures():
    random_poly = [Fraction(random.Random(4).randint(-9, 9)) for _ in range(15)] + [1]
    ours = sorted((z for z, m in mpmath_roots(random_poly, dps=40)), key=lambda z: (z.real, z.imag))
    cert = sorted((r.value(40) for r in certified_roots(random_poly, dps=40)), key=lambda z: (z.real, z.imag))
    with working_precision(40):
        assert max(abs(a - b) for a, b in zip(ours, cert)) < mpmath.mpf(10) ** -30


def test_work_is_bounded():
    with pytest.raises(WorkLimitError, match="degree 3000 to 30 digits"):
        certified_roots([1] * 3001)
    assert len(certified_roots([1] * 12, max_work=11 * 11 * 30)) == 11


def test_the_balls_reach_the_asked_digits_even_when_the_first_isolation_is_coarse(monkeypatch):
    """FLINT's first isolation usually meets the target already; here it comes back with balls a million times too wide
    (each still holds its root): the search goes on until every radius is below ``10^-(dps+2) max(1, |mid|)``."""
    import flint

    from lcnsym.analysis import roots

    real, calls = roots._isolate, []

    def coarse_first(poly_acb, prec, target):
        found = real(poly_acb, prec, target)
        calls.append(prec)
        if len(calls) > 1:
            return found
        return [flint.acb(flint.arb(z.real.mid(), z.real.rad() * 10**6 + flint.arb(10) ** -25),
                          flint.arb(z.imag.mid(), z.imag.rad() * 10**6 + flint.arb(10) ** -25)) for z in found]

    monkeypatch.setattr(roots, "_isolate", coarse_first)
    dps = 40
    found = certified_roots([2, -3, 0, 1, 5], dps)  # 5x^4 + x^3 - 3x + 2
    assert len(calls) >= 2
    with working_precision(dps + 20):
        tol = flint.arb(10) ** -(dps + 2)
        assert all(r.ball.real.rad() + r.ball.imag.rad() <= tol * max(abs(r.ball.mid()), flint.arb(1)) for r in found)


def test_a_complex_balls_radius_bounds_the_distance_to_every_point_of_it():
    """Campaign H: the ball is a rectangle; its corner lies sqrt(re_rad^2 + im_rad^2) from the midpoint, farther than
    either radius alone."""
    from lcnsym.analysis.roots import RootEnclosure
    from lcnsym.numeric import exact_value, make_ball, to_acb, working_precision

    with working_precision(30):
        ball = to_acb((make_ball(1, Fraction(1, 10**8)), make_ball(2, Fraction(1, 10**8))))
        root = RootEnclosure(ball, 1)
        re_rad, im_rad = exact_value(ball.real.rad()), exact_value(ball.imag.rad())
    assert root.radius() ** 2 >= re_rad ** 2 + im_rad ** 2 and re_rad > 0 and im_rad > 0


def test_the_accuracy_target_counts_the_imaginary_radius():
    """Campaign R: a ball sharp in its real part but wide in its imaginary part is not yet accurate."""
    import flint

    from lcnsym.analysis.roots import RootEnclosure, _accurate

    sharp = RootEnclosure(flint.acb(flint.arb(1, 1e-20), flint.arb(0, 1e-20)), 1)
    wide_imag = RootEnclosure(flint.acb(flint.arb(1, 1e-20), flint.arb(0, 1e-5)), 1)
    assert _accurate([sharp], 10) and not _accurate([wide_imag], 10) and not _accurate([sharp, wide_imag], 10)


def test_a_polynomial_value_is_frozen_real_only_without_imaginary_parts_and_reads_back():
    """A mutation pass over roots.py: ``is_real`` with one non-real coefficient, a Polynomial passed through
    normalize_polynomial unchanged, its repr naming the nonzero terms, and immutability."""
    import dataclasses

    from lcnsym.analysis.roots import normalize_polynomial

    mixed = normalize_polynomial([1, (0, 1), 3])
    assert not mixed.is_real and normalize_polynomial([1, (2, 0), 3]).is_real
    assert normalize_polynomial(mixed) is mixed
    p = normalize_polynomial([2, 0, 1, 0])
    assert repr(p) == "Polynomial((2) + (1) x^2, degree 2)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.dropped = 0
    long = repr(normalize_polynomial(list(range(1, 40))))
    assert long.startswith("Polynomial((1) + (2) x^1") and "..." in long and long.endswith("(39) x^38, degree 38)")


def test_a_roots_place_against_the_unit_circle_and_its_exact_modulus():
    """A mutation pass: modulus_vs_one (Lemma 2.4's classification) and modulus_squared, by hand on balls."""
    import flint

    from lcnsym.analysis.roots import RootEnclosure

    def root(re, im, rad=1e-10):
        return RootEnclosure(flint.acb(flint.arb(re, rad), flint.arb(im, rad)), 1)

    assert root(-2, 0).modulus_vs_one() == 1 and root(0, -1.5).modulus_vs_one() == 1
    assert root(-0.5, 0).modulus_vs_one() == -1 and root(0.6, -0.7).modulus_vs_one() == -1
    assert root(-1, 0).modulus_vs_one() == 0 and root(0.6, 0.8, 1e-3).modulus_vs_one() == 0
    assert root(1.0001, 0, 1e-3).modulus_vs_one() == 0 and root(1.01, 0, 1e-3).modulus_vs_one() == 1
    assert root(3, -4).modulus_squared() == 25 and root(-0.5, 0).modulus_squared() == Fraction(1, 4)


def test_a_roots_latex_names_its_kind_and_a_multiplicity_above_one():
    double, simple = certified_roots([1, -2, 1], 20)[0], certified_roots([1, 0, 1], 20)[0]
    assert double.multiplicity == 2 and "(a real root, multiplicity 2)" in double._repr_latex_()
    assert simple._repr_latex_().endswith("(a root)$") or "(a root)" in simple._repr_latex_()
    assert "multiplicity" not in simple._repr_latex_() and "i" in simple._repr_latex_().split("\\pm")[0]
    assert double._repr_latex_().startswith("$1.00000000000000")


def test_the_accuracy_target_is_two_digits_past_dps_relative_to_the_root():
    import flint

    from lcnsym.analysis.roots import RootEnclosure, _accurate

    def root(mid, rad):
        return RootEnclosure(flint.acb(flint.arb(mid, rad), 0), 1)

    assert not _accurate([root(1, 1e-11)], 10)  # between 10^-12 and 10^-10: not yet
    assert _accurate([root(1, 4e-13)], 10) and _accurate([root(0.001, 4e-13)], 10)
    assert _accurate([root(1000, 4e-10)], 10) and not _accurate([root(1000, 4e-9)], 10)  # relative to |mid| >= 1


def test_a_degree_too_small_is_refused_with_its_numbers():
    with pytest.raises(PolynomialError, match=r"degree 0 \(a_0 = 5\); degree at least 1 is needed \(2 zero leading"):
        normalize_polynomial([5, 0, 0])
    with pytest.raises(PolynomialError) as info:
        normalize_polynomial([5])
    assert "dropped" not in str(info.value) and info.value.degree == 0
    with pytest.raises(PolynomialError, match=r"degree 1 \(a_0 = 1\); degree at least 2 is needed \(1 zero"):
        normalize_polynomial([1, 1, 0], min_degree=2)


def test_roots_are_sorted_by_decreasing_modulus_then_real_part():
    """Roots 4, -3, 2, -2, 1 (2 and -2 tie in modulus: the larger real part first); then (x^4 - 81)(x - 1), whose four
    roots of modulus 3 come before 1 (their order among themselves rests on rounding of the midpoints)."""
    found = certified_roots(coefficients_from_roots([4, -3, 2, -2, 1]), 20)
    with working_precision(20):
        assert [round(float(r.ball.real.mid())) for r in found] == [4, -3, 2, -2, 1]
        found = certified_roots([81, -81, 0, 0, -1, 1], 20)
        assert [round(abs(complex(r.value(20)))) for r in found] == [3, 3, 3, 3, 1]


def test_mpmath_roots_retry_with_doubled_steps_and_more_precision_then_give_up_by_name(monkeypatch):
    """The retry schedule of mpmath_roots: extraprec e -> 2e + 50 and maxsteps doubled, retries + 1 attempts in all."""
    from lcnsym.analysis import roots
    from lcnsym.errors import ConvergenceError
    from lcnsym.numeric import GUARD_DIGITS

    real, calls = roots.polyroots_ascending, []

    def flaky(coeffs, maxsteps, extraprec):
        calls.append((maxsteps, extraprec))
        if len(calls) <= 2:
            raise mpmath.libmp.libhyper.NoConvergence("injected")
        return real(coeffs, maxsteps=maxsteps, extraprec=extraprec)

    monkeypatch.setattr(roots, "polyroots_ascending", flaky)
    (z, m), = mpmath_roots([-2, 1], dps=20)
    e = GUARD_DIGITS + 4
    assert calls == [(100, e), (200, 2 * e + 50), (400, 2 * (2 * e + 50) + 50)] and m == 1 and abs(z - 2) < 1e-15
    calls.clear()
    monkeypatch.setattr(roots, "polyroots_ascending", lambda *a, **k: calls.append(k) or (_ for _ in ()).throw(
        mpmath.libmp.libhyper.NoConvergence("injected")))
    with pytest.raises(ConvergenceError, match="degree 1 at 20 digits") as info:
        mpmath_roots([-2, 1], dps=20, retries=2, extraprec=10, maxsteps=7)
    assert len(calls) == 3 and [c["extraprec"] for c in calls] == [10, 70, 190] and [c["maxsteps"] for c in calls] == [7, 14, 28]
    assert "extraprec up to 430 and 56 steps" in str(info.value)


def test_a_root_exactly_on_the_unit_circle_is_on_it_campaign_dd():
    """Campaign DD: x - 1's root ball is exactly 1: neither certainly inside nor outside."""
    (root,) = certified_roots([-1, 1], 30)
    assert root.modulus_vs_one() == 0 and certified_roots([-1, 2], 30)[0].modulus_vs_one() == -1
