"""Running the registered checks: in this process, on local processes, or on a Dask cluster.

Checks of one topological generation run side by side, a check starting as
soon as everything it depends on has passed.  A check that splits its search
(``parts``, ``check_part``, ``combine``) has its parts run side by side too.
Whatever runs the work, the results and their order are those of a serial
run with the same seed.
"""

from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
import inspect
import io
import signal
import threading
import time
import traceback

from lcnsym.checking.evidence import CheckConfig, Evidence
from lcnsym.checking.registry import ProofCheck, load_source
from lcnsym.checking.status import Status
from lcnsym.errors import InputError
from lcnsym.interrupts import ctrl_c_latch

__all__ = ["CheckResult", "RunResults", "CheckTimeout", "run_check", "blocked", "run", "executor_for", "execute_check", "execute_part",
           "DEFAULT_TIMEOUT", "TIMEOUTS", "MAX_OUTPUT"]

DEFAULT_TIMEOUT = 900
"""Seconds a check (or one part of a split check) may take in the quick profile before it is stopped as an ``error``;
its longest check takes under a minute."""

TIMEOUTS = {"quick": DEFAULT_TIMEOUT, "thorough": 6 * 3600}
"""The default time limit of each profile (the thorough profile's grids take tens of minutes on one core)."""

MAX_OUTPUT = 20_000
"""The most characters of a check's own printing kept in its result."""


class CheckTimeout(BaseException):
    """A check ran past its time limit (a BaseException, so that a check's ``except Exception`` cannot swallow it)."""


@contextmanager
def _time_limit(seconds):
    """Raise :class:`CheckTimeout` in this thread after ``seconds`` (main thread with SIGALRM; elsewhere no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    expired = []

    def expire(signum, frame):
        expired.append(signum)
        raise CheckTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if expired:  # raised inside an extension that swallowed it (lcnsym.interrupts): the result is not to be used
        raise CheckTimeout(seconds)


@dataclass
class CheckResult:
    """The outcome of one check in a run: a :class:`~lcnsym.checking.status.Status`, the evidence, the time."""

    id: str
    status: Status
    evidence: object  # Evidence, or None when blocked or errored
    seconds: float
    message: str = ""
    output: str = ""
    traceback: str = ""
    cached: object = False  # when the result was recorded, if it came from the cache
    ran_with: object = None  # (profile, seed) of a recorded result, if the cache knows them

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
        if self.output:
            out["output"] = self.output
        if self.traceback:
            out["traceback"] = self.traceback
        if self.cached:
            out["cached"] = self.cached
        return out


class RunResults(list):
    """The results of a run, in dependency order (a list); shown as a table in a notebook."""

    def _repr_html_(self):
        from html import escape

        rows = "".join(f"<tr><td>{escape(r.id)}</td><td style='background:{r.status.colour}'>{r.status}</td>"
                       f"<td>{escape(r.evidence_text())}</td><td>{'cached' if r.cached else f'{r.seconds:.2f}'}</td></tr>"
                       for r in self)
        return f"<table><tr><th>id</th><th>status</th><th>evidence</th><th>seconds</th></tr>{rows}</table>"


def _call_check(func, config, *args):
    params = inspect.signature(func).parameters
    return func(config, *args) if params else func(*args)


def _crash(pid, exc, seconds, output):
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return CheckResult(pid, Status.ERROR, None, seconds, f"{type(exc).__name__}: {exc}{where}", output, text)


def run_check(check, config, func=None, *args, timeout=DEFAULT_TIMEOUT):
    """Run ``check.check(config)`` (or ``func(config, *args)``) and turn the outcome into a :class:`CheckResult`.

    A crash is an ``error`` result with the exception, where it was raised and
    its traceback; so is a precision shortfall (:class:`~lcnsym.errors.PrecisionError`:
    undecided, never a pass or a failure), a ``sys.exit`` inside the check, a
    return value that is not :class:`Evidence`, and a check that runs past
    ``timeout`` seconds.  What the check prints is kept in the result, never
    mixed into the run's own output.  Ctrl-C is not caught here.
    """
    start = time.perf_counter()
    printed = io.StringIO()
    try:
        with ctrl_c_latch(), _time_limit(timeout), redirect_stdout(printed):
            evidence = _call_check(func or check.check, config, *args)
    except CheckTimeout:
        return CheckResult(check.id, Status.ERROR, None, time.perf_counter() - start,
                           f"timed out after {timeout} s (the time limit; raise it with --timeout)", _kept(printed))
    except SystemExit as exc:
        return CheckResult(check.id, Status.ERROR, None, time.perf_counter() - start,
                           f"the check called sys.exit({exc.code!r}); a check returns Evidence instead", _kept(printed))
    except Exception as exc:  # a crashing check is reported, never passed
        return _crash(check.id, exc, time.perf_counter() - start, _kept(printed))
    seconds = time.perf_counter() - start
    if not isinstance(evidence, Evidence):
        return CheckResult(check.id, Status.ERROR, None, seconds, f"check() returned {type(evidence).__name__}, not Evidence",
                           _kept(printed))
    evidence.seconds = seconds
    return CheckResult(check.id, Status.PASS if evidence.passed else Status.FAIL, evidence, seconds, output=_kept(printed))


def _kept(buffer):
    text = buffer.getvalue()
    return text if len(text) <= MAX_OUTPUT else text[:MAX_OUTPUT] + f"\n... ({len(text) - MAX_OUTPUT} more characters)"


def blocked(registry, pid, results):
    """A ``blocked`` result if a dependency of ``pid`` has a result other than ``pass``, or none in this run (a dependency
    left out of the order must not let its dependents run unguarded), else ``None``."""
    bad = [d for d in registry.checks[pid].depends_on if d not in results or results[d].status != Status.PASS]
    if not bad:
        return None
    return CheckResult(pid, Status.BLOCKED, None, 0.0, "blocked by " + ", ".join(
        f"{d} ({results[d].status if d in results else 'not run'})" for d in bad))


def run(registry, only=None, config=None, executor=None, on_result=None, on_start=None, timeout=None,
        cache=None, assume=()):
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
    timeout : float, optional
        Seconds each check (each part of a split check) may take (default: the profile's, :data:`TIMEOUTS`); past it the
        check is stopped and reported as an ``error`` (enforced in this process
        and in local worker processes; not on a Dask cluster's threads).
    cache : ResultCache, optional
        Reuse results whose inputs have not changed (:mod:`lcnsym.checking.cache`), and record new ones.
    assume : sequence of str
        Ids not run: their last recorded results are taken as given, and the
        evidence of each check that uses them says so (``verify --no-deps``).

    Returns
    -------
    list of CheckResult
        In dependency order.  On Ctrl-C, the finished results and the others
        marked ``interrupted`` (local worker processes are stopped).

    Examples
    --------
    >>> from lcnsym.checking.registry import discover
    >>> [r.status.value for r in run(discover(), only=["eq-1.5"])]
    ['pass']
    """
    order = registry.order(only)
    results = {}
    config = config or CheckConfig()
    timeout = timeout or TIMEOUTS[config.profile]
    plan = _Plan(registry, config, cache, set(assume))
    try:
        if executor is None:
            _serial(registry, order, plan, on_result, on_start, timeout, results)
        else:
            _parallel(registry, order, plan, executor, on_result, on_start, timeout, results)
    except KeyboardInterrupt:
        _stop(executor)
        for pid in order:
            if pid not in results:
                results[pid] = CheckResult(pid, Status.INTERRUPTED, None, 0.0, "interrupted before it finished")
    return RunResults(results[p] for p in order)


