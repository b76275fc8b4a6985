"""The proof registry: find the check modules, build their graph, run them in order.

A proof module declares

``ID``
    the result's id as in RESULTS.md (``"prop-1.1"``);
``STATEMENT``
    the claim in words;
``DEPENDS_ON``
    the ids whose proofs this result's proof uses;
``check(config)``
    a function returning :class:`~lcnsym.evidence.Evidence`.

Modules are found by name (every module of a package that declares ``ID``),
never from a hand-kept list.  The dependency graph is a networkx ``DiGraph``
with an edge ``a -> b`` when the proof of ``b`` uses ``a``.
"""

from dataclasses import dataclass
import importlib
import inspect
import pkgutil
import time
import traceback

import networkx as nx

from lcnsym.errors import DependencyCycleError, DuplicateIdError, RegistryError, UnknownDependencyError
from lcnsym.evidence import CheckConfig, Evidence

__all__ = ["ProofCheck", "Registry", "CheckResult", "discover", "STATUSES"]

STATUSES = ("pass", "fail", "blocked", "error")


@dataclass(frozen=True)
class ProofCheck:
    """One registered result: its id, statement, dependencies and check function."""

    id: str
    statement: str
    depends_on: tuple
    check: object
    reference: str = ""
    module: str = ""

    @classmethod
    def from_module(cls, module):
        """Read the declarations of a proof module.

        Raises
        ------
        RegistryError
            If the module lacks ``STATEMENT`` or ``check``, or declares them wrongly.
        """
        name = module.__name__
        pid = getattr(module, "ID", None)
        if not isinstance(pid, str) or not pid:
            raise RegistryError(f"proof module {name} declares no string ID")
        statement = getattr(module, "STATEMENT", None)
        if not isinstance(statement, str) or not statement:
            raise RegistryError(f"proof module {name} ({pid}) declares no STATEMENT")
        check = getattr(module, "check", None)
        if not callable(check):
            raise RegistryError(f"proof module {name} ({pid}) has no check() function")
        deps = getattr(module, "DEPENDS_ON", ())
        if isinstance(deps, str) or not all(isinstance(d, str) for d in deps):
            raise RegistryError(f"proof module {name} ({pid}): DEPENDS_ON must be a sequence of ids, got {deps!r}")
        return cls(pid, statement, tuple(deps), check, getattr(module, "REFERENCE", ""), name)


@dataclass
class CheckResult:
    """The outcome of one check in a run: status ``pass``, ``fail``, ``blocked`` or ``error``."""

    id: str
    status: str
    evidence: object  # Evidence, or None when blocked or errored
    seconds: float
    message: str = ""

    def evidence_text(self):
        if self.evidence is not None:
            return self.evidence.summary()
        return self.message

    def as_dict(self):
        out = {"id": self.id, "status": self.status, "evidence": self.evidence_text(), "seconds": round(self.seconds, 4)}
        if self.evidence is not None:
            out["details"] = self.evidence.as_dict()
        if self.message:
            out["message"] = self.message
        return out


def _modules_of(package):
    if isinstance(package, str):
        package = importlib.import_module(package)
    mods = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(mod, "ID"):
            mods.append(mod)
    return mods


class Registry:
    """The registered checks and their dependency graph.

    Parameters
    ----------
    checks : iterable of ProofCheck

    Raises
    ------
    DuplicateIdError, UnknownDependencyError, DependencyCycleError
        If two checks share an id, a dependency names no check, or the
        dependencies form a cycle (the message names the cycle).

    Examples
    --------
    >>> reg = discover()
    >>> reg.order()[:3]
    ['eq-1.5', 'prop-1.1', 'prop-2.1']
    """

    def __init__(self, checks):
        self.checks = {}
        for c in checks:
            if c.id in self.checks:
                raise DuplicateIdError(
                    f"id {c.id!r} is declared twice: by {self.checks[c.id].module} and by {c.module}"
                )
            self.checks[c.id] = c
        graph = nx.DiGraph()
        graph.add_nodes_from(self.checks)
        for c in self.checks.values():
            for dep in c.depends_on:
                if dep not in self.checks:
                    raise UnknownDependencyError(
                        f"{c.id} ({c.module}) depends on {dep!r}, which no proof module declares"
                    )
                graph.add_edge(dep, c.id)
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            path = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
            raise DependencyCycleError(f"the proof dependencies have a cycle: {path}")
        self.graph = graph

    @classmethod
    def from_modules(cls, modules):
        """Build a registry from proof modules (objects with ``ID``, ``STATEMENT``, ``check``...)."""
        return cls(ProofCheck.from_module(m) for m in modules)

    def order(self, only=None):
        """Ids in dependency order (ties broken by id); with ``only``, those ids and what they depend on."""
        graph = self.graph
        if only:
            unknown = [i for i in only if i not in self.checks]
            if unknown:
                raise UnknownDependencyError(
                    f"unknown check id {', '.join(map(repr, unknown))}; known: {', '.join(sorted(self.checks))}"
                )
            keep = set(only)
            for i in only:
                keep |= nx.ancestors(graph, i)
            graph = graph.subgraph(keep)
        return list(nx.lexicographical_topological_sort(graph))

    def generations(self, only=None):
        """The ids grouped in topological generations (checks of one generation are independent)."""
        ids = set(self.order(only))
        return [sorted(g) for g in nx.topological_generations(self.graph.subgraph(ids))]

    def run_one(self, pid, config=None, results=None):
        """Run one check, or report it ``blocked`` if a dependency did not pass."""
        config = config or CheckConfig()
        results = results or {}
        check = self.checks[pid]
        bad = [d for d in check.depends_on if d in results and results[d].status != "pass"]
        if bad:
            return CheckResult(pid, "blocked", None, 0.0, "blocked by " + ", ".join(f"{d} ({results[d].status})" for d in bad))
        start = time.perf_counter()
        try:
            params = inspect.signature(check.check).parameters
            evidence = check.check(config) if params else check.check()
        except Exception as exc:  # a crashing check is reported, never passed
            seconds = time.perf_counter() - start
            last = traceback.extract_tb(exc.__traceback__)[-1]
            return CheckResult(pid, "error", None, seconds, f"{type(exc).__name__}: {exc} (at {last.filename}:{last.lineno})")
        seconds = time.perf_counter() - start
        if not isinstance(evidence, Evidence):
            return CheckResult(pid, "error", None, seconds, f"check() returned {type(evidence).__name__}, not Evidence")
        evidence.seconds = seconds
        return CheckResult(pid, "pass" if evidence.passed else "fail", evidence, seconds)

    def run(self, only=None, config=None, on_result=None):
        """Run the checks in dependency order; a check whose dependency failed is ``blocked``.

        Returns
        -------
        list of CheckResult
            In the order run.
        """
        results = {}
        for pid in self.order(only):
            res = self.run_one(pid, config, results)
            results[pid] = res
            if on_result is not None:
                on_result(res)
        return list(results.values())


def discover(package="lcnsym.proofs"):
    """The registry of every proof module in ``package`` (found by name).

    Parameters
    ----------
    package : str or module
        A package whose modules declare ``ID``, ``STATEMENT``, ``DEPENDS_ON`` and ``check``.

    Returns
    -------
    Registry
    """
    return Registry.from_modules(_modules_of(package))
