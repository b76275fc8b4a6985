"""lcnsym.dynamics.engines._compiled: the Taylor engine's recurrences in C agree with the Python tape, node by node and
flow by flow, and the engine runs its Python tape where they cannot be built."""

from fractions import Fraction
import os
import shutil

import gmpy2
import pytest

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.engines import FlowProblem, _compiled, taylor
from lcnsym.dynamics.engines.taylor import JetTape, TaylorEngine, compiled_coefficients
from lcnsym.dynamics.losses import example_losses, parse_loss
from lcnsym.errors import WorkLimitError
from lcnsym.numeric import exact_value, to_mpfr, working_precision

needs_compiler = pytest.mark.skipif(shutil.which(os.environ.get("CC", "cc")) is None, reason="no C compiler here")


def _every_node_tape():
    """A field on two variables whose tape holds every node the compiled recurrences know."""
    tape = JetTape(2)
    x, y = tape.vars
    a = tape.sqrt(x * y + 1)  # _Mul, _Shift, _Sqrt
    b = tape.exp(x / (y * y + 2)) - tape.log(y + 3)  # _Square, _Div, _Exp, _Log, _Add and _Scale (the minus)
    c = tape.tanh(x) * 3 + tape.sech(x)  # _Tanh (shared by _Sech), _Scale, _Sech
    d = tape.lincomb([(a, Fraction(1, 3)), (b, -2), (c, Fraction(5, 7)), (tape.zero, 1)], const=Fraction(1, 5))  # and _Zero
    e = x * y + a * b  # a sum of products: _SeriesDot
    tape.outputs = [d, -e]
    tape.prune()
    return tape


def _relative_gap(fast, slow):
    return max(abs(p - q) / max(abs(q), 1) for rp, rq in zip(fast, slow) for p, q in zip(rp, rq))


@needs_compiler
def test_the_recurrences_are_compiled_where_a_compiler_is():
    assert _compiled.jets_status() == "compiled"


@needs_compiler
@pytest.mark.parametrize("arithmetic", ["F128", "MPFR"])
def test_every_node_agrees_with_the_python_tape_to_the_last_places(arithmetic):
    with working_precision(30, guard=taylor.GUARD):
        tape = _every_node_tape()
        assert {type(n) for n in tape.nodes} == set(taylor._OPCODES)  # every kind of node is exercised
        fast = compiled_coefficients(tape, arithmetic)
        assert fast.arithmetic == arithmetic
        state = [to_mpfr(Fraction(1, 2)), to_mpfr(Fraction(3, 4))]
        gap = _relative_gap(fast(state, 25), tape.coefficients(state, 25))
        assert gap < 2 ** (12 - gmpy2.get_context().precision), gap


@needs_compiler
@pytest.mark.parametrize("arithmetic", ["F128", "MPFR"])
@pytest.mark.parametrize("loss", [loss.label() for loss in example_losses()])
def test_every_loss_field_errs_no_more_than_the_python_tape(loss, arithmetic):
    """Against the Python tape at 60 digits: the compiled coefficients at 30 (its sums rounded term by term) err at most
    four times as much as the Python tape's own at 30 (exact sums of rounded products), or 2^-(prec - 10) of each
    entry's largest coefficient; measured, 3e-33 and 4e-33 at worst."""
    arch = Architecture.for_output_width((3, 2), (2, 1), dN=2)
    data, w0 = random_problem(arch, arch.d0 + 2, 1)
    flat = [x for w in w0 for x in w]

    def coefficients(dps, compiled):
        with working_precision(dps, guard=taylor.GUARD):
            tape = taylor._record_field(FlowProblem(arch, data, parse_loss(loss)), len(flat))
            state = [to_mpfr(x) for x in flat]
            rows = (compiled_coefficients(tape, arithmetic) if compiled else tape.coefficients)(state, 20)
            return [[exact_value(c) for c in row] for row in rows], gmpy2.get_context().precision

    reference, _ = coefficients(60, False)

    def error(rows):
        return max(abs(a - b) / max(abs(x) for x in ref) for row, ref in zip(rows, reference) for a, b in zip(row, ref))

    (python, _), (compiled, bits) = coefficients(30, False), coefficients(30, True)
    assert error(compiled) <= max(4 * error(python), Fraction(1, 2 ** (bits - 10))), (error(compiled), error(python))


