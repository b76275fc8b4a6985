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
