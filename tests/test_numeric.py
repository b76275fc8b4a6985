"""lcnsym.numeric: exact readers, precision, converters, printing, ball comparisons, arithmetic namespaces."""

from decimal import Decimal
from fractions import Fraction

import flint
import gmpy2
from hypothesis import given, strategies as st
import mpmath
import pytest
import sympy as sp

from lcnsym.errors import InputError, NumberError
from lcnsym.numeric import (ARB, EXACT, MPMATH, SYMPY, ball_bounds, check_dps, make_ball, mantissa_exponent, compare, show_lower, dps_to_prec, exact_value, ops_for,
                            parse_complex, parse_rational, show, show_ball, show_tolerance, show_upper, to_arb,
                            to_complex_rational, to_float, to_mpf, to_mpfr, to_rational, to_sympy, tolerance, working_precision)


@pytest.mark.parametrize("value,expected", [
    (3, Fraction(3)), (Fraction(1, 3), Fraction(1, 3)), (sp.Rational(-2, 6), Fraction(-1, 3)), (gmpy2.mpq(1, 7), Fraction(1, 7)),
    (gmpy2.mpz(5), Fraction(5)), (flint.fmpq(2, 9), Fraction(2, 9)), (flint.fmpz(-4), Fraction(-4)), ("0.1", Fraction(1, 10)),
    ("-3/6", Fraction(-1, 2)), ("1e-3", Fraction(1, 1000)), ("2.5e-1/3", Fraction(1, 12)), (" 7 ", Fraction(7)),
])
def test_every_accepted_input_is_read_exactly(value, expected):
    assert to_rational(value) == expected


def test_floats_only_where_the_caller_opts_in_and_then_exactly():
    with pytest.raises(NumberError, match="binary value 3602879701896397/36028797018963968"):
        to_rational(0.1)
    assert to_rational(0.1, floats=True) == Fraction(3602879701896397, 36028797018963968)
    assert to_rational(mpmath.mpf("0.375"), floats=True) == Fraction(3, 8)
    assert to_rational(gmpy2.mpfr("0.5"), floats=True) == Fraction(1, 2)
    assert to_rational(sp.Float(0.25), floats=True) == Fraction(1, 4)
    with pytest.raises(NumberError):
        to_rational(mpmath.mpf(1))


@pytest.mark.parametrize("value,words", [
    (True, "boolean"), (float("nan"), "not a finite number"), (sp.sqrt(2), "not a rational"), (sp.oo, "not a finite"),
    (1j, "complex"), (object(), "not a number"), ("x", "not an exact number"), ("1/0", "divides by zero"),
    ("__import__('os')", "not an exact number"), ("1e999999999", "exponent"), ("9" * 2000, "digits"),
])
def test_one_error_class_names_the_input(value, words):
    with pytest.raises(NumberError) as info:
        to_rational(value, "X[1,2]", floats=True)
    assert words in str(info.value)
    assert info.value.what == "X[1,2]" or "X[1,2]" in str(info.value)


@given(st.fractions())
def test_text_round_trip(q):
    assert parse_rational(str(q)) == q


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6))
def test_decimals_read_exactly(d):
    assert parse_rational(str(d)) == Fraction(Decimal(str(d)))


def test_complex_numbers():
    assert parse_complex("1.5-2j") == (Fraction(3, 2), Fraction(-2))
    assert parse_complex("2e-3j") == (0, Fraction(2, 1000))
    assert to_complex_rational((1, "1/2")) == (1, Fraction(1, 2))
    assert to_complex_rational(1 + 2 * sp.I) == (1, 2)
    assert to_complex_rational(complex(0.5, -1), floats=True) == (Fraction(1, 2), -1)
    for bad in ("1+", "j2", "1+2i+3j", "nanj"):
        with pytest.raises(NumberError):
            parse_complex(bad)


