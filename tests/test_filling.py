"""Filling and the neuromanifold's dimension, against [7, Thm 4.1] and independent computations in sympy."""

from fractions import Fraction
import itertools
import json
import random

from click.testing import CliRunner
import pytest
import sympy as sp

from lcnsym.algebra.architecture import Architecture
from lcnsym.cli.main import cli
from lcnsym.errors import InputError, WorkLimitError
from lcnsym.exploration.filling import filling, jacobian, neuromanifold_dimension, real_root_count

STRIDE_ONE = [k for n in (1, 2, 3) for k in itertools.product((1, 2, 3, 4, 5), repeat=n)]
STRIDED = [((2, 2), (2, 1)), ((3, 2), (2, 1)), ((2, 3), (3, 1)), ((1, 3), (2, 1)), ((2, 2, 2), (1, 2, 1)),
           ((3, 3, 3), (2, 2, 1)), ((4, 1, 2), (1, 3, 1)), ((2, 3, 2, 2), (1, 1, 2, 1))]


def _symbolic_rank(arch, seed):
    """The rank of d pi / d w at a random integer point, by sympy differentiation of the product of Prop. 2.1."""
    x = sp.Symbol("x")
    weights = [[sp.Symbol(f"w{i}_{j}") for j in range(k)] for i, k in enumerate(arch.k)]
    p = sp.Integer(1)
    for w, S in zip(weights, arch.stride_products):
        p *= sum(c * x ** (j * S) for j, c in enumerate(w))
    v = sp.Poly(sp.expand(p), x).all_coeffs()[::-1]
    flat = [c for w in weights for c in w]
    rng = random.Random(seed)
    point = {c: rng.randint(-30, 30) or 1 for c in flat}
    return sp.Matrix([[sp.diff(vi, c).subs(point) for c in flat] for vi in v]).rank()


@pytest.mark.parametrize("k", STRIDE_ONE)
def test_stride_one_follows_the_theorem(k):
    r = filling(Architecture.for_output_width(k, (1,) * len(k)))
    assert r.decided_by == "theorem"
    assert r.filling == (sum(1 for ki in k if ki >= 2 and ki % 2 == 0) <= 1)
    assert r.dimension == r.arch.k_v and r.dimension_certified  # stride one: the image is full-dimensional


@pytest.mark.parametrize("k, s", STRIDED)
def test_strides_are_not_filling_and_the_dimension_is_independent(k, s):
    arch = Architecture.for_output_width(k, s)
    r = filling(arch)
    assert r.filling is False and r.decided_by == "computation"
    assert r.dimension == _symbolic_rank(arch, 7) == arch.kbar - arch.N + 1 < arch.k_v
    assert r.dimension_certified


def _outside_image_by_groebner(arch, v):
    """No complex ``w`` has ``pi(w) = v``: the Groebner basis of ``pi(w) - v`` is ``[1]`` (independent of lcnsym)."""
    x = sp.Symbol("x")
    weights = [[sp.Symbol(f"w{i}_{j}") for j in range(k)] for i, k in enumerate(arch.k)]
    p = sp.Integer(1)
    for w, S in zip(weights, arch.stride_products):
        p *= sum(c * x ** (j * S) for j, c in enumerate(w))
    coeffs = sp.Poly(sp.expand(p), x).all_coeffs()[::-1]
    equations = [c - sp.Rational(vi) for c, vi in zip(coeffs, v)]
    return list(sp.groebner(equations, *[c for w in weights for c in w], order="grevlex")) == [1]


@pytest.mark.parametrize("k, s", [((2, 2), (2, 1)), ((1, 3), (2, 1)), ((2, 2, 2), (1, 2, 1)), ((3, 2), (2, 1))])
def test_strided_certificates_are_confirmed_independently(k, s):
    arch = Architecture.for_output_width(k, s)
    cert = filling(arch).certificate
    v = [Fraction(c) for c in cert["filter"]]
    assert len(v) == arch.k_v and v[-1] != 0
    assert all(sum(c * j**e for e, c in enumerate(v)) == 0 for j in cert["roots"])
    assert sorted(cert["roots"]) == list(range(1, arch.k_v))  # distinct moduli, as the argument needs
    assert _outside_image_by_groebner(arch, v)


