"""Section 3 without the flow: losses, risk and gradient, the bounds, and the checks lemma-3.3/3.5/3.6, cor-3.7."""

from fractions import Fraction
import math

import mpmath
import pytest
import sympy as sp

from lcnsym.architecture import Architecture
from lcnsym.bounds import balancedness, elementary_symmetric, g_bound, pseudo_inverse_norm, tau
from lcnsym.errors import DataError, HypothesisFails, LossParameterError, ParseError
from lcnsym.evidence import CheckConfig
from lcnsym.filters import filter_symbols
from lcnsym.losses import generalized_huber, log_cosh, lp, parse_loss, pseudo_huber, square
from lcnsym.proofs import cor_3_7, lemma_3_3, lemma_3_5, lemma_3_6
from lcnsym.risk import Data, empirical_risk, gram_rank, risk_gradient, validate_data

ARCH = Architecture(4, (2, 2), (1, 1))
DATA = validate_data(ARCH, [[1, 0, 2, 1, 0, -1], [0, 1, 1, -1, 2, 0], [1, 1, 0, 0, 1, 2], [2, -1, 1, 0, 0, 1]],
                     [[1, 0, 1, 2, -1, 0], [0, 1, 1, 0, 2, 1]])


@pytest.mark.parametrize("bad,err", [(lambda: lp(3), "even p >= 2"), (lambda: lp(0), "even p"), (lambda: pseudo_huber(0), "positive"),
                                     (lambda: generalized_huber(1, -2), "greater than -2"), (lambda: log_cosh(-1), "positive"),
                                     (lambda: parse_loss("lp:4.5"), "even p"), (lambda: parse_loss("hinge"), "unknown loss"),
                                     (lambda: parse_loss("gen-huber:1"), "takes 2 parameter")])
def test_loss_parameters_are_validated(bad, err):
    with pytest.raises((LossParameterError, ParseError)) as info:
        bad()
    assert err in str(info.value)


@pytest.mark.parametrize("loss", [square(), lp(4), pseudo_huber(Fraction(1, 2)), generalized_huber(1, Fraction(-1, 2)), log_cosh(2)],
                         ids=lambda l: l.label())
def test_gradient_through_the_final_filter_matches_the_symbolic_gradient(loss):
    w = filter_symbols(ARCH)
    L = empirical_risk(ARCH, w, DATA, loss, mp=False)
    point = {c: sp.Rational(v) for c, v in zip([c for layer in w for c in layer], [Fraction(1, 2), -1, Fraction(3, 4), Fraction(1, 3)])}
    with mpmath.workdps(40):
        filters = [[mpmath.mpf(point[c].p) / point[c].q for c in layer] for layer in w]
        numeric = [g for layer in risk_gradient(ARCH, filters, DATA, loss) for g in layer]
        symbolic = [sp.N(sp.diff(L, c).subs(point), 40) for layer in w for c in layer]
        assert max(abs(a - mpmath.mpf(str(b))) for a, b in zip(numeric, symbolic)) < mpmath.mpf(10) ** -30
        value = empirical_risk(ARCH, filters, DATA, loss)
        assert abs(value - mpmath.mpf(str(sp.N(L.subs(point), 40)))) < mpmath.mpf(10) ** -30


def test_data_validation_and_exact_rank():
    with pytest.raises(DataError, match="X has 3 rows but the architecture needs 4"):
        validate_data(ARCH, [[1], [2], [3]], [[1], [2]])
    with pytest.raises(DataError, match="row 2 of Y has 1 entries"):
        validate_data(ARCH, [[1, 2]] * 4, [[1, 2], [3]])
    with pytest.raises(DataError, match="not a finite number"):
        validate_data(ARCH, [[1, float("nan")]] * 4, [[1, 2]] * 2)
    assert gram_rank(DATA) == 4
    singular = Data(DATA.X[:3] + (DATA.X[0],), DATA.Y)
    assert gram_rank(singular) == 3
    with pytest.raises(HypothesisFails, match="rank 3 < d0 = 4"):
        pseudo_inverse_norm(singular)
    with pytest.raises(HypothesisFails):
        g_bound(1, square(), singular, 2)
    # a tiny but nonzero perturbation is decided exactly, not by a tolerance
    nearly = Data(DATA.X[:3] + (tuple(q + (Fraction(1, 10**40) if j == 0 else 0) for j, q in enumerate(DATA.X[0])),), DATA.Y)
    assert gram_rank(nearly) == 4


def test_tau_exactly():
    assert elementary_symmetric(2, range(3)) == 2
    # N = 2, k_v = 3, T = 2, Delta = 5: tau_1 = 2 max(1, 1*5, (6*2*3)^6), tau = tau_1 + 5
    assert tau(2, 3, [5]) == 2 * 36**6 + 5
    assert tau(Fraction(1, 2), 1, [Fraction(-10**9)]) == 2 * 10**9 + 10**9  # e_1(0, 1) Delta dominates 36
    assert balancedness([[1, 2], [3]]) == [9 - 5]
    big = tau(10, 100, [1])  # (6000)^200 ~ 10^755
    assert big > 10**700 and isinstance(big, Fraction)  # beyond a double: computed exactly


def test_section3_checks_pass():
    for mod in (lemma_3_3, lemma_3_5, lemma_3_6, cor_3_7):
        ev = mod.check(CheckConfig())
        assert ev.passed and ev.instances > 30, ev.summary()


def test_section3_false_variants_are_caught():
    ev = lemma_3_3.check(CheckConfig(), sign=1)
    assert not ev.passed and "grad L . direction" in ev.counterexample
    ev = lemma_3_5.check(CheckConfig(), bound=lambda T, kv, d: max(Fraction(T), 1) ** 2)  # ignores the balancedness
    assert not ev.passed and Fraction(ev.counterexample["max ||w^(i)||^2"]) > Fraction(ev.counterexample["tau"])
    ev = lemma_3_6.check(CheckConfig(), scale=Fraction(1, 2))
    assert not ev.passed and "g(L)" in ev.counterexample
    ev = cor_3_7.check(CheckConfig(), c_shift=-Fraction(1, 100))
    assert not ev.passed and "loss + c" in ev.counterexample
