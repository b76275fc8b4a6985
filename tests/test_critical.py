"""lcnsym.exploration.critical and ``lcnsym critical``: counts and real critical points against independent routes."""

import json
from types import SimpleNamespace
import random
from fractions import Fraction

import flint
import mpmath
import pytest
import sympy as sp
from click.testing import CliRunner

from lcnsym.algebra.architecture import Architecture
from lcnsym.cli.main import cli as main
from lcnsym.dynamics.data import random_problem, validate_data
from lcnsym.errors import NumericalError, WorkLimitError
from lcnsym.exploration import critical as crit
from lcnsym.dynamics.risk import normal_equations
from lcnsym.exploration.critical import critical_points


def _filter_values(point):
    return [mpmath.mpf(x.mid().str(40, radius=False)) for x in point.v]


def _function_space_22(A, b):
    """k = (2, 2), stride one, independently in function space: v* = A^-1 b, and the filters with a double root
    v = (A - mu N)^-1 b where the discriminant v1^2 - 4 v0 v2 vanishes (grad L normal to the cone)."""
    mu = sp.Symbol("mu")
    Am = sp.Matrix(3, 3, [sp.Rational(x.numerator, x.denominator) for row in A for x in row])
    bm = sp.Matrix([sp.Rational(x.numerator, x.denominator) for x in b])
    Nm = sp.Matrix([[0, 0, -4], [0, 2, 0], [-4, 0, 0]])
    M = Am - mu * Nm
    adj_b = M.adjugate() * bm
    disc = sp.Poly(sp.expand(adj_b[1] ** 2 - 4 * adj_b[0] * adj_b[2]), mu)
    det = sp.Poly(M.det(), mu)
    cone = []
    for factor, _ in sp.factor_list(disc)[1]:
        for root in sp.Poly(factor, mu).nroots(n=40):
            if abs(det.eval(root)) > 1e-20:
                cone.append([sp.N(adj_b[i].subs(mu, root) / det.eval(root), 40) for i in range(3)])
    star = Am.solve(bm)
    return [list(star)], cone


@pytest.mark.parametrize("seed", range(5))
def test_k22_counts_and_real_points_match_function_space(seed):
    arch = Architecture(4, (2, 2), (1, 1))
    data, _ = random_problem(arch, 6, seed)
    report = critical_points(arch, data, dps=30)
    A, b, _ = normal_equations(arch, data)
    star, cone = _function_space_22(A, b)
    assert report.routes_agree and report.quotient_dimension == report.distinct_roots
    assert report.complex_count == len(star) + len(cone)
    disc_star = star[0][1] ** 2 - 4 * star[0][0] * star[0][2]
    real_cone = [v for v in cone if all(abs(sp.im(x)) < 1e-30 for x in v)]
    expected = len(real_cone) + (2 if disc_star > 0 else 0)
    assert len(report.real) == expected
    listed = [_filter_values(p) for p in report.real]
    for v in real_cone + ([[sp.re(x) for x in star[0]]] if disc_star > 0 else []):
        assert any(all(abs(mpmath.mpf(str(sp.re(a)))- c) < mpmath.mpf(10) ** -25 for a, c in zip(v, got)) for got in listed)


def _risk_and_derivatives(arch, data):
    """L(w) in sympy over every parameter (no slice), from the definition."""
    x = sp.Symbol("x")
    W = [[sp.Symbol(f"a{i}_{j}") for j in range(ki)] for i, ki in enumerate(arch.k)]
    p = sp.Integer(1)
    for w, step in zip(W, arch.stride_products):
        p *= sum(c * x ** (j * step) for j, c in enumerate(w))
    v = sp.Poly(sp.expand(p), x).all_coeffs()[::-1]
    L = 0
    for j in range(data.m):
        for r in range(arch.dN):
            z = sum(v[k] * sp.Rational(str(data.X[r * arch.s_v + k][j])) for k in range(arch.k_v))
            L += (z - sp.Rational(str(data.Y[r][j]))) ** 2
    flat = [c for w in W for c in w]
    return flat, L


