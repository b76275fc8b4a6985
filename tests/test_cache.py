"""lcnsym.checking.cache: results by content; only what changed runs again."""

import json

from click.testing import CliRunner
import pytest

from lcnsym.checking.cache import ResultCache, default_cache
from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.checking.runner import CheckResult
from lcnsym.cli.main import cli

LEMMA = """
from lcnsym.checking.evidence import Evidence
ID = {id!r}
STATEMENT = "a toy claim"
DEPENDS_ON = {deps!r}
def check(config):
    return Evidence(True, "search", {scope!r}, 1)
"""


@pytest.fixture
def cache_on(tmp_path, monkeypatch):
    monkeypatch.setenv("LCNSYM_CACHE", "on")
    monkeypatch.setenv("LCNSYM_CACHE_DIR", str(tmp_path / "cache"))
    return default_cache()


def test_the_cache_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("LCNSYM_CACHE", "off")
    assert default_cache() is None


def test_results_round_trip_and_only_pass_and_fail_are_kept(tmp_path):
    cache = ResultCache(tmp_path)
    ok = CheckResult("x", "pass", Evidence(True, "exact", "all", 3, details={"n": 1}), 0.5)
    cache.put("k1", ok)
    back = cache.get("k1")
    assert back.status == "pass" and back.evidence.summary() == ok.evidence.summary() and back.cached
    cache.put("k2", CheckResult("y", "error", None, 0.1, "boom"))
    assert cache.get("k2") is None and cache.last("y").status == "error"
    (tmp_path / "results" / "k3.json").write_text("{not json")
    assert cache.get("k3") is None  # unreadable: a miss, never an error


def _statuses(result):
    return {x["id"]: ("cached" if x.get("cached") else x["status"]) for x in json.loads(result.stdout)["results"]}


def test_unchanged_checks_are_not_run_again_and_an_edit_reruns_only_it(tmp_path, cache_on):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.py").write_text(LEMMA.format(id="my-a", deps=("eq-1.5",), scope="first"))
    (folder / "b.py").write_text(LEMMA.format(id="my-b", deps=("my-a",), scope="second"))
    run = lambda *extra: CliRunner().invoke(cli, ["verify", "--path", str(folder), "--only", "my-b", "--json", *extra])
    assert _statuses(run()) == {"eq-1.5": "pass", "my-a": "pass", "my-b": "pass"}
    assert _statuses(run()) == {"eq-1.5": "cached", "my-a": "cached", "my-b": "cached"}
    (folder / "b.py").write_text(LEMMA.format(id="my-b", deps=("my-a",), scope="second, edited"))
    assert _statuses(run()) == {"eq-1.5": "cached", "my-a": "cached", "my-b": "pass"}
    (folder / "a.py").write_text(LEMMA.format(id="my-a", deps=("eq-1.5",), scope="first, edited"))
    assert _statuses(run()) == {"eq-1.5": "cached", "my-a": "pass", "my-b": "pass"}  # what depends on it runs too
    assert _statuses(run("--no-cache")) == {"eq-1.5": "pass", "my-a": "pass", "my-b": "pass"}


def test_no_deps_takes_recorded_results_and_says_so(tmp_path, cache_on):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.py").write_text(LEMMA.format(id="my-a", deps=("eq-1.5",), scope="first"))
    r = CliRunner().invoke(cli, ["verify", "--path", str(folder), "--only", "my-a", "--no-deps", "--json"])
    assert r.exit_code == 1 and "no recorded result of eq-1.5" in r.stdout
    CliRunner().invoke(cli, ["verify", "--only", "eq-1.5"])
    r = CliRunner().invoke(cli, ["verify", "--path", str(folder), "--only", "my-a", "--no-deps", "--json"])
    mine = [x for x in json.loads(r.stdout)["results"] if x["id"] == "my-a"][0]
    assert r.exit_code == 0 and "assuming the recorded results of eq-1.5" in mine["evidence"]


def test_a_result_is_not_reused_for_another_seed_or_profile(tmp_path, cache_on):
    """Injected in a campaign: a key without the seed served the seed-0 pass to a --seed 1 run whose report said seed 1."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.py").write_text(LEMMA.format(id="my-a", deps=(), scope="toy"))
    run = lambda *extra: CliRunner().invoke(cli, ["verify", "--path", str(folder), "--only", "my-a", "--json", *extra])
    assert _statuses(run("--seed", "0")) == {"my-a": "pass"}
    assert _statuses(run("--seed", "1")) == {"my-a": "pass"}
    assert _statuses(run("--seed", "1", "--profile", "thorough")) == {"my-a": "pass"}
    assert _statuses(run("--seed", "0")) == {"my-a": "cached"}


def test_a_helper_of_the_papers_package_is_part_of_its_checks_key(tmp_path, monkeypatch):
    """Injected in a campaign: a package check keyed on its own file only kept lemma-3.5's cached pass after
    proofs/_flows.py was broken.  A package of two modules on sys.path: editing the helper changes the other's key."""
    from lcnsym.checking.registry import ProofCheck

    package = tmp_path / "toyproofs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_helper.py").write_text("X = 1\n")
    (package / "lemma.py").write_text(LEMMA.format(id="my-lemma", deps=(), scope="toy"))
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib

    check = ProofCheck.from_module(importlib.import_module("toyproofs.lemma"))
    assert check.source == ("module", "toyproofs.lemma")
    cache, config = ResultCache(tmp_path / "cache"), CheckConfig()
    before = cache.key(check, config, {})
    (package / "_helper.py").write_text("X = 2\n")
    assert cache.key(check, config, {}) != before


