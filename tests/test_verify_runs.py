"""lcnsym verify as CI uses it: reports, exit codes, broken claims, user lemmas, workers, Dask, pytest."""

import json
import textwrap
import xml.etree.ElementTree as ET

from click.testing import CliRunner
import pytest

from lcnsym.cli.main import cli
from lcnsym.checking.evidence import CheckConfig
from lcnsym.proofs import eq_1_5

from test_section1_checks import FlooringArchitecture

BUILTIN_DEP = "lemma-2.4"


def run(*args):
    return CliRunner().invoke(cli, list(args))


def reports(tmp_path, *args):
    junit, md = tmp_path / "r.xml", tmp_path / "r.md"
    r = run("verify", "--json", "--junit", str(junit), "--markdown", str(md), *args)
    return r, json.loads(r.stdout), ET.parse(junit).getroot(), md.read_text()


def junit_statuses(root):
    out = {}
    for case in root.iter("testcase"):
        kind = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
        out[case.get("name")] = {"failure": "fail", "error": "error", "skipped": "blocked"}[kind[0]] if kind else "pass"
    return out


def markdown_statuses(text):
    rows = [l.split(" | ") for l in text.splitlines() if l.startswith("| ") and not l.startswith("| id ")]
    return {r[0][2:]: r[1] for r in rows}


@pytest.mark.slow
def test_three_reports_agree(tmp_path):
    r, data, root, md = reports(tmp_path, "--only", "prop-1.1", "--seed", "7")
    assert r.exit_code == 0
    statuses = {x["id"]: x["status"] for x in data["results"]}
    assert statuses == junit_statuses(root) == markdown_statuses(md) == {"eq-1.5": "pass", "prop-1.1": "pass"}
    assert data["seed"] == 7 and data["profile"] == "quick" and data["versions"]["sympy"]
    assert {p.get("name"): p.get("value") for p in root.iter("property")}["seed"] == "7"
    assert "seed `7`" in md
    for x in data["results"]:
        assert x["evidence"] in md and x["details"]["kind"] == "exact"


def test_a_broken_claim_fails_blocks_and_shows_the_counterexample(tmp_path, monkeypatch):
    real = eq_1_5.check
    monkeypatch.setattr(eq_1_5, "check", lambda config: real(config, architecture=FlooringArchitecture))
    r, data, root, md = reports(tmp_path, "--only", "prop-2.1")
    assert r.exit_code == 1
    statuses = {x["id"]: x["status"] for x in data["results"]}
    assert statuses == junit_statuses(root) == markdown_statuses(md) == {"eq-1.5": "fail", "prop-1.1": "blocked", "prop-2.1": "blocked"}
    counterexample = data["results"][0]["details"]["counterexample"]
    assert counterexample["d0"] >= 1
    failure = next(root.iter("failure"))
    assert json.loads(failure.text) == json.loads(json.dumps(counterexample))
    assert "## What did not pass" in md and '"d0"' in md and "blocked by eq-1.5 (fail)" in md


def test_an_erroring_check_exits_3(monkeypatch):
    def boom(config):
        raise RuntimeError("the check itself broke")

    monkeypatch.setattr(eq_1_5, "check", boom)
    r = run("verify", "--only", "eq-1.5", "--json")
    assert r.exit_code == 3 and json.loads(r.stdout)["results"][0]["status"] == "error"


LEMMA = """
from lcnsym.checking.evidence import Evidence
ID = {id!r}
STATEMENT = "a user's claim"
DEPENDS_ON = {deps!r}
def check(config):
    return Evidence(True, "search", "a toy search", 3, worst_margin="0.25")
"""


def write_lemmas(folder, lemmas):
    folder.mkdir()
    for name, (pid, deps) in lemmas.items():
        (folder / f"{name}.py").write_text(LEMMA.format(id=pid, deps=tuple(deps)))
    return folder


def test_user_lemmas_run_in_order_after_builtin_ones(tmp_path):
    folder = write_lemmas(tmp_path / "mine", {"b": ("my-b", ["my-a"]), "a": ("my-a", [BUILTIN_DEP])})
    r = run("verify", "--path", str(folder), "--only", "my-b", "--json")
    assert r.exit_code == 0, r.output
    order = [x["id"] for x in json.loads(r.stdout)["results"]]
    assert order.index(BUILTIN_DEP) < order.index("my-a") < order.index("my-b")
    g = run("graph", "--path", str(folder))
    assert "my-b <- my-a" in g.output