def test_precision_is_set_everywhere_and_restored():
    mpmath.mp.dps = 15
    flint.ctx.prec = 53
    with gmpy2.context(gmpy2.context(), precision=20, round=gmpy2.RoundDown):
        with working_precision(50) as bits:
            assert bits == dps_to_prec(50) == mpmath.mp.prec == flint.ctx.prec == gmpy2.get_context().precision
            assert gmpy2.get_context().round == gmpy2.RoundToNearest  # a fresh context, not the caller's
        assert gmpy2.get_context().precision == 20
    assert mpmath.mp.dps == 15 and flint.ctx.prec == 53
    with pytest.raises(ZeroDivisionError):
        with working_precision(40):
            1 / 0
    assert mpmath.mp.dps == 15


def test_dps_is_validated_and_tolerances_are_relative():
    assert check_dps(30) == 30
    for bad in (5, 10**6, 2.5, True, "30"):
        with pytest.raises(InputError, match="dps must be a whole number"):
            check_dps(bad)
    assert tolerance(50, 5) == Fraction(1, 10**45)
    assert show_tolerance(tolerance(30, 10)) == "1e-20"


def test_converters_round_correctly():
    with working_precision(30):
        third = to_mpf(Fraction(1, 3))
        assert abs(third - mpmath.mpf(1) / 3) < mpmath.mpf(10) ** -30
        assert to_mpfr(Fraction(1, 3)) == gmpy2.mpfr(1) / 3
        assert to_arb(Fraction(1, 3)).contains(flint.fmpq(1, 3))
    assert exact_value(flint.arb(0.75)) == Fraction(3, 4)
    assert to_sympy(Fraction(-1, 3)) == sp.Rational(-1, 3)


def test_printing_exact_and_inexact():
    assert show(Fraction(-7, 3)) == "-7/3" and show(10**5000).startswith("1000")  # beyond str(int)'s limit
    assert show((Fraction(1), Fraction(0))) == "1"
    with working_precision(50):
        assert show(to_mpf(Fraction(1, 3)), 50) == "0." + "3" * 50
        assert show(mpmath.mpc(2, 0), 10) == "2.000000000"  # an exactly real complex number prints as real
        assert show(flint.arb(1) / 3, 20) == "0." + "3" * 20
        ball = show_ball(flint.acb(flint.arb(1) / 3, 0), 20)
        assert ball["mid"] == "0." + "3" * 20 and float(ball["rad"]) > 0
    with pytest.raises(InputError):
        show(mpmath.mpf(1))  # inexact without digits
    assert show_upper(Fraction(1, 3)) == "3.34e-1"


def test_compare_decides_or_says_undecided():
    assert compare(flint.arb(1) / 3, Fraction(1, 2)) is True
    assert compare(flint.arb(1), 0) is False
    assert compare(flint.arb("0.5 +/- 1"), 0) is None
    assert compare(flint.arb("nan"), 0) is None
    assert compare(Fraction(1, 3), Fraction(1, 3)) is True  # exact numbers exactly
    with working_precision(50):
        tiny = (-2 * flint.arb(10) ** 30).exp()  # beyond any float: still decided
        assert compare(0, tiny) is True


def test_namespaces_evaluate_one_formula_on_every_kind():
    def formula(r, F):
        return F.sqrt(1 + r * r) + F.log(F.cosh(r)) - F.tanh(r) + F.root(r * r, 2) + F.log1p(r) + F.exp(r)

    with working_precision(30):
        m = formula(MPMATH.const(Fraction(1, 2)), MPMATH)
        b = formula(ARB.const(Fraction(1, 2)), ARB)
    s = formula(SYMPY.const(Fraction(1, 2)), SYMPY)
    assert b.contains(flint.arb(mpmath.nstr(m, 25))) or abs(float(b.mid()) - float(m)) < 1e-20
    assert abs(float(sp.N(s, 30)) - float(m)) < 1e-14
    assert ops_for(mpmath.mpf(1)) is MPMATH and ops_for(Fraction(1)) is EXACT and ops_for(sp.Symbol("r")) is SYMPY
    with pytest.raises(InputError):
        EXACT.sqrt(Fraction(2))


