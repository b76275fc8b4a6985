"""Every registered check as a pytest test.

Enable it with one line in the ``conftest.py`` at the root of your repository::

    pytest_plugins = ["lcnsym.checking.pytest_plugin"]

Then ``pytest`` runs the paper's checks and your own (``--lcnsym-path DIR``
or the ini option ``lcnsym_paths``) in dependency order, with pytest's usual
selection (``-k lemma-2.4``; ``-k "not lcnsym"`` leaves them all out) and
reporting.  A check whose dependency did not pass in the same session is
skipped as blocked; a failing check shows its counterexample.
"""

import json
from pathlib import Path

import pytest

from lcnsym.checking.evidence import CheckConfig
from lcnsym.checking.registry import discover
from lcnsym.checking.runner import blocked, run_check
from lcnsym.checking.status import Status

__all__ = ["CheckItem", "CheckFailed"]

_RESULTS = pytest.StashKey()


class CheckFailed(Exception):
    """A check ran and its claim failed (or the check crashed)."""


def pytest_addoption(parser):
    group = parser.getgroup("lcnsym", "lcnsym proof checks")
    group.addoption("--lcnsym-path", action="append", default=[], metavar="DIR", help="a folder of your own proof modules")
    group.addoption("--lcnsym-profile", default="quick", choices=("quick", "thorough"), help="the checks' profile")
    group.addoption("--lcnsym-seed", type=int, default=0, help="seed of the checks' random searches")
    parser.addini("lcnsym_paths", "folders of your own proof modules (relative to the rootdir)", type="linelist", default=[])


def pytest_configure(config):
    config.addinivalue_line("markers", "lcnsym: a proof check registered with lcnsym")


class CheckItem(pytest.Item):
    """One registered check, run as a test."""

    def __init__(self, *, check, registry, check_config, **kwargs):
        super().__init__(**kwargs)
        self.check = check
        self.registry = registry
        self.check_config = check_config
        self.add_marker(pytest.mark.lcnsym)

    def runtest(self):
        results = self.session.stash.setdefault(_RESULTS, {})
        stop = blocked(self.registry, self.check.id, results)
        if stop is not None:
            results[self.check.id] = stop
            pytest.skip(stop.message)
        res = run_check(self.check, self.check_config)
        results[self.check.id] = res
        self.user_properties.append(("evidence", res.evidence_text()))
        if res.status != Status.PASS:
            raise CheckFailed(res)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CheckFailed):
            res = excinfo.value.args[0]
            text = f"{res.id}: {res.status}\n{res.evidence_text()}"
            if res.evidence is not None and res.evidence.counterexample is not None:
                text += "\ncounterexample:\n" + json.dumps(res.evidence.counterexample, indent=2, default=str)
            return text
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"lcnsym check {self.check.id}: {self.check.statement}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    paths = list(config.getoption("lcnsym_path")) + [str(Path(config.rootpath) / p) for p in config.getini("lcnsym_paths")]
    registry = discover(paths=paths)
    check_config = CheckConfig(config.getoption("lcnsym_profile"), config.getoption("lcnsym_seed"))
    for pid in registry.order():
        items.append(CheckItem.from_parent(session, name=pid, check=registry.checks[pid], registry=registry, check_config=check_config))
