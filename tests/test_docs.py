"""The docs run as written: every Python example (doctest syntax) and every shell example (``$ lcnsym ...``)."""

import doctest
import os
from pathlib import Path
import shlex
import shutil
import subprocess
import sys

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_in_page_run(page, monkeypatch):
    monkeypatch.chdir(ROOT)  # pages name paths relative to the repository root
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def shell_examples():
    """Every ``$ lcnsym ...`` line of a console block in the README and docs (the set-up lines are what .ci/run runs)."""
    for page in PAGES:
        inside = False
        for line in page.read_text().splitlines():
            if line.startswith("```"):
                inside = line.strip() in ("```console", "```bash") if not inside else False
                continue
            if inside and line.startswith("$ lcnsym "):
                yield page.name, line[2:].split("  #")[0].strip()


EXAMPLES = list(shell_examples())


@pytest.fixture(scope="module")
def results_cache(tmp_path_factory):
    """One result cache for the examples of the docs, which run in the order a reader runs them."""
    return tmp_path_factory.mktemp("lcnsym-cache")


@pytest.mark.slow
@pytest.mark.parametrize("page,command", EXAMPLES, ids=[f"{p}: {c[:50]}" for p, c in EXAMPLES])
def test_shell_examples_run_as_written(tmp_path, page, command, results_cache):
    shutil.copytree(ROOT / "docs", tmp_path / "docs")  # the examples name docs/examples/... from the root
    words = shlex.split(command)
    env_bin = Path(sys.executable).parent / "lcnsym"
    env = {**os.environ, "LCNSYM_CACHE": "on", "LCNSYM_CACHE_DIR": str(results_cache)}
    result = subprocess.run([str(env_bin), *words[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    if "converged" in result.stdout or "--json" not in words:
        assert "not converged" not in result.stdout, (command, result.stdout)  # the showcases converge


def test_there_are_shell_examples_in_the_readme():
    assert sum(page == "README.md" for page, _ in EXAMPLES) >= 10


def test_ci_workflow_installs_from_the_checkout_and_runs_a_valid_verify_command(monkeypatch):
    from lcnsym.cli.main import cli

    monkeypatch.chdir(ROOT)  # the workflow runs in the checkout: its paths are relative to it

    text = (ROOT / "docs" / "examples" / "lcnsym-verify.yml").read_text()
    assert "run: pip install ." in text and "example.org" not in text
    line = next(l for l in text.splitlines() if "run: lcnsym verify" in l)
    args = line.split("lcnsym verify", 1)[1].split()
    ctx = cli.commands["verify"].make_context("verify", args)
    assert ctx.params["paths"] and ctx.params["junit"] and ctx.params["markdown"]
    assert all((ROOT / p).is_dir() for p in ctx.params["paths"])


def test_the_results_page_is_shipped():
    text = (ROOT / "docs" / "results.md").read_text()
    assert "lemma-2.4" in text and "thm-1.2" in text