def test_decimal_log_has_no_float_overflow():
    from lcnsym.numeric import decimal_log

    assert decimal_log(Fraction(10) ** 500 * 7) == pytest.approx(500 + 0.84509804)
    assert decimal_log(Fraction(1, 10**500)) == -500
    with pytest.raises(InputError):
        decimal_log(0)


def test_the_gmpy2_namespace_gives_mpmaths_numbers_at_the_same_precision():
    """A flow's samples are evaluated in MPFR and stored as mpmath numbers: the same binary numbers, correctly rounded."""
    from lcnsym.numeric import MPFR, to_mpf, to_mpfr

    for dps in (20, 50):
        with working_precision(dps):
            for q in (Fraction(1, 3), Fraction(-22, 7), Fraction(10**40 + 1, 3**50)):
                assert MPMATH.const(MPFR.const(q)) == MPMATH.const(q) and to_mpf(to_mpfr(q)) == to_mpf(q)
            x = MPFR.const(Fraction(3, 7))
            for fn in ("sqrt", "exp", "log", "cosh", "tanh", "sech", "log1p"):
                ours, theirs = MPMATH.const(getattr(MPFR, fn)(x)), getattr(MPMATH, fn)(MPMATH.const(Fraction(3, 7)))
                assert abs(ours - theirs) <= abs(theirs) * mpmath.mpf(2) ** (3 - mpmath.mp.prec), fn


def test_a_complex_ball_prints_the_sign_of_its_own_imaginary_part():
    """Injected in a campaign (C4, I01): the sign before the imaginary part taken from the real part, so that 1 - 2i
    printed as 1 + 2i; the only complex ball printed here had a zero imaginary part."""
    with working_precision(15):
        assert show(flint.acb(1, -2), 15) == "1.00000000000000-2.00000000000000j"
        assert show(flint.acb(-1, 2), 15) == "-1.00000000000000+2.00000000000000j"
        assert show(flint.acb(-1, -2), 15) == "-1.00000000000000-2.00000000000000j"
        assert show(flint.acb(1, 2), 15) == "1.00000000000000+2.00000000000000j"


@pytest.mark.parametrize("text,expected", [
    ("-j", (0, -1)), ("+j", (0, 1)), ("j", (0, 1)), ("1-j", (1, -1)), ("1+j", (1, 1)), ("-1/2-J", (Fraction(-1, 2), -1)),
])
def test_a_bare_imaginary_unit_keeps_its_sign(text, expected):
    """Injected in a campaign (C4, I05): a bare "-j" read as +j (every other test wrote the coefficient, 2j or -3j)."""
    assert parse_complex(text) == (Fraction(expected[0]), Fraction(expected[1]))


def test_the_exponent_limit_holds_for_negative_exponents_too():
    """Injected in a campaign (C4, I10): only e > MAX_EXPONENT refused, so 1e-99999999 was accepted and the CLI hung
    building 10^99999999; the doctest covers a positive exponent only."""
    assert parse_rational("1e-1000") == Fraction(1, 10**1000)  # the limit itself is accepted, both ways
    assert parse_rational("1e1000") == Fraction(10**1000)
    for text, e in (("1e-1001", -1001), ("2.5e-99999999", -99999999)):
        with pytest.raises(NumberError, match=f"has the exponent {e}; at most 1000 in size"):
            parse_rational(text, "--grad-tol")


def test_ball_bounds_are_the_balls_ends_exactly():
    """``(lower, upper)`` hold every point of the ball: for ``[1 +/- 1/2]`` about ``(1/2, 3/2)``; a wide ball's lower end
    is below its midpoint (the lemma-2.3 audit of straddling balls reads these ends)."""
    with working_precision(30):
        lower, upper = ball_bounds(make_ball(1, Fraction(1, 2)))  # radii are rounded up, to 30 bits
        assert Fraction(1, 2) - Fraction(1, 2**28) <= lower <= Fraction(1, 2) and Fraction(3, 2) <= upper <= Fraction(3, 2) + Fraction(1, 2**28)
        third = flint.arb(1) / 3
        lower, upper = ball_bounds(third)
        assert lower < Fraction(1, 3) < upper and upper - lower <= Fraction(1, 10**29)
        assert ball_bounds(make_ball(0, 1) / 0) == (None, None)