@pytest.mark.parametrize("k, s, d0, m, seed", [((2, 2), (1, 1), 4, 6, 7), ((2, 2), (2, 1), 6, 6, 1), ((3, 2), (1, 1), 5, 7, 1),
                                               ((2, 2), (1, 2), 5, 6, 3), ((3,), (1,), 3, 4, 0), ((2, 2), (1, 1), 3, 3, None)])
def test_real_points_are_critical_and_kinds_match_the_full_hessian(k, s, d0, m, seed):
    """At each listed real point the gradient over every parameter vanishes, L is the risk there, and the Hessian over
    every parameter has N - 1 zero eigenvalues (the rescalings) and otherwise the listed signs."""
    arch = Architecture(d0, k, s)
    if seed is None:  # campaign GG: denominators 2, 3, 4 and 8 (their lcm clears the equations, not their max)
        data = validate_data(arch, [[Fraction(1, 2), Fraction(1, 2), -1], [Fraction(3, 4), 0, Fraction(-1, 4)],
                                    [Fraction(-3, 4), Fraction(1, 4), -1]], [[-1, -1, Fraction(2, 3)]])
    else:
        data, _ = random_problem(arch, m, seed)
    report = critical_points(arch, data, dps=40)
    assert report.routes_agree
    flat, L = _risk_and_derivatives(arch, data)
    grad = sp.lambdify(flat, [sp.diff(L, c) for c in flat], "mpmath")
    hess = sp.lambdify(flat, sp.hessian(L, flat), "mpmath")
    risk = sp.lambdify(flat, L, "mpmath")
    with mpmath.workdps(40):
        for point in report.real:
            w = [mpmath.mpf(x.mid().str(45, radius=False)) for layer in point.w for x in layer]
            assert max(abs(g) for g in grad(*w)) < mpmath.mpf(10) ** -30
            loss = mpmath.mpf(point.loss.mid().str(45, radius=False))
            assert abs(loss - risk(*w)) < mpmath.mpf(10) ** -30 and point.loss.rad() < 10 ** -30  # L is the risk there
            eig = mpmath.eigsy(mpmath.matrix(hess(*w)))[0]
            scale = max(abs(e) for e in eig)
            zero = sum(abs(e) < scale * mpmath.mpf(10) ** -25 for e in eig)
            pos = sum(e > scale * mpmath.mpf(10) ** -25 for e in eig)
            neg = len(eig) - zero - pos
            assert zero == arch.N - 1 + point.inertia[2]
            assert (pos, neg) == point.inertia[:2]
            assert point.kind == {(True, False): "minimum", (True, True): "saddle"}.get((pos > 0, neg > 0), point.kind)


@pytest.mark.parametrize("k, s, d0, m, seed", [((2, 2), (2, 1), 6, 6, 1), ((3, 2), (1, 1), 5, 7, 2)])
def test_newton_from_random_starts_finds_only_listed_filters(k, s, d0, m, seed):
    """An independent numerical route: Newton's method on the slice from complex random starts; every filter it finds
    is one of the counted ones, and with enough starts it finds them all."""
    arch = Architecture(d0, k, s)
    data, _ = random_problem(arch, m, seed)
    report = critical_points(arch, data, dps=30)
    A, b, c = normal_equations(arch, data)
    ctx, names, layers, v, L, equations = crit._system(arch, A, b, c)
    syms = sp.symbols(names[:-1])
    expr = [sp.sympify(str(e).replace("^", "**"), locals=dict(zip(names, syms))) for e in equations[:-1]]
    vexpr = [sp.sympify(str(p).replace("^", "**"), locals=dict(zip(names, syms))) for p in v]
    f = sp.lambdify(syms, expr, "mpmath")
    fv = sp.lambdify(syms, vexpr, "mpmath")
    rng = random.Random(0)
    found = []
    with mpmath.workdps(30):
        for _ in range(60):
            start = [mpmath.mpc(rng.gauss(0, 1), rng.gauss(0, 1)) for _ in syms]
            try:
                sol = mpmath.findroot(lambda *z: f(*z), start, tol=mpmath.mpf(10) ** -25, maxsteps=60)
            except (ValueError, ZeroDivisionError):
                continue
            vals = fv(*list(sol))
            if abs(vals[0]) < 1e-10:
                continue  # v_0 = 0 is off the slice's exclusion
            if not any(all(abs(a - b_) < 1e-15 for a, b_ in zip(vals, other)) for other in found):
                found.append(vals)
    assert 0 < len(found) <= report.complex_count
    assert len(found) == report.complex_count


