"""The proof registry: find the check modules and build their dependency graph (running them is :mod:`lcnsym.checking.runner`'s).

A proof module declares

``ID``
    the result's id as in RESULTS.md (``"prop-1.1"``);
``STATEMENT``
    the claim in words;
``DEPENDS_ON``
    the ids whose proofs this result's proof uses;
``check(config)``
    a function returning :class:`~lcnsym.checking.evidence.Evidence`;

and optionally ``GROUP`` (``"beyond the paper"`` for the exploration checks;
default ``"the paper"``), ``REFERENCE``, ``LIBRARY``, ``CLI``, ``EVIDENCE``.

Modules are found by name (every module of a package that declares ``ID``),
never from a hand-kept list.  In a user's folder, a file is imported, and so
runs as code, only if its syntax shows a top-level ``ID = ...`` and
``def check`` (:func:`declares_check`); other ``*.py`` files are left alone.
The dependency graph is a networkx ``DiGraph`` with an edge ``a -> b`` when
the proof of ``b`` uses ``a``.
"""

import ast
from dataclasses import dataclass
import difflib
import hashlib
import importlib
import importlib.util
from pathlib import Path
import pkgutil
import sys
import types

import networkx as nx

from lcnsym.errors import DependencyCycleError, DuplicateIdError, RegistryError, UnknownDependencyError
from lcnsym.numeric import abbreviate

__all__ = ["DEFAULT_PACKAGE", "ProofCheck", "Registry", "discover", "load_source", "load_path_module", "declares_check"]


@dataclass(frozen=True)
class ProofCheck:
    """One registered result: its id, statement, dependencies and check function."""

    id: str
    statement: str
    depends_on: tuple
    check: object
    reference: str = ""
    module: str = ""
    source: tuple = ()  # ("module", name) or ("path", file): how another process loads it
    parts: object = None  # optional parts(config) -> list, for a search split into independent pieces
    check_part: object = None  # check_part(config, part) -> Evidence
    combine: object = None  # combine(config, [Evidence]) -> Evidence
    group: str = "the paper"  # GROUP: "the paper", or "beyond the paper" for questions the paper points at

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
        if not isinstance(pid, str) or not pid or pid != pid.strip() or len(pid) > 100:
            raise RegistryError(f"proof module {name} declares no usable ID (a short text such as 'lemma-2.4'), got {abbreviate(pid)}",
                                module=name)
        statement = getattr(module, "STATEMENT", None)
        if not isinstance(statement, str) or not statement:
            raise RegistryError(f"proof module {name} ({pid}) declares no STATEMENT")
        check = getattr(module, "check", None)
        if not callable(check):
            raise RegistryError(f"proof module {name} ({pid}) has no check() function")
        deps = getattr(module, "DEPENDS_ON", ())
        if not isinstance(deps, (tuple, list)) or not all(isinstance(d, str) and d for d in deps):
            raise RegistryError(f"proof module {name} ({pid}): DEPENDS_ON must be a tuple or list of ids, got {abbreviate(deps)}",
                                module=name, id=pid)
        for attr in ("REFERENCE", "CLI", "EVIDENCE", "GROUP"):
            if not isinstance(getattr(module, attr, ""), str):
                raise RegistryError(f"proof module {name} ({pid}): {attr} must be text", module=name, id=pid)
        source = getattr(module, "__lcnsym_source__", ("module", name))
        split = [getattr(module, a, None) for a in ("parts", "check_part", "combine")]
        if any(split) and not all(callable(f) for f in split):
            raise RegistryError(f"proof module {name} ({pid}): define all of parts, check_part and combine, or none")
        return cls(pid, statement, tuple(deps), check, getattr(module, "REFERENCE", ""), name, source, *split,
                   group=getattr(module, "GROUP", "the paper") or "the paper")


def load_path_module(path):
    """Import a user's proof module from a file (each file once, under a name derived from its path)."""
    path = Path(path).resolve()
    digest = hashlib.sha1(str(path.parent).encode()).hexdigest()[:10]
    name = f"lcnsym_user_{digest}.{path.stem}"
    if name in sys.modules:
        return sys.modules[name]
    pkg = name.split(".")[0]
    if pkg not in sys.modules:
        sys.modules[pkg] = types.ModuleType(pkg)
        sys.modules[pkg].__path__ = [str(path.parent)]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    module.__lcnsym_source__ = ("path", str(path))
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # a module's sys.exit() must not end the run
        del sys.modules[name]
        raise RegistryError(f"cannot import proof module {path}: {type(exc).__name__}: {abbreviate(str(exc), 200)}",
                            path=str(path)) from None
    return module