@pytest.mark.parametrize("k", [(2, 2), (2, 4), (2, 3, 2), (4, 4), (2, 2, 2)])
def test_stride_one_certificates_have_too_few_real_roots(k):
    arch = Architecture.for_output_width(k, (1,) * len(k))
    cert = filling(arch).certificate
    x = sp.Symbol("x")
    v = sp.Poly([sp.Rational(c) for c in reversed(cert["filter"])], x)
    assert v.degree() == arch.k_v - 1
    even = sum(1 for ki in k if ki % 2 == 0)
    assert len(sp.real_roots(v)) == cert["real_roots"] < even == cert["odd_degree_factors"]


def test_a_stride_one_witness_has_complex_but_no_real_factorization():
    # (x^2 + 1) = (a + b x)(c + d x) has complex solutions, none real: filling fails over the reals only
    a, b, c, d = sp.symbols("a b c d")
    sols = sp.solve([a * c - 1, a * d + b * c, b * d - 1, a - 1], [a, b, c, d], dict=True)
    assert sols and all(any(not val.is_real for val in sol.values()) for sol in sols)
    assert filling(Architecture.for_output_width((2, 2), (1, 1))).certificate["filter"] == ["1", "0", "1"]


def test_jacobian_columns_are_shifted_products():
    arch = Architecture.for_output_width((2, 3), (2, 1))
    w = [[Fraction(1, 2), 3], [1, -1, 2]]
    J = jacobian(arch, w)
    x = sp.Symbol("x")
    symbols = sp.symbols("a0 a1 b0 b1 b2")
    p = (symbols[0] + symbols[1] * x) * (symbols[2] + symbols[3] * x**2 + symbols[4] * x**4)
    coeffs = sp.Poly(sp.expand(p), x).all_coeffs()[::-1]
    values = dict(zip(symbols, [sp.Rational(1, 2), 3, 1, -1, 2]))
    assert J == [[Fraction(str(sp.diff(c, s).subs(values))) for s in symbols] for c in coeffs]


def test_the_minor_certifies_the_rank():
    arch = Architecture.for_output_width((3, 2), (2, 1))
    rank, minor = neuromanifold_dimension(arch, seed=3)
    point = [[Fraction(c) for c in w] for w in minor["point"]]
    J = jacobian(arch, point)
    sub = sp.Matrix([[sp.Rational(str(J[r][c])) for c in minor["columns"]] for r in minor["rows"]])
    assert len(minor["rows"]) == len(minor["columns"]) == rank
    assert str(sub.det()) == minor["value"] != "0"


def test_real_root_count_agrees_two_ways():
    assert real_root_count([-6, 11, -6, 1]) == 3
    assert real_root_count([1, 0, 2, 0, 1]) == 0
    assert real_root_count([0, 0, 1]) == 2  # x^2: a double root


def test_bad_input_and_limits():
    with pytest.raises(InputError):
        filling((2, 2))
    with pytest.raises(WorkLimitError) as info:
        filling(Architecture.for_output_width((300, 300, 300), (1, 1, 1)))
    assert info.value.k_v == 898


def test_cli_filling_json_and_text():
    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["arch", "--k", "2,2", "--s", "1,1", "--filling", "--json"]).output)
    assert (data["dimension"], data["filling"], data["decided_by"]) == (3, False, "theorem")
    assert data["certificate"]["filter"] == ["1", "0", "1"]
    data = json.loads(runner.invoke(cli, ["arch", "--k", "3,3", "--s", "1,1", "--filling", "--json"]).output)
    assert (data["filling"], data["certificate"]) == (True, None)
    data = json.loads(runner.invoke(cli, ["arch", "--k", "2,2", "--s", "2,1", "--filling", "--json"]).output)
    assert (data["dimension"], data["filling"], data["decided_by"]) == (3, False, "computation")
    text = runner.invoke(cli, ["arch", "--k", "2,2", "--s", "2,1", "--filling"]).output
    assert "filling      = no, by computation" in text and "v = [-6, 11, -6, 1]" in text
    plain = runner.invoke(cli, ["arch", "--k", "2,2", "--s", "2,1", "--json"]).output
    assert "filling" not in json.loads(plain)


def test_cli_filling_beyond_the_limit_is_a_usage_error():
    r = CliRunner().invoke(cli, ["arch", "--k", "300,300,300", "--s", "1,1,1", "--filling"])
    assert r.exit_code == 2 and "at most 250000" in r.output