def test_one_layer_is_least_squares():
    arch = Architecture(3, (2,), (1,))
    data = validate_data(arch, [[1, 0, 1], [0, 1, 1], [1, 1, 0]], [[1, 2, 0], [0, 1, 1]])
    report = critical_points(arch, data, dps=30)
    A, b, _ = normal_equations(arch, data)
    star = sp.Matrix([[sp.Rational(str(x)) for x in row] for row in A]).solve(sp.Matrix([sp.Rational(str(x)) for x in b]))
    assert report.complex_count == 1 and [p.kind for p in report.real] == ["minimum"]
    assert all(abs(mpmath.mpf(str(sp.N(e, 40))) - got) < 1e-30 for e, got in zip(star, _filter_values(report.real[0])))


def test_the_radical_is_taken_when_solutions_are_multiple():
    ctx = flint.fmpq_mpoly_ctx.get(("x", "y", "z"), "degrevlex")
    x, y, z = ctx.gens()
    D, g, hs, radical = crit._solve([x * x, y - x - 1, z * y - 1], ctx, ["x", "y", "z"], random.Random(0))
    assert (D, g.degree(), radical) == (1, 1, True)
    # the radical keeps the basis: with the eliminants' squarefree parts alone, {0, 1} x {1, -1} would be 4 points
    ctx2 = flint.fmpq_mpoly_ctx.get(("x", "y"), "degrevlex")
    x, y = ctx2.gens()
    D, g, hs, radical = crit._solve([y - 1 + 2 * x, x * x * (x - 1)], ctx2, ["x", "y"], random.Random(0))
    assert (D, g.degree(), radical) == (2, 2, True)


def test_a_non_separating_form_is_detected():
    ctx = flint.fmpq_mpoly_ctx.get(("x", "y"), "degrevlex")
    x, y = ctx.gens()
    basis = crit._groebner([x * x - 1, y * y - 1], ctx, ["x", "y"])
    leading = [crit._leading_monomial(p) for p in basis]
    standard = crit._standard_monomials(leading, 2)
    mats = crit._multiplication_matrices(basis, leading, standard, ctx, 2)
    assert len(standard) == 4
    assert crit._shape(mats, [1, 1]) is None  # u = x + y takes the value 0 twice
    assert crit._shape(mats, [1, 2]) is not None


def test_degenerate_data_are_refused():
    arch = Architecture(3, (2, 2), (1, 1))
    data = validate_data(arch, [[0, 0], [0, 0], [0, 0]], [[0, 0]])
    with pytest.raises(NumericalError, match="not isolated"):
        critical_points(arch, data)


@pytest.mark.parametrize("k", [(3, 3), (2, 2, 2)])
def test_beyond_the_limits_is_refused_before_work(k):
    arch = Architecture.for_output_width(k, (1,) * len(k), 2)
    data, _ = random_problem(arch, 4, 0)
    with pytest.raises(WorkLimitError, match="at most"):
        critical_points(arch, data)


