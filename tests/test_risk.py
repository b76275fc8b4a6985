"""lcnsym.dynamics.risk: the risk and its gradient through the final filter, against sympy; exact, mpmath and ball modes."""

from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.algebra.filters import filter_symbols
from lcnsym.dynamics.data import validate_data
from lcnsym.dynamics.losses import example_losses, parse_loss
from lcnsym.dynamics.risk import dloss_dv, empirical_risk, empirical_risk_ball, predictions, risk_gradient
from lcnsym.errors import InputError
from lcnsym.numeric import compare, to_mpf, working_precision

ARCH = Architecture(4, (2, 2), (1, 1))
DATA = validate_data(ARCH, [[1, 0, 2, 1, 0, -1], [0, 1, 1, -1, 2, 0], [1, 1, 0, 0, 1, 2], [2, -1, 1, 0, 0, 1]],
                     [[1, 0, 1, 2, -1, 0], [0, 1, 1, 0, 2, 1]])
POINT = [Fraction(1, 2), -1, Fraction(3, 4), Fraction(1, 3)]


@pytest.mark.parametrize("loss", example_losses(), ids=lambda l: l.label())
def test_gradient_through_the_final_filter_matches_the_symbolic_gradient(loss):
    w = filter_symbols(ARCH)
    L = empirical_risk(ARCH, w, DATA, loss, dps=None)
    flat = [c for layer in w for c in layer]
    point = {c: sp.Rational(v) for c, v in zip(flat, POINT)}
    filters = [POINT[:2], POINT[2:]]
    numeric = [g for layer in risk_gradient(ARCH, filters, DATA, loss, dps=40) for g in layer]
    symbolic = [sp.N(sp.diff(L, c).subs(point), 45) for c in flat]
    value = empirical_risk(ARCH, filters, DATA, loss, dps=40)
    ball = empirical_risk_ball(ARCH, filters, DATA, loss, dps=40)
    with working_precision(40):
        assert max(abs(a - mpmath.mpf(str(b))) for a, b in zip(numeric, symbolic)) < mpmath.mpf(10) ** -30
        exact = mpmath.mpf(str(sp.N(L.subs(point), 45)))
        assert abs(value - exact) < mpmath.mpf(10) ** -30
        assert compare(ball, exact + mpmath.mpf(10) ** -35) and compare(exact - mpmath.mpf(10) ** -35, ball)


def test_exact_modes():
    square = parse_loss("square")
    L = empirical_risk(ARCH, [POINT[:2], POINT[2:]], DATA, square, dps=None)
    assert isinstance(L, Fraction)
    grad = risk_gradient(ARCH, [POINT[:2], POINT[2:]], DATA, square, dps=None)
    assert all(isinstance(g, Fraction) for layer in grad for g in layer)
    assert predictions(ARCH, [1, 0, 0], DATA) == [[1, 0], [0, 1], [2, 1], [1, -1], [0, 2], [-1, 0]]
    with pytest.raises(InputError, match="need a working precision"):
        empirical_risk(ARCH, [[mpmath.mpf(1), 2], [3, 4]], DATA, square, dps=None)
    with pytest.raises(InputError):
        empirical_risk(ARCH, [POINT[:2], POINT[2:]], DATA, parse_loss("pseudo-huber:1"), dps=None)  # sqrt is not rational


def test_gradient_in_function_space():
    G = dloss_dv(ARCH, [1, 0, 0], DATA, parse_loss("square"), dps=30)
    with working_precision(30):
        assert len(G) == 3 and all(abs(g - to_mpf(round(g))) < mpmath.mpf(10) ** -25 for g in G)  # integers: exact data


