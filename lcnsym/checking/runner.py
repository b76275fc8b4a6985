"""Running the registered checks: in this process, on local processes, or on a Dask cluster.

Checks of one topological generation run side by side, a check starting as
soon as everything it depends on has passed.  A check that splits its search
(``parts``, ``check_part``, ``combine``) has its parts run side by side too.
Whatever runs the work, the results and their order are those of a serial
run with the same seed.
"""

from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
import inspect
import time
import traceback

from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.checking.registry import ProofCheck, load_source
from lcnsym.checking.status import Status
from lcnsym.errors import LcnsymError

__all__ = ["CheckResult", "run_check", "blocked", "run", "executor_for", "execute_check", "execute_part"]


@dataclass
class CheckResult:
    """The outcome of one check in a run: a :class:`~lcnsym.checking.status.Status`, the evidence, the time."""

    id: str
    status: Status
    evidence: object  # Evidence, or None when blocked or errored
    seconds: float
    message: str = ""

    def __post_init__(self):
        self.status = Status(self.status)

    def evidence_text(self):
        if self.evidence is not None:
            return self.evidence.summary()
        return self.message

    def as_dict(self):
        out = {"id": self.id, "status": self.status.value, "evidence": self.evidence_text(), "seconds": round(self.seconds, 4)}
        if self.evidence is not None:
            out["details"] = self.evidence.as_dict()
        if self.message:
            out["message"] = self.message
        return out


def _call_check(func, config, *args):
    params = inspect.signature(func).parameters
    return func(config, *args) if params else func(*args)


def _crash(pid, exc, seconds):
    last = traceback.extract_tb(exc.__traceback__)[-1]
    return CheckResult(pid, Status.ERROR, None, seconds, f"{type(exc).__name__}: {exc} (at {last.filename}:{last.lineno})")


def run_check(check, config, func=None, *args):
    """Run ``check.check(config)`` (or ``func(config, *args)``) and turn the outcome into a :class:`CheckResult`.

    A crash is an ``error`` result with the exception and where it was raised;
    so is a precision shortfall (:class:`~lcnsym.errors.PrecisionError`:
    undecided, never a pass or a failure); a return value that is not
    :class:`Evidence` is an ``error`` too.
    """
    start = time.perf_counter()
    try:
        evidence = _call_check(func or check.check, config, *args)
    except Exception as exc:  # a crashing check is reported, never passed
        return _crash(check.id, exc, time.perf_counter() - start)
    seconds = time.perf_counter() - start
    if not isinstance(evidence, Evidence):
        return CheckResult(check.id, Status.ERROR, None, seconds, f"check() returned {type(evidence).__name__}, not Evidence")
    evidence.seconds = seconds
    return CheckResult(check.id, Status.PASS if evidence.passed else Status.FAIL, evidence, seconds)


def blocked(registry, pid, results):
    """A ``blocked`` result if a dependency of ``pid`` has a result other than ``pass``, else ``None``."""
    bad = [d for d in registry.checks[pid].depends_on if d in results and results[d].status != Status.PASS]
    if not bad:
        return None
    return CheckResult(pid, Status.BLOCKED, None, 0.0, "blocked by " + ", ".join(f"{d} ({results[d].status})" for d in bad))


def run(registry, only=None, config=None, executor=None, on_result=None, on_start=None):
    """Run the checks of ``registry`` in dependency order; a check whose dependency did not pass is ``blocked``.

    Parameters
    ----------
    registry : Registry
    only : sequence of str, optional
        Run these ids and what they depend on.
    config : CheckConfig, optional
    executor : concurrent.futures.Executor, optional
        Run ready checks (and the parts of split searches) side by side on it;
        the results and their order are those of a serial run.
    on_result, on_start : callable, optional
        Called with each result, and with each id as it starts.

    Returns
    -------
    list of CheckResult
        In dependency order.

    Examples
    --------
    >>> from lcnsym.checking.registry import discover
    >>> [r.status.value for r in run(discover(), only=["eq-1.5"])]
    ['pass']
    """
    return _run(registry, registry.order(only), config or CheckConfig(), executor, on_result, on_start)