def test_cli_json_and_text(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["critical", "--k", "2,2", "--s", "1,1", "--d0", "4", "--random-data", "6", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["routes_agree"] is True and info["complex_count"] == 5
    assert {"v", "w", "loss", "kind"} <= set(info["real"][0]) and len(info["real"][0]["v"]) == 3
    assert len(info["real"][0]["loss"].replace("-", "").replace(".", "")) >= 30
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"X": [[1, 0, 1], [0, 1, 1], [1, 1, 0]], "Y": [[1, 2, 0]]}))
    result = runner.invoke(main, ["critical", "--k", "2,2", "--s", "1,1", "--d0", "3", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "routes agree" in result.output and "real critical points" in result.output


@pytest.mark.parametrize("args, where", [(["--k", "3,3", "--s", "1,1"], "unknowns"), (["--k", "2,2", "--s", "1,1", "--dps", "0"], "--dps"),
                                         (["--k", "2,x", "--s", "1,1"], "--k")])
def test_cli_refusals_exit_2(args, where):
    result = CliRunner().invoke(main, ["critical"] + args)
    assert result.exit_code == 2 and where in result.output


@pytest.mark.parametrize("inertia, kind", [((3, 0, 0), "minimum"), ((0, 3, 0), "maximum"), ((2, 1, 0), "saddle"),
                                           ((2, 1, 1), "saddle"), ((3, 0, 1), "degenerate"), ((0, 2, 1), "degenerate")])
def test_a_zero_eigenvalue_makes_a_semidefinite_point_degenerate_never_a_minimum(inertia, kind):
    """Campaign D: positive semidefinite with a zero eigenvalue is undecided by the Hessian (higher terms decide), so
    the kind is "degenerate"; only a definite Hessian names a minimum or a maximum."""
    assert crit._kind(inertia) == kind


def test_the_json_inertia_is_the_points_own_counts_and_matches_its_kind():
    """Campaign D: ``critical --json`` names the counts (positive, negative, zero) of the Hessian's eigenvalues, as
    ``inertia`` holds them; a saddle has a negative one, a minimum none and no zero."""
    arch = Architecture(4, (2, 2), (1, 1))
    data, _ = random_problem(arch, 6, 0)
    report = critical_points(arch, data, dps=30)
    kinds = set()
    for point in report.real:
        inertia = point.as_dict(20)["inertia"]
        assert (inertia["positive"], inertia["negative"], inertia["zero"]) == tuple(point.inertia)
        kinds.add(point.kind)
        if point.kind == "saddle":
            assert inertia["negative"] > 0 and inertia["positive"] > 0
        if point.kind == "minimum":
            assert inertia["negative"] == inertia["zero"] == 0
    assert {"saddle", "minimum"} <= kinds


def test_an_undecided_sign_stays_undecided_never_the_midpoints():
    """Campaign I: ``_sign`` of a ball straddling 0 is ``None`` (undecided), not the sign of its midpoint."""
    from lcnsym.numeric import make_ball, to_acb

    f = flint.fmpq_poly([-2, 0, 1])  # alpha = sqrt 2; p = u is not 0 mod f
    wide = to_acb(make_ball(Fraction(1, 2), 2))  # holds sqrt 2, and 0; midpoint positive
    assert crit._sign(flint.fmpq_poly([0, 1]), f, wide) is None
    assert crit._sign(flint.fmpq_poly([0, -1]), f, wide) is None
    assert crit._sign(flint.fmpq_poly([0, 1]), f, to_acb(make_ball(Fraction(141, 100), Fraction(1, 100)))) == 1


def test_inertia_escalates_past_an_undecided_coefficient():
    """Campaign I: ``_inertia`` raises the precision when a coefficient's sign is undecided, never taking the midpoint's."""
    from lcnsym.numeric import make_ball, to_acb

    f = flint.fmpq_poly([-2, 0, 1])
    calls = []

    def root_of(digits):  # the first ball holds sqrt 2 but puts alpha - 1 around -0.5; later balls are tight
        calls.append(digits)
        if len(calls) == 1:
            return to_acb(make_ball(Fraction(1, 2), 1))
        return to_acb(make_ball(Fraction(14142135623730950488, 10**19), Fraction(1, 10**18)))

    hessian = [[flint.fmpq_poly([-1, 1])]]  # alpha - 1 > 0: a minimum
    assert crit._inertia(hessian, f, root_of, 30) == (1, 0, 0)
    assert len(calls) == 2


def test_a_value_overlapping_two_roots_is_not_given_the_first_label(monkeypatch):
    """Campaign I: ``_labels`` escalates when a value's ball overlaps two roots' balls, so sqrt 2 and -sqrt 2 differ."""
    from lcnsym.numeric import make_ball

    real = crit._roots
    seen = []

    def blurred(g, digits):  # at the first precision every ball is widened to overlap its neighbours
        seen.append(digits)
        roots = real(g, digits)
        if digits == seen[0]:
            return [type("R", (), {"ball": r.ball + make_ball(0, 10)})() for r in roots]
        return roots

    monkeypatch.setattr(crit, "_roots", blurred)
    g = flint.fmpq_poly([-2, 0, 1])
    labels = crit._labels([flint.fmpq_poly([0, 1])], g, [0, 1], 30)
    assert len(set(labels)) == 2, labels
    assert seen[0] < max(seen)  # the blurred precision was tried, then a higher one


@pytest.mark.parametrize("diagonal, inertia", [((1, -1, 2), (2, 1, 0)), ((1, -1, 0), (1, 1, 1)), ((1, -1, 1, -1), (2, 2, 0))])
def test_inertia_does_not_count_zero_coefficients_as_sign_changes(diagonal, inertia):
    """Campaign I: Descartes' rule in ``_inertia`` skips zero coefficients (x^2 - 1 has one positive root, not two)."""
    f = flint.fmpq_poly([-1, 1])  # Q(alpha) = Q, alpha = 1

    def root_of(digits):
        return flint.acb(1)

    zero, one = flint.fmpq_poly([0]), flint.fmpq_poly([1])
    swap = [[zero, one], [one, zero]]  # eigenvalues +1, -1: characteristic polynomial x^2 - 1
    assert crit._inertia(swap, f, root_of, 30) == (1, 1, 0)
    assert crit._kind(crit._inertia(swap, f, root_of, 30)) == "saddle"
    n = len(diagonal)
    diag = [[flint.fmpq_poly([diagonal[i]]) if i == j else zero for j in range(n)] for i in range(n)]
    assert crit._inertia(diag, f, root_of, 30) == inertia
    assert crit._kind(inertia) == "saddle"


def test_critical_prints_as_many_digits_as_dps_asks():
    """Campaign I: ``--dps 50`` prints the points with 50 significant digits (as_dict is not capped at DEFAULT_DPS)."""
    def digits(text):
        return len(text.lstrip("-").replace(".", "").lstrip("0"))

    arch = Architecture(4, (2, 2), (1, 1))
    data, _ = random_problem(arch, 6, 1)
    info = critical_points(arch, data, dps=50).as_dict()
    assert all(digits(p["loss"]) == 50 and all(digits(x) == 50 for x in p["v"]) for p in info["real"]), info["real"]
    result = CliRunner().invoke(main, ["critical", "--k", "2,2", "--s", "1,1", "--d0", "4", "--random-data", "6",
                                       "--seed", "1", "--dps", "50", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)["real"]
    assert shown and all(digits(p["loss"]) == 50 and all(digits(x) == 50 for x in p["v"]) for p in shown), shown


def test_cli_the_default_input_width_is_for_output_width_two():
    """Campaign X (26): without --d0 the architecture has d_N = 2, as --help says (k = s = (1, 1) with d_N = 1 gives
    d_0 = 3, another instance)."""
    import json

    from click.testing import CliRunner

    from lcnsym.cli.main import cli

    data = json.loads(CliRunner().invoke(cli, ["critical", "--k", "2,2", "--s", "1,1", "--random-data", "6", "--json"]).output)
    assert data["d0"] == 4
    data = json.loads(CliRunner().invoke(cli, ["critical", "--k", "2,2", "--s", "1,1", "--d0", "5", "--random-data", "6",
                                               "--json"]).output)
    assert data["d0"] == 5


def test_cli_and_html_show_every_layer_and_every_entry_of_a_point_campaign_ff():
    """Campaign FF: critical's text gives each point's w with every layer; the notebook table every entry of v."""
    from click.testing import CliRunner

    from lcnsym.cli.main import cli
    from lcnsym.dynamics.data import random_problem
    from lcnsym.exploration.critical import critical_points
    from lcnsym.numeric import show

    text = CliRunner().invoke(cli, ["critical", "--k", "2,2", "--s", "1,1"]).output
    ws = [line for line in text.splitlines() if line.startswith("     w = ")]
    assert ws and all(line.count("[") == 2 and "; " in line for line in ws)
    arch = Architecture(4, (2, 2), (1, 1))
    data, _ = random_problem(arch, 6, seed=1)
    report = critical_points(arch, data, dps=20)
    html = report._repr_html_()
    p = report.real[0]
    assert ", ".join(show(x, 8) for x in p.v) in html and len(p.v) == 3


def test_critical_filters_with_v0_zero_are_left_off_the_slice_not_a_degenerate_ideal():
    """Mutation pass: without the exclusion ``z w^(f)_1 = 1`` the points with ``v_0 = 0`` join as a line (``z`` free)
    and the ideal is refused as not zero-dimensional. Data whose least-squares filter v* = (0, 1, 1) has v_0 = 0:
    the report lists the critical points on the slice (every v_0 nonzero), none of them v*."""
    arch = Architecture(3, (2, 2), (1, 1))
    data = validate_data(arch, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[0, 1, 1]])
    report = critical_points(arch, data, dps=20)
    assert report.routes_agree and report.complex_count == 4
    assert [p.kind for p in report.real] == ["saddle", "saddle"]
    assert all(not p.v[0].contains(0) for p in report.real)


def test_a_groebner_basis_beyond_its_limits_is_a_work_limit_error(monkeypatch):
    """Mutation pass: Buchberger stopped by its limits returns an incomplete basis; that is refused, never used."""
    arch = Architecture(4, (2, 2), (1, 1))
    data, _ = random_problem(arch, 6, 7)
    monkeypatch.setattr(crit, "GROEBNER_LIMITS", (3, 20000, 100000))
    with pytest.raises(WorkLimitError, match="grew beyond 3 polynomials") as info:
        critical_points(arch, data, dps=20)
    assert info.value.data["limits"] == (3, 20000, 100000)


def test_standard_monomials_by_hand():
    """Mutation pass: the quotient ring's basis from leading monomials; ``None`` unless every unknown has a pure power
    among them (then finitely many solutions), and at most MAX_QUOTIENT monomials."""
    assert crit._standard_monomials([(2, 0), (1, 1)], 2) is None  # y has no pure power: a line of solutions
    assert crit._standard_monomials([(2, 0, 0), (0, 1, 1), (0, 0, 2)], 3) is None  # y z is no pure power of y
    assert crit._standard_monomials([(2, 0), (0, 2)], 2) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert crit._standard_monomials([(2, 0), (1, 1), (0, 3)], 2) == [(0, 0), (0, 1), (1, 0), (0, 2)]
    assert crit._standard_monomials([(0, 0)], 2) == []  # 1 in the ideal: no solution (was read as "not isolated")
    assert len(crit._standard_monomials([(crit.MAX_QUOTIENT,)], 1)) == crit.MAX_QUOTIENT
    with pytest.raises(WorkLimitError, match=f"more than {crit.MAX_QUOTIENT} complex solutions"):
        crit._standard_monomials([(crit.MAX_QUOTIENT + 1,)], 1)


def test_data_whose_only_critical_filter_is_zero_have_none_on_the_slice():
    """Mutation pass: with Y = 0 and A = I the only critical filter is v = 0, which the slice excludes; the ideal is the
    whole ring and the report counts 0 points, where it used to refuse the data as degenerate ("A singular")."""
    arch = Architecture(3, (2, 2), (1, 1))
    report = critical_points(arch, validate_data(arch, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[0, 0, 0]]), dps=20)
    assert report.complex_count == report.quotient_dimension == 0 and report.real == [] and report.routes_agree


def test_determinant_over_a_number_field_by_hand():
    """Mutation pass: the sign of the characteristic polynomial's constant term for odd sizes; over Q(sqrt 2) with
    u = sqrt 2: det [u] = u, det diag(u, u, u) = u^3 = 2u, det [[u, 1], [1, u]] = u^2 - 1 = 1, det of a 3 x 3 with a
    zero row is 0, and a row swap changes the sign."""
    P = flint.fmpq_poly
    m, u, one, zero = P([-2, 0, 1]), P([0, 1]), P([1]), P([0])
    assert crit.determinant([[u]], m) == u
    assert crit.determinant([[u, zero, zero], [zero, u, zero], [zero, zero, u]], m) == 2 * u
    assert crit.determinant([[u, one], [one, u]], m) == one
    rows = [[one, u, zero], [zero, one, u], [u, zero, one]]  # 1 + u^3 = 1 + 2u
    assert crit.determinant(rows, m) == one + 2 * u
    assert crit.determinant([rows[1], rows[0], rows[2]], m) == -(one + 2 * u)
    assert crit.determinant([rows[0], [zero, zero, zero], rows[2]], m) == zero


@pytest.mark.parametrize("k, s, d0, m, seed", [((2, 2), (1, 1), 4, 6, 7), ((2, 2), (2, 1), 6, 6, 1), ((3, 2), (1, 2), 6, 9, 2)])
def test_gradient_at_is_the_risks_gradient_at_any_point(k, s, d0, m, seed):
    """Mutation pass: gradient_at (2 J^T (A v - b) in Q[u]/(f)) against the derivative of L from its definition, at a
    rational point that is not critical (f = u, so each residue is a rational), every parameter."""
    from types import SimpleNamespace

    arch = Architecture(d0, k, s)
    data, _ = random_problem(arch, m, seed)
    A, b, _ = normal_equations(arch, data)
    rng = random.Random(seed)
    w = [[Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(ki)] for ki in k]
    point = SimpleNamespace(modulus=flint.fmpq_poly([0, 1]),
                            w_exact=[[flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator)]) for c in layer] for layer in w])
    got = [Fraction(int(g[0].p), int(g[0].q)) if g.degree() >= 0 else Fraction(0) for g in crit.gradient_at(arch, A, b, point)]
    flat, L = _risk_and_derivatives(arch, data)
    at = dict(zip(flat, [sp.Rational(c.numerator, c.denominator) for layer in w for c in layer]))
    exact = [Fraction(str(sp.diff(L, c).subs(at))) for c in flat]
    assert got == exact and any(exact)