@pytest.mark.parametrize("k, s", [((2, 2), (1, 1)), ((2, 1, 2), (2, 1, 1))])
def test_the_normal_equations_give_the_square_loss_exactly(k, s):
    """||Pi(w) X - Y||^2 = v^T A v - 2 b^T v + c at random rational points, dN = 2 (a c from y y^T, or A, b with the
    windows' order slipped, is off here)."""
    import random

    from lcnsym.algebra.coefficients import final_filter_recursive
    from lcnsym.dynamics.data import random_problem
    from lcnsym.dynamics.risk import normal_equations

    arch = Architecture.for_output_width(k, s, dN=2)
    data, _ = random_problem(arch, arch.d0 + 2, 3)
    A, b, c = normal_equations(arch, data)
    rng = random.Random(5)
    for _ in range(3):
        v = final_filter_recursive([[Fraction(rng.randint(-9, 9), 4) for _ in range(ki)] for ki in k], s)
        direct = sum((z - y) ** 2 for j, zs in enumerate(predictions(arch, v, data)) for z, y in zip(zs, data.column(j)[1]))
        quadratic = sum(v[i] * A[i][q] * v[q] for i in range(len(v)) for q in range(len(v))) - 2 * sum(
            bi * vi for bi, vi in zip(b, v)) + c
        assert direct == quadratic


def _risk_by_the_network_matrix(arch, filters, data, phi):
    """``sum_j sum_r phi((W x_j - y_j)_r)`` with ``W = W^(N) ... W^(1)`` from the convolution matrices (eq. 1.4): not
    through the final filter, so an independent route."""
    from lcnsym.algebra.convolution import network_matrix

    W = network_matrix(arch, filters)
    total = 0
    for j in range(data.m):
        x, y = data.column(j)
        z = W * sp.Matrix([sp.Rational(q.numerator, q.denominator) for q in map(Fraction, x)])
        total += sum(phi(z[r] - sp.Rational(Fraction(y[r]).numerator, Fraction(y[r]).denominator)) for r in range(arch.dN))
    return sp.nsimplify(sp.expand(total))


@pytest.mark.parametrize("k, s", [((1,), (1,)), ((2,), (1,)), ((2, 2), (1, 1)), ((2, 1, 2), (2, 1, 1)), ((2, 2, 2), (1, 2, 1))])
@pytest.mark.parametrize("loss, phi", [("square", lambda r: r**2), ("lp:4", lambda r: r**4 / 4)])
def test_the_risk_and_its_gradient_equal_the_network_matrix_route(k, s, loss, phi):
    """The risk through the final filter against the network matrix applied to the data, and its gradient against the
    derivative of that expression, exactly: one layer (the empty product of the other layers is 1), three layers
    (products of two other layers), strides."""
    from lcnsym.dynamics.data import random_problem

    arch = Architecture.for_output_width(k, s, dN=2)
    data, start = random_problem(arch, arch.d0 + 1, 11)
    assert empirical_risk(arch, start, data, parse_loss(loss), dps=None) == _risk_by_the_network_matrix(
        arch, start, data, phi)
    w = filter_symbols(arch)
    L = _risk_by_the_network_matrix(arch, w, data, phi)
    point = {c: sp.Rational(v.numerator, v.denominator) for layer, values in zip(w, start) for c, v in zip(layer, values)}
    grad = risk_gradient(arch, start, data, parse_loss(loss), dps=None)
    assert [[sp.diff(L, c).subs(point) for c in layer] for layer in w] == [[sp.Rational(g.numerator, g.denominator)
                                                                            for g in layer] for layer in grad]


def test_the_ball_risk_reads_float_filters_exactly():
    square = parse_loss("square")
    exact = empirical_risk(ARCH, [[Fraction(1, 2), Fraction(1, 4)], [1, 2]], DATA, square, dps=None)
    ball = empirical_risk_ball(ARCH, [[0.5, 0.25], [1, 2]], DATA, square, dps=30)
    with working_precision(40):
        assert compare(ball, to_mpf(exact) + mpmath.mpf(10) ** -28) and compare(to_mpf(exact) - mpmath.mpf(10) ** -28, ball)
