import json

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
