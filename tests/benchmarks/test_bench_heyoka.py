"""The Taylor engine against heyoka, side by side (issue: "keep the Taylor engine at or below heyoka's time").

Run: ``pytest tests/benchmarks/test_bench_heyoka.py -m perf -s`` (needs ``pip install heyoka``;
skipped without it).  heyoka is an LLVM-compiled Taylor integrator; here it runs
in its multiprecision ``real`` type at 100 bits (about 30 digits, its default
tolerance, ``2^-99``), lcnsym's Taylor engine at ``dps = 30``.  Both integrate
the same flow ``dw/dt = -grad L(w)`` from ``t = 0`` to ``t = 20``: heyoka's
system is written here as expressions (the final filter ``v = pi(w)`` by the
recursion (3.11) on heyoka variables, the residuals ``(v * x_j)_r - y_jr``, the
risk ``L = sum phi(residual)``, its gradient by ``heyoka.diff_tensors``).

Flows: the square and the pseudo-Huber loss (``pseudo-huber:1``, lcnsym's
``phi(r) = delta sqrt(1 + r^2/delta^2)``; a constant does not change the flow)
on ``k = (2,2), (3,2), (3,3), (3,3,2), (4,3,2)`` (``kbar = 4, 5, 6, 8, 9``),
``d_N = 2``, ``m = 8``, seed 1; and the problem of ``test_bench_flow.py``
(``k = (2,2)``, ``s = (1,1)``, ``d0 = 4``, ``m = 6``, square).  Per flow the table gives
lcnsym's time (the whole ``gradient_flow`` call), heyoka's integration time
(``propagate_until``; building the expressions and the JIT compilation are
reported apart and not counted), their ratio, and the largest difference of
the final states.  Timings are the best of three, ours and heyoka's
interleaved, so a busy machine slows both alike.
"""

import time

import mpmath
import pytest

hy = pytest.importorskip("heyoka")

from lcnsym.algebra.architecture import Architecture  # noqa: E402
from lcnsym.algebra.coefficients import final_filter_recursive  # noqa: E402
from lcnsym.dynamics.data import random_problem  # noqa: E402
from lcnsym.dynamics.flow import gradient_flow  # noqa: E402
from lcnsym.dynamics.losses import parse_loss  # noqa: E402

PREC = 100  # heyoka's bits: about 30 digits, as dps = 30
DPS = 30
T_MAX = 20
REPEAT = 3
AGREEMENT = 1e-25  # the final states agree to ~1e-28; both integrate with tolerance ~1e-30

LOSSES = ("square", "pseudo-huber:1")
SHAPES = (((2, 2), (1, 1)), ((3, 2), (1, 1)), ((3, 3), (2, 1)), ((3, 3, 2), (1, 2, 1)), ((4, 3, 2), (1, 1, 1)))


def _const(q):
    """A rational of the data as a heyoka constant, exactly (the random data are multiples of 1/4)."""
    assert float(q) == q, f"{q} is not a binary float"
    return hy.expression(float(q))


def _phi(loss, r):
    """lcnsym's ``phi`` as a heyoka expression (lcnsym/dynamics/losses)."""
    if loss.name == "square":
        return r * r
    if loss.name == "pseudo-huber":
        d = _const(loss.delta)
        return d * hy.sqrt(1.0 + r * r / (d * d))
    raise ValueError(f"no heyoka phi for {loss.name}")


def heyoka_field(arch, data, loss):
    """``[(w, -dL/dw)]`` for heyoka: ``v = pi(w)`` by the recursion (3.11), ``L = sum_{j,r} phi((v * x_j)_r - y_jr)``."""
    names = [f"w{i}_{j}" for i, ki in enumerate(arch.k, 1) for j in range(1, ki + 1)]
    xs = hy.make_vars(*names)
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    filters, i = [], 0
    for ki in arch.k:
        filters.append(xs[i:i + ki])
        i += ki
    v = final_filter_recursive(filters, arch.s)
    terms = []
    for j in range(data.m):
        for r in range(arch.dN):
            base = r * arch.s_v
            z = [v[k] * _const(data.X[base + k][j]) for k in range(len(v)) if data.X[base + k][j] != 0]
            z = hy.sum(z) if z else hy.expression(0.0)
            terms.append(_phi(loss, z - _const(data.Y[r][j])))
    L = hy.sum(terms)
    grad = hy.diff_tensors([L], diff_args=xs, diff_order=1).gradient
    return [(x, -g) for x, g in zip(xs, grad)]


