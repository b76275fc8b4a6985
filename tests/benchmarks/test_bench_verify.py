"""``--workers 2`` against ``--workers 1`` on the thorough profile (issue: verify for CI).

Run: ``pytest tests/benchmarks/test_bench_verify.py -m perf -s``.  Both runs
do the same work (the thorough grid of prop-1.1, every N <= 5) in the same
session; the ratio is printed.
"""

import time

from lcnsym.checking.evidence import CheckConfig
from lcnsym.checking.registry import discover
from lcnsym.checking.runner import executor_for, run


def _timed(workers, only):
    registry = discover()
    start = time.perf_counter()
    with executor_for(workers) as executor:
        results = run(registry, only, CheckConfig("thorough", 0), executor=executor)
    return time.perf_counter() - start, results


def test_two_workers_against_one_on_the_thorough_profile():
    only = ["prop-1.1"]
    t1, r1 = _timed(1, only)
    t2, r2 = _timed(2, only)
    print(f"\nthorough prop-1.1 (+ eq-1.5): --workers 1 {t1:.1f} s, --workers 2 {t2:.1f} s, ratio {t1 / t2:.2f}x")
    assert [r.status for r in r1] == [r.status for r in r2] == ["pass", "pass"]
    assert [r.evidence.summary() for r in r1] == [r.evidence.summary() for r in r2]
    assert t2 < t1