def declares_check(path):
    """Whether a file declares a check (a top-level ``ID = ...`` and ``def check``), read from its syntax without running it.

    Raises
    ------
    RegistryError
        If the file is not Python (naming the line).
    """
    path = Path(path)
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (SyntaxError, ValueError) as exc:
        raise RegistryError(f"{path} is not valid Python: {abbreviate(str(exc), 200)}", path=str(path)) from None
    except OSError as exc:
        raise RegistryError(f"cannot read {path}: {exc.strerror or exc}", path=str(path)) from None
    assigned = {t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)}
    functions = {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if "ID" in assigned and "check" not in functions:  # meant as a check, but it cannot run: say so, not skip it
        raise RegistryError(f"{path} declares ID but no top-level def check(config)", path=str(path))
    return "ID" in assigned and "check" in functions


def load_source(source):
    """The module behind a ``ProofCheck.source``."""
    kind, where = source
    return importlib.import_module(where) if kind == "module" else load_path_module(where)


def _modules_in_dir(directory):
    directory = Path(directory)
    if not directory.is_dir():
        raise RegistryError(f"{directory} is not a folder of proof modules")
    files = [f for f in sorted(directory.glob("*.py")) if not f.name.startswith("_") and declares_check(f)]
    probe_imports(files)  # only declared modules run, as code: first in a child process, with a time limit
    return [load_path_module(f) for f in files]


IMPORT_TIMEOUT = 60
"""Seconds a folder's declared modules may take to import (in a child process, before this one imports them)."""

_PROBED = set()

_PROBE = """
import importlib.util, sys
for i, path in enumerate(sys.argv[1:]):
    print(i, flush=True)
    spec = importlib.util.spec_from_file_location(f"lcnsym_probe_{i}", path)
    try:
        spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except BaseException:
        pass  # an exception is reported by the real import, with its message
print("done", flush=True)
"""


def _probe_key(path):
    helpers = sorted(Path(path).parent.glob("_*.py"))
    return hashlib.sha256(b"".join([Path(path).read_bytes(), *[h.read_bytes() for h in helpers]])).hexdigest()


def probe_imports(files, timeout=IMPORT_TIMEOUT):
    """Import ``files`` in a child process first: a module that loops, or ends the process (``os._exit``), at import is
    refused here, naming it, instead of hanging or ending this process.  Files already probed unchanged are skipped.

    Raises
    ------
    RegistryError
        Naming the file and what it did.
    """
    import subprocess

    from lcnsym.checking.cache import default_cache

    cache = default_cache()
    marks = cache.folder / "probed" if cache else None
    todo = [Path(f) for f in files if _probe_key(f) not in _PROBED and not (marks and (marks / _probe_key(f)).exists())]
    if not todo:
        return
    try:
        proc = subprocess.run([sys.executable, "-c", _PROBE, *map(str, todo)], capture_output=True, text=True, timeout=timeout)
        out, failed = proc.stdout, proc.returncode != 0 or "done" not in proc.stdout
        why = f"ended the process (exit code {proc.returncode})"
    except subprocess.TimeoutExpired as exc:
        out, failed = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""), True
        why = f"did not finish within {timeout} s"
    if failed:
        started = [line for line in out.splitlines() if line.isdigit()]
        culprit = todo[int(started[-1])] if started else todo[0]
        raise RegistryError(f"importing the proof module {culprit} {why}; a module declares its check and returns, "
                            f"without running it at import", path=str(culprit))
    _PROBED.update(_probe_key(f) for f in todo)
    if marks:  # remembered across runs: an unchanged module is probed once
        try:
            marks.mkdir(parents=True, exist_ok=True)
            for f in todo:
                (marks / _probe_key(f)).touch()
        except OSError:
            pass


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
    >>> order = reg.order()
    >>> order.index("eq-1.5") < order.index("prop-1.1") < order.index("prop-2.1") < order.index("lemma-3.5")
    True
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
                close = difflib.get_close_matches(unknown[0], list(self.checks), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise UnknownDependencyError(
                    f"unknown check id {', '.join(abbreviate(u) for u in unknown)}{hint}; known: {', '.join(sorted(self.checks))}"
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


DEFAULT_PACKAGE = "lcnsym.proofs"
"""The package of the paper's checks, found by name (the library never imports it)."""


def discover(package=DEFAULT_PACKAGE, paths=()):
    """The registry of every proof module in ``package`` and in the folders ``paths`` (found by name).

    Parameters
    ----------
    package : str or module
        A package whose modules declare ``ID``, ``STATEMENT``, ``DEPENDS_ON`` and ``check``.
    paths : sequence of path-like
        Folders of a user's own proof modules (same declarations); they may
        depend on the package's ids.

    Returns
    -------
    Registry

    Raises
    ------
    RegistryError
        Duplicate ids, unknown dependencies, cycles, or a module that does not import.
    """
    mods = _modules_of(package)
    for p in paths:
        mods += _modules_in_dir(p)
    return Registry.from_modules(mods)