def _stop(executor):
    """Stop the work still running after Ctrl-C: cancel what has not started, end local worker processes."""
    if executor is None:
        return
    processes = list((getattr(executor, "_processes", None) or {}).values())  # ProcessPoolExecutor keeps them here
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def _loaded(source):
    return ProofCheck.from_module(load_source(source))


def execute_check(source, config, timeout=DEFAULT_TIMEOUT):
    """Run one whole check in a worker: load its module by ``source`` and run it."""
    return run_check(_loaded(source), config, timeout=timeout)


def execute_part(source, config, part, timeout=DEFAULT_TIMEOUT):
    """Run one part of a split check in a worker; returns its ``CheckResult``."""
    check = _loaded(source)
    return run_check(check, config, check.check_part, part, timeout=timeout)


@contextmanager
def executor_for(workers=1, scheduler=None):
    """An executor for ``workers`` local processes, or for the Dask scheduler at ``scheduler``.

    Yields ``None`` (run in this process) for one local worker.

    Raises
    ------
    InputError
        If ``workers < 1``, or the Dask scheduler cannot be reached.
    """
    if scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise InputError("--scheduler needs dask.distributed: pip install 'lcnsym[dask]'") from None
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
    elif workers < 1:
        raise InputError(f"--workers must be at least 1, got {workers}")
    elif workers == 1:
        yield None
    else:
        with ProcessPoolExecutor(workers) as pool:
            yield pool


def _combine(check, config, part_results, seconds):
    for r in part_results:
        if r.status == Status.ERROR:  # the part's traceback goes with it (a crash in a part is as readable as in a check)
            return CheckResult(check.id, Status.ERROR, None, seconds, r.message, output=r.output, traceback=r.traceback)
    try:
        evidence = check.combine(config, [r.evidence for r in part_results])
    except Exception as exc:
        return CheckResult(check.id, Status.ERROR, None, seconds, f"{type(exc).__name__} in combine: {exc}")
    evidence.seconds = seconds
    return CheckResult(check.id, Status.PASS if evidence.passed else Status.FAIL, evidence, seconds)


