"""lcnsym.dynamics.bounds: tau exactly, g in mpmath and in balls, the hypothesis of Lemma 3.6."""

from fractions import Fraction

import pytest
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.bounds import balancedness, elementary_symmetric, g_bound, g_bound_ball, pseudo_inverse_norm, tau
from lcnsym.dynamics.data import Data, validate_data
from lcnsym.dynamics.losses import parse_loss
from lcnsym.errors import HypothesisFails, InputError
from lcnsym.numeric import compare, to_arb, to_mpf, working_precision

ARCH = Architecture(4, (2, 2), (1, 1))
DATA = validate_data(ARCH, [[1, 0, 2, 1, 0, -1], [0, 1, 1, -1, 2, 0], [1, 1, 0, 0, 1, 2], [2, -1, 1, 0, 0, 1]],
                     [[1, 0, 1, 2, -1, 0], [0, 1, 1, 0, 2, 1]])


def test_tau_exactly():
    assert elementary_symmetric(2, range(3)) == 2
    # N = 2, k_v = 3, T = 2, Delta = 5: tau_1 = 2 max(1, 1*5, (6*2*3)^6), tau = tau_1 + 5
    assert tau(2, 3, [5]) == 2 * 36**6 + 5
    assert tau(Fraction(1, 2), 1, [Fraction(-10**9)]) == 2 * 10**9 + 10**9  # e_1(0, 1) Delta dominates 36
    assert balancedness([[1, 2], [3]]) == [9 - 5]
    big = tau(10, 100, [1])  # (6000)^200 ~ 10^755
    assert big > 10**700 and isinstance(big, Fraction)  # beyond a double: computed exactly


def test_g_in_mpmath_and_in_balls():
    loss = parse_loss("log-cosh:1")
    g = g_bound(3, loss, DATA, 2, dps=40)
    ball = g_bound_ball(3, loss, DATA, 2, dps=40)
    with working_precision(40):
        above, below = g * (1 + to_mpf(Fraction(1, 10**30))), g * (1 - to_mpf(Fraction(1, 10**30)))
    assert compare(ball, above) and compare(below, ball)
    P = pseudo_inverse_norm(DATA)
    assert isinstance(P, Fraction) and P > 0


def test_singular_data_is_hypothesis_fails_even_if_the_rank_test_lies(monkeypatch):
    singular = Data(DATA.X[:3] + (DATA.X[0],), DATA.Y)
    with pytest.raises(HypothesisFails, match="rank 3 < d0 = 4"):
        pseudo_inverse_norm(singular)
    with pytest.raises(HypothesisFails):
        g_bound(1, parse_loss("square"), singular, 2)
    from lcnsym.dynamics import bounds

    monkeypatch.setattr(bounds, "gram_rank", lambda data: len(data.X))  # a wrong "full rank"
    with pytest.raises(HypothesisFails):
        bounds.pseudo_inverse_norm(singular)


def test_tau_on_three_layers_where_delta_squared_dominates():
    # N = 3: e_1(0,1,2) = 3, e_2 = 2, e_3 = 0; T' = max(1/2, 1) = 1, k_v = 1: (6*1*1)^2 = 36; Delta = max |delta_i| = 100
    # tau_1 = 3 max(1, 3*100, 2*100^2, 36) = 60000, tau = 60000 + (3 - 1) * 100
    assert tau(Fraction(1, 2), 1, [100, -7]) == 60200
    assert tau(Fraction(1, 2), 1, [-7, 100]) == 60200
    assert tau(Fraction(1, 2), 1, []) == 36  # T' = 1 although T = 1/2; N = 1
    assert tau(0.5, 1, [0.5]) == 2 * 36 + Fraction(1, 2)  # floats are read exactly


@pytest.mark.parametrize("args", [(1, 0, []), (1, -2, []), (1, True, []), (1, 2.0, []), (1, 2, "12"), (1, 2, 5)])
def test_tau_refuses_what_is_not_its_input(args):
    with pytest.raises(InputError):
        tau(*args)


def test_balancedness_of_three_layers():
    assert balancedness([[1, 2], [3], [0, 1]]) == [9 - 5, 1 - 9]
    assert balancedness([[1], [1, 1], [2], [1, 1, 1, 1]]) == [1, 2, 0]


def test_g_is_exact_on_exact_data():
    # pseudo-Huber has c = 0, so h(L) = L and g(L) = (L + ||Y||_1) ||X^T (X X^T)^-1||_1 / dN; the pseudo-inverse norm
    # recomputed by sympy from its definition
    X, Y = sp.Matrix(DATA.X), sp.Matrix(DATA.Y)
    P = sum(abs(e) for e in X.T * (X * X.T).inv())
    assert pseudo_inverse_norm(DATA) == Fraction(int(sp.numer(P)), int(sp.denom(P)))
    Y1 = sum(abs(e) for e in Y)
    assert Y1 == 10  # a negative entry of Y counts by its absolute value
    exact = (Fraction(3) + Y1) * Fraction(int(sp.numer(P)), int(sp.denom(P))) / 2
    loss = parse_loss("pseudo-huber:1")
    ball = g_bound_ball(3, loss, DATA, 2, dps=40)
    with working_precision(60):
        assert ball.contains(to_arb(exact)) and ball.rad() < to_arb(exact) * to_arb(Fraction(1, 10**35))
        assert abs(g_bound(3, loss, DATA, 2, dps=60) - to_mpf(exact)) < to_mpf(exact) * to_mpf(Fraction(1, 10**57))


def test_a_singular_gram_says_who_found_it(monkeypatch):
    singular = Data(DATA.X[:3] + (DATA.X[0],), DATA.Y)
    with pytest.raises(HypothesisFails) as err:
        pseudo_inverse_norm(singular)
    assert err.value.rank_test_said_full_rank is False and err.value.rank == 3
    from lcnsym.dynamics import bounds

    monkeypatch.setattr(bounds, "gram_rank", lambda data: len(data.X))
    with pytest.raises(HypothesisFails) as err:
        bounds.pseudo_inverse_norm(singular)
    assert err.value.rank_test_said_full_rank is True and err.value.found_by == "its exact determinant over Q is 0"
    # a Gram matrix of determinant 1 is not singular
    unit = Data(((1, 0, 0, 0, 0, 0), (0, 1, 0, 0, 0, 0), (0, 0, 1, 0, 0, 0), (0, 0, 0, 1, 0, 0)), DATA.Y)
    assert bounds.pseudo_inverse_norm(unit) == 4