def _loaded(source):
    return ProofCheck.from_module(load_source(source))


def execute_check(source, config):
    """Run one whole check in a worker: load its module by ``source`` and run it."""
    return run_check(_loaded(source), config)


def execute_part(source, config, part):
    """Run one part of a split check in a worker; returns its ``CheckResult``."""
    check = _loaded(source)
    return run_check(check, config, check.check_part, part)


@contextmanager
def executor_for(workers=1, scheduler=None):
    """An executor for ``workers`` local processes, or for the Dask scheduler at ``scheduler``.

    Yields ``None`` (run in this process) for one local worker.

    Raises
    ------
    LcnsymError
        If ``workers < 1``, or the Dask scheduler cannot be reached.
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise LcnsymError("--scheduler needs dask.distributed: pip install 'lcnsym[dask]'") from None
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise LcnsymError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
    elif workers < 1:
        raise LcnsymError(f"--workers must be at least 1, got {workers}")
    elif workers == 1:
        yield None
    else:
        with ProcessPoolExecutor(workers) as pool:
            yield pool


def _combine(check, config, part_results, seconds):
    for r in part_results:
        if r.status == Status.ERROR:
            return CheckResult(check.id, Status.ERROR, None, seconds, r.message)
    try:
        evidence = check.combine(config, [r.evidence for r in part_results])
    except Exception as exc:
        return CheckResult(check.id, Status.ERROR, None, seconds, f"{type(exc).__name__} in combine: {exc}")
    evidence.seconds = seconds
    return CheckResult(check.id, Status.PASS if evidence.passed else Status.FAIL, evidence, seconds)


def _serial(registry, order, config, on_result, on_start):
    results = {}
    for pid in order:
        res = blocked(registry, pid, results)
        if res is None:
            if on_start:
                on_start(pid)
            res = run_check(registry.checks[pid], config)
        results[pid] = res
        if on_result:
            on_result(res)
    return [results[p] for p in order]


def _run(registry, order, config, executor=None, on_result=None, on_start=None):
    """Run the checks ``order`` (a topological order) of ``registry``; see :func:`run`."""
    if executor is None:
        return _serial(registry, order, config, on_result, on_start)
    results, waiting = {}, list(order)
    running = {}  # pid -> (start time, futures)
    owner = {}  # future -> pid

    def finish(pid, res):
        results[pid] = res
        if on_result:
            on_result(res)

    while waiting or running:
        progressed = True
        while progressed:  # blocked results can cascade
            progressed = False
            for pid in list(waiting):
                deps = registry.checks[pid].depends_on
                stop = blocked(registry, pid, results)
                if stop is not None:
                    waiting.remove(pid)
                    finish(pid, stop)
                    progressed = True
                elif all(d in results or d not in order for d in deps):
                    waiting.remove(pid)
                    check = registry.checks[pid]
                    if on_start:
                        on_start(pid)
                    if check.parts is not None:
                        futures = [executor.submit(execute_part, check.source, config, p) for p in check.parts(config)]
                    else:
                        futures = [executor.submit(execute_check, check.source, config)]
                    running[pid] = (time.perf_counter(), futures)
                    owner.update({f: pid for f in futures})
        if not running:
            break
        done, _ = wait(list(owner), return_when=FIRST_COMPLETED)
        for f in done:
            owner.pop(f)
        for pid in list(running):
            start, futures = running[pid]
            if all(f.done() for f in futures):
                del running[pid]
                seconds = time.perf_counter() - start
                parts = []
                for f in futures:
                    try:
                        parts.append(f.result())
                    except Exception as exc:  # the worker itself failed (e.g. lost)
                        parts.append(CheckResult(pid, Status.ERROR, None, seconds, f"{type(exc).__name__}: {exc}"))
                check = registry.checks[pid]
                if check.parts is not None:
                    finish(pid, _combine(check, config, parts, seconds))
                else:
                    res = parts[0]
                    res.seconds = seconds if res.status == Status.ERROR else res.seconds
                    finish(pid, res)
    return [results[p] for p in order]
