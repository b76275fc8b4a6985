"""Section 2.2: roots, Lemma 2.4's factorization, the checks lemma-2.2/2.3/2.4 and their false variants, the CLI."""

from fractions import Fraction
import inspect
import json
import math
import random

from click.testing import CliRunner
import mpmath
import pytest

from lcnsym.cli.main import cli
from lcnsym.errors import PolynomialError
from lcnsym.evidence import CheckConfig
from lcnsym.factorization import (factorizations_for_all_classifications, linear_factorization, norm_constant_search,
                                  norm_ratio, one_norm_ratio, root_bound)
from lcnsym.families import adversarial_family, coefficients_from_roots
from lcnsym.proofs import lemma_2_2, lemma_2_3, lemma_2_4
from lcnsym.roots import certified_roots, mpf_to_fraction, mpmath_roots, normalize_polynomial, polyroots_ascending


def test_polyroots_coefficient_order_is_pinned():
    # ascending [-2, 1] is x - 2 (root 2); descending it would be -2x + 1 (root 1/2)
    with mpmath.workdps(30):
        assert polyroots_ascending([-2, 1])[0] == 2
        assert sorted(float(z.real) for z in polyroots_ascending([6, -5, 1])) == [2.0, 3.0]
    # the installed mpmath: <1.4 has no asc argument (highest first); our wrapper passes the order explicitly
    has_asc = "asc" in inspect.signature(mpmath.polyroots).parameters
    assert has_asc == (tuple(int(x) for x in mpmath.__version__.split(".")[:2]) >= (1, 4))


@pytest.mark.parametrize(
    "coeffs,words",
    [([], "at least one coefficient"), ([0, 0, 0], "zero polynomial"), ([7], "degree 0"), ([7, 0, 0], "2 zero leading coefficients dropped"),
     ([1, float("nan")], "a_1 is nan"), ([1, mpmath.inf], "a_1 is +inf"), ([1, "2"], "a_1 = '2' is not a number"), ([1, complex(1, float("inf"))], "not a finite")],
)
def test_bad_polynomials_are_refused(coeffs, words):
    with pytest.raises(PolynomialError) as info:
        linear_factorization(coeffs)
    assert words in str(info.value)


def test_trailing_zeros_are_dropped_and_reported():
    f = linear_factorization([2, -3, 1, 0, 0], dps=30)
    assert (f.degree, f.dropped) == (2, 2)
    assert normalize_polynomial([1, 1, 0]).stated_degree == 2


def test_exact_reading_of_floats_and_mpmath():
    assert mpf_to_fraction(mpmath.mpf("0.1")) == Fraction(mpmath.mpf("0.1").man, 2 ** -mpmath.mpf("0.1").exp)
    assert normalize_polynomial([0.5, (1, Fraction(1, 3))]).coeffs == ((Fraction(1, 2), 0), (1, Fraction(1, 3)))


def test_certified_roots_with_multiplicities_and_zero():
    roots = certified_roots(coefficients_from_roots([0, 0, 2, Fraction(-1, 3)] + [1] * 5), dps=30)
    found = sorted((round(float(r.value().real), 9), r.multiplicity) for r in roots)
    assert found == [(-0.333333333, 1), (0.0, 2), (1.0, 5), (2.0, 1)]
    for r in roots:
        assert r.radius() < mpmath.mpf(10) ** -30


def test_mpmath_roots_agree_with_certified_enclosures():
    random_poly = [Fraction(random.Random(4).randint(-9, 9)) for _ in range(15)] + [1]
    with mpmath.workdps(40):
        ours = sorted((z for z, m in mpmath_roots(random_poly, dps=40)), key=lambda z: (z.real, z.imag))
        cert = sorted((r.value() for r in certified_roots(random_poly, dps=40)), key=lambda z: (z.real, z.imag))
        assert max(abs(a - b) for a, b in zip(ours, cert)) < mpmath.mpf(10) ** -30


@pytest.mark.parametrize("name,coeffs", list(adversarial_family()), ids=lambda v: v if isinstance(v, str) else "")
def test_factorization_on_adversarial_polynomials(name, coeffs):
    for f in factorizations_for_all_classifications(coeffs, dps=40):
        assert f.holds(), name
        assert f.residual <= mpmath.mpf(10) ** -35


