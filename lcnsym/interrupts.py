"""Ctrl-C that is never lost: a latch on SIGINT for long computations.

Python raises ``KeyboardInterrupt`` wherever the interpreter is when the
signal arrives.  Some extensions swallow an exception raised while they run:
python-flint's ``acb_poly.roots`` does (a CI run reported ``lemma-2.3`` as
passed, and went on, after Ctrl-C arrived inside it).  Inside a
:func:`ctrl_c_latch` the signal is also remembered, so the interrupt is raised
again where the caller looks (:meth:`CtrlCLatch.check`, for example after every
step of a flow) and, at the latest, when the block ends.
"""

from contextlib import contextmanager
import signal
import threading

__all__ = ["CtrlCLatch", "ctrl_c_latch"]


class CtrlCLatch:
    """Whether Ctrl-C arrived inside a :func:`ctrl_c_latch` block."""

    def __init__(self):
        self.seen = False

    def check(self):
        """Raise ``KeyboardInterrupt`` if Ctrl-C arrived (also if its first exception was swallowed)."""
        if self.seen:
            raise KeyboardInterrupt


@contextmanager
def ctrl_c_latch():
    """A block in which Ctrl-C always ends with ``KeyboardInterrupt``: when the signal arrives, as usual, and again at
    :meth:`CtrlCLatch.check` and when the block ends, if something swallowed the first one.

    Only the main thread receives signals; elsewhere, and in a process that ignores SIGINT (a job started in the
    background), the latch does nothing.  The previous handler is restored on exit.

    Examples
    --------
    >>> with ctrl_c_latch() as latch:
    ...     latch.seen
    False
    """
    latch = CtrlCLatch()
    previous = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
    if previous is None or previous is signal.SIG_IGN:
        yield latch
        return

    def remember(signum, frame):
        latch.seen = True
        if callable(previous):
            previous(signum, frame)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, remember)
    try:
        yield latch
    finally:
        signal.signal(signal.SIGINT, previous)
    latch.check()
