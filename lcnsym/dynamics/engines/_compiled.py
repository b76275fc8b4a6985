"""The Taylor engine's recurrences in C (``_jets.c``): built once per machine with the C compiler, against gmpy2's own
headers and MPFR, and loaded as an extension module; ``None`` where that cannot be done (the engine then runs its
Python tape, with the same results to the working precision).

The build lands in ``$LCNSYM_BUILD_DIR`` (default ``~/.cache/lcnsym/build``), named by a hash of the source, the
Python and the gmpy2 version, so a changed source or a new gmpy2 builds again.  ``LCNSYM_JETS=python`` turns it off;
``LCNSYM_JETS=mpfr`` keeps the recurrences on MPFR at every precision (not on their 128-bit floats, see
:func:`jets_arithmetic`).
"""

import hashlib
import importlib.machinery
import importlib.util
import os
from pathlib import Path
import subprocess
import sys
import sysconfig
import tempfile

import gmpy2

from lcnsym.folders import cache_folder

__all__ = ["jets_module", "jets_status", "jets_threads", "jets_arithmetic"]

THREADED_OPERATIONS = 20_000
"""The multiply-adds of a step at the lowest order above which its levels are shared between threads (below, a level's
work is too short for their barriers)."""

_SOURCE = Path(__file__).with_name("_jets.c")
_STATE = {}


def _gmpy2_paths():
    """gmpy2's headers (``gmpy2.h``, ``mpfr.h``, ``gmp.h``) and the MPFR and GMP libraries it runs on."""
    package = Path(gmpy2.__file__).parent
    libs = package.parent / "gmpy2.libs"  # a wheel's own copies; else the system's
    found = sorted(libs.glob("libmpfr*.so*")) + sorted(libs.glob("libgmp*.so*")) if libs.is_dir() else []
    return package, libs, found


def _build():
    package, libs, found = _gmpy2_paths()
    if not (package / "gmpy2.h").exists():
        raise OSError(f"gmpy2 {gmpy2.version()} has no gmpy2.h to build against")
    source = _SOURCE.read_bytes()
    tag = hashlib.sha256(source + sys.version.encode() + gmpy2.version().encode() + str(package).encode()).hexdigest()[:16]
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    target = cache_folder("LCNSYM_BUILD_DIR", "build") / f"_lcnsym_jets_{tag}{suffix}"
    if not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError:  # no writable cache folder: the system's temporary one
            target = Path(tempfile.gettempdir()) / "lcnsym-build" / target.name
            target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        compiler = os.environ.get("CC", "cc")
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            out = Path(tmp) / target.name
            links = [str(p) for p in found] + ([f"-Wl,-rpath,{libs}"] if found else ["-lmpfr", "-lgmp"])
            command = [compiler, "-O2", "-pthread", "-shared", "-fPIC", f"-I{sysconfig.get_paths()['include']}", f"-I{package}",
                       str(_SOURCE), "-o", str(out), *links]
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                raise OSError(f"{compiler} failed: {done.stderr.strip()[-500:]}")
            os.replace(out, target)  # atomic: a parallel worker never loads half a file
    spec = importlib.util.spec_from_file_location("_lcnsym_jets", target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def jets_module():
    """The compiled recurrences (an extension module with ``build`` and ``coefficients``), or ``None``.

    Built at the first call of a process (a second or so, once per machine); a failure is kept in
    :func:`jets_status` and not tried again in the process."""
    if os.environ.get("LCNSYM_JETS", "").lower() == "python":
        return None
    if "module" not in _STATE:
        try:
            _STATE["module"], _STATE["status"] = _build(), "compiled"
        except (OSError, ImportError, subprocess.SubprocessError) as exc:
            _STATE["module"], _STATE["status"] = None, f"not compiled ({type(exc).__name__}: {exc})"
    return _STATE["module"]


def jets_status():
    """``"compiled"``, ``"off (LCNSYM_JETS=python)"`` or why the build failed."""
    if os.environ.get("LCNSYM_JETS", "").lower() == "python":
        return "off (LCNSYM_JETS=python)"
    jets_module()
    return _STATE["status"]


def jets_threads(operations):
    """The threads that share a step of ``operations`` multiply-adds (at the lowest order): the cores this process may
    use, or ``$LCNSYM_THREADS``; one for a small field."""
    if operations < THREADED_OPERATIONS:
        return 1
    chosen = os.environ.get("LCNSYM_THREADS", "")
    if chosen.isdigit() and int(chosen) >= 1:
        return min(int(chosen), 64)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 8))


def jets_arithmetic(prec):
    """What the compiled recurrences compute with at ``prec`` bits: ``"F128"`` (their own 128-bit floats, which err
    less than MPFR at up to ``FAST_BITS`` bits) or ``"MPFR"`` (above, or with ``LCNSYM_JETS=mpfr``); ``None`` where
    they are not compiled."""
    module = jets_module()
    if module is None:
        return None
    if os.environ.get("LCNSYM_JETS", "").lower() == "mpfr" or prec > module.FAST_BITS:
        return "MPFR"
    return "F128"
