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


def test_verify_only_text_and_json():
    r = run("verify", "--only", "prop-1.1")
    assert r.exit_code == 0, r.output
    assert "eq-1.5" in r.output and "prop-1.1" in r.output and "pass" in r.output
    data = json.loads(run("verify", "--only", "eq-1.5", "--json").stdout)
    (res,) = data["results"]
    assert set(res) >= {"id", "status", "evidence", "seconds"} and res["status"] == "pass"


def test_verify_exits_1_on_failure_and_blocks_dependents(monkeypatch):
    from lcnsym.evidence import Evidence
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