@needs_compiler
@pytest.mark.parametrize("loss, shape", [("square", ((2, 2), (1, 1))), ("pseudo-huber:1", ((2, 2), (2, 1))),
                                         ("log-cosh:1", ((3, 3, 2), (1, 2, 1)))])
def test_flows_agree_with_the_python_engine_to_the_working_precision(loss, shape):
    """Issue: agreement with the present engine to 10^-(dps - 5); both run the same steps, so far closer."""
    arch = Architecture.for_output_width(*shape, dN=2)
    data, w0 = random_problem(arch, arch.d0 + 2, 1)
    flat = [x for w in w0 for x in w]
    ends = []
    for compiled in (True, False):
        seen = []
        TaylorEngine().integrate(FlowProblem(arch, data, parse_loss(loss)), flat, [Fraction(2)],
                                 lambda t, state: seen.append(state) or False, dps=30, compiled=compiled,
                                 max_seconds=120)  # broken recurrences fail here, not hang
        ends.append(seen[-1])
    with working_precision(30):
        assert max(abs(p - q) for p, q in zip(*ends)) < Fraction(1, 10**25)


@needs_compiler
def test_the_compiled_tape_refuses_another_precision():
    with working_precision(30, guard=taylor.GUARD):
        tape = _every_node_tape()
        fast = compiled_coefficients(tape)
    with working_precision(60), pytest.raises(ValueError, match="bits"):
        fast([to_mpfr(1), to_mpfr(1)], 3)


def test_without_the_build_the_engine_runs_its_python_tape(monkeypatch, tmp_path):
    """A compiler that fails (or none): the engine integrates with the Python tape; asked for the compiled one, it says
    why it cannot."""
    monkeypatch.setattr(_compiled, "_STATE", {})
    monkeypatch.setenv("CC", "false")
    monkeypatch.setenv("LCNSYM_BUILD_DIR", str(tmp_path))
    monkeypatch.setattr(_compiled, "_SOURCE", tmp_path / "_jets.c")  # a fresh hash: nothing built under it
    (tmp_path / "_jets.c").write_text("/* a source no compiler here builds */\n")
    assert _compiled.jets_module() is None and _compiled.jets_status().startswith("not compiled (OSError: false failed")
    arch = Architecture(1, (1, 1), (1, 1))
    data, w0 = random_problem(arch, 2, 1)
    flat = [x for w in w0 for x in w]
    problem = FlowProblem(arch, data, parse_loss("square"))
    seen = []
    TaylorEngine().integrate(problem, flat, [Fraction(1, 4)], lambda t, state: seen.append(t) or False, dps=20)
    assert seen == [Fraction(1, 4)]
    with pytest.raises(WorkLimitError, match="not available here: not compiled"):
        TaylorEngine().integrate(problem, flat, [Fraction(1, 4)], lambda t, state: False, dps=20, compiled=True)


def test_lcnsym_jets_python_turns_them_off(monkeypatch):
    monkeypatch.setenv("LCNSYM_JETS", "python")
    assert _compiled.jets_module() is None and _compiled.jets_status() == "off (LCNSYM_JETS=python)"
    with working_precision(20):
        assert compiled_coefficients(_every_node_tape()) is None


@needs_compiler
@pytest.mark.parametrize("ops, variables, outputs, words", [
    ([(0, -1, -1, 0, None, None), (2, 0, 5, 0, None, None)], [0], [1], "does not come before it"),  # x + node 5
    ([(0, -1, -1, 0, None, None), (7, -1, -1, 0, None, [(0, 4)])], [0], [1], "does not come before it"),  # a pair ahead
    ([(0, -1, -1, 0, None, None), (99, 0, 0, 0, None, None)], [0], [1], "unknown op"),
    ([(0, -1, -1, 0, None, None)], [3], [0], "not a node of the tape"),
    ([(0, -1, -1, 0, None, None), (3, 0, -1, 0, 2, None)], [0], [1], "must be a gmpy2 mpfr"),  # a scale given as int
])
@pytest.mark.parametrize("fast", [False, True])
def test_a_malformed_tape_is_refused_not_run(ops, variables, outputs, words, fast):
    """The interpreter reads node indices from its caller: out of order or out of range they would read past its arrays."""
    with pytest.raises((ValueError, TypeError), match=words):
        _compiled.jets_module().build(100, ops, variables, outputs, fast, 2)


