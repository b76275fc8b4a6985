"""lcnsym.dynamics.bounds: tau exactly, g in mpmath and in balls, the hypothesis of Lemma 3.6."""

from fractions import Fraction

import pytest

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.bounds import balancedness, elementary_symmetric, g_bound, g_bound_ball, pseudo_inverse_norm, tau
from lcnsym.dynamics.data import Data, validate_data
from lcnsym.dynamics.losses import parse_loss
from lcnsym.errors import HypothesisFails
from lcnsym.numeric import compare, to_mpf, working_precision

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