def test_a_complex_balls_printed_radius_bounds_its_distance_from_the_midpoint():
    """The point ``mid + (r_re + r_im i)`` is in the ball, at distance ``sqrt(r_re^2 + r_im^2)`` from its midpoint: the
    printed radius is at least that (the sum of the radii); the larger of the two alone is below it."""
    with working_precision(30):
        ball = flint.acb(make_ball(1, Fraction(3, 10**10)), make_ball(2, Fraction(4, 10**10)))
        rad = Fraction(show_ball(ball, 10)["rad"])
        assert rad * rad >= Fraction(25, 10**20) and rad >= Fraction(7, 10**10)


def test_flints_exact_rationals_print_exactly():
    """An fmpq or fmpz (FLINT's exact numbers, e.g. a least-squares optimum) prints as its exact value, no digits asked."""
    assert show(flint.fmpq(-3, 7)) == "-3/7" and show(flint.fmpz(12)) == "12"


@pytest.mark.parametrize("digits", [1, 3, 5])
def test_a_balls_printed_upper_bound_is_above_every_point_of_it(digits):
    # Balls whose upper end lies just above a short decimal (k/10^3 + 2^-250): the decimal midpoint alone prints k/10^3,
    # below the ball; only the decimal's own radius lifts it to the next digit.
    with working_precision(80):
        for k in (123, 1, 999, 500, 100):
            base = make_ball(Fraction(k, 1000), 0)
            for ball in (base + make_ball(0, Fraction(1, 2**250)), make_ball(Fraction(k, 1000), Fraction(1, 2**250)),
                         make_ball(Fraction(k, 1000) * 10**40, 1)):
                printed = Fraction(show_upper(ball, digits))
                upper = ball.upper()
                m, e = mantissa_exponent(upper)
                exact_upper = Fraction(m) * Fraction(2) ** e
                assert printed >= exact_upper, (k, digits, show_upper(ball, digits))
                assert printed <= exact_upper * (1 + Fraction(10) ** (1 - digits)) + Fraction(1, 10**60)


@pytest.mark.parametrize("text", [".", "-.", "+.", ".e5", "-.e5", "./3", "e5", "/3", "", "1/", "1.2.3", "0x10", "1_000"])
def test_text_without_a_digit_is_no_number(text):
    """Campaign H: a lone point is not zero; every form needs a digit before or after it."""
    with pytest.raises(InputError, match="not an exact number|empty"):
        parse_rational(text, "X")
    with pytest.raises(InputError):
        parse_complex(text + "j" if text else text)


@pytest.mark.parametrize("text,value", [("1.", 1), (".5", Fraction(1, 2)), ("-.5e1", -5), ("3/4", Fraction(3, 4)),
                                        ("1e-3", Fraction(1, 1000)), ("+2.50", Fraction(5, 2))])
def test_decimal_forms_read_exactly(text, value):
    assert parse_rational(text) == value


def test_make_ball_holds_the_whole_ball_of_its_midpoint():
    """Campaign H: a ball given as the midpoint keeps its own radius: the result holds every point of it, widened."""
    with working_precision(30):
        centre = make_ball(Fraction(1, 3), Fraction(1, 10**6))
        ball = make_ball(centre, Fraction(1, 10**9))
        assert ball.contains(centre) and ball.contains(centre.upper() + to_arb(Fraction(1, 10**9)))
        assert ball.contains(centre.lower() - to_arb(Fraction(1, 10**9)))


@pytest.mark.parametrize("text,value", [("1E+2+3j", (100, 3)), ("1e-2-3j", (Fraction(1, 100), -3)), ("-2E-1+1E+1j", (Fraction(-1, 5), 10))])
def test_a_complex_numbers_exponent_signs_stay_with_their_exponents(text, value):
    """Campaign L: the split between real and imaginary parts skips the sign of an exponent, e or E."""
    assert parse_complex(text) == value


