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