def test_cli_strided_certificate_names_the_witness_roots():
    """Injected in a campaign (C4, I14): the certificate's roots were 0..n-1 instead of 1..n (check ``filling`` never reads
    them). k = (2, 2), s = (2, 1): by hand the witness is (x - 1)(x - 2)(x - 3) = -6 + 11 x - 6 x^2 + x^3, roots 1, 2, 3."""
    data = json.loads(CliRunner().invoke(cli, ["arch", "--k", "2,2", "--s", "2,1", "--filling", "--json"]).output)
    cert = data["certificate"]
    assert cert["filter"] == ["-6", "11", "-6", "1"] and cert["roots"] == [1, 2, 3]


def test_the_seed_reaches_the_jacobian_point():
    """(campaign R: I10) filling dropped its seed, so every seed ranked the Jacobian at seed 0's point while the report (and
    verify --seed N) named seed N. The rank and the decision are the same at every generic point; the point is not."""
    arch = Architecture.for_output_width((2, 2), (1, 1))
    five, zero = filling(arch, seed=5), filling(arch, seed=0)
    assert five.minor == neuromanifold_dimension(arch, 5)[1]
    assert zero.minor == neuromanifold_dimension(arch, 0)[1]
    assert five.minor["point"] != zero.minor["point"]


def test_cli_filling_seed_reaches_the_random_point():
    """Campaign V: `lcnsym arch --filling --seed N` decides at the random point of seed N."""
    arch = Architecture.for_output_width((2, 2), (1, 1))
    out = lambda seed: json.loads(CliRunner().invoke(cli, ["arch", "--k", "2,2", "--s", "1,1", "--filling", "--seed",
                                                            str(seed), "--json"]).output)
    five = out(5)
    assert five["minor"] == filling(arch, seed=5).as_dict()["minor"] and five["minor"] != out(0)["minor"]


def test_the_dimension_stops_exactly_when_the_bound_is_reached(monkeypatch):
    """Campaign V (I13): the early stop is at rank == min(k_v, kbar - N + 1), not one below it (a non-generic first point
    must be followed by another) nor never (a generic first point needs no second Jacobian)."""
    import lcnsym.exploration.filling as filling_module

    arch = Architecture.for_output_width((2, 2), (2, 1))  # k_v = kbar = 4, N = 2: the bound is 3
    real_minor, ranks, calls = filling_module._minor, [], []

    def minor(J):
        calls.append(J)
        rows, cols, value = real_minor(J)
        cut = ranks[len(calls) - 1] if len(calls) <= len(ranks) else len(rows)
        return rows[:cut], cols[:cut], value

    monkeypatch.setattr(filling_module, "_minor", minor)
    ranks[:] = []
    assert neuromanifold_dimension(arch, trials=3)[0] == 3 and len(calls) == 1
    calls.clear()
    ranks[:] = [2]  # the first point one below the bound: a second point is drawn, and it reaches the bound
    assert neuromanifold_dimension(arch, trials=3)[0] == 3 and len(calls) == 2
    calls.clear()
    ranks[:] = [2, 2, 1]  # never reached: every trial is drawn and the best is kept
    assert neuromanifold_dimension(arch, trials=3)[0] == 2 and len(calls) == 3


def test_the_certificate_counts_the_parameters_and_the_html_says_the_verdict():
    """Campaign DD: a strided certificate's parameters are kbar - N + 1 (the scaling symmetry removed); the notebook's
    HTML names "not filling" for (2, 2) stride one."""
    strided = filling(Architecture.for_output_width((2, 2), (2, 1)))
    assert strided.certificate["parameters"] == 3
    assert filling(Architecture.for_output_width((2, 2), (1, 1)))._repr_html_().startswith("<p><b>not filling</b>")
    assert filling(Architecture.for_output_width((3, 3), (1, 1)))._repr_html_().startswith("<p><b>filling</b>")


def test_an_uncertified_dimension_shows_its_range_campaign_ff():
    """Campaign FF: a report whose rank stays below the bound shows "dimension d to upper" (its HTML)."""
    import dataclasses

    report = filling(Architecture.for_output_width((2, 2), (2, 1)))
    low = dataclasses.replace(report, dimension=report.dimension_upper - 1)
    assert not low.dimension_certified
    assert f"dimension {low.dimension} to {low.dimension_upper} of k_v" in low._repr_html_()
    shown = low.as_dict()  # campaign OO: the JSON keeps both ends and the verdict
    assert (shown["dimension"], shown["dimension_upper"], shown["dimension_certified"]) == (
        report.dimension_upper - 1, report.dimension_upper, False)
