"""lcnsym.interrupts: Ctrl-C is never lost, even where an extension swallows the exception it raised."""

import os
import signal
import time

import pytest

from lcnsym.interrupts import ctrl_c_latch


@pytest.fixture(autouse=True)
def ctrl_c_raises():
    """Python's own SIGINT handler, also where pytest runs in a job that ignores SIGINT (a shell's background job)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _ctrl_c_swallowed():
    """Ctrl-C whose KeyboardInterrupt is caught and dropped, as python-flint's ``acb_poly.roots`` drops it."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
    except KeyboardInterrupt:
        pass


def test_a_swallowed_ctrl_c_is_raised_again_at_check_and_at_the_end():
    with pytest.raises(KeyboardInterrupt):
        with ctrl_c_latch() as latch:
            _ctrl_c_swallowed()
            assert latch.seen
            with pytest.raises(KeyboardInterrupt):
                latch.check()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_without_ctrl_c_nothing_happens_and_the_handler_is_restored():
    with ctrl_c_latch() as latch:
        latch.check()
    assert not latch.seen and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_process_that_ignores_ctrl_c_goes_on_ignoring_it():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with ctrl_c_latch() as latch:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
        assert not latch.seen and signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def _flow_interrupted_at_report(n):
    """``(problem, trajectory)``: a square-loss flow to t = 1000 whose n-th progress report swallows a Ctrl-C."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_problem
    from lcnsym.dynamics.flow import gradient_flow
    from lcnsym.dynamics.losses import parse_loss

    arch = Architecture.for_output_width((2, 2), (1, 1), dN=2)
    data, w0 = random_problem(arch, 6, 1)
    calls = []

    def progress(p):
        calls.append(p.steps)
        if len(calls) == n:
            _ctrl_c_swallowed()

    traj = gradient_flow(arch, data, parse_loss("square"), w0, t_max=1000, dps=20, samples=4, progress=progress)
    return (arch, data, w0), traj


def test_a_flow_stops_at_the_next_step_after_a_swallowed_ctrl_c():
    _, traj = _flow_interrupted_at_report(3)
    assert traj.interrupted and traj.times[-1] < 1000 and "interrupted at t" in traj.message


def test_an_interrupted_flow_keeps_the_engines_last_state_at_its_own_time(monkeypatch):
    """Campaign M: Ctrl-C keeps what was computed: the engine's last state past the last sample is recorded, at the
    time it belongs to (the same flow integrated to that time agrees with it)."""
    from fractions import Fraction

    from lcnsym.dynamics import flow
    from lcnsym.dynamics.flow import gradient_flow
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.numeric import to_rational

    monkeypatch.setattr(flow, "PROGRESS_INTERVAL", 0)  # a report at every step: Ctrl-C while the flow still moves
    (arch, data, w0), traj = _flow_interrupted_at_report(6)
    assert traj.interrupted and len(traj.times) == 2 and traj.times[-1] > 0  # past the sample at 0, before 250
    t = to_rational(traj.times[-1], floats=True)
    again = gradient_flow(arch, data, parse_loss("square"), w0, t_max=t, dps=20, samples=1)
    gap = max(abs(to_rational(a, floats=True) - to_rational(b, floats=True))
              for la, lb in zip(traj.states[-1], again.states[-1]) for a, b in zip(la, lb))
    assert gap < Fraction(1, 10**15), float(gap)


def test_ctrl_c_exactly_at_a_sample_time_records_that_sample_once():
    """Campaign EE: the engine's last state is recorded only when it lies past the last sample; interrupted exactly at
    a sample time (its state already recorded), the trajectory has that sample once."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import validate_data
    from lcnsym.dynamics.engines import Engine, FlowInterrupted
    from lcnsym.dynamics.flow import gradient_flow
    from lcnsym.dynamics.losses import parse_loss

    class StopsAtTheFirstSample(Engine):
        name = "stops-at-a-sample"

        def integrate(self, problem, w0, sample_times, on_sample, *, dps, **limits):
            t = next(t for t in sample_times if t > 0)
            on_sample(t, w0)
            raise FlowInterrupted(t, w0)

    arch = Architecture(1, (1,), (1,))
    data = validate_data(arch, [[1]], [[2]])
    traj = gradient_flow(arch, data, parse_loss("square"), [[1]], t_max=1, dps=15, samples=4,
                         engine=StopsAtTheFirstSample())
    assert traj.interrupted and [float(t) for t in traj.times] == [0.0, 0.25]