@pytest.mark.parametrize("k, s, d0, m, seed", [((2, 2), (1, 1), 4, 6, 7), ((3, 2), (1, 1), 5, 7, 1)])
def test_each_point_is_shown_balanced_with_its_filter(k, s, d0, m, seed):
    """Mutation pass over _balanced: the w shown for a real point has equal layer norms, the first entry of every layer
    but the last positive, and its final filter is the point's v."""
    from lcnsym.algebra.filters import final_filter
    from lcnsym.numeric import working_precision

    arch = Architecture(d0, k, s)
    data, _ = random_problem(arch, m, seed)
    report = critical_points(arch, data, dps=30)
    assert report.real
    for point in report.real:
        with working_precision(60):
            norms = [sum((x * x for x in layer), flint.arb(0)) for layer in point.w]
        assert all(n.overlaps(norms[0]) for n in norms) and all(n.rad() < 10 ** -20 * abs(n.mid()) for n in norms)
        assert all(layer[0] > 0 for layer in point.w[:-1])
        with mpmath.workdps(45):
            w = [_filter_values(SimpleNamespace(v=layer)) for layer in point.w]
            v = final_filter(arch, w, dps=45)
            assert all(abs(a - b) < mpmath.mpf(10) ** -25 for a, b in zip(v, _filter_values(point)))
