"""The statuses of a check, one enumeration for the runner, the reports, the graph and the command line.

Examples
--------
>>> Status("pass") is Status.PASS, Status.FAIL.exit_code, [s.value for s in Status]
(True, 1, ['pass', 'fail', 'blocked', 'error', 'interrupted'])
"""

from enum import Enum

__all__ = ["Status"]


class Status(str, Enum):
    """What became of a check (a ``str``, so it prints and serializes as its value)."""

    PASS = "pass"
    FAIL = "fail"
    BLOCKED = "blocked"
    ERROR = "error"
    INTERRUPTED = "interrupted"

    def __str__(self):
        return self.value

    @property
    def meaning(self):
        """One line saying what the status means."""
        return _MEANING[self]

    @property
    def style(self):
        """The rich style of the status in tables."""
        return _STYLE[self]

    @property
    def colour(self):
        """A fill colour for drawings of the graph (HTML hex)."""
        return _COLOUR[self]

    @property
    def exit_code(self):
        """The exit code a run with this status (and no worse one) ends with: see :func:`exit_code`."""
        return _EXIT[self]

    @classmethod
    def worst_exit_code(cls, statuses):
        """The exit code of a run: 130 interrupted, 3 an error (undecided, crash, time-out), 1 a failure or block, else 0."""
        return max((cls(s).exit_code for s in statuses), key=lambda c: _ORDER.index(c), default=0)


_MEANING = {
    Status.PASS: "the claim held on every instance examined",
    Status.FAIL: "a counterexample was found",
    Status.BLOCKED: "a check it depends on did not pass, so it did not run",
    Status.ERROR: "the check crashed, timed out, or could not decide at the precision it tried",
    Status.INTERRUPTED: "the run was interrupted before the check finished",
}
_STYLE = {Status.PASS: "green", Status.FAIL: "bold red", Status.BLOCKED: "yellow", Status.ERROR: "bold magenta",
          Status.INTERRUPTED: "dim"}
_COLOUR = {Status.PASS: "#c8f7c5", Status.FAIL: "#f7c5c5", Status.BLOCKED: "#f7efc5", Status.ERROR: "#e5c5f7",
           Status.INTERRUPTED: "#dddddd"}
_EXIT = {Status.PASS: 0, Status.FAIL: 1, Status.BLOCKED: 1, Status.ERROR: 3, Status.INTERRUPTED: 130}
_ORDER = [0, 1, 3, 130]