def test_fractional_digits_count_against_the_digit_limit():
    """Campaign L: 0.111... with more than MAX_DIGITS digits after the point is refused as 111... would be."""
    from lcnsym.numeric import MAX_DIGITS

    with pytest.raises(NumberError, match="digits; at most"):
        parse_rational("0." + "1" * (MAX_DIGITS + 1))
    assert parse_rational("0." + "1" * (MAX_DIGITS - 1)) > 0


@pytest.mark.parametrize("digits", [1, 3, 6])
def test_a_printed_lower_bound_is_below_the_value_and_close(digits):
    """Campaign M: show_lower rounds down (a certified rate printed to nearest claimed a faster decay than certified)."""
    for q in (Fraction(12345678, 10**8), Fraction(2, 3), Fraction(5), Fraction(999999, 10**6), Fraction(1, 7 * 10**12),
              Fraction(10**20, 3)):
        printed = parse_rational(show_lower(q, digits))
        assert printed <= q and q - printed <= q * Fraction(10) ** (1 - digits), (q, digits, show_lower(q, digits))
    with working_precision(30):
        ball = make_ball(Fraction(1, 3), Fraction(1, 10**10))
        assert parse_rational(show_lower(ball, 6)) <= Fraction(1, 3) - Fraction(1, 10**10)


@given(st.integers(-30, 30), st.integers(1, 10**6), st.integers(12, 30), st.sampled_from([1, -1]),
       st.integers(1, 25))
def test_printed_bounds_are_bounds_just_beside_a_power_of_ten(k, delta, depth, side, digits):
    """Campaign P: the float estimate of the decimal exponent can be one too small just above 10^k; the correction then
    rounded a lower bound up (show_lower(10^-3 (1 + 10^-18), 20) printed above the value)."""
    q = Fraction(10) ** k * (1 + side * Fraction(delta, 10**depth))
    low, high = parse_rational(show_lower(q, digits)), parse_rational(show_upper(q, digits))
    assert low <= q <= high, (q, digits)
    assert q - low <= q * Fraction(10) ** (1 - digits) and high - q <= q * Fraction(10) ** (1 - digits)


@pytest.mark.parametrize("k", [-3, -7, 5, 22])
def test_printed_bounds_are_bounds_where_the_float_exponent_estimate_is_one_too_small(k):
    q = Fraction(float(10.0 ** k)) + Fraction(10) ** (k - 18)  # float(10^k) may sit below 10^k: log10 undershoots
    for digits in (19, 20, 22):
        assert parse_rational(show_lower(q, digits)) <= q <= parse_rational(show_upper(q, digits)), (k, digits)


def test_a_printed_lower_bound_of_a_ball_is_below_its_lower_end():
    """Campaign P: a ball's lower end, not its midpoint, is what show_lower bounds."""
    with working_precision(30):
        assert parse_rational(show_lower(make_ball(Fraction(1, 2), Fraction(1, 10)))) <= Fraction(2, 5)


def test_show_tolerance_writes_only_powers_of_ten_as_1e():
    """Campaign N: 1/15 is not 1e-1; only 1/10^n prints as 1e-n."""
    assert [show_tolerance(Fraction(1, d)) for d in (15, 1000, 101, 10)] == ["1/15", "1e-3", "1/101", "1e-1"]


def test_the_default_tolerance_loses_five_digits():
    """Campaign R: ``tolerance(dps)`` is ``10^-(dps - 5)`` as documented; a default of 4 or 6 lost digits is caught."""
    from lcnsym.numeric import tolerance

    assert tolerance(30) == Fraction(1, 10**25) and tolerance(50) == Fraction(1, 10**45)


def test_an_exact_bound_keeps_its_bits_outside_any_working_precision():
    """Campaign R: ``compare`` holds an exact bound at the bits it needs, not at the ambient 53."""
    with working_precision(prec=200):
        third = flint.arb(1) / 3
    assert compare(third, Fraction(1, 3) + Fraction(1, 10**40)) is True
    assert compare(third, Fraction(1, 3) - Fraction(1, 10**40)) is False


