from hypothesis import given, strategies as st
import pytest
import sympy as sp

from lcnsym.errors import ParseError
from lcnsym.parsing import parse_complex, parse_filters, parse_int_list, parse_rational, parse_rational_list


@pytest.mark.parametrize(
    "text,value",
    [("3", 3), ("-3", -3), ("0.1", sp.Rational(1, 10)), ("1/3", sp.Rational(1, 3)), (" 2.50 ", sp.Rational(5, 2)),
     ("1e-30", sp.Rational(1, 10**30)), ("-.5", sp.Rational(-1, 2)), ("+7/14", sp.Rational(1, 2))],
)
def test_rationals_are_read_exactly(text, value):
    assert parse_rational(text) == value


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "x", "", "1/0", "1/2/3", "__import__('os')", "2**8", "1,5", "0x10", "1/-2"])
def test_non_numbers_are_refused(text):
    with pytest.raises(ParseError):
        parse_rational(text)


@given(st.fractions())
def test_fraction_round_trip(q):
    assert parse_rational(str(q)) == sp.Rational(q.numerator, q.denominator)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6))
def test_decimal_read_exactly(d):
    assert parse_rational(str(d)) == sp.Rational(str(d))


def test_lists_and_filters():
    assert parse_int_list("1, 2,3") == [1, 2, 3]
    assert parse_rational_list("1,0.5") == [1, sp.Rational(1, 2)]
    assert parse_filters("1;2,3") == [[1], [2, 3]]
    for bad in ("", "1,,2", " ", "1;"):
        with pytest.raises(ParseError):
            parse_filters(bad)


def test_complex():
    assert parse_complex("1.5-2j") == (sp.Rational(3, 2), -2)
    assert parse_complex("2e-3j") == (0, sp.Rational(2, 1000))
    for bad in ("1+", "j2", "1+2i+3j", "nanj"):
        with pytest.raises(ParseError):
            parse_complex(bad)