class _Plan:
    """What a run knows besides the checks: the config, the cache and its keys, the results taken as given."""

    def __init__(self, registry, config, cache, assume):
        self.registry, self.config, self.cache, self.assume = registry, config, cache, assume
        self.keys = {}

    def ready(self, pid):
        """A result known without running ``pid`` (assumed, or cached with the same inputs), or ``None``."""
        check = self.registry.checks[pid]
        if pid in self.assume:
            last = self.cache.last(pid) if self.cache else None
            if last is None:
                return CheckResult(pid, Status.BLOCKED, None, 0.0,
                                   f"no recorded result of {pid} to assume (run it once without --no-deps)")
            ran = getattr(last, "ran_with", None)
            if ran != (self.config.profile, self.config.seed):  # a quick seed-0 pass says nothing of a thorough run
                told = f"profile {ran[0]}, seed {ran[1]}" if ran else "an unrecorded profile and seed"
                return CheckResult(pid, Status.BLOCKED, None, 0.0,
                                   f"the recorded result of {pid} ran with {told}, not profile {self.config.profile}, seed "
                                   f"{self.config.seed} (run it once with these, without --no-deps)")
            self.keys[pid] = f"assumed:{last.cached}:{last.status}"
            return last
        self.keys[pid] = self.cache.key(check, self.config, self.keys) if self.cache else None
        return self.cache.get(self.keys[pid]) if self.cache else None

    def record(self, pid, result):
        """Note what ``pid`` assumed in its evidence, and keep the result in the cache."""
        assumed = [d for d in self.registry.checks[pid].depends_on if d in self.assume]
        if assumed and result.evidence is not None:
            result.evidence.assumptions = [f"{d}" for d in assumed]
        if self.cache and pid not in self.assume and not result.cached:
            self.cache.put(self.keys[pid], result, self.config)


def _serial(registry, order, plan, on_result, on_start, timeout, results):
    for pid in order:
        res = blocked(registry, pid, results) or plan.ready(pid)
        if res is None:
            if on_start:
                on_start(pid)
            res = run_check(registry.checks[pid], plan.config, timeout=timeout)
            plan.record(pid, res)
        results[pid] = res
        if on_result:
            on_result(res)


def _depths(registry, order):
    """The length of the longest chain of dependencies below each check (the deepest checks are the long flow checks)."""
    depth = {}
    for pid in order:
        depth[pid] = 1 + max((depth[d] for d in registry.checks[pid].depends_on if d in depth), default=0)
    return depth


def _parallel(registry, order, plan, executor, on_result, on_start, timeout, results):
    """Run the checks ``order`` of ``registry`` on ``executor``; see :func:`run`.

    Every check's work is submitted at once (the single checks that depend on
    nothing first, then the deepest), without waiting for
    what it depends on (the workers stay busy); results are settled in
    dependency order, so a check whose dependency did not pass is ``blocked``
    whatever its own work gave.
    """
    config = plan.config
    known = {}
    for pid in order:  # cached or assumed results, in order: a key needs the keys of the dependencies
        found = plan.ready(pid)
        if found is not None:
            known[pid] = found
    depth = _depths(registry, order)

    def priority(pid):  # single checks that depend on nothing first (results come early), then the deepest
        check = registry.checks[pid]
        return (0 if check.parts is None and not check.depends_on else 1, -depth[pid])

    submitted = {}
    for pid in sorted((p for p in order if p not in known), key=priority):
        check = registry.checks[pid]
        if on_start:
            on_start(pid)
        if check.parts is not None:
            futures = [executor.submit(execute_part, check.source, config, p, timeout) for p in check.parts(config)]
        else:
            futures = [executor.submit(execute_check, check.source, config, timeout)]
        submitted[pid] = (time.perf_counter(), futures)

    def settle(pid):
        stop = blocked(registry, pid, results)
        if stop is None and pid in known:
            res = known[pid]
        elif stop is None:
            start, futures = submitted[pid]
            seconds = time.perf_counter() - start
            parts = []
            for f in futures:
                try:
                    parts.append(f.result())
                except Exception as exc:  # the worker itself failed (e.g. lost)
                    parts.append(CheckResult(pid, Status.ERROR, None, seconds, f"{type(exc).__name__}: {exc}"))
            check = registry.checks[pid]
            if check.parts is not None:  # the work of its parts, not the wall time since they were queued
                res = _combine(check, config, parts, sum(p.seconds for p in parts))
            else:
                res = parts[0]
                res.seconds = seconds if res.status == Status.ERROR else res.seconds
            plan.record(pid, res)
        else:
            res = stop
            for f in submitted.get(pid, (0, []))[1]:
                f.cancel()
        results[pid] = res
        if on_result:
            on_result(res)

    waiting = list(order)
    while waiting:
        progressed = False
        for pid in list(waiting):
            deps = [d for d in registry.checks[pid].depends_on if d in waiting]
            if deps:
                continue
            ready = pid in known or blocked(registry, pid, results) is not None or all(f.done() for f in submitted[pid][1])
            if ready:
                waiting.remove(pid)
                settle(pid)
                progressed = True
        if waiting and not progressed:
            pending = [f for pid in waiting if pid in submitted for f in submitted[pid][1] if not f.done()]
            if pending:
                wait(pending, return_when=FIRST_COMPLETED)