@given(st.fractions(min_value=Fraction(1, 10**12), max_value=Fraction(10**12)), st.integers(1, 8),
       st.fractions(min_value=0, max_value=Fraction(1, 10)))
def test_show_upper_and_show_lower_bound_a_ball_within_a_last_digit(mid, digits, relative_rad):
    """A mutation pass: show_upper prints at least the ball's upper end and show_lower at most its lower end, each
    within one unit of the last digit asked for."""
    with working_precision(prec=200):
        ball = make_ball(mid, mid * relative_rad)
    upper, lower = exact_value(ball.upper()), exact_value(ball.lower())
    up = parse_rational(show_upper(ball, digits))
    assert upper <= up <= upper * (1 + Fraction(1, 10 ** (digits - 1)))
    down = parse_rational(show_lower(ball, digits))
    assert lower * (1 - Fraction(1, 10 ** (digits - 1))) <= down <= lower


def test_compare_decides_equality_and_nothing_infinite():
    assert compare(flint.arb(1), 1) is True and compare(1, flint.arb(1)) is True  # equal exact points: <=
    assert compare(flint.arb(2), 1) is False
    assert compare(flint.arb("inf"), 1) is None and compare(1, flint.arb("inf")) is None
    assert compare(flint.arb("nan"), 1) is None and compare(1, flint.arb("nan")) is None


def test_to_float_of_every_kind():
    import math

    assert to_float(10**400) == math.inf and to_float(-(10**400)) == -math.inf and to_float(Fraction(-(10**400), 3)) == -math.inf
    assert to_float(gmpy2.mpfr(0.5)) == 0.5 and to_float(0.25) == 0.25 and to_float(Fraction(1, 4)) == 0.25
    assert to_float(flint.arb(1) / 3) == 1 / 3 and to_float(make_ball(Fraction(1, 2), Fraction(1, 4))) == 0.5  # midpoints


def test_show_of_every_kind():
    assert show(True) == "true" and show(False) == "false"
    assert show((1, -2)) == "1-2j" and show((1, 2)) == "1+2j" and show((Fraction(1, 2), 0)) == "1/2"
    assert show(flint.acb(1, -2), 5) == "1.0000-2.0000j" and show(flint.acb(1, 0), 5) == "1.0000"
    assert show(gmpy2.mpfr(0.5), 5) == "0.50000"
    with working_precision(20):
        assert show(mpmath.mpc(1, -2), 5) == "1.0000-2.0000j" and show(mpmath.mpc(1, 2), 5) == "1.0000+2.0000j"
    assert show(flint.arb(0), 5) == "0.0"
    assert (show_tolerance(Fraction(1, 10)), show_tolerance(Fraction(1)), show_tolerance(Fraction(1, 5))) == ("1e-1", "1", "1/5")
    assert show_upper(Fraction(-1, 3)) == "-1/3" and show_upper(flint.arb(0)) == "0"


def test_an_exact_bound_keeps_the_bits_of_its_numerator_and_its_denominator():
    """A mutation pass: the bits held are 64 + the numerator's + the denominator's, so a bound with a long numerator and
    one with a long denominator are both held exactly enough to decide."""
    with working_precision(prec=300):
        big, small = flint.arb(10**40 + 1), flint.arb(1) / (3 * 10**40)
    assert compare(big, 10**40 + 1) is True and compare(big, 10**40) is False
    assert compare(small, Fraction(1, 3 * 10**40) + Fraction(1, 10**90)) is True
    tiny = flint.arb(2) ** -140  # exact; 1/(2^140 -+ 1) are within 2^-140 relative of it: a long denominator alone
    assert compare(tiny, Fraction(1, 2**140 - 1)) is True and compare(tiny, Fraction(1, 2**140 + 1)) is False
    assert compare(flint.arb(1), 0.5) is False  # a binary float bound, read exactly


