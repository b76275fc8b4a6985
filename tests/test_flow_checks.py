"""The flow checks thm-3.4, thm-3.8, thm-1.2: they pass, and an unconverged run is a failure, never a pass."""

from lcnsym.evidence import CheckConfig
from lcnsym.proofs import thm_1_2, thm_3_4, thm_3_8


def test_flow_checks_pass():
    for mod in (thm_1_2, thm_3_4, thm_3_8):
        ev = mod.check(CheckConfig())
        assert ev.passed and ev.kind == "search" and "max drift" in ev.worst_margin, ev.summary()


def test_a_run_that_has_not_converged_is_reported_as_a_failure():
    ev = thm_1_2.check(CheckConfig(), t_max=1)
    assert not ev.passed
    assert ev.counterexample["not converged by t_max"] == 1 and float(ev.counterexample["||grad L||"]) > 1e-20
