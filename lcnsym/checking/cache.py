"""Results of checks cached by content, so that a run re-runs only what changed.

A result is stored under a key made of everything it depends on: the check's
id and its module's source (with the ``_*.py`` helpers beside it, and for the
paper's checks the whole ``proofs`` package), the source of the library, the
versions of sympy, mpmath, python-flint and gmpy2, the profile and seed, and
the keys of the checks it depends on.  Edit a lemma and only it (and what
depends on it) runs again.  Only ``pass`` and ``fail`` are cached; errors,
time-outs and interruptions always run again.

The cache lives in ``$LCNSYM_CACHE_DIR``, else ``$XDG_CACHE_HOME/lcnsym``, else
``~/.cache/lcnsym``; ``LCNSYM_CACHE=off`` turns it off.  Besides the results by
key it keeps the last result of each id (for ``lcnsym list`` and
``verify --no-deps``).
"""

from dataclasses import dataclass
import hashlib
import importlib.util
import json
import os
from pathlib import Path
import time

from lcnsym.checking.evidence import Evidence
from lcnsym.checking.status import Status
from lcnsym.folders import cache_folder

__all__ = ["ResultCache", "default_cache", "library_fingerprint", "result_from_dict"]

_CACHED = (Status.PASS, Status.FAIL)


def _hash(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def _tree_hash(folder):
    files = sorted(Path(folder).rglob("*.py"))
    return _hash(*[f"{f.relative_to(folder)}:{_hash(f.read_bytes())}" for f in files])


_FINGERPRINT = {}


def library_fingerprint():
    """A hash of the library's source and the versions of the libraries it computes with (once per process)."""
    if not _FINGERPRINT:
        from importlib.metadata import PackageNotFoundError, version

        import lcnsym

        versions = []
        for dist in ("sympy", "mpmath", "python-flint", "gmpy2"):
            try:
                versions.append(f"{dist}={version(dist)}")
            except PackageNotFoundError:
                versions.append(f"{dist}=?")
        _FINGERPRINT["value"] = _hash(lcnsym.__version__, _tree_hash(Path(lcnsym.__file__).parent), *versions)
    return _FINGERPRINT["value"]


def _module_source(check):
    """The source a check's result depends on: its file and its helpers, or the whole package of the paper's checks."""
    kind, where = check.source
    if kind == "path":
        path = Path(where)
        helpers = sorted(p for p in path.parent.glob("_*.py"))
        return _hash(path.read_bytes(), *[h.read_bytes() for h in helpers])
    spec = importlib.util.find_spec(where)
    if spec is None or spec.origin is None:
        return _hash(where)
    return _tree_hash(Path(spec.origin).parent)


def result_from_dict(data):
    """A :class:`~lcnsym.checking.runner.CheckResult` from its ``as_dict()``."""
    from lcnsym.checking.runner import CheckResult

    details = dict(data.get("details") or {})
    evidence = None
    if details:
        details.pop("summary", None)
        evidence = Evidence(**details)
    return CheckResult(data["id"], data["status"], evidence, data.get("seconds", 0.0), data.get("message", ""),
                       data.get("output", ""), data.get("traceback", ""))


@dataclass
class ResultCache:
    """Results by key in ``folder`` (see the module docstring)."""

    folder: Path

    def key(self, check, config, dependency_keys):
        return _hash(check.id, _module_source(check), library_fingerprint(), config.profile, config.seed,
                     *[f"{d}={dependency_keys.get(d, '')}" for d in check.depends_on])

    def _path(self, key):
        return self.folder / "results" / f"{key}.json"

    def get(self, key):
        """The cached result for ``key``, marked ``cached``, or ``None``."""
        try:
            data = json.loads(self._path(key).read_text())
        except (OSError, ValueError):
            return None
        try:
            result = result_from_dict(data["result"])
        except (KeyError, TypeError, ValueError):
            return None  # an unreadable entry is a miss, never an error
        result.cached = data.get("when", True)
        return result

    def put(self, key, result, config=None):
        """Keep a ``pass`` or ``fail`` result under its key, and as the last result of its id, with the profile and seed
        of ``config`` it ran with (what ``--no-deps`` holds against the run that assumes it)."""
        ran = None if config is None else [config.profile, config.seed]
        if result.status not in _CACHED:
            self._write(self.folder / "last" / f"{_hash(result.id)}.json", result, None, ran)
            return
        self._write(self._path(key), result, key, ran)
        self._write(self.folder / "last" / f"{_hash(result.id)}.json", result, key, ran)

    def last(self, pid):
        """The last recorded result of ``pid`` with the time it was recorded, or ``None``."""
        try:
            data = json.loads((self.folder / "last" / f"{_hash(pid)}.json").read_text())
            result = result_from_dict(data["result"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        result.cached = data.get("when", True)
        ran = data.get("ran_with")
        result.ran_with = tuple(ran) if isinstance(ran, list) and len(ran) == 2 else None
        return result

    def _write(self, path, result, key, ran=None):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"result": result.as_dict(), "key": key, "ran_with": ran,
                                       "when": time.strftime("%Y-%m-%d %H:%M:%S")}, default=str))
            tmp.replace(path)  # atomic: a reader never sees half a file
        except OSError:
            pass  # a cache that cannot be written is no cache, not an error


def default_cache():
    """The cache of :envvar:`LCNSYM_CACHE_DIR` (or the user's cache folder), or ``None`` if ``LCNSYM_CACHE=off``."""
    if os.environ.get("LCNSYM_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    return ResultCache(cache_folder("LCNSYM_CACHE_DIR"))