@pytest.mark.parametrize(
    "lemmas,words",
    [
        ({"a": ("my-a", ["my-c"]), "b": ("my-b", ["my-a"]), "c": ("my-c", ["my-b"])}, "cycle: my-a -> my-b -> my-c -> my-a"),
        ({"a": ("my-a", ["lemma-99"])}, "depends on 'lemma-99'"),
        ({"a": ("prop-1.1", [])}, "id 'prop-1.1' is declared twice"),
    ],
)
def test_bad_user_folders_are_refused(tmp_path, lemmas, words):
    folder = write_lemmas(tmp_path / "mine", lemmas)
    r = run("verify", "--path", str(folder))
    assert r.exit_code == 2 and words in r.output and "Traceback" not in r.output


def test_a_user_module_that_does_not_import(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "broken.py").write_text("import not_a_module_anywhere\nID = 'x'\ndef check(config):\n    pass\n")
    r = run("verify", "--path", str(folder), "--only", "eq-1.5")
    assert r.exit_code == 2 and "cannot import proof module" in r.output


def test_files_that_declare_no_check_are_not_run(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "helper.py").write_text("import sys\nsys.exit(0)\n")  # would end the run if it were imported
    r = run("verify", "--path", str(folder), "--only", "eq-1.5", "--json")
    assert r.exit_code == 0 and [x["id"] for x in json.loads(r.stdout)["results"]] == ["eq-1.5"]
    (folder / "notes.py").write_text("this is not python (\n")
    r = run("verify", "--path", str(folder), "--only", "eq-1.5")
    assert r.exit_code == 2 and "notes.py is not valid Python" in r.output and "line 1" in r.output


def _without_timings(data):
    for x in data["results"]:
        x.pop("seconds")
        x["details"].pop("seconds")
    for key in ("workers", "scheduler"):
        data.pop(key)
    return data


@pytest.mark.slow
def test_workers_give_the_same_report():
    one = json.loads(run("verify", "--only", "prop-1.1", "--json").stdout)
    two = json.loads(run("verify", "--only", "prop-1.1", "--json", "--workers", "2").stdout)
    assert _without_timings(one) == _without_timings(two)


@pytest.mark.slow
def test_dask_cluster_gives_the_same_report():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = json.loads(run("verify", "--only", "prop-1.1", "--json", "--scheduler", cluster.scheduler_address).stdout)
    local = json.loads(run("verify", "--only", "prop-1.1", "--json").stdout)
    assert dask["scheduler"].startswith("tcp://")
    assert _without_timings(dask) == _without_timings(local)


@pytest.mark.slow
def test_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    r = run("verify", "--only", "eq-1.5", "--scheduler", "tcp://127.0.0.1:1")
    assert r.exit_code == 2 and "cannot reach the Dask scheduler" in r.output


def test_graph_formats_and_report(tmp_path):
    report = tmp_path / "r.json"
    report.write_text(run("verify", "--only", "eq-1.5", "--json").stdout)
    assert "eq-1.5 [pass]" in run("graph", "--report", str(report)).output
    mer = run("graph", "--format", "mermaid").output
    assert mer.startswith("flowchart TD") and "eq_1_5 --> prop_1_1" in mer
    assert '"eq-1.5" -> "prop-1.1";' in run("graph", "--format", "dot").output
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    r = run("graph", "--report", str(bad))
    assert r.exit_code == 2 and "is not a JSON report" in r.output


SPLIT = """
from lcnsym.checking.evidence import Evidence, combine_parts, run_in_turn
ID = "my-split"
STATEMENT = "a toy split claim whose part {bad} of 3 fails"
DEPENDS_ON = ()
def parts(config):
    return [0, 1, 2]
def check_part(config, part):
    return Evidence(part != {bad}, "search", f"part {{part}}", 1, counterexample=None if part != {bad} else {{"part": part}})
def combine(config, evidences):
    return combine_parts(evidences, "search", "three parts")
def check(config):
    return run_in_turn(parts(config), lambda p: check_part(config, p), lambda es: combine(config, es))
"""

DEPENDENT = """
from lcnsym.checking.evidence import Evidence
ID = "my-dependent"
STATEMENT = "a toy claim resting on my-split"
DEPENDS_ON = ("my-split",)
def check(config):
    return Evidence(True, "search", "toy", 1)
"""