@pytest.mark.parametrize("dps", [20, 50, 80])
def test_residual_is_within_the_working_precision(dps):
    rng = random.Random(dps)
    for n in (3, 17, 40):
        coeffs = [(Fraction(rng.gauss(0, 1)), Fraction(rng.gauss(0, 1))) for _ in range(n + 1)]
        f = linear_factorization(coeffs, dps=dps)
        assert f.residual <= mpmath.mpf(10) ** (-(dps - 5)) and f.holds()
    assert mpmath.mp.dps == 15  # never left changed


def test_case_1_and_case_2_as_in_the_proof():
    f = linear_factorization([Fraction(1, 4), 0, 1], dps=30)  # roots +-i/2: case 1
    assert f.case == 1 and f.r == 0 and f.roots_product is None
    g = linear_factorization(coefficients_from_roots([3, Fraction(1, 2), -2]), dps=30)
    assert g.case == 2 and g.r == 2
    assert mpmath.almosteq(g.roots_product, 6, 1e-25)  # |3 * -2|
    assert mpmath.almosteq(g.roots_product_bound, 3 * g.B * 3 ** 2, 1e-25)


def test_lemma_2_2_and_2_3_helpers():
    assert one_norm_ratio([1, -1], [1, 1]) == Fraction(1, 2)
    assert norm_ratio([1, 1], [1, 1], 2) > 1
    assert root_bound([-1, -1, 1]) == 2
    ratio, (q1, q2) = norm_constant_search(2, 4, trials=300)
    assert ratio > 1 and len(q1) + len(q2) - 2 == 4


def test_lemma_checks_pass():
    for mod in (lemma_2_2, lemma_2_3, lemma_2_4):
        ev = mod.check(CheckConfig())
        assert ev.passed and ev.instances > 50 and ev.worst_margin, ev.summary()


def test_lemma_2_2_false_variants_are_caught():
    ev = lemma_2_2.check(CheckConfig(), norm=2)
    assert not ev.passed and float(ev.counterexample["ratio"]) > 1
    ev = lemma_2_2.check(CheckConfig(), constant=Fraction(99, 100))
    assert not ev.passed and ev.counterexample["claimed constant"] == "99/100"


def test_lemma_2_3_without_the_factor_n_is_caught():
    ev = lemma_2_3.check(CheckConfig(), bound=lambda p: root_bound(p) / p.degree)
    assert not ev.passed
    assert float(ev.counterexample["|x|"]) > float(ev.counterexample["A"])


def test_lemma_2_4_with_a_smaller_constant_is_caught():
    largest = lemma_2_4.check(CheckConfig()).details["largest ratio"]
    ev = lemma_2_4.check(CheckConfig(), constant=largest * 0.99)
    assert not ev.passed
    c = ev.counterexample
    assert float(c["max |||u_i|||_1"]) > float(c[f"{largest * 0.99} n T"])


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_cli_factor_json_and_text():
    r = run("factor", "--coeffs", "2,-3,1", "--json")
    data = json.loads(r.stdout)
    assert data["degree"] == 2 and data["case"] == 2 and data["holds"] is True
    assert float(data["T"]) == 6 and float(data["bound"]) == 72 and len(data["factors"]) == 2
    assert all(len(pair) == 2 for pair in data["factors"]) and float(data["residual"]) < 1e-40
    r = run("factor", "--coeffs", "1,0,1+2j", "--dps", "30")
    assert r.exit_code == 0 and "case 1" in r.output and "j)" in r.output and "the bound holds" in r.output


def test_cli_roots():
    data = json.loads(run("roots", "--coeffs", "1,-2,1", "--json").stdout)
    assert data["roots"][0]["multiplicity"] == 2 and data["within_bound"] and float(data["A"]) == 4


@pytest.mark.parametrize("args,words", [
    (("factor", "--coeffs", "0,0"), "zero polynomial"),
    (("factor", "--coeffs", "5"), "degree 0"),
    (("factor", "--coeffs", "1,nan"), "'nan' is not an exact number"),
    (("roots", "--coeffs", "1,,2"), "empty entry"),
    (("factor", "--coeffs", "1,2", "--dps", "5"), "5 is not in the range"),
])
def test_cli_bad_input(args, words):
    r = run(*args)
    assert r.exit_code != 0 and words in r.output and "Traceback" not in r.output