def _max_difference(ours, theirs):
    """``max |a - b|`` over the final states: heyoka's 100-bit numbers read from their 32 digits, at 200 bits."""
    with mpmath.workprec(200):
        return max(abs(mpmath.mpf(str(b)) - a) for a, b in zip((c for w in ours for c in w), theirs))


def side_by_side(k, s, m, loss_text, seed=1):
    arch = Architecture.for_output_width(k, s, dN=2)
    data, w0 = random_problem(arch, m, seed)
    loss = parse_loss(loss_text)
    start = time.perf_counter()
    field = heyoka_field(arch, data, loss)
    t_build = time.perf_counter() - start
    init = [hy.real(float(c), PREC) for w in w0 for c in w]
    assert all(float(c) == c for w in w0 for c in w)
    start = time.perf_counter()
    ta = hy.taylor_adaptive(field, init, fp_type=hy.real, prec=PREC)
    t_jit = time.perf_counter() - start
    t_end = hy.real(T_MAX, PREC)
    ours_times, theirs_times = [], []
    for _ in range(REPEAT):
        start = time.perf_counter()
        traj = gradient_flow(arch, data, loss, w0, t_max=T_MAX, dps=DPS, samples=1)
        ours_times.append(time.perf_counter() - start)
        ta.time = hy.real(0, PREC)
        ta.state[:] = init
        start = time.perf_counter()
        outcome = ta.propagate_until(t_end)
        theirs_times.append(time.perf_counter() - start)
        assert outcome[0] == hy.taylor_outcome.time_limit, outcome
    assert traj.times[-1] == T_MAX and not traj.converged
    ours, theirs = min(ours_times), min(theirs_times)
    return {"k": k, "s": s, "d0": arch.d0, "m": m, "kbar": arch.kbar, "loss": loss_text, "ours": ours, "heyoka": theirs,
            "ratio": ours / theirs, "build": t_build, "jit": t_jit, "steps": outcome[3],
            "diff": float(_max_difference(traj.states[-1], ta.state))}


def _header():
    print(f"\n{'k':10s} {'s':10s} {'d0':>3s} {'m':>2s} {'kbar':>4s} {'loss':15s} {'ours (s)':>9s} {'heyoka (s)':>10s} "
          f"{'ours/heyoka':>11s} {'build (s)':>9s} {'JIT (s)':>8s} {'hy steps':>8s} {'max |diff|':>10s}")


def _row(r):
    print(f"{str(r['k']):10s} {str(r['s']):10s} {r['d0']:3d} {r['m']:2d} {r['kbar']:4d} {r['loss']:15s} {r['ours']:9.3f} "
          f"{r['heyoka']:10.3f} {r['ratio']:11.2f} {r['build']:9.3f} {r['jit']:8.2f} {r['steps']:8d} {r['diff']:10.1e}", flush=True)


def _check(rows):
    for r in rows:
        assert r["diff"] < AGREEMENT, f"{r['k']} {r['loss']}: final states differ by {r['diff']:.2e}"
    slower = [f"{r['k']} {r['loss']}: {r['ratio']:.2f}x" for r in rows if r["ours"] > r["heyoka"]]
    assert not slower, f"the Taylor engine is slower than heyoka's integration on {len(slower)} of {len(rows)} flows: " + \
        ", ".join(slower)


def test_benchmark_problem_against_heyoka():
    _header()
    rows = [side_by_side((2, 2), (1, 1), 6, "square")]
    _row(rows[0])
    assert rows[0]["d0"] == 4
    _check(rows)


def test_ten_flows_against_heyoka():
    _header()
    rows = []
    for k, s in SHAPES:
        for loss_text in LOSSES:
            rows.append(side_by_side(k, s, 8, loss_text))
            _row(rows[-1])
    assert sorted({r["kbar"] for r in rows}) == [4, 5, 6, 8, 9]
    _check(rows)
