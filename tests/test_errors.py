"""lcnsym.errors: one hierarchy; errors carry their data and survive pickling (they cross process boundaries)."""

import pickle

import lcnsym.errors as errors
from lcnsym.errors import ConvergenceError, LcnsymError, NumberError, PrecisionError


def test_every_error_is_in_the_hierarchy():
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), LcnsymError), name


def test_errors_carry_their_data_and_pickle():
    err = ConvergenceError("the step collapsed", t=3, dps=30)
    assert (err.t, err.dps, err.data) == (3, 30, {"t": 3, "dps": 30})
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is ConvergenceError and str(again) == "the step collapsed" and again.t == 3
    assert isinstance(PrecisionError("x"), ArithmeticError) and isinstance(NumberError("x", value="y"), ValueError)


from fractions import Fraction

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

JUNK = st.deferred(lambda: st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.fractions(max_denominator=10**6), st.complex_numbers(allow_nan=True),
    st.lists(JUNK_LEAF, max_size=4), st.lists(st.lists(JUNK_LEAF, max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), JUNK_LEAF, max_size=2), st.tuples(JUNK_LEAF, JUNK_LEAF)))
JUNK_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-50, 50), st.floats(allow_nan=True), st.text(max_size=6),
                      st.fractions(max_denominator=100))


def _entry_points():
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.algebra.filters import final_filter, symbolic_final_filter
    from lcnsym.algebra.polynomials import coefficient_norm, stride_polynomial
    from lcnsym.analysis.factorization import linear_factorization, one_norm_ratio, root_bound
    from lcnsym.analysis.roots import certified_roots, normalize_polynomial
    from lcnsym.checking.evidence import CheckConfig, Evidence
    from lcnsym.dynamics.bounds import tau
    from lcnsym.dynamics.data import random_problem, validate_data
    from lcnsym.dynamics.flow import gradient_flow
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.numeric import parse_complex, show, to_complex_rational, to_rational
    from lcnsym.parsing import parse_filters, parse_int_list, parse_json

    arch = Architecture(4, (2, 2), (1, 1))
    data, w0 = random_problem(arch, 6, 1)
    sym = symbolic_final_filter(arch)
    square = parse_loss("square")
    return {
        "Architecture": lambda a, b, c: Architecture(a, b, c),
        "for_output_width": lambda a, b, c: Architecture.for_output_width(a, b, c),
        "final_filter": lambda a, b, c: final_filter(arch, a),
        "evaluate": lambda a, b, c: sym.evaluate(a),
        "stride_polynomial": lambda a, b, c: stride_polynomial(a, 1, (1, 1)),
        "coefficient_norm": lambda a, b, c: coefficient_norm(a, b),
        "normalize_polynomial": lambda a, b, c: normalize_polynomial(a),
        "certified_roots": lambda a, b, c: certified_roots(a, dps=b if isinstance(b, int) and b < 200 else 20, max_work=20 * 20 * 200),
        "linear_factorization": lambda a, b, c: linear_factorization(a, dps=20, max_work=20 * 20 * 200),
        "root_bound": lambda a, b, c: root_bound(a),
        "one_norm_ratio": lambda a, b, c: one_norm_ratio(a, b),
        "parse_loss": lambda a, b, c: parse_loss(a),
        "validate_data": lambda a, b, c: validate_data(arch, a, b),
        "tau": lambda a, b, c: tau(a, 3, b),
        "gradient_flow": lambda a, b, c: gradient_flow(arch, data, square, a, Fraction(1, 8) if b is None else b, dps=15,
                                                       samples=c if isinstance(c, int) and abs(c) < 5 else 1, max_steps=50),
        "to_rational": lambda a, b, c: to_rational(a, floats=bool(b)),
        "to_complex_rational": lambda a, b, c: to_complex_rational(a, floats=bool(b)),
        "parse_complex": lambda a, b, c: parse_complex(a),
        "parse_filters": lambda a, b, c: parse_filters(a),
        "parse_int_list": lambda a, b, c: parse_int_list(a),
        "parse_json": lambda a, b, c: parse_json(a),
        "show": lambda a, b, c: show(a, b),
        "CheckConfig": lambda a, b, c: CheckConfig(a, b),
        "Evidence": lambda a, b, c: Evidence(True, a, "scope"),
    }


ENTRY_POINTS = _entry_points()


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=JUNK, b=JUNK, c=JUNK)
def test_only_the_hierarchy_leaves_the_public_api(name, a, b, c):
    try:
        ENTRY_POINTS[name](a, b, c)
    except LcnsymError:
        pass
