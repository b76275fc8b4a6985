import json
from fractions import Fraction

from click.testing import CliRunner
import pytest

from lcnsym.cli.main import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_arch_text_and_json():
    r = run("arch", "--d0", "20", "--k", "4,3", "--s", "2,1")
    assert r.exit_code == 0 and "k_v          = 8" in r.output and "20, 9, 7" in r.output
    data = json.loads(run("arch", "--d0", "20", "--k", "4,3", "--s", "2,1", "--json").stdout)
    assert data["d"] == [20, 9, 7] and data["k_v"] == 8 and data["s_v"] == 2 and data["kbar"] == 7
    assert json.loads(run("arch", "--k", "4,3", "--s", "2,1", "--json").stdout)["d"][-1] == 1


def test_filter_symbolic_json_and_matrix_check():
    r = run("filter", "--k", "3,2,3", "--s", "2,1,2", "--check-matrix", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["k"] == [3, 2, 3] and data["s"] == [2, 1, 2] and data["k_v"] == 9 and data["s_v"] == 4
    assert data["final_filter"][0] == "w1_1*w2_1*w3_1"
    assert data["matrix_check"]["equal"] is True and data["matrix_check"]["dN"] == 2


def test_filter_exact_values_read_exactly():
    r = run("filter", "--k", "2,2", "--s", "1,1", "--filters", "0.1,1/3;1,2", "--json")
    data = json.loads(r.stdout)
    # (1/10 + x/3)(1 + 2x) = 1/10 + (1/5 + 1/3) x + 2/3 x^2
    assert data["final_filter"] == ["1/10", "8/15", "2/3"]


def test_filter_text_latex_and_matrix_check():
    r = run("filter", "--k", "3,2", "--s", "2,1", "--latex", "--check-matrix")
    assert r.exit_code == 0 and "w^{(1)}_{1} w^{(2)}_{1}" in r.output and ": equal" in r.output
    r = run("filter", "--k", "2,2", "--s", "1,1", "--filters", "1,2;3,4", "--check-matrix", "--d0", "6")
    assert r.exit_code == 0 and "v_2 = 10" in r.output and "(4 x 6)" in r.output


@pytest.mark.parametrize(
    "args,words",
    [
        (("arch", "--d0", "21", "--k", "4,3", "--s", "2,1"), "layer 1"),
        (("arch", "--k", "4,3", "--s", "2"), "k has 2 entries but s has 1"),
        (("arch", "--k", "4,x", "--s", "2,1"), "'x' is not a whole number"),
        (("arch", "--k", "4,,3", "--s", "2,1,1"), "empty entry"),
        (("filter", "--k", "2,2", "--s", "1,1", "--filters", "1,2;3"), "filter 2 has 1 entries but k_2 = 2"),
        (("filter", "--k", "2,2", "--s", "1,1", "--filters", "1,2;3,nan"), "'nan' is not an exact number"),
        (("filter", "--k", "2,2", "--s", "1,1", "--filters", "1,2;3,__import__('os')"), "is not an exact number"),
        (("filter", "--k", "2,2", "--s", "1,1", "--filters", "1,2;3,1/0"), "divides by zero"),
        (("filter", "--k", "2", "--s", "0"), "s_1 must be at least 1"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(args, words):
    r = run(*args)
    assert r.exit_code != 0
    assert words in r.output and "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)


@pytest.mark.slow
def test_verify_only_text_and_json():
    r = run("verify", "--only", "prop-1.1")
    assert r.exit_code == 0, r.output
    assert "eq-1.5" in r.output and "prop-1.1" in r.output and "pass" in r.output
    data = json.loads(run("verify", "--only", "eq-1.5", "--json").stdout)
    (res,) = data["results"]
    assert set(res) >= {"id", "status", "evidence", "seconds"} and res["status"] == "pass"


def test_verify_exits_1_on_failure_and_blocks_dependents(monkeypatch):
    from lcnsym.checking.evidence import Evidence
    from lcnsym.proofs import eq_1_5

    monkeypatch.setattr(eq_1_5, "check", lambda config: Evidence(False, "exact", "sabotaged", 1, counterexample={"d0": 3}))
    r = run("verify", "--only", "prop-2.1", "--json")
    assert r.exit_code == 1
    status = {x["id"]: x["status"] for x in json.loads(r.stdout)["results"]}
    assert status == {"eq-1.5": "fail", "prop-1.1": "blocked", "prop-2.1": "blocked"}


def test_verify_unknown_id_is_usage_error():
    r = run("verify", "--only", "lemma-9.9")
    assert r.exit_code == 2 and "unknown check id 'lemma-9.9'" in r.output


def test_version_and_help():
    assert run("--version").exit_code == 0
    out = run("--help").output
    assert all(c in out for c in ("arch", "filter", "verify"))


# ---- lcnsym factor and roots (Section 2.2), with the output contract


def test_cli_factor_json_and_text():
    data = json.loads(run("factor", "--coeffs", "2,-3,1", "--json").stdout)
    assert data["degree"] == 2 and data["case"] == 2 and data["holds"] is True
    assert (data["T"], data["B"], data["bound"], data["sign"]) == ("6", "3", "72", "1")  # exact values print exactly
    assert len(data["factors"]) == 2 and all(len(pair) == 2 for pair in data["factors"]) and float(data["residual"]) < 1e-40
    r = run("factor", "--coeffs", "1,0,1+2j", "--dps", "30")
    assert r.exit_code == 0 and "case 1" in r.output and "j)" in r.output and "the bound holds" in r.output


def _digits(text):
    mantissa = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa)


@pytest.mark.parametrize("dps", [50, 100])
def test_cli_factor_prints_the_digits_asked_for_and_its_factors_reproduce_p(dps):
    from fractions import Fraction

    from lcnsym.numeric import parse_complex

    data = json.loads(run("factor", "--coeffs", "2,-3,1", "--dps", str(dps), "--json").stdout)
    assert all(_digits(c) == dps for pair in data["factors"] for c in pair if c not in ("0", "0.0"))
    # the product of the printed factors, exactly: it reproduces p to 10^-(dps-5) relative to |||p|||_1 = 6
    product = [(Fraction(1), Fraction(0))]
    for c0, c1 in data["factors"]:
        u = [parse_complex(c0), parse_complex(c1)]
        out = [(Fraction(0), Fraction(0))] * (len(product) + 1)
        for i, (a, b) in enumerate(product):
            for j, (c, d) in enumerate(u):
                re, im = out[i + j]
                out[i + j] = (re + a * c - b * d, im + a * d + b * c)
        product = out
    p = [2, -3, 1]
    assert max(abs(re - q) + abs(im) for (re, im), q in zip(product, p)) <= 6 * Fraction(1, 10 ** (dps - 5))


def test_cli_roots_json_balls_and_real_roots():
    data = json.loads(run("roots", "--coeffs", "1,-2,1", "--json").stdout)
    assert data["roots"][0]["multiplicity"] == 2 and data["within_bound"] and data["A"] == "4"
    data = json.loads(run("roots", "--coeffs", "-1,-1,1", "--json", "--dps", "50").stdout)
    for root in data["roots"]:
        assert set(root) >= {"mid", "rad", "real"} and root["real"] is True and "j" not in root["mid"]
        assert _digits(root["mid"]) == 50 and float(root["rad"]) < 1e-50  # one midpoint and one radius, consistent
    data = json.loads(run("roots", "--coeffs", "1e-3,2,1", "--json").stdout)
    assert all(r["real"] and "j" not in r["mid"] for r in data["roots"])  # no spurious imaginary part
    text = run("roots", "--coeffs", "1,0,1").output
    assert "1.00000000000000000000000000000j" in text and "real" not in text


def test_cli_roots_moduli_carry_the_digits_asked_for_and_a_root_on_the_bound_is_undecided():
    """Campaign H: ``|x|`` is computed at --dps digits (at flint's ambient 53 bits -5/(3+4i) printed 0.99999999999999988...),
    and a root exactly on ``|x| = A`` is neither within nor outside the bound: its ball cannot decide it."""
    from fractions import Fraction

    from lcnsym.numeric import parse_rational

    data = json.loads(run("roots", "--coeffs", "5,3+4j", "--json", "--dps", "40").stdout)
    (root,) = data["roots"]
    assert abs(parse_rational(root["modulus"]) - 1) <= Fraction(1, 10**39)
    assert root["within_bound"] is None and data["within_bound"] is None
    r = run("roots", "--coeffs", "5,3+4j")
    assert r.exit_code == 0 and "undecided at 30 digits for 1 root(s)" in r.output
    # campaign P: a root -10/(3+4i) on a bound A = 2, not 1, where |x| and |x|^2 differ
    data = json.loads(run("roots", "--coeffs", "10,3+4j", "--json").stdout)
    assert abs(parse_rational(data["roots"][0]["modulus"]) - 2) <= Fraction(1, 10**29)
    assert parse_rational(data["A"]) == 2 and data["within_bound"] is None
    data = json.loads(run("roots", "--coeffs", "-1,-1,1", "--json", "--dps", "60").stdout)
    golden = "1.61803398874989484820458683436563811772030917980576286213544862"  # (1 + sqrt 5) / 2
    moduli = sorted(parse_rational(root["modulus"]) for root in data["roots"])
    assert abs(moduli[1] - parse_rational(golden)) <= Fraction(1, 10**59)
    assert abs(moduli[0] - (parse_rational(golden) - 1)) <= Fraction(1, 10**59)
    assert data["within_bound"] is True and all(root["within_bound"] is True for root in data["roots"])


def test_cli_a_failing_bound_exits_1_with_its_output(monkeypatch):
    """A bound of Lemma 2.3 or 2.4 that fails (here planted) is a check that failed: exit 1, after the output."""
    from dataclasses import replace

    from lcnsym.analysis.factorization import linear_factorization
    from lcnsym.cli.commands import factor, roots

    monkeypatch.setattr(roots, "root_bound_squared", lambda poly: Fraction(1, 4))  # below |x|^2 = 1 and 4
    r = run("roots", "--coeffs", "2,-3,1")
    assert r.exit_code == 1 and "|x| = 2" in r.output and "fails for 2 root(s)" in r.output, r.output
    monkeypatch.setattr(roots, "root_bound_squared", lambda poly: Fraction(4))  # A = 2 < |x| = 3 < A^2 (campaign P)
    r = run("roots", "--coeffs", "-3,1")
    assert r.exit_code == 1 and "fails for 1 root(s)" in r.output, r.output
    monkeypatch.setattr(roots, "root_bound_squared", lambda poly: Fraction(1, 4))
    data = json.loads(run("roots", "--coeffs", "2,-3,1", "--json").stdout)
    assert data["within_bound"] is False and [root["within_bound"] for root in data["roots"]] == [False, False]
    monkeypatch.setattr(factor, "linear_factorization", lambda coeffs, **kw: replace(linear_factorization(coeffs, **kw), T=Fraction(1, 100)))
    for extra in ((), ("--json",)):
        r = run("factor", "--coeffs", "2,-3,1", *extra)
        assert r.exit_code == 1 and "does not hold" in r.output.lower(), r.output


def test_cli_factor_undecided_exits_3_not_0(monkeypatch):
    """Campaign H: a factorization whose (2.5) the balls cannot decide is not completed (exit 3), never "holds: null"."""
    from dataclasses import replace
    from fractions import Fraction

    from lcnsym.analysis.factorization import linear_factorization
    from lcnsym.cli.commands import factor
    from lcnsym.numeric import make_ball, working_precision

    def straddling(coeffs, **kw):
        f = linear_factorization(coeffs, **kw)
        with working_precision(prec=f.prec):
            return replace(f, roots_product=make_ball(f.roots_product_bound, Fraction(1, 10**6)))

    monkeypatch.setattr(factor, "linear_factorization", straddling)
    for extra in ((), ("--json",)):
        r = run("factor", "--coeffs", "2,-3,1", *extra)
        assert r.exit_code == 3 and "undecided" in r.output, r.output


@pytest.mark.parametrize("args,words", [
    (("factor", "--coeffs", "0,0"), "zero polynomial"),
    (("factor", "--coeffs", "5"), "degree 0"),
    (("factor", "--coeffs", "1,nan"), "'nan' is not an exact number"),
    (("roots", "--coeffs", "1,,2"), "empty entry"),
    (("factor", "--coeffs", "1,2", "--dps", "5"), "5 is not in the range"),
    (("roots", "--coeffs", ",".join(["1"] * 3001)), "roots of degree 3000 to 30 digits"),
])
def test_cli_polynomial_bad_input(args, words):
    r = run(*args)
    assert r.exit_code != 0 and words in r.output and "Traceback" not in r.output


# ---- lcnsym flow


def test_cli_flow_json_files_and_plot(tmp_path):
    (tmp_path / "d.json").write_text(json.dumps({"X": [[1, 0.5], [0, 1], [1, -1], [0.25, 2]], "Y": [[1, 0], [0.5, 1]]}))
    (tmp_path / "w.json").write_text(json.dumps({"w": [[1, 0.5], [-0.25, 1]]}))
    r = run("flow", "--k", "2,2", "--s", "1,1", "--data", str(tmp_path / "d.json"), "--init", str(tmp_path / "w.json"),
            "--t-max", "0.5", "--samples", "2", "--dps", "20", "--plot", str(tmp_path / "f.png"), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    for key in ("t_final", "loss_initial", "loss_final", "grad_norm_final", "balancedness_drift", "converged", "w_final", "tau", "max_layer_norm_sq"):
        assert key in data
    assert data["converged"] is False and len(data["w_final"]) == 2 and (tmp_path / "f.png").stat().st_size > 1000
    assert "singular" in data["tau_note"]  # m = 2 < d0 = 4: Lemma 3.6's hypothesis fails, said so


def test_cli_flow_prints_the_digits_asked_for():
    data = json.loads(run("flow", "--k", "2,2", "--s", "1,1", "--t-max", "1", "--samples", "2", "--dps", "50", "--json").stdout)
    assert all(_digits(c) == 50 for w in data["w_final"] for c in w)
    assert _digits(data["loss_final"]) == 50 and _digits(data["t_final"]) == 50
    int(data["tau"].split("/")[0])  # tau is exact


def test_cli_flow_text_with_random_data():
    r = run("flow", "--k", "2,2", "--s", "1,1", "--random-data", "6", "--seed", "3", "--t-max", "0.5", "--samples", "2", "--dps", "15",
            "--loss", "pseudo-huber:1")
    assert r.exit_code == 0 and "not converged by t = 0.5" in r.output and "<= tau =" in r.output


@pytest.mark.parametrize("args,words", [
    (("--loss", "lp:3"), "even whole number"),
    (("--loss", "gen-huber:1,-2"), "beta > -2"),
    (("--data", "/nonexistent.json"), "'/nonexistent.json' does not exist"),
    (("--t-max", "-1"), "t_max must be a positive"),
    (("--grad-tol", "inf"), "not an exact number"),
])
def test_cli_flow_errors(args, words):
    r = run("flow", "--k", "2,2", "--s", "1,1", "--samples", "1", "--dps", "15", *args)
    assert r.exit_code != 0 and words in r.output and "Traceback" not in r.output


def test_cli_flow_data_of_the_wrong_shape(tmp_path):
    (tmp_path / "d.json").write_text(json.dumps({"X": [[1, 2]], "Y": [[1, 2]]}))
    r = run("flow", "--k", "2,2", "--s", "1,1", "--data", str(tmp_path / "d.json"))
    assert r.exit_code != 0 and "X has 1 rows but the architecture needs 4" in r.output
    (tmp_path / "e.json").write_text("[1, 2]")
    r = run("flow", "--k", "2,2", "--s", "1,1", "--data", str(tmp_path / "e.json"))
    assert r.exit_code != 0 and "must hold an object" in r.output


def test_flow_logs_its_progress_when_stderr_is_not_a_terminal(monkeypatch):
    from lcnsym.cli.commands import flow as flow_command

    monkeypatch.setattr(flow_command, "LOG_INTERVAL", 0.0)
    r = CliRunner().invoke(cli, ["flow", "--k", "2,2", "--s", "1,1", "--t-max", "1", "--samples", "3", "--json"])
    assert r.exit_code == 0, r.output
    assert "flow: t = " in r.stderr and "/1, L = " in r.stderr and "steps (" in r.stderr
    json.loads(r.stdout)  # the log stays out of the result


# ---- campaign C4: printed values rebuilt by hand or from a separate run


def test_cli_roots_of_a_conjugate_pair_print_both_signs():
    """Injected in a campaign (C4, I01): a complex ball's imaginary sign taken from its real part, so that both roots
    1 +- 2i of x^2 - 2x + 5 printed as 1 + 2i."""
    data = json.loads(run("roots", "--coeffs", "5,-2,1", "--dps", "15", "--json").stdout)
    assert {r["mid"] for r in data["roots"]} == {"1.00000000000000+2.00000000000000j", "1.00000000000000-2.00000000000000j"}
    data = json.loads(run("roots", "--coeffs", "5,2,1", "--dps", "15", "--json").stdout)  # -1 +- 2i
    assert {r["mid"] for r in data["roots"]} == {"-1.00000000000000+2.00000000000000j", "-1.00000000000000-2.00000000000000j"}


def test_cli_roots_read_a_bare_minus_j():
    """Injected in a campaign (C4, I05): "-j" read as +j. p = 1 - i x vanishes at x = 1/i = -i."""
    import re

    data = json.loads(run("roots", "--coeffs", "1,-j", "--json").stdout)
    (root,) = data["roots"]
    assert re.fullmatch(r"-?0(\.0*)?-1\.0{29}j", root["mid"]), root["mid"]


def test_cli_factor_text_prints_each_factor_as_slope_then_intercept():
    """Injected in a campaign (C4, I12): u_i(x) = (c0) x + (c1) printed with the coefficients swapped (the product is then
    the reversed polynomial). By hand: 6 - 5x + x^2 = (x - 2)(x - 3), so the roots -b/a of the printed a x + b are 2 and 3."""
    import re
    from fractions import Fraction

    r = run("factor", "--coeffs", "6,-5,1", "--dps", "15")
    assert r.exit_code == 0, r.output
    factors = re.findall(r"^u_\d+\(x\) = \((\S+)\) x \+ \((\S+)\)", r.output, re.M)
    assert len(factors) == 2
    roots = sorted(-Fraction(b) / Fraction(a) for a, b in factors)
    assert all(abs(z - want) < Fraction(1, 10**13) for z, want in zip(roots, (2, 3))), roots
    # the leading coefficients multiply to a_2 = 1 (sgn = 1)
    assert abs(Fraction(factors[0][0]) * Fraction(factors[1][0]) - 1) < Fraction(1, 10**13)


def test_cli_flow_csv_values_sit_under_their_headers(tmp_path):
    """Injected in a campaign (C4, I02: invariants and layer norms written in each other's columns; I13: auto spacing
    repeated t_max/samples and dropped the earliest time). Start w = [1, 2], [2, -2]: by hand ||w1||^2 = 5,
    ||w2||^2 = 8 and delta_1 = 8 - 5 = 3; default spacing auto with 2 samples: t = 0, t_max/2 * 10^-4, t_max/2, t_max."""
    import csv
    from fractions import Fraction

    (tmp_path / "w.json").write_text(json.dumps({"w": [[1, 2], [2, -2]]}))
    r = run("flow", "--k", "2,2", "--s", "1,1", "--init", str(tmp_path / "w.json"), "--t-max", "1/2", "--samples", "2",
            "--dps", "20", "--out", str(tmp_path / "f.csv"))
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((tmp_path / "f.csv").open()))
    first = rows[0]
    assert Fraction(first["t"]) == 0
    assert [Fraction(first[key]) for key in ("w1_1", "w1_2", "w2_1", "w2_2")] == [1, 2, 2, -2]
    assert (Fraction(first["norm_sq_1"]), Fraction(first["norm_sq_2"]), Fraction(first["delta_1"])) == (5, 8, 3)
    for row in rows:  # in every row, each column from the state written in the same row
        w1, w2 = [Fraction(row[k]) for k in ("w1_1", "w1_2")], [Fraction(row[k]) for k in ("w2_1", "w2_2")]
        n1, n2 = sum(c * c for c in w1), sum(c * c for c in w2)
        assert abs(Fraction(row["norm_sq_1"]) - n1) < Fraction(1, 10**15) and abs(Fraction(row["norm_sq_2"]) - n2) < Fraction(1, 10**15)
        assert abs(Fraction(row["delta_1"]) - (n2 - n1)) < Fraction(1, 10**15)
    times = [Fraction(row["t"]) for row in rows]
    assert len(times) == 4 and all(a < b for a, b in zip(times, times[1:]))
    assert abs(times[1] - Fraction(1, 40000)) < Fraction(1, 10**20) and times[2:] == [Fraction(1, 4), Fraction(1, 2)]


def test_cli_flow_compare_reports_the_compared_runs_own_loss():
    """Injected in a campaign (C4, I04): the --compare entry reported the main run's final loss. It must equal the
    loss of the same loss run on its own, with the same options (and differ from the square run's here)."""
    common = ("flow", "--k", "2,2", "--s", "1,1", "--t-max", "1/2", "--samples", "2", "--dps", "20", "--json")
    both = json.loads(run(*common, "--compare", "loss=log-cosh:1").stdout)
    alone = json.loads(run(*common, "--loss", "log-cosh:1").stdout)
    (compared,) = both["compare"]
    assert compared["loss_final"] == alone["loss_final"] and compared["grad_norm_final"] == alone["grad_norm_final"]
    assert compared["t_final"] == alone["t_final"]
    assert alone["loss_final"] != both["loss_final"]  # the two losses differ, so the test can tell them apart



def test_cli_flow_compare_seed_starts_from_that_seeds_start(tmp_path):
    """Campaign Q: ``--compare seed=N`` runs from seed N's random start (on the same data), not from the main start."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_start

    common = ("flow", "--k", "2,2", "--s", "1,1", "--t-max", "1/2", "--samples", "2", "--dps", "20", "--json")
    both = json.loads(run(*common, "--compare", "seed=3").stdout)
    (compared,) = both["compare"]
    start = random_start(Architecture(both["d0"], (2, 2), (1, 1)), 3)
    assert all(Fraction(float(c)) == c for w in start for c in w)  # dyadic: JSON numbers carry them exactly
    (tmp_path / "w.json").write_text(json.dumps({"w": [[float(c) for c in w] for w in start]}))
    alone = json.loads(run(*common, "--init", str(tmp_path / "w.json")).stdout)
    assert compared["loss_final"] == alone["loss_final"] and compared["loss_final"] != both["loss_final"]


def test_cli_flow_tau_is_at_least_tau_of_the_exact_g(tmp_path):
    """Injected in a campaign (C4, I16): T = g(L(w0)) rounded down instead of up, so that the printed "exact" tau was
    below tau(g(L(w0))). A problem where everything is exact, by hand: X = I_4 (d0 = m = 4), so ||X^T (X X^T)^-1||_1 = 4;
    w = [0, 2], [1/2, 0] gives v = [0, 1, 0], predictions Pi e_j = (0,0), (1,0), (0,1), (0,0); with Y = [[0,3,0,0],
    [0,0,1,0]] L(w0) = (1 - 3)^2 = 4 and ||Y||_1 = 4. Square loss: h(L) = dN m sqrt(L) = 16, g = (16 + 4) 4 / dN = 40.
    Lemma 3.5 with N = 2, k_v = 3, Delta = |1/4 - 4| = 15/4: tau = 2 max(1, (6 * 40 * 3)^6, Delta) + Delta."""
    from fractions import Fraction

    (tmp_path / "d.json").write_text(json.dumps({"X": [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],
                                                 "Y": [[0, 3, 0, 0], [0, 0, 1, 0]]}))
    (tmp_path / "w.json").write_text(json.dumps({"w": [[0, 2], [0.5, 0]]}))
    r = run("flow", "--k", "2,2", "--s", "1,1", "--data", str(tmp_path / "d.json"), "--init", str(tmp_path / "w.json"),
            "--t-max", "1/4", "--samples", "1", "--dps", "20", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert Fraction(out["loss_initial"]) == 4  # the hand computation of L(w0) holds

    def tau_by_hand(T):
        delta = Fraction(15, 4)
        return 2 * max(Fraction(1), (6 * max(T, 1) * 3) ** 6, delta) + delta

    printed = Fraction(out["tau"])
    assert tau_by_hand(Fraction(40)) <= printed <= tau_by_hand(40 * (1 + Fraction(1, 10**12)))


def test_cli_flow_refuses_a_huge_negative_exponent_at_once():
    """Injected in a campaign (C4, I10): the exponent limit checked for positive exponents only; --grad-tol 1e-99999999
    then hung. 1e-1001 is just past the limit, refused before any work (the injected code would run the flow)."""
    r = run("flow", "--k", "2,2", "--s", "1,1", "--t-max", "1/4", "--samples", "1", "--dps", "15", "--grad-tol", "1e-1001")
    assert r.exit_code == 2 and "exponent -1001" in r.output and "Traceback" not in r.output


def test_cli_arch_json_agrees_with_the_text_and_the_definitions():
    """Injected in a campaign (C4, I11): as_dict's s_v was the last stride product (equal to s_v when s_N = 1, as in the
    other arch test). k = (3, 2), s = (2, 3): s_v = 2 * 3 = 6, k_v = 3 + (2 - 1) 2 = 5, d = (5, 2, 1), t = (2, 2)."""
    data = json.loads(run("arch", "--k", "3,2", "--s", "2,3", "--json").stdout)
    assert (data["s_v"], data["k_v"], data["d"], data["t"]) == (6, 5, [5, 2, 1], [2, 2])
    text = run("arch", "--k", "3,2", "--s", "2,3").output
    assert f"s_v          = {data['s_v']}" in text and f"k_v          = {data['k_v']}" in text


def test_cli_flow_compares_the_layer_norms_with_tau(monkeypatch, tmp_path):
    """Campaign J: "max ||w^(i)||^2 <= tau" is compared, not printed as asserted: with a planted tau below the flow's
    norms the relation says so and the command exits 1 (a check's claim failed)."""
    from lcnsym.cli.commands import flow

    args = ("flow", "--k", "2,2", "--s", "1,1", "--t-max", "1/2", "--samples", "2", "--dps", "15")
    data = json.loads(run(*args, "--json").stdout)
    assert data["within_tau"] is True
    assert " <= tau = " in run(*args).output
    monkeypatch.setattr(flow, "_a_priori_tau", lambda *a: (Fraction(1, 10**6), None))
    r = run(*args)
    assert r.exit_code == 1 and "> (ABOVE: Lemma 3.5 fails here) tau = 1/1000000" in r.output, r.output
    assert json.loads(run(*args, "--json").stdout)["within_tau"] is False
    # campaign Q: the largest layer norm is over every sample (here the start's 5 > the end's), so is the comparison
    from lcnsym.numeric import parse_rational

    out = tmp_path / "samples.json"
    data = json.loads(run(*args, "--json", "--out", str(out)).stdout)
    samples = json.loads(out.read_text())["samples"]
    largest = max(parse_rational(x) for sample in samples for x in sample["layer_norms_sq"])
    assert parse_rational(data["max_layer_norm_sq"]) == largest
    assert largest > max(parse_rational(x) for x in samples[-1]["layer_norms_sq"])
    monkeypatch.setattr(flow, "_a_priori_tau", lambda *a: (largest - Fraction(1, 10**6), None))  # above the last only
    assert json.loads(run(*args, "--json").stdout)["within_tau"] is False


def test_cli_show_lists_the_checks_that_use_a_check():
    """Campaign L: "used_by" are the checks that depend on it, not those it depends on."""
    from lcnsym.checking.registry import discover

    checks = discover().checks
    data = json.loads(run("show", "prop-2.1", "--json").stdout)
    assert data["used_by"] == sorted(pid for pid, c in checks.items() if "prop-2.1" in c.depends_on) != []
    assert data["depends_on"] == list(checks["prop-2.1"].depends_on)


def test_cli_factor_radii_are_each_coefficients_own():
    """Campaign L: factor_radii[i] are the radii of factor i's two coefficients, in order."""
    from lcnsym.analysis.factorization import linear_factorization
    from lcnsym.numeric import show_ball

    data = json.loads(run("factor", "--coeffs", "2,-3,1", "--dps", "40", "--json").stdout)
    f = linear_factorization([2, -3, 1], dps=40)
    assert data["factor_radii"] == [[show_ball(c0, 40)["rad"], show_ball(c1, 40)["rad"]] for c0, c1 in f.factors]
    assert any(a != b for a, b in data["factor_radii"])  # the two differ here: a swap or a repeat shows


def test_cli_json_gives_huge_integers_as_text():
    """Campaign L: integers beyond Python's str limit go out as their exact decimal text, not as a crash."""
    from lcnsym.cli._common import _json_safe
    from lcnsym.numeric import show

    big = 10**5000
    assert _json_safe({"n": big, "m": [7]}) == {"n": show(big), "m": [7]}


def test_cli_factor_states_the_residual_bound_it_was_held_to():
    """Campaign N: residual_bound is 10^-(dps - RESIDUAL_DIGITS_LOST), the bound verdict() applies, and the residual is
    below it."""
    from lcnsym.analysis.factorization import RESIDUAL_DIGITS_LOST

    data = json.loads(run("factor", "--coeffs", "2,-3,1", "--dps", "40", "--json").stdout)
    assert data["residual_bound"] == f"1e-{40 - RESIDUAL_DIGITS_LOST}"
    assert Fraction(data["residual"]) <= Fraction(1, 10 ** (40 - RESIDUAL_DIGITS_LOST))


def test_cli_flow_prints_the_enclosure_radius_rounded_up(monkeypatch):
    """Campaign O: the printed enclosure radius is at least the run's own (a radius rounded to nearest can be below it)."""
    from lcnsym.cli.commands import flow as flow_command
    from lcnsym.numeric import parse_rational, to_arb

    real = flow_command.gradient_flow

    def planted(*a, **kw):  # the run's last radius set to 1.2341e-20: to nearest it would print 1.23e-20
        traj = real(*a, **kw)
        traj.enclosures[-1].radius = to_arb(Fraction(12341, 10**24))
        return traj

    monkeypatch.setattr(flow_command, "gradient_flow", planted)
    args = ("flow", "--k", "2,2", "--s", "1,1", "--t-max", "1", "--samples", "1", "--dps", "20", "--engine", "certified", "--json")
    data = json.loads(run(*args).stdout)
    assert parse_rational(data["enclosure_radius"]) >= Fraction(12341, 10**24)


def test_cli_filter_work_limit_counts_the_matrix_check():
    """Campaign N: with --check-matrix the work is d_N k_v (the matrix's rows), held to --max-width."""
    r = run("filter", "--k", "2,2", "--s", "1,1", "--max-width", "4")  # k_v = 3 <= 4
    assert r.exit_code == 0, r.output
    r = run("filter", "--k", "2,2", "--s", "1,1", "--max-width", "4", "--check-matrix")  # d_N k_v = 6 > 4
    assert r.exit_code != 0 and "matrix check d_N k_v = 6" in r.output and "--max-width" in r.output, r.output


def test_cli_factor_T_is_at_least_one():
    """Campaign R: T = max(|||p|||_1, 1); for 1/4 + x/4 the one-norm is 1/2 and T is 1, and the bound is 6 n T."""
    data = json.loads(run("factor", "--coeffs", "1/4,1/4", "--json").stdout)
    assert data["T"] == "1" and data["degree"] == 1
    assert Fraction(data["bound"]) == 6 * data["degree"] * Fraction(data["T"])


def test_cli_flow_refuses_a_step_longer_than_max_step_seconds():
    """Campaign S (I10): --max-step-seconds was parsed and then not passed to the flow, which ran at the library's default
    limit; no test passed the option. At 500 digits one Taylor step is estimated at about 3 s: above --max-step-seconds
    1 (below the default 10), so the run is refused before any work, naming the estimate and the option."""
    import re

    r = run("flow", "--k", "2,2", "--s", "1,1", "--dps", "500", "--max-step-seconds", "1", "--t-max", "1/1000000",
            "--samples", "1", "--json")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    seconds = re.search(r"one Taylor step at 500 digits would take about (\S+) s", r.output)
    assert seconds and 1 < float(seconds.group(1)) < 10 and "--max-step-seconds" in r.output, r.output


def test_cli_flow_classify_runs_with_its_guard_digits(tmp_path):
    """Campaign S (I12): --classify ran the flow at --dps, without the CLASSIFY_GUARD digits its help promises; only a
    documentation example (at 30 digits, where the flow then cannot reach 10^-30) saw it. At --dps 15 the trajectory
    written by --out holds dps 15 + CLASSIFY_GUARD, and the limit is within 10^-15 of the listed point."""
    from lcnsym.cli.commands.flow import CLASSIFY_GUARD

    out = tmp_path / "t.json"
    r = run("flow", "--k", "2,2", "--s", "1,1", "--d0", "4", "--random-data", "6", "--seed", "1", "--classify", "--t-max", "200",
            "--dps", "15", "--json", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text())["dps"] == 15 + CLASSIFY_GUARD == 20
    data = json.loads(r.stdout)
    assert data["converged"] is True and data["classification"]["kind"] == "minimum"
    assert Fraction(data["classification"]["distance"]) < Fraction(1, 10**15)


def test_cli_flow_tau_is_tau_of_the_starts_balancedness_exactly():
    """Campaign U (I24): tau was computed with the final state's deltas, not w0's; they differ only by the drift (~1e-27),
    under what the tau >= tau(exact g) test sees, but tau is printed as an exact rational of Lemma 3.5 with
    T = g(L(w0)). It equals tau(T, k_v, balancedness(w0)), T as ``_a_priori_tau`` computes it, exactly (N = 3)."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.bounds import balancedness, g_bound, tau
    from lcnsym.dynamics.data import random_problem
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.dynamics.risk import empirical_risk
    from lcnsym.numeric import to_rational, tolerance

    r = run("flow", "--k", "2,2,2", "--s", "1,1,1", "--t-max", "5", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    arch = Architecture.for_output_width((2, 2, 2), (1, 1, 1), dN=2)
    data, w0 = random_problem(arch, arch.d0 + 2, 0)  # the command's defaults: m = d0 + 2, seed 0, dps 30
    L0 = empirical_risk(arch, w0, data, parse_loss("square"), dps=30)
    T = to_rational(g_bound(L0, parse_loss("square"), data, arch.dN, dps=30), floats=True) * (1 + tolerance(30, 5))
    assert Fraction(out["tau"]) == tau(T, arch.k_v, balancedness(w0))


def test_cli_list_last_run_is_when_it_ran(monkeypatch):
    """Campaign V: `lcnsym list`'s last_run is the time the last result was recorded, not its seconds."""
    import importlib
    from types import SimpleNamespace

    listing = importlib.import_module("lcnsym.cli.commands.list")
    last = SimpleNamespace(status="pass", cached="2026-12-04 20:21:55", seconds=0.83)
    monkeypatch.setattr(listing, "default_cache", lambda: SimpleNamespace(last=lambda pid: last))
    rows = listing.check_rows()
    assert rows and all(r["last_run"] == "2026-12-04 20:21:55" and r["last_status"] == "pass" for r in rows)


def test_one_exit_code_rule_for_every_error_that_reaches_a_command():
    """Campaign X (23): the translation of each error class, whether or not a command lets it through today:
    bad input and a hypothesis that fails are usage errors (2); other lcnsym errors, memory and bugs exit 3."""
    import click

    from lcnsym.cli._common import Failed, Interrupted, _translate
    from lcnsym.errors import (ArchitectureError, DuplicateIdError, HypothesisFails, LcnsymError, PrecisionError,
                               WorkLimitError)

    ctx = click.Context(cli)
    for exc in (HypothesisFails("singular"), ArchitectureError("k"), WorkLimitError("big"), DuplicateIdError("twice"),
                RecursionError()):
        out = _translate(exc, ctx)
        assert isinstance(out, click.UsageError) and out.exit_code == 2, exc
    for exc in (PrecisionError("undecided"), LcnsymError("other"), MemoryError(), ValueError("bug")):
        out = _translate(exc, ctx)
        assert isinstance(out, Failed) and out.exit_code == 3, exc
    assert "internal error (a bug of lcnsym" in _translate(ValueError("bug"), ctx).message
    assert isinstance(_translate(KeyboardInterrupt(), ctx), Interrupted)


def test_cli_filter_max_terms_is_the_limit_it_says():
    """Campaign Y (Y11): --max-terms reaches the symbolic final filter (k = 2,2,2 has 8 monomials)."""
    runner = CliRunner()
    refused = runner.invoke(cli, ["filter", "--k", "2,2,2", "--s", "1,1,1", "--max-terms", "7"])
    assert refused.exit_code == 2 and "8 monomials, more than the limit 7" in refused.output
    assert runner.invoke(cli, ["filter", "--k", "2,2,2", "--s", "1,1,1", "--max-terms", "8"]).exit_code == 0


def test_cli_filter_latex_takes_up_to_its_limit_of_terms(monkeypatch):
    """Campaign Y (Y12): --latex converts exactly LATEX_TERMS monomials; one more is refused."""
    from lcnsym.cli.commands import filter as filter_command

    monkeypatch.setattr(filter_command, "LATEX_TERMS", 8)
    runner = CliRunner()
    assert runner.invoke(cli, ["filter", "--k", "2,2,2", "--s", "1,1,1", "--latex"]).exit_code == 0
    refused = runner.invoke(cli, ["filter", "--k", "3,3", "--s", "1,1", "--latex"])
    assert refused.exit_code == 2 and "at most 8 monomials" in refused.output


def test_cli_factor_json_gives_b_at_the_digits_asked_and_counts_ambiguous_roots():
    """Campaign Y (Y23, Y27): a complex polynomial's B (a ball) at --dps digits; x^5 - 1 has five roots on |z| = 1,
    each straddling it: ambiguous_roots is their number, not a yes/no."""
    import json

    data = json.loads(CliRunner().invoke(cli, ["factor", "--coeffs", "1,2,1+1j", "--json", "--dps", "30"]).output)
    assert data["B"] == "1.41421356237309504880168872421"  # max |a_i| / |a_n| = 2 / sqrt 2, to 30 digits
    data = json.loads(CliRunner().invoke(cli, ["factor", "--coeffs", "-1,0,0,0,0,1", "--json"]).output)
    assert data["ambiguous_roots"] == 5 and data["ambiguous_roots"] is not True


def test_cli_flow_max_steps_reaches_the_integrator():
    """Campaign Z (I07): --max-steps is the integrator's limit: 3 steps do not reach t = 5 (exit 3, naming the limit)."""
    r = CliRunner().invoke(cli, ["flow", "--k", "2,2", "--s", "1,1", "--max-steps", "3", "--t-max", "5", "--samples", "2",
                                 "--dps", "15", "--json"])
    assert r.exit_code == 3 and "max_steps = 3" in r.output


def test_cli_flow_classify_keeps_a_grad_tol_given():
    """Campaign Z (I19): --classify lowers the default --grad-tol to 10^-dps, never one the user gave."""
    import json

    base = ["flow", "--k", "2,2", "--s", "1,1", "--classify", "--dps", "15", "--t-max", "5", "--samples", "3", "--json"]
    given = json.loads(CliRunner().invoke(cli, base + ["--grad-tol", "1e-3"]).output)
    assert given["grad_tol"] == "1/1000"
    default = json.loads(CliRunner().invoke(cli, base).output)
    assert default["grad_tol"] == "1/1000000000000000"


def test_cli_flow_compare_seed_with_init_is_refused(tmp_path):
    """Campaign Z (I21): with --init the start is the file's, so seed=N (another random start) is refused; loss=... is not."""
    import json

    init = tmp_path / "w.json"
    init.write_text(json.dumps({"w": [[1, 2], [3, 0.5]]}))
    base = ["flow", "--k", "2,2", "--s", "1,1", "--init", str(init), "--t-max", "1", "--samples", "2", "--dps", "15"]
    refused = CliRunner().invoke(cli, base + ["--compare", "seed=3"])
    assert refused.exit_code == 2 and "--compare" in refused.output and "--init gives the start" in refused.output
    assert CliRunner().invoke(cli, base + ["--compare", "loss=lp:4"]).exit_code == 0
    assert CliRunner().invoke(cli, base + ["--compare", "seed=0"]).exit_code == 0  # the run's own seed: the same start


def test_cli_filter_max_width_accepts_a_final_filter_of_exactly_that_width():
    """Campaign BB (BB25): k = 2,2 has k_v = 3: --max-width 3 prints it, --max-width 2 refuses it."""
    assert CliRunner().invoke(cli, ["filter", "--k", "2,2", "--s", "1,1", "--max-width", "3"]).exit_code == 0
    refused = CliRunner().invoke(cli, ["filter", "--k", "2,2", "--s", "1,1", "--max-width", "2"])
    assert refused.exit_code == 2 and "k_v = 3 entries, more than the limit 2" in refused.output


def test_cli_an_output_suffix_is_read_whatever_its_case(tmp_path):
    """Campaign BB (BB08): --out f.JSON and f.CSV are JSON and CSV files."""
    import json

    base = ["flow", "--k", "2,2", "--s", "1,1", "--t-max", "1/2", "--samples", "2", "--dps", "15"]
    for name in ("f.JSON", "g.Csv"):
        r = CliRunner().invoke(cli, base + ["--out", str(tmp_path / name)])
        assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "f.JSON").read_text())["samples"] and (tmp_path / "g.Csv").read_text().startswith("t,L,")


def test_cli_tightness_seed_reaches_the_search():
    """Campaign BB (BB24): --seed 7 is the library's seed 7 (its witness and ratio), not seed 0's."""
    import json

    from lcnsym.exploration.tightness import tightness

    args = ["tightness", "--lemma", "2.3", "--degree", "2", "--restarts", "3", "--steps", "2", "--json"]
    seven = json.loads(CliRunner().invoke(cli, args + ["--seed", "7"]).output)
    zero = json.loads(CliRunner().invoke(cli, args).output)
    library = tightness("2.3", 2, restarts=3, steps=2, seed=7).as_dict()
    assert seven["seed"] == 7 and seven["witness"] == library["witness"] and seven["best_ratio"] == library["best_ratio"]
    assert zero["witness"] != seven["witness"]


def test_cli_outputs_that_only_appear_off_the_defaults_campaign_dd():
    """Campaign DD: roots' JSON counts the dropped leading zeros; factor's text notes them and its JSON gives (2.5)'s
    bound 3 B n^r (not |z_1..z_r|); arch --filling prints a final filter of 12 entries whole; critical's header gives
    the data's m."""
    import json

    runner = CliRunner()
    assert json.loads(runner.invoke(cli, ["roots", "--coeffs", "-1,1,0", "--json"]).output)["dropped_leading_zeros"] == 1
    assert "(1 zero leading coefficients dropped)" in runner.invoke(cli, ["factor", "--coeffs", "6,-5,1,0"]).output
    data = json.loads(runner.invoke(cli, ["factor", "--coeffs", "6,-5,1", "--json"]).output)
    assert data["roots_product_bound"] == "72"  # 3 B n^r = 3 * 6 * 2^2
    text = runner.invoke(cli, ["arch", "--k", "2,2,10", "--s", "1,1,1", "--filling"]).output
    assert "v = [0, 1, 0, 5, 0, 10, 0, 10, 0, 5, 0, 1] (coefficients" in text
    assert "m = 8" in runner.invoke(cli, ["critical", "--k", "2,2", "--s", "1,1", "--random-data", "8"]).output


def test_cli_list_and_show_say_what_each_check_is_campaign_ff():
    """Campaign FF: list opens with the paper's results and gives each kind and its dependencies; show points at the
    command to see it and gives the whole evidence text; an unknown id suggests the nearest and lists the known."""
    import json

    from lcnsym.proofs import prop_1_1

    runner = CliRunner()
    listed = runner.invoke(cli, ["list"]).output
    assert listed.startswith("-- the paper --") and listed.index("-- the paper --") < listed.index("beyond the paper")
    import re

    first = listed.splitlines()[1]
    assert first.startswith("eq-1.5") and re.search(r"\sexact\s+Eq\. \(1\.5\)$", first) and "exact:" not in first
    checks = {c["id"]: c for c in json.loads(runner.invoke(cli, ["list", "--json"]).output)["checks"]}
    assert checks["prop-1.1"]["depends_on"] == ["eq-1.5"]
    assert f"  see it: {prop_1_1.CLI}" in runner.invoke(cli, ["show", "prop-1.1"]).output
    assert json.loads(runner.invoke(cli, ["show", "prop-1.1", "--json"]).output)["evidence_kind"] == prop_1_1.EVIDENCE
    unknown = runner.invoke(cli, ["show", "prop-1.2"])
    assert "(did you mean 'prop-1.1'?)" in unknown.output and "known: constants-tightness, cor-3.7," in unknown.output


def test_cli_factor_and_roots_text_lines_campaign_ff():
    """Campaign FF: factor's text gives sgn(a_n) as it is (-1 for -3x^2 + 2x + 1), roots marks real roots."""
    runner = CliRunner()
    assert "with sgn(a_n) = -1" in runner.invoke(cli, ["factor", "--coeffs", "1,2,-3"]).output
    assert "real, " in runner.invoke(cli, ["roots", "--coeffs", "-2,0,1"]).output


def test_cli_a_report_that_cannot_be_written_names_its_path_campaign_ff():
    r = CliRunner().invoke(cli, ["verify", "--only", "eq-1.5", "--markdown", "/dev/full"])
    assert r.exit_code == 3 and "/dev/full" in r.output


def test_cli_verify_says_each_results_status_and_time_as_it_goes_campaign_ff():
    import re

    r = CliRunner().invoke(cli, ["verify", "--only", "eq-1.5"])
    assert r.exit_code == 0 and re.search(r"eq-1\.5: pass \([\d.]+ s\)", r.output), r.output[-500:]


def test_arch_filling_shows_an_uncertified_dimensions_range(monkeypatch):
    """Campaign FF's A1: a rank below the bound prints "at least d, at most upper", both numbers."""
    import dataclasses

    from lcnsym import Architecture
    import lcnsym.cli.commands.arch as arch_command
    from lcnsym.exploration.filling import filling

    def lowered(arch, seed=None):
        report = filling(arch, seed=seed)
        return dataclasses.replace(report, dimension=report.dimension_upper - 1)

    monkeypatch.setattr(arch_command, "filling", lowered)
    out = run("arch", "--k", "2,2", "--s", "2,1", "--filling").output
    upper = filling(Architecture.for_output_width((2, 2), (2, 1))).dimension_upper
    assert f"dimension    = at least {upper - 1}, at most {upper} (the rank at a random point)" in out


def test_cli_flow_classify_not_reached_counts_the_real_points_listed():
    """Campaign EE: a limit not yet near a critical point says how many real points were listed (not the complex
    count); here 4 real of 5 complex."""
    args = ["flow", "--k", "2,2", "--s", "1,1", "--d0", "4", "--random-data", "6", "--seed", "1", "--classify",
            "--t-max", "1", "--dps", "15", "--samples", "2"]
    listed = json.loads(run(*args, "--json").stdout)["critical_points"]
    assert listed["real"] != listed["complex_count"]
    out = run(*args).output
    assert f"; {listed['real']} listed): run longer or raise --dps" in out


def test_cli_outputs_campaign_oo():
    """Campaign OO: each compared run's "converged" is its own; factor's max_factor_norm is the largest of the factor
    norms; arch --filling's long witness ends with its last three coefficients; tightness prints a ball with its radius."""
    out = json.loads(run("flow", "--k", "2,2", "--s", "1,1", "--dps", "20", "--grad-tol", "1e-8", "--t-max", "40",
                         "--samples", "5", "--compare", "loss=lp:4", "--json").stdout)
    compared = out["compare"][0]
    assert compared["converged"] is (Fraction(compared["grad_norm_final"]) < Fraction(1, 10**8))
    assert compared["converged"] != out["converged"]  # here the two runs differ
    factor = json.loads(run("factor", "--coeffs=1,-4,3", "--dps", "20", "--json").stdout)
    norms = [Fraction(x) for x in factor["factor_norms"]]
    assert Fraction(factor["max_factor_norm"]) == max(norms) and max(norms) != norms[-1]
    text = run("arch", "--k", "8,8", "--s", "2,1", "--filling").output
    data = json.loads(run("arch", "--k", "8,8", "--s", "2,1", "--filling", "--json").stdout)
    witness = data["certificate"]["filter"]
    assert f"..., {', '.join(witness[-3:])}; {len(witness)} in all" in text
    line = run("tightness", "--lemma", "2.4", "--degree", "2", "--restarts", "2", "--steps", "3").output.splitlines()[1]
    assert " +/- " in line