# ---- the 128-bit floats (F128) and the threads

@needs_compiler
def test_f128_runs_up_to_its_precision_and_mpfr_above(monkeypatch):
    fast_bits = _compiled.jets_module().FAST_BITS
    for dps, expected in ((20, "F128"), (30, "F128"), (31, "MPFR"), (60, "MPFR")):
        with working_precision(dps, guard=taylor.GUARD) as bits:
            assert compiled_coefficients(_every_node_tape()).arithmetic == expected == ("F128" if bits <= fast_bits else "MPFR")
    monkeypatch.setenv("LCNSYM_JETS", "mpfr")
    with working_precision(30, guard=taylor.GUARD):
        assert compiled_coefficients(_every_node_tape()).arithmetic == "MPFR"
        with pytest.raises(ValueError, match="F128, MPFR or None"):
            compiled_coefficients(_every_node_tape(), "fast")


def _polynomial_tape():
    """Sums, products, quotients and dots only: a field whose coefficients scale as a power of a scaled state."""
    tape = JetTape(3)
    x, y, z = tape.vars
    a = tape.lincomb([(x * y, 3), (z, Fraction(-1, 7))])
    b = x * y + y * z + z * x  # a series dot
    tape.outputs = [a / (z * z + x * x), b * b, tape.lincomb([(x, 1), (y, -1)])]  # the last vanishes where x = y
    tape.prune()
    return tape


@needs_compiler
@pytest.mark.parametrize("scale", [Fraction(1), Fraction(2) ** 3000, Fraction(1, 2**3000), Fraction(-10**250, 3)])
def test_f128_keeps_far_exponents_and_exact_zeros(scale):
    """Beyond the range of a double either way, F128 and MPFR agree with the Python tape to the working precision; a
    sum that vanishes exactly (x - y at x = y) is exactly 0 in both."""
    with working_precision(30, guard=taylor.GUARD):
        tape = _polynomial_tape()
        state = [to_mpfr(scale * q) for q in (Fraction(3, 4), Fraction(3, 4), Fraction(-5, 3))]
        runs = {arithmetic: compiled_coefficients(tape, arithmetic)(state, 12) for arithmetic in ("F128", "MPFR")}
        python = tape.coefficients(state, 12)
        for rows in runs.values():
            assert rows[2][1] == 0  # z' = x - y at x = y: exactly 0
            for row, ref in zip(rows, python):
                top = max(abs(c) for c in ref)
                assert all(abs(c - r) <= top * 2 ** (14 - gmpy2.get_context().precision) for c, r in zip(row, ref))


@needs_compiler
@pytest.mark.parametrize("arithmetic", ["F128", "MPFR"])
@pytest.mark.parametrize("field", ["quotient", "root", "logarithm"])
def test_an_undefined_field_gives_non_finite_coefficients(arithmetic, field):
    """x / 0, sqrt(-1 - x^2), log 0: what the engine reads as a field that blew up (a ConvergenceError), never numbers."""
    with working_precision(30, guard=taylor.GUARD):
        tape = JetTape(1)
        (x,) = tape.vars
        zero = tape.lincomb([(x, 1), (x, -1)])
        tape.outputs = [{"quotient": x / zero, "root": tape.sqrt(-1 - x * x), "logarithm": tape.log(zero)}[field]]
        tape.prune()
        rows = compiled_coefficients(tape, arithmetic)([to_mpfr(Fraction(1, 3))], 4)
        assert not all(gmpy2.is_finite(c) for c in rows[0][1:])


@needs_compiler
def test_threads_give_the_same_bits_as_one(monkeypatch):
    """A level's nodes are shared out, never split: one thread or several compute every coefficient alike."""
    monkeypatch.setattr(_compiled, "THREADED_OPERATIONS", 0)  # small tapes too, so that shares are uneven or empty
    arch = Architecture.for_output_width((3, 2), (2, 1), dN=2)
    data, w0 = random_problem(arch, arch.d0 + 2, 1)
    flat = [x for w in w0 for x in w]
    runs = []
    for threads in ("1", "2", "3", "7"):
        monkeypatch.setenv("LCNSYM_THREADS", threads)
        with working_precision(30, guard=taylor.GUARD):
            for tape in (_every_node_tape(), taylor._record_field(FlowProblem(arch, data, parse_loss("pseudo-huber:1")), len(flat))):
                state = [to_mpfr(x) for x in (flat if len(tape.vars) == len(flat) else (Fraction(1, 2), Fraction(3, 4)))]
                runs.append((threads, [[exact_value(c) for c in row] for row in compiled_coefficients(tape, "F128")(state, 18)]))
    assert _compiled.jets_threads(1) == 7
    first = {i: rows for i, (_, rows) in enumerate(runs[:2])}
    assert all(rows == first[i % 2] for i, (_, rows) in enumerate(runs)), "threads changed a coefficient"


