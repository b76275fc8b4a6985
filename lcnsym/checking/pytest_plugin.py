"""Every registered check as a pytest test, collected from its file.

Enable it with one line in the ``conftest.py`` at the root of your repository::

    pytest_plugins = ["lcnsym.checking.pytest_plugin"]

Then ``pytest`` collects the paper's checks and your own (``--lcnsym-path DIR``
or the ini option ``lcnsym_paths``) like any tests: node ids are
``path/to/module.py::ID``, ``--collect-only`` lists them, ``-k`` and ``-m``
select them (``-m "not lcnsym"`` leaves them all out).  A selected check still
has what it depends on run first (silently, as part of its own test); if one of
those did not pass, the check is skipped as blocked, with the reason.  A check
that crashes shows its traceback (``--pdb`` stops there); a false claim shows
its counterexample.
"""

import json
from pathlib import Path

import pytest

from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.checking.registry import DEFAULT_PACKAGE, ProofCheck, declares_check, discover, load_path_module
from lcnsym.checking.runner import blocked, run_check
from lcnsym.checking.status import Status

__all__ = ["CheckModule", "CheckItem", "CheckFailed"]

_STATE = pytest.StashKey()


class CheckFailed(Exception):
    """A check ran and its claim failed."""


def pytest_addoption(parser):
    group = parser.getgroup("lcnsym", "lcnsym proof checks")
    group.addoption("--lcnsym-path", action="append", default=[], metavar="DIR", help="a folder of your own proof modules")
    group.addoption("--lcnsym-profile", default="quick", choices=("quick", "thorough"), help="the checks' profile")
    group.addoption("--lcnsym-seed", type=int, default=0, help="seed of the checks' random searches")
    parser.addini("lcnsym_paths", "folders of your own proof modules (relative to the rootdir)", type="linelist", default=[])


def _folders(config):
    import importlib.util

    paper = importlib.util.find_spec(DEFAULT_PACKAGE).submodule_search_locations[0]  # by name, as discover() finds it
    user = list(config.getoption("lcnsym_path")) + [str(Path(config.rootpath) / p) for p in config.getini("lcnsym_paths")]
    return [Path(paper).resolve()] + [Path(p).resolve() for p in user]


def pytest_configure(config):
    config.addinivalue_line("markers", "lcnsym: a proof check registered with lcnsym")
    folders = _folders(config)
    registry = discover(paths=folders[1:])
    config.stash[_STATE] = {"folders": folders, "registry": registry, "results": {},
                            "config": CheckConfig(config.getoption("lcnsym_profile"), config.getoption("lcnsym_seed"))}
    for folder in folders:  # collected like any path given on the command line
        if str(folder) not in config.args:
            config.args.append(str(folder))


def pytest_collect_file(file_path, parent):
    state = parent.config.stash[_STATE]
    if file_path.suffix == ".py" and not file_path.name.startswith("_") and file_path.resolve().parent in state["folders"] \
            and declares_check(file_path):
        return CheckModule.from_parent(parent, path=file_path)
    return None


class CheckModule(pytest.File):
    """A proof module: one item, its check."""

    def collect(self):
        state = self.config.stash[_STATE]
        pid = _declared_id(self.path, state["registry"])
        yield CheckItem.from_parent(self, name=pid, check=state["registry"].checks[pid])


def _declared_id(path, registry):
    for pid, check in registry.checks.items():
        where = check.source[1] if check.source[0] == "path" else None
        if where and Path(where).resolve() == path.resolve():
            return pid
    import importlib

    for pid, check in registry.checks.items():
        if check.source[0] == "module":
            module = importlib.import_module(check.source[1])
            if Path(module.__file__).resolve() == path.resolve():
                return pid
    return ProofCheck.from_module(load_path_module(path)).id


class CheckItem(pytest.Item):
    """One registered check, run as a test."""

    def __init__(self, *, check, **kwargs):
        super().__init__(**kwargs)
        self.check = check
        self.add_marker(pytest.mark.lcnsym)

    def _dependencies_first(self, state):
        registry, results = state["registry"], state["results"]
        for pid in registry.order([self.check.id])[:-1]:
            if pid not in results:
                results[pid] = blocked(registry, pid, results) or run_check(registry.checks[pid], state["config"])

    def runtest(self):
        state = self.config.stash[_STATE]
        self._dependencies_first(state)
        stop = blocked(state["registry"], self.check.id, state["results"])
        if stop is not None:
            state["results"][self.check.id] = stop
            pytest.skip(stop.message)
        state["results"][self.check.id] = result = run_check(self.check, state["config"], self._call)
        if result.status == Status.ERROR and getattr(self, "_crash", None) is not None:
            raise self._crash  # the check's own exception: pytest shows its traceback, --pdb stops there
        self.user_properties.append(("evidence", result.evidence_text()))
        if result.status != Status.PASS:
            raise CheckFailed(result)

    def _call(self, config):
        try:
            return self.check.check(config)
        except Exception as exc:
            self._crash = exc
            raise

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CheckFailed):
            res = excinfo.value.args[0]
            text = f"{res.id}: {res.status}\n{res.evidence_text()}"
            if isinstance(res.evidence, Evidence) and res.evidence.counterexample is not None:
                text += "\ncounterexample:\n" + json.dumps(res.evidence.counterexample, indent=2, default=str)
            return text
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.check.id}: {self.check.statement}"
