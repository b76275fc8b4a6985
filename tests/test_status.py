"""lcnsym.checking.status: one enumeration; the exit-code rule."""

from lcnsym.checking.status import Status


def test_statuses_and_exit_codes():
    assert [s.value for s in Status] == ["pass", "fail", "blocked", "error", "interrupted"]
    assert Status("fail") is Status.FAIL and str(Status.PASS) == "pass" and Status.PASS == "pass"
    assert Status.worst_exit_code([]) == 0
    assert Status.worst_exit_code(["pass", "blocked"]) == 1
    assert Status.worst_exit_code(["fail", "error"]) == 3
    assert Status.worst_exit_code(["error", "interrupted", "pass"]) == 130
    assert all(s.meaning and s.style and s.colour.startswith("#") for s in Status)