# ---- F128 at the bit level (campaign J: each of these caught an injected bug the tests above let through)

_OP = dict(zip(("VAR", "ZERO", "ADD", "SCALE", "SHIFT", "LINCOMB", "MUL", "DOT", "SQUARE", "DIV", "SQRT", "EXP", "LOG",
                "TANH", "SECH"), range(15)))
_X = (_OP["VAR"], -1, -1, 0, None, None)
_Z = (_OP["ZERO"], -1, -1, 0, None, None)


def _raw(ops, nvars, outputs, state, order=1, threads=1, fast=True):
    """Coefficients of a hand-built tape at 120 bits (F128 unless ``fast`` is false)."""
    module = _compiled.jets_module()
    with working_precision(prec=120):
        handle = module.build(120, ops, list(range(nvars)), outputs, fast, threads)
        assert module.arithmetic(handle) == ("F128" if fast else "MPFR")
        return module.coefficients(handle, [gmpy2.mpfr(s) for s in state], order)


def _lincomb(terms):
    return (_OP["LINCOMB"], -1, -1, 0, gmpy2.mpfr(0), [(i, gmpy2.mpfr(s)) for i, s in terms])


@needs_compiler
def test_f128_products_are_the_exact_floor():
    """A product is the top 128 bits of the exact one (then rounded to 120 at the way out): as MPFR toward zero."""
    import random

    rnd = random.Random(1)
    n = 400
    with working_precision(prec=120):
        xs = [gmpy2.mpfr(rnd.getrandbits(120)) / gmpy2.mpfr(2) ** 120 + 1 for _ in range(n)]
        ss = [gmpy2.mpfr(rnd.getrandbits(120)) / gmpy2.mpfr(2) ** 120 + 1 for _ in range(n)]
    rows = _raw([_X] * n + [(_OP["SCALE"], i, -1, 0, ss[i], None) for i in range(n)], n, [n + i for i in range(n)], xs)
    with gmpy2.context(gmpy2.context(), precision=128, round=gmpy2.RoundToZero):
        exact = [x * s for x, s in zip(xs, ss)]
    with working_precision(prec=120):
        assert all(row[1] == +e for row, e in zip(rows, exact))


@needs_compiler
@pytest.mark.parametrize("case", ["low limb only", "negative then positive", "equal exponents"])
def test_f128_cancellations_are_exact(case):
    two = gmpy2.mpfr(2)
    if case == "low limb only":  # (1 + 2^-62)^2 - (1 + 2^-61) = 2^-124: the sum lands in the accumulator's low bits
        with working_precision(prec=120):
            a = 1 + two ** -62
            ops = [_X, _X, _lincomb([(0, a), (1, -(1 + two ** -61))]), _Z]
        assert _raw(ops, 2, [2, 3], [a, 1])[0][1] == two ** -124
    elif case == "negative then positive":  # (-x) + x through an accumulator's negative value: exactly 0
        ops = [_X, _lincomb([(0, -1)]), (_OP["ADD"], 1, 0, 0, None, None)]
        assert _raw(ops, 1, [2], [Fraction(3, 4)])[0][1] == 0
    else:
        ops = [_X, _X, (_OP["ADD"], 0, 1, 0, None, None), _Z]
        assert _raw(ops, 2, [2, 3], [Fraction(5, 8), Fraction(-7, 8)])[0][1] == Fraction(-1, 4)
        assert _raw(ops, 2, [2, 3], [Fraction(-7, 8), Fraction(5, 8)])[0][1] == Fraction(-1, 4)


