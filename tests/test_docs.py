"""Every code example in README.md and docs/ runs (doctest syntax)."""

import doctest
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_in_page_run(page, monkeypatch):
    monkeypatch.chdir(ROOT)  # pages name paths relative to the repository root
    result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_ci_workflow_runs_a_valid_verify_command():
    from lcnsym.cli.main import cli

    text = (ROOT / "docs" / "examples" / "lcnsym-verify.yml").read_text()
    line = next(l for l in text.splitlines() if "run: lcnsym verify" in l)
    args = line.split("lcnsym verify", 1)[1].split()
    ctx = cli.commands["verify"].make_context("verify", args)
    assert ctx.params["paths"] and ctx.params["junit"] and ctx.params["markdown"]