def test_precision_helpers_at_their_edges():
    from lcnsym.numeric import MAX_DPS, MIN_DPS, escalation

    assert check_dps(MIN_DPS) == MIN_DPS and check_dps(MAX_DPS) == MAX_DPS
    assert escalation(30) == (30, 60, 120) and escalation(20, 2) == (20, 40)
    with working_precision(20, guard=10):
        assert mpmath.mp.dps == 30 and flint.ctx.prec == dps_to_prec(30)
    with working_precision(prec=200):
        ball = make_ball(Fraction(1, 2), Fraction(1, 3))
    assert exact_value(ball.rad()) >= Fraction(1, 3)  # the radius rounded up, never down
    assert mantissa_exponent(make_ball(Fraction(-3, 8), Fraction(1, 2))) == (-3, -3)  # the midpoint's
    assert show(make_ball(Fraction(1), Fraction(1, 10)), 5) == "1.0000"  # a ball prints its midpoint
    with working_precision(prec=300):
        third = gmpy2.mpfr(1) / 3
    assert show(third, 40) == "0." + "3" * 40  # an mpfr's own bits, not 64


def test_reading_refuses_each_kind_of_non_rational_by_its_own_words():
    """A mutation pass over numeric.py's readers: a gmpy2 infinity, sympy's I and sqrt(2), a Python complex."""
    import gmpy2
    import sympy as sp

    from lcnsym.errors import NumberError
    from lcnsym.numeric import to_rational

    with pytest.raises(NumberError, match="not a finite number"):
        to_rational(gmpy2.mpfr("inf"), "x", floats=True)
    assert to_rational(gmpy2.mpfr("0.375"), floats=True) == Fraction(3, 8)
    with pytest.raises(NumberError, match="x I is not a finite real number"):
        to_rational(sp.I, "x")
    with pytest.raises(NumberError, match="x sqrt.2. is not a rational number"):
        to_rational(sp.sqrt(2), "x")
    with pytest.raises(NumberError, match="is complex; a real number is needed here"):
        to_rational(1 + 2j, "x")
    with pytest.raises(NumberError, match="x: 5 is not text"):
        parse_rational(5, "x")


def test_complex_reading_needs_floats_for_binary_complex_and_reads_pairs_text_and_sympy():
    import sympy as sp

    from lcnsym.errors import NumberError
    from lcnsym.numeric import to_complex_rational

    for binary in (1 + 2j, mpmath.mpc(1, 2)):
        with pytest.raises(NumberError, match="is a binary floating-point number"):
            to_complex_rational(binary, "a_1")
        assert to_complex_rational(binary, floats=True) == (1, 2)
    with pytest.raises(NumberError, match="a_1 .* is not a pair"):
        to_complex_rational((1, 2, 3), "a_1")
    assert to_complex_rational("1/2-3j") == (Fraction(1, 2), -3) and to_complex_rational("2") == (2, 0)
    assert to_complex_rational(sp.Rational(1, 2) + 3 * sp.I) == (Fraction(1, 2), 3)
    assert to_complex_rational(sp.Rational(1, 3)) == (Fraction(1, 3), 0)
    with pytest.raises(NumberError, match="imaginary part"):
        to_complex_rational(1 + sp.sqrt(2) * sp.I)


def test_printing_at_the_edges_campaign_dd():
    """Campaign DD: show_lower keeps 9 integer digits positional; show_upper with one digit has no bare point; show of
    an mpmath number switches to scientific below 1e-5; a ball touching the bound from above is undecided."""
    from lcnsym.numeric import show, show_lower, show_upper

    assert show_lower(Fraction(123456789)) == "123456000"
    assert show_upper(Fraction(1, 3), 1) == "4e-1"
    with mpmath.workdps(40):
        small = mpmath.mpf("0.000012345")
    assert show(small, 20) == "1.2345000000000000000e-5"
    assert compare(flint.arb(1.5, 0.5), 1) is None and compare(flint.arb(2.5, 0.5), 1) is False


def test_abbreviate_keeps_to_its_limit_campaign_ff():
    """Campaign FF: the doctest's ``...`` matches anything under ELLIPSIS; here the cut text is at most the limit."""
    from lcnsym.numeric import abbreviate

    cut = abbreviate("9" * 100)
    assert len(cut.split(" (")[0]) <= 60 and cut.endswith("(102 characters)") and "..." in cut
