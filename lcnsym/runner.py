"""Running the registered checks: in this process, on local processes, or on a Dask cluster.

Checks of one topological generation run side by side, a check starting as
soon as everything it depends on has passed.  A check that splits its search
(``parts``, ``check_part``, ``combine``) has its parts run side by side too.
Whatever runs the work, the results and their order are those of a serial
run with the same seed.
"""

from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
import time

from lcnsym.errors import LcnsymError
from lcnsym.evidence import Evidence
from lcnsym.registry import CheckResult, ProofCheck, load_source, run_check

__all__ = ["run_registry", "executor_for", "execute_check", "execute_part"]


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
        if r.status == "error":
            return CheckResult(check.id, "error", None, seconds, r.message)
    try:
        evidence = check.combine(config, [r.evidence for r in part_results])
    except Exception as exc:
        return CheckResult(check.id, "error", None, seconds, f"{type(exc).__name__} in combine: {exc}")
    evidence.seconds = seconds
    return CheckResult(check.id, "pass" if evidence.passed else "fail", evidence, seconds)


def _serial(registry, order, config, on_result, on_start):
    results = {}
    for pid in order:
        res = registry.blocked(pid, results)
        if res is None:
            if on_start:
                on_start(pid)
            res = run_check(registry.checks[pid], config)
        results[pid] = res
        if on_result:
            on_result(res)
    return [results[p] for p in order]


def run_registry(registry, order, config, executor=None, on_result=None, on_start=None):
    """Run the checks ``order`` (a topological order) of ``registry``; see :meth:`Registry.run`."""
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
                blocked = registry.blocked(pid, results)
                if blocked is not None:
                    waiting.remove(pid)
                    finish(pid, blocked)
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
                        parts.append(CheckResult(pid, "error", None, seconds, f"{type(exc).__name__}: {exc}"))
                check = registry.checks[pid]
                if check.parts is not None:
                    finish(pid, _combine(check, config, parts, seconds))
                else:
                    res = parts[0]
                    res.seconds = seconds if res.status == "error" else res.seconds
                    finish(pid, res)
    return [results[p] for p in order]