def test_the_library_source_is_part_of_every_key(monkeypatch):
    """Injected in a campaign: a fingerprint of the versions alone kept lemma-2.2's cached pass after the library was
    broken.  The fingerprint must follow the library's files."""
    from lcnsym.checking import cache as cache_module

    seen = []
    for tree in ("one", "two"):
        monkeypatch.setattr(cache_module, "_FINGERPRINT", {})  # memoized per process: start afresh
        monkeypatch.setattr(cache_module, "_tree_hash", lambda folder, tree=tree: tree)
        seen.append(cache_module.library_fingerprint())
    assert seen[0] != seen[1]


def test_no_deps_refuses_a_result_recorded_with_another_profile_or_seed(tmp_path, cache_on):
    """--no-deps assumes a recorded result only if it ran with the run's profile and seed (a quick seed-0 pass says
    nothing of a thorough run); a result recorded without them is refused too."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.py").write_text(LEMMA.format(id="my-a", deps=(), scope="first"))
    (folder / "b.py").write_text(LEMMA.format(id="my-b", deps=("my-a",), scope="second"))
    run = lambda *extra: CliRunner().invoke(cli, ["verify", "--path", str(folder), "--json", *extra])
    assert run("--only", "my-a", "--seed", "2").exit_code == 0
    r = run("--only", "my-b", "--no-deps", "--seed", "3")
    results = {x["id"]: x for x in json.loads(r.stdout)["results"]}
    assert r.exit_code == 1 and "ran with profile quick, seed 2, not profile quick, seed 3" in results["my-a"]["message"]
    assert results["my-b"]["status"] == "blocked"
    assert run("--only", "my-b", "--no-deps", "--seed", "2").exit_code == 0
    cache_on.put("ignored", CheckResult("my-a", "pass", Evidence(True, "search", "old", 1), 0.1))  # no profile, no seed
    r = run("--only", "my-b", "--no-deps", "--seed", "2")
    assert r.exit_code == 1 and "an unrecorded profile and seed" in r.stdout


def test_a_helper_beside_a_path_check_is_part_of_its_key(tmp_path, cache_on):
    """Campaign I: a ``--path`` folder's ``_*.py`` helpers are part of its checks' keys: editing one reruns them."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "_shared.py").write_text("X = 1\n")
    (folder / "a.py").write_text(LEMMA.format(id="my-a", deps=(), scope="first"))
    run = lambda: CliRunner().invoke(cli, ["verify", "--path", str(folder), "--only", "my-a", "--json"])
    assert _statuses(run()) == {"my-a": "pass"}
    assert _statuses(run()) == {"my-a": "cached"}
    (folder / "_shared.py").write_text("X = 2\n")
    assert _statuses(run()) == {"my-a": "pass"}


def test_a_file_in_a_subpackage_is_part_of_the_tree_hash(tmp_path):
    """Campaign N: the library's source is hashed with its subpackages (every file of lcnsym lives in one)."""
    from lcnsym.checking.cache import _tree_hash

    (tmp_path / "sub").mkdir()
    (tmp_path / "top.py").write_text("A = 1\n")
    (tmp_path / "sub" / "deep.py").write_text("B = 1\n")
    before = _tree_hash(tmp_path)
    (tmp_path / "sub" / "deep.py").write_text("B = 2\n")
    assert _tree_hash(tmp_path) != before


def test_the_last_result_is_the_newest_whatever_it_says(tmp_path):
    """Campaign KK: a fail recorded after a pass is the last result (--no-deps must not assume the stale pass), and a
    pass after a fail likewise; under a new key each time, as after an edit."""
    cache = ResultCache(tmp_path)
    passed = CheckResult("a", "pass", Evidence(True, "exact", "all", 3), 0.5)
    failed = CheckResult("a", "fail", Evidence(False, "search", "some", 2, counterexample={"x": 1}), 0.25)
    cache.put("k1", passed, CheckConfig())
    cache.put("k2", failed, CheckConfig())
    assert cache.last("a").status == "fail"
    cache.put("k3", passed, CheckConfig())
    assert cache.last("a").status == "pass"