@pytest.mark.parametrize("bad", [0, 1])
def test_a_failing_part_fails_and_blocks_with_one_worker_or_two(tmp_path, bad):
    """Injected in a campaign: a parallel run that combined only the passing parts, or that held a dependent against the
    results known before its dependency settled, passed both toys; serial and parallel must agree."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "split.py").write_text(SPLIT.format(bad=bad))
    (folder / "dependent.py").write_text(DEPENDENT)
    reports = {}
    for workers in ("1", "2"):
        r = run("verify", "--path", str(folder), "--only", "my-dependent", "--json", "--workers", workers, "--no-cache")
        assert r.exit_code == 1, (workers, r.stdout)
        reports[workers] = {x["id"]: x for x in json.loads(r.stdout)["results"]}
    for results in reports.values():
        assert results["my-split"]["status"] == "fail" and results["my-split"]["details"]["counterexample"] == {"part": bad}
        assert results["my-dependent"]["status"] == "blocked" and "my-split (fail)" in results["my-dependent"]["message"]


def test_every_status_has_its_junit_case(tmp_path, monkeypatch):
    """Injected in a campaign: a crashed check's <testcase> without <error> reads as passed on a CI dashboard (the suite's
    errors= attribute still counted it)."""
    def boom(config):
        raise RuntimeError("the check itself broke")

    monkeypatch.setattr(eq_1_5, "check", boom)
    r, data, root, md = reports(tmp_path, "--only", "prop-1.1")
    assert r.exit_code == 3
    statuses = {x["id"]: x["status"] for x in data["results"]}
    assert statuses == junit_statuses(root) == markdown_statuses(md) == {"eq-1.5": "error", "prop-1.1": "blocked"}


PROFILED = """
from lcnsym.checking.evidence import Evidence
ID = "my-profiled"
STATEMENT = "a toy claim that says what it ran with"
DEPENDS_ON = ()
def check(config):
    return Evidence(True, "search", f"profile {config.profile}, seed {config.seed}", 1)
"""


def test_the_profile_and_seed_asked_for_reach_the_checks(tmp_path):
    """Injected in a campaign: verify --profile thorough ran the checks with the quick profile under a report saying
    thorough (lemma-2.2 on 2000 pairs instead of 20000)."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "p.py").write_text(PROFILED)
    for profile, seed in (("thorough", "0"), ("quick", "3")):
        r = run("verify", "--path", str(folder), "--only", "my-profiled", "--json", "--profile", profile, "--seed", seed,
                "--no-cache")
        data = json.loads(r.stdout)
        assert r.exit_code == 0 and data["profile"] == profile and data["seed"] == int(seed)
        assert f"(profile {profile}, seed {seed})" in data["results"][0]["evidence"]


def test_one_report_that_cannot_be_written_makes_the_run_exit_3_even_if_another_is(tmp_path):
    """Campaign D: every asked report must be written: the JUnit file is, the Markdown one cannot be (a full device),
    and the run says so and exits 3 (not 0 because one report made it)."""
    import os

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    junit = tmp_path / "ok.xml"
    r = run("verify", "--only", "eq-1.5", "--markdown", "/dev/full", "--junit", str(junit))
    assert r.exit_code == 3, r.output
    assert "could not write the Markdown report" in r.output and junit.exists()


@pytest.mark.parametrize("only", [False, True])
def test_verify_gives_every_check_the_profile_and_seed_asked_for(monkeypatch, only):
    """Campaign KK: the seed (and profile) reach the checks on a full run as with --only; a check that fails only off
    seed 0 fails at --seed 1, and its evidence says which seed and profile ran."""
    from types import SimpleNamespace

    import lcnsym.cli.commands.verify as verify_command
    from lcnsym.checking.evidence import Evidence
    from lcnsym.checking.registry import Registry

    seen = []

    def check(config=CheckConfig()):
        seen.append((config.profile, config.seed))
        return Evidence(config.seed == 0, "search", f"seed {config.seed}, {config.profile}", 1,
                        counterexample=None if config.seed == 0 else {"seed": config.seed})

    toy = SimpleNamespace(__name__="toy.seeded", ID="toy-seeded", STATEMENT="holds at seed 0", DEPENDS_ON=(), check=check)
    monkeypatch.setattr(verify_command, "discover", lambda paths=(): Registry.from_modules([toy]))
    args = ["verify", "--seed", "1", "--profile", "thorough", "--no-cache", "--json"] + (["--only", "toy-seeded"] if only else [])
    r = run(*args)
    result = json.loads(r.stdout)["results"][0]
    assert seen == [("thorough", 1)] and r.exit_code == 1 and result["status"] == "fail"
