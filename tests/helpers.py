"""Helpers shared by the tests (not tests themselves)."""

from types import SimpleNamespace

from lcnsym.checking.evidence import CheckConfig, Evidence

def toy_check_module(pid, deps=(), passed=True, raises=None, name=None):
    """A stand-in for a proof module: declarations and a check that passes, fails or raises."""

    def check(config=CheckConfig()):
        if raises:
            raise raises
        return Evidence(passed, "search", "toy", 3, worst_margin="0.5", counterexample=None if passed else {"x": 1})

    return SimpleNamespace(__name__=name or f"toy.{pid}", ID=pid, STATEMENT=f"claim {pid}", DEPENDS_ON=deps, check=check)