@needs_compiler
@pytest.mark.parametrize("d", [40, 70, 100, 130])
def test_f128_sums_keep_a_small_term_across_a_larger_one(d):
    """x 2^-d, then 1 and -1 (the sum so far moves right under the larger term), or 1, -1 then x: x survives."""
    two = gmpy2.mpfr(2)
    with working_precision(prec=120):
        x = (1 + two ** -100) * two ** -d
        small = Fraction(3, 4) / 2 ** d
    first = _raw([_X, _X, _lincomb([(0, 1), (1, 1), (1, -1)]), _Z], 2, [2, 3], [x, 1])[0][1]
    with working_precision(prec=120):
        assert first == x if d <= 70 else abs(first - x) <= abs(x) * two ** -(186 - d)
    last = _raw([_X, _X, _lincomb([(1, 1), (1, -1), (0, 1)]), _Z], 2, [2, 3], [small, 1])[0][1]
    assert exact_value(last) == small
    for k in (3, 10, 50, 70):  # -3/4, then 2^k: the negative sum moves right
        assert exact_value(_raw([_X, _X, _lincomb([(0, 1), (1, 1)]), _Z], 2, [2, 3], [Fraction(-3, 4), 2 ** k])[0][1]) \
            == 2 ** k - Fraction(3, 4)


@needs_compiler
def test_f128_an_undefined_call_does_not_spoil_the_next():
    module = _compiled.jets_module()
    with working_precision(prec=120):
        handle = module.build(120, [_X, (_OP["LOG"], 0, -1, 0, None, None)], [0], [1], True, 1)
        assert not all(gmpy2.is_finite(c) for c in module.coefficients(handle, [gmpy2.mpfr(0)], 3)[0][1:])
        assert all(gmpy2.is_finite(c) for c in module.coefficients(handle, [gmpy2.mpfr(2)], 3)[0])


_WIDE = r'''
import random, sys, gmpy2
from lcnsym.dynamics.engines import _compiled
from lcnsym.numeric import working_precision
J = _compiled.jets_module()
rnd = random.Random(5); n = 40
with working_precision(prec=120):
    ops = [(0, -1, -1, 0, None, None) for _ in range(n)]; outs = []
    for i in range(n):
        ops.append((6, i, rnd.randrange(n), 0, None, None)); m = len(ops) - 1
        ops.append((5, -1, -1, 0, gmpy2.mpfr(0.5), [(m, gmpy2.mpfr(-0.25)), ((i + 1) % n, gmpy2.mpfr(0.5))])); outs.append(len(ops) - 1)
    state = [gmpy2.mpfr(rnd.random()) for _ in range(n)]
    runs = [J.coefficients(J.build(120, ops, list(range(n)), outs, True, T), state, 20) for T in (1, 3, 4, 7)]
print("same" if all(r == runs[0] for r in runs) else "differ")
'''


@needs_compiler
@pytest.mark.parametrize("threads_can_be_made", [True, False])
def test_a_wide_tape_gives_the_same_bits_with_threads_or_without_them(threads_can_be_made):
    """Where no thread can be made (a stack limit glibc cannot map a thread stack under), the caller runs every share
    itself; with threads, each runs its own: both give one thread's bits."""
    import resource
    import subprocess
    import sys

    def limit():
        if not threads_can_be_made:  # as far as the hard limit allows (where it stops short, threads are made: same bits)
            hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
            soft = 1 << 40 if hard == resource.RLIM_INFINITY else min(1 << 40, hard)
            resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))

    done = subprocess.run([sys.executable, "-c", _WIDE], preexec_fn=limit, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LCNSYM_JETS": ""})
    assert done.stdout.strip() == "same", done.stderr[-800:]


@needs_compiler
@pytest.mark.parametrize("d", [10, 64, 70, 100, 110])
def test_f128_adds_a_term_up_to_its_last_bit(d):
    """Campaign M: 1 + 3/4 2^-d fits the 120 bits read back for d <= 110: the two-operand sum keeps it (a cut at 64 bits
    would drop it)."""
    small = Fraction(3, 4) / 2 ** d
    ops = [_X, _X, (_OP["ADD"], 0, 1, 0, None, None), _Z]
    assert exact_value(_raw(ops, 2, [2, 3], [Fraction(1), small])[0][1]) == 1 + small
    assert exact_value(_raw(ops, 2, [2, 3], [small, Fraction(1)])[0][1]) == 1 + small
