"""No pass claims more than was checked: each injected bug makes its check fail with a concrete counterexample.

Every test injects one bug (a monkeypatch, or a false-variant parameter) that used to get through ``verify``, and
asserts that the check now fails (``passed`` false, a non-empty counterexample) -- or, for a broken field, that the
flow check fails within a bounded time instead of hanging.
"""

import dataclasses
from fractions import Fraction
from functools import lru_cache
import time

import flint
from helpers import injected
import pytest

from lcnsym import numeric
from lcnsym.analysis import factorization, families, roots
from lcnsym.checking.evidence import CheckConfig
from lcnsym.dynamics import bounds, data as data_module
from lcnsym.dynamics.engines import taylor
from lcnsym.dynamics.losses.pseudo_huber import PseudoHuber
from lcnsym.errors import HypothesisFails
from lcnsym.proofs import _flows, cor_3_7, lemma_2_3, lemma_2_4, lemma_3_3, lemma_3_5, lemma_3_6, thm_1_2, thm_3_4, thm_3_8

QUICK = CheckConfig()


def _fails(ev):
    assert not ev.passed, ev.summary()
    assert ev.counterexample, ev.summary()
    return ev.counterexample


@pytest.fixture
def fresh_flows():
    """The flows and controls are cached per process: an injected bug must not leak into (or out of) other tests."""
    def clear():  # the flows, and the controls a test may have run on an injected library
        for cached in (_flows._flow, _flows.energy_identity, _flows.jet_defect, _flows.compiled_defect, _flows._energy_control,
                       _flows._critical_control, _flows.krawczyk_control, _flows.engines_agree):
            cached.cache_clear()
    clear()
    yield
    clear()


# 1. the integrator's stopping tolerance and the acceptance threshold are separate; the text says what ran

def test_a_loosened_stopping_constant_fails_the_acceptance_threshold(monkeypatch, fresh_flows):
    monkeypatch.setattr(_flows, "STOP_TOL", Fraction(1, 100))
    cx = _fails(thm_1_2.check(QUICK))
    assert cx["integrator stopped below"] == "1e-2" and cx["accepted below"] == "1e-18"
    assert float(cx["||grad L|| at the limit (50 digits)"]) > 1e-18


def test_the_evidence_text_is_built_from_the_tolerances_and_norms_that_ran(monkeypatch, fresh_flows):
    monkeypatch.setattr(_flows, "STOP_TOL", Fraction(1, 10**21))
    ev = thm_1_2.check(QUICK)
    assert ev.passed, ev.summary()
    assert "stopped at ||grad L|| < 1e-21" in ev.scope and "1e-20" not in ev.scope
    assert "accepted as critical when ||grad L|| <= 1e-18" in ev.scope and "at most" in ev.scope


# 2. dL/dt = -||grad L||^2 on every loss and every shape of the quick profile

def _doubled_on_strided_shapes(original, only_loss=None):
    def record(problem, n):
        tape = original(problem, n)
        if any(s > 1 for s in problem.arch.s) and (only_loss is None or problem.loss.name == only_loss):
            tape.outputs = [tape.lincomb([(out, 2)]) for out in tape.outputs]
        return tape
    return record


@lru_cache(maxsize=None)
def _passed_over(*args):  # the jets' check, passed over (cached, as the fixture clears it)
    return Fraction(0), None


@pytest.mark.parametrize("guard", ["jets", "energy identity"])
def test_a_field_doubled_on_strided_shapes_is_caught(monkeypatch, fresh_flows, guard):
    monkeypatch.setattr(taylor, "_record_field", _doubled_on_strided_shapes(taylor._record_field))
    if guard == "energy identity":  # each guard on its own: the jets' check is passed over
        monkeypatch.setattr(_flows, "jet_defect", _passed_over)
    cx = _fails(thm_1_2.check(QUICK))
    key = "dL/dt = -||grad L||^2 fails by (relative)" if guard == "energy identity" else next(
        k for k in cx if k.startswith("the Taylor engine's jets"))
    assert cx["s"] == (2, 1) and float(cx[key]) > 0.1


def test_a_field_doubled_for_a_loss_the_quick_profile_integrates_on_stride_one_only_is_caught(monkeypatch, fresh_flows):
    # lp:4 is integrated to its limit only on the stride-one shape in the quick profile; its strided shape gets the
    # energy identity on a start window, so a field doubled there is caught too
    assert ("lp:4", (2, 2), (2, 1), 1, _flows.ENERGY_ONLY) in _flows.flow_parts(_flows.LOSSES, QUICK)
    monkeypatch.setattr(taylor, "_record_field", _doubled_on_strided_shapes(taylor._record_field, only_loss="lp"))
    monkeypatch.setattr(_flows, "jet_defect", _passed_over)  # the energy identity on its own
    part = ("lp:4", (2, 2), (2, 1), 1, _flows.ENERGY_ONLY)
    cx = _fails(thm_3_8.check_part(QUICK, part))
    assert cx["loss"] == "lp:4" and float(cx["dL/dt = -||grad L||^2 fails by (relative)"]) > 0.1


def test_every_loss_and_shape_gets_the_energy_identity():
    for losses in (_flows.LOSSES, ("square", "log-cosh:1"), ("square",)):
        pairs = {(p[0], p[1], p[2]) for p in _flows.flow_parts(losses, QUICK)}
        assert pairs == {(loss, k, s) for loss in losses for k, s in _flows.shapes(QUICK)}


# 3. a broken field fails the check within a bounded time, never hangs it

def _blow_up(problem, n):
    tape = taylor.JetTape(n)  # dw/dt = w^2 + 1: w = tan(t + c) blows up before t = pi, the step collapses
    tape.outputs = [v * v + 1 for v in tape.vars]
    return tape


def test_a_field_whose_step_collapses_fails_the_check_in_bounded_time(monkeypatch, fresh_flows):
    monkeypatch.setattr(taylor, "_record_field", _blow_up)
    start = time.monotonic()
    cx = _fails(thm_3_4.check(QUICK))
    assert time.monotonic() - start < 60
    assert cx["integration failed"].startswith("ConvergenceError: the Taylor step collapsed")


def test_the_wall_time_limit_of_a_flow_is_a_named_error(monkeypatch, fresh_flows):
    monkeypatch.setattr(_flows, "MAX_FLOW_SECONDS", {"quick": 0, "thorough": 0})
    cx = _fails(thm_1_2.check(QUICK))
    assert cx["integration failed"].startswith("WorkLimitError")


# 4. the root-radius and straddle branches of lemma-2.3 and lemma-2.4

def _midpoint_balls(*args, **kwargs):
    return [roots.RootEnclosure(flint.acb(r.ball.mid()), r.multiplicity) for r in roots.certified_roots(*args, **kwargs)]


def test_lemma_2_3_with_the_radius_ignored_is_caught(monkeypatch):
    monkeypatch.setattr(lemma_2_3, "certified_roots", _midpoint_balls)
    cx = _fails(lemma_2_3.check(QUICK))
    assert "unit circle" in cx["polynomial"] and cx["problem"] == "the certified enclosure misses the root's exact modulus"


def test_lemma_2_3_reading_a_straddling_ball_by_its_midpoint_is_caught(monkeypatch):
    def by_midpoint(ball, bound):
        return numeric.compare(ball.mid() if isinstance(ball, flint.arb) else ball, bound)

    monkeypatch.setattr(lemma_2_3, "compare", by_midpoint)
    cx = _fails(lemma_2_3.check(QUICK))
    assert "|x| = A" in cx["polynomial"] and "straddles" in cx["problem"]


def test_lemma_2_4_classifying_straddling_roots_by_their_midpoint_is_caught(monkeypatch):
    original = factorization._classifications
    monkeypatch.setattr(factorization, "_classifications",
                        lambda enc: ([factorization._midpoint_choice(enc)], original(enc)[1]))
    cx = _fails(lemma_2_4.check(QUICK))
    assert cx["problem"] == "the straddling roots were not counted both ways" and cx["root balls straddling |z| = 1"] >= 1


def test_lemma_2_4_with_the_radius_ignored_is_caught(monkeypatch):
    def side_of_midpoint(self):
        m = abs(self.ball.mid())
        return 1 if m > 1 else -1 if m < 1 else 0

    monkeypatch.setattr(roots.RootEnclosure, "modulus_vs_one", side_of_midpoint)
    cx = _fails(lemma_2_4.check(QUICK))
    assert "straddling" in cx["problem"] or "radius ignored" in cx["problem"]


def test_the_families_land_on_the_unit_circle_and_on_the_bound():
    found = list(families.exact_modulus_family())
    assert sum("x^" in name and "- 1 (roots on the unit circle)" in name for name, _, _ in found) >= 5
    assert sum("(root on |x| = A)" in name for name, _, _ in found) >= 4
    assert len(list(families.exact_modulus_family(thorough=True))) > len(found)


# 5. scope texts from what ran, and a minimum per search

def test_a_shrunk_adversarial_family_changes_the_text(monkeypatch):
    before = lemma_2_3.check(QUICK)
    original = families.adversarial_family
    shrunk = lambda thorough=False, seed=0: (x for x in original(thorough, seed) if "degree 200" not in x[0])
    monkeypatch.setattr(families, "adversarial_family", shrunk)
    after = lemma_2_3.check(QUICK)
    assert before.passed and "degree 1 to 200" in before.scope
    assert after.passed and "degree 1 to 200" not in after.scope and "degree 1 to 60" in after.scope


@pytest.mark.parametrize("mod", [lemma_2_3, lemma_2_4], ids=lambda m: m.ID)
def test_a_polynomial_search_below_its_minimum_fails_saying_so(monkeypatch, mod):
    original = families.random_family
    monkeypatch.setattr(families, "random_family", lambda count, max_degree, seed: original(10, max_degree, seed))
    cx = _fails(mod.check(QUICK))
    assert "polynomials" in cx["search too small"]


def test_an_exact_modulus_family_below_its_minimum_fails_saying_so(monkeypatch):
    monkeypatch.setattr(families, "exact_modulus_family", lambda thorough=False: iter(()))
    cx = _fails(lemma_2_3.check(QUICK))
    assert "polynomials with exactly known root moduli" in cx["search too small"]


def test_a_shrunk_architecture_grid_fails_its_minimum(monkeypatch):
    full = lemma_3_3.shapes
    monkeypatch.setattr(lemma_3_3, "shapes", lambda depth, width, stride: full(2, 2, 1))
    cx = _fails(lemma_3_3.check(QUICK))
    assert "chain-rule architectures" in cx["search too small"]


def test_a_shrunk_residual_search_fails_its_minimum(monkeypatch):
    original = cor_3_7._residuals
    monkeypatch.setattr(cor_3_7, "_residuals", lambda rng, dN, count: original(rng, dN, 3))
    cx = _fails(cor_3_7.check(QUICK))
    assert all("minimum" in v for v in cx["search too small"].values())


def test_a_shrunk_random_search_of_lemma_3_5_fails_its_minimum(monkeypatch):
    monkeypatch.setattr(lemma_3_5, "MIN_INSTANCES", {"quick": 601, "thorough": 5001})
    cx = _fails(lemma_3_5.check(QUICK))
    assert cx["search too small"]["random exact instances"] == "ran 600, minimum 601"


def test_a_flow_check_with_a_loss_left_out_fails_its_minimum():
    evs = [thm_3_8.check_part(QUICK, p) for p in _flows.flow_parts(("square",), QUICK)]
    cx = _fails(_flows.flow_combine(QUICK, evs, "square and pseudo-huber", losses=("square", "pseudo-huber:1")))
    assert any(s.startswith("pseudo-huber:1: 0 flow(s)") for s in cx["search too small"])


# 6. bounds decided exactly or in balls, never inside a float tolerance

def test_lemma_3_6_with_g_too_small_by_1e_35_is_caught():
    cx = _fails(lemma_3_6.check(QUICK, scale=1 - Fraction(1, 10**35)))
    assert "g(L)" in cx and "||pi(w)||_1" in cx


def test_cor_3_7_with_pseudo_huber_c_of_minus_1e_45_is_caught(monkeypatch):
    # the excess form adds c1, so the injected constant is what the balls decide (not just a mismatch against phi)
    monkeypatch.setattr(PseudoHuber, "c1_of", lambda self, F: F.const(-Fraction(1, 10**45)))
    cx = _fails(cor_3_7.check(QUICK))
    assert cx["loss"].startswith("pseudo-huber") and float(cx["loss + c - ||r||_1"]) < 0


def test_cor_3_7_with_a_constant_too_small_by_1e_45_is_caught():
    cx = _fails(cor_3_7.check(QUICK, c_shift=-Fraction(1, 10**45)))
    assert float(cx["loss + c - ||r||_1"]) < 0


# 7. a rank test that wrongly answers "full rank": hypothesis fails, never a ZeroDivisionError

def test_singular_data_behind_a_lying_rank_test_is_hypothesis_fails(monkeypatch):
    singular = data_module.Data(((1, 2, 3), (2, 4, 6)), ((0, 1, 0),))
    monkeypatch.setattr(bounds, "gram_rank", lambda data: len(data.X))
    with pytest.raises(HypothesisFails) as info:
        bounds.pseudo_inverse_norm(singular)
    assert info.value.rank_test_said_full_rank and "singular" in str(info.value)
    cx = _fails(lemma_3_6.check(QUICK))
    assert "hypothesis fails" in cx and "rank test answered full rank" in cx["problem"]


# a certificate whose rate or radius claims more than holds: the decay bound is held against the integrated flow

@pytest.mark.parametrize("field_name, factor", [("rate", 10), ("reach", Fraction(1, 10**6))])
def test_a_certificate_claiming_a_faster_decay_fails_on_the_integrated_flow(monkeypatch, fresh_flows, field_name, factor):
    import dataclasses

    from lcnsym.dynamics import certificate as cert_module
    from lcnsym.numeric import to_arb

    real = cert_module.certify_flow

    def boasting(*args, **kwargs):
        c = real(*args, **kwargs)
        return dataclasses.replace(c, **{field_name: getattr(c, field_name) * to_arb(factor)}) if c.converges else c

    monkeypatch.setattr(cert_module, "certify_flow", boasting)
    _flows.certificate.cache_clear()
    try:
        part = next(p for p in thm_3_4.parts(QUICK) if _flows.part_kind(p) == _flows.CERTIFY_ONLY)
        cx = _fails(thm_3_4.check_part(QUICK, part))
    finally:
        _flows.certificate.cache_clear()
    assert "R e^(-c (t - t_final)) + slack" in cx and cx["loss"] == part[0]


def _forgetting_remainders(monkeypatch, loss_text):
    """The certified engine with its truncation and rounding terms left out of the widths: for a loss whose field is
    not a polynomial, the remainder proof's balls (rest steps too); for the square loss, the defect proof's error."""
    from lcnsym.dynamics.engines import certified
    from lcnsym.numeric import to_arb

    if loss_text != "square":
        monkeypatch.setattr(certified, "_rad_norm", lambda balls: to_arb(0))
        return
    real = certified._DefectProof.step

    def forgetting(self, *args):
        out = real(self, *args)
        return out if out is None else (out[0], out[1], to_arb(0), *out[3:])

    monkeypatch.setattr(certified._DefectProof, "step", forgetting)


@pytest.mark.parametrize("loss_text", ["log-cosh:1", "square"])  # the remainder proof, the defect proof
def test_an_engine_that_forgets_its_remainders_is_caught_by_the_independent_integration(monkeypatch, fresh_flows,
                                                                                        loss_text):
    """Enclosures whose widths leave out the remainder and rounding terms passed every check before (a campaign's
    remainder bound scaled by 1e-12 did); the enclosures are now held against a 40-digit Taylor integration."""
    _forgetting_remainders(monkeypatch, loss_text)
    for cached in (_flows.certified_flow, _flows.certificate):
        cached.cache_clear()
    try:
        part = next(p for p in thm_3_4.parts(QUICK) if _flows.part_kind(p) == _flows.CERTIFY_ONLY and p[0] == loss_text)
        cx = _fails(thm_3_4.check_part(QUICK, part))
    finally:
        for cached in (_flows.certified_flow, _flows.certificate):
            cached.cache_clear()
    assert "|reference - centre|" in cx and cx["loss"] == part[0]


# the campaign of 2026-12-03 (section 3): each got through verify before

@pytest.mark.parametrize("loss_name, wrong", [
    ("pseudo_huber.PseudoHuber", lambda self, r, F: r / F.sqrt(1 + r * r / F.const(self.delta) ** 2)),  # 1/delta lost
    ("log_cosh.LogCosh", lambda self, r, F: F.tanh(r)),  # alpha lost
])
def test_a_dphi_wrong_only_for_a_parameter_other_than_one_is_caught(monkeypatch, loss_name, wrong):
    import importlib

    module, cls = loss_name.split(".")
    monkeypatch.setattr(getattr(importlib.import_module(f"lcnsym.dynamics.losses.{module}"), cls), "dphi", wrong)
    cx = _fails(cor_3_7.check(QUICK))
    assert "not the derivative of phi" in cx["problem"] and not cx["loss"].endswith(":1")


@pytest.mark.parametrize("module", [thm_3_4, thm_3_8, thm_1_2])
def test_a_serial_run_with_a_loss_left_out_of_its_parts_fails_as_the_parallel_one(monkeypatch, module):
    """check() runs the module's parts and its combine, as a parallel run does: a loss left out of the parts cannot
    shrink the list of required losses (thm-3.8's check() passed its own shorter list on)."""
    from lcnsym.checking.evidence import Evidence

    full = module.parts(QUICK)
    dropped = full[0][0]
    monkeypatch.setattr(module, "parts", lambda config: [p for p in full if p[0] != dropped])
    monkeypatch.setattr(module, "check_part", lambda config, part, t_max=None, engine=None:
                        Evidence(True, "search", "stub", 1, details={"part": part, "instance": {}, "certificate": {}}))
    cx = _fails(module.check(QUICK))
    assert any(line.startswith(f"{dropped}: 0 flow(s)") for line in cx["search too small"])


def test_an_energy_test_that_compares_simpson_with_itself_is_caught(monkeypatch, fresh_flows):
    def self_agreement(losses, grad_norms, window):  # the rule's own convergence in place of drop vs integral
        error, spread = original(losses, grad_norms, window)
        return (None, spread) if error is None else (spread or 0 * error, None)

    original = _flows._energy_defect
    monkeypatch.setattr(_flows, "_energy_defect", self_agreement)
    cx = _fails(thm_1_2.check(QUICK))
    assert any("energy test accepted" in key for key in cx)


def test_a_criticality_threshold_compared_unsquared_is_caught(monkeypatch, fresh_flows):
    real_compare = _flows.compare

    def unsquared(a, b):  # g2 against CRITICAL_TOL instead of CRITICAL_TOL^2
        return real_compare(a, _flows.CRITICAL_TOL if b == _flows.CRITICAL_TOL ** 2 else b)

    monkeypatch.setattr(_flows, "compare", unsquared)
    cx = _fails(thm_1_2.check(QUICK))
    assert any("criticality test misjudged" in key for key in cx)


def test_a_certifier_that_skips_krawczyks_test_is_caught(monkeypatch, fresh_flows):
    """Newton lands on the true limit, so the flows' certificates stay right without Krawczyk's test: only a control far
    from any critical point sees the test gone (the saddle control is refused by the Hessian, after Krawczyk)."""
    from lcnsym.dynamics import certificate

    monkeypatch.setattr(certificate, "_krawczyk_inside", lambda K, y, r: True)  # K(X) inside X: never asked
    cx = _fails(_flows._certified_part(QUICK, ("square", (2, 2), (1, 1), 1, "certify"), None, "taylor", None, {}))
    assert "Krawczyk's test at a point far from any critical point" in cx


def test_a_jet_recurrence_wrong_only_at_high_orders_is_caught(monkeypatch, fresh_flows):
    """tanh's coefficients off by 2^-40 from order 7 on: the energy identity over a short window cannot see it and the
    invariants are blind to it; the jets of -grad L along a path, held against mpmath's expansion, are not."""
    real = taylor._Tanh.step

    def drifting(self, k):
        real(self, k)
        if k > 6:
            self.c[-1] = self.c[-1] * (1 + taylor.to_mpfr(2) ** -40)

    monkeypatch.setattr(taylor._Tanh, "step", drifting)
    cx = _fails(thm_3_4.check(QUICK))
    assert cx["loss"] == "log-cosh:1" and cx["at Taylor coefficient"] >= 7


# the second campaign of 2026-12-03 (section 3)

@pytest.mark.parametrize("where", ["lp", "default"])
def test_an_h_too_large_is_caught_against_the_statement(monkeypatch, where):
    """(3.8)'s checks ask only ||R||_1 <= h(L), which an h too large passes: l_p's h with p for p^(1/p), or the default
    L + c m counting dN twice, each fail against RESULTS.md's h transcribed in cor-3.7."""
    from lcnsym.dynamics.losses import base, lp

    if where == "lp":
        monkeypatch.setattr(lp.Lp, "h_of", lambda self, L, dN, m, F: dN * m * F.const(self.p) * F.root(L, self.p))
    else:
        monkeypatch.setattr(base.Loss, "h_of", lambda self, L, dN, m, F: L + self.c_of(dN, F) * m * dN)
    cx = _fails(cor_3_7.check(QUICK))
    assert "h as RESULTS.md states it" in cx and (cx["loss"] == "lp:4" if where == "lp" else cx["dN"] == 3)


def test_a_jet_comparison_cut_to_the_first_coefficients_is_caught(monkeypatch, fresh_flows):
    real = _flows._jet_compare
    monkeypatch.setattr(_flows, "_jet_compare", lambda jets, refs: real([j[:2] for j in jets], [r[:2] for r in refs]))
    cx = _fails(thm_1_2.check(QUICK))
    assert any("jets' comparison missed" in key for key in cx)


def test_layer_norms_recorded_wrong_are_caught_against_the_states(monkeypatch, fresh_flows):
    from lcnsym.dynamics import flow as flow_module

    real = flow_module._Sampler.record

    def one_norms(self, traj, t, state):  # 1-norms where squared 2-norms belong: tau is decades above either
        real(self, traj, t, state)
        traj.layer_norms_sq[-1] = [sum(abs(c) for c in w) for w in traj.states[-1]]

    monkeypatch.setattr(flow_module._Sampler, "record", one_norms)
    cx = _fails(thm_1_2.check(QUICK))
    assert "recorded max ||w^(i)||^2" in cx


def test_samples_that_do_not_move_fail_the_energy_identity_by_name(monkeypatch, fresh_flows):
    """An engine whose samples (and steps) keep the state at the step's start: the drop is 0, the integral is not; a
    named counterexample, not a ZeroDivisionError."""
    monkeypatch.setattr(taylor, "_horner", lambda coeffs, x: coeffs[0])
    energy, bad = _flows._energy("square", (2, 2), (1, 1), 1, "taylor", {"loss": "square"})
    assert bad is not None and float(bad["dL/dt = -||grad L||^2 fails by (relative)"]) > 0.5


def test_an_odefun_engine_that_reads_every_layer_from_the_first_is_caught(monkeypatch, fresh_flows):
    from lcnsym.dynamics.engines import odefun

    real = odefun._gradient

    def first_layer_only(arch, filters, data, loss, F):  # the split y[i:i + k_i] without i += k_i
        flat = [x for w in filters for x in w]
        return real(arch, [flat[:len(w)] for w in filters], data, loss, F)

    monkeypatch.setattr(odefun, "_gradient", first_layer_only)
    cx = _fails(thm_1_2.check(QUICK))
    assert "the Taylor and odefun engines differ on a short flow by" in cx


def test_an_enclosure_that_misses_the_reference_by_less_than_the_flows_digits_is_caught(monkeypatch):
    """Campaign A: the reference's slack taken at the certified flow's 20 digits (1e-15) would hide enclosures that miss
    the reference by 1e-25; the slack is the reference's own (40 digits, 1e-35).  Here every enclosure is moved to lie
    ``radius + 1e-25`` from the reference state (integrated here as the check does)."""
    from types import SimpleNamespace

    from lcnsym.dynamics.engines.certified import Enclosure
    from lcnsym.dynamics.flow import gradient_flow
    from lcnsym.dynamics.losses import parse_loss

    real = _flows.certified_flow
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    ref = gradient_flow(arch, data, parse_loss("square"), [list(w) for w in w0], _flows.CERTIFY_T, dps=_flows.REFERENCE_DPS,
                        samples=_flows.CERTIFY_SAMPLES)
    at = {numeric.to_rational(t, floats=True): [x for layer in state for x in layer] for t, state in zip(ref.times, ref.states)}

    def missing(*args, **kwargs):
        moved = []
        with numeric.working_precision(80):
            for e in real(*args, **kwargs).enclosures:
                state = at.get(e.t)
                if state is None:
                    moved.append(e)
                    continue
                first = numeric.to_arb(numeric.exact_value(state[0])) + e.radius + numeric.to_arb(10) ** -25
                moved.append(Enclosure(e.t, [first.mid()] + [numeric.to_arb(numeric.exact_value(x)).mid() for x in state[1:]],
                                       e.radius))
        return SimpleNamespace(enclosures=moved)

    monkeypatch.setattr(_flows, "certified_flow", missing)
    bad, compared = _flows.enclosures_hold_reference("square", (2, 2), (1, 1), 1)
    assert bad is not None and "|reference - centre|" in bad, bad


# campaign C: counts and figures in the evidence are what ran; undecided branches stay undecided

def test_3_8_is_held_at_every_sample_of_the_flow(monkeypatch, fresh_flows):
    """(3.8) "at every sample": _h_holds runs once per sampled state of the flow the check judged."""
    states = []
    real = _flows._h_holds
    monkeypatch.setattr(_flows, "_h_holds", lambda arch, data, loss, w: states.append(w) or real(arch, data, loss, w))
    bad, figures = _flows.judge("square", (2, 2), (1, 1), 1, _flows.t_max_of(QUICK), check_h=True)
    assert bad is None
    traj, _ = _flows.until_converged(lambda horizon, scale: _flows.flow("square", (2, 2), (1, 1), 1, horizon, sample_scale=scale),
                                     _flows.t_max_of(QUICK))
    assert len(states) == len(traj.states) > 2


def test_the_jets_comparison_compares_every_coefficient_of_either_list():
    """A reference one coefficient short (or a jet) is not cut to the shorter list: the missing coefficient counts."""
    import mpmath

    with numeric.working_precision(40):
        reference = [mpmath.mpf(2) ** -k for k in range(_flows.JET_ORDER)]
        jets = [numeric.exact_value(c) for c in reference]
        assert _flows._jet_compare([jets], [reference])[0] == 0
        worst, where = _flows._jet_compare([jets], [reference[:-1]])
        assert worst > 10**-6 and where == _flows.JET_ORDER - 1
        worst, where = _flows._jet_compare([jets[:-1]], [reference])
        assert worst > 10**-6 and where == _flows.JET_ORDER - 1
        assert _flows._jet_compare([jets, jets], [reference])[0] == 1  # an entry without a reference


def test_the_criticality_test_undecided_at_twice_the_digits_does_not_accept(monkeypatch):
    """A gradient whose ball straddles the threshold even at twice the digits is not accepted as critical."""
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    monkeypatch.setattr(_flows, "compare", lambda a, b: None)
    ok, g2 = _flows._critical(arch, data, _flows.parse_loss("square"), [list(w) for w in w0])
    assert ok is False


def test_cor_3_7_undecided_at_its_last_digits_raises(monkeypatch):
    """A residual whose ball holds 0 at every precision tried is undecided (a PrecisionError), never a verdict."""
    monkeypatch.setattr(cor_3_7, "compare", lambda a, b: None)
    from lcnsym.errors import PrecisionError

    with pytest.raises(PrecisionError, match="undecided"):
        cor_3_7.check(QUICK)


def test_lemma_3_3_pairs_every_layer_with_the_last(monkeypatch):
    """The identity's pairs (i, j) include the last layer: a gradient wrong only in the last layer's entries fails, on
    two-layer shapes too (where that pair is the only one)."""
    assert lemma_3_3.square_loss_identity((2, 2), (1, 1), 0) is None
    for k, s in (((2, 2), (1, 1)), ((2, 2, 2), (1, 2, 1))):  # the false variant: the two layers' sums added, not subtracted
        assert lemma_3_3.square_loss_identity(k, s, 0, sign=1) is not None


def test_lemma_3_5_holds_every_enclosure_it_counts(monkeypatch):
    """Lemma 3.5 on the enclosures: the bound is asked of every enclosure of the certified flow, the first (w0) too."""
    seen = []
    real = _flows.enclosure_layers
    monkeypatch.setattr(_flows, "enclosure_layers", lambda arch, e: seen.append(e.t) or real(arch, e))
    bad, count, gap, t_final = lemma_3_5._on_enclosures(QUICK, bounds.tau)
    assert bad is None and count == len(seen) == sum(len(_flows.certified_flow("square", k, s, QUICK.seed + 1).enclosures)
                                                     for k, s in _flows.certified_shapes(QUICK))
    assert seen[0] == 0


def test_the_flow_texts_largest_gradient_at_the_limit_is_the_largest(monkeypatch, fresh_flows):
    """thm-3.4's text "(at most X; ...)" for ||grad L|| at the exact final states is the largest over the flows it judged."""
    import re

    limits = []
    real = _flows.judge

    def recording(*args, **kwargs):
        bad, figures = real(*args, **kwargs)
        if figures is not None:
            limits.append(figures["g_limit"])
        return bad, figures

    monkeypatch.setattr(_flows, "judge", recording)
    ev = thm_3_4.check(QUICK)
    assert ev.passed and len(limits) >= 2 and len({float(g) for g in limits}) >= 2
    said = re.search(r"at the exact final state \(at most ([^;]+);", ev.scope).group(1)
    assert said == f"{max(float(g) for g in limits):.3g}"


@pytest.mark.parametrize("factor, fails", [(2, True), (Fraction(1, 2), False)])
def test_the_energy_identity_is_accepted_at_its_stated_tolerance_not_above(monkeypatch, factor, fails):
    """Campaign HH (f8): the acceptance at 100 ENERGY_TOL passed while the text said ENERGY_TOL; a defect of twice the
    tolerance fails, half of it holds."""
    monkeypatch.setattr(_flows, "energy_identity", lambda *args: factor * _flows.ENERGY_TOL)
    energy, bad = _flows._energy("square", (2, 2), (1, 1), 1, "taylor", {"loss": "square"})
    assert (bad is not None and "dL/dt = -||grad L||^2 fails by (relative)" in bad) is fails
    assert energy == factor * _flows.ENERGY_TOL


@pytest.mark.parametrize("factor, fails", [(2, True), (Fraction(1, 2), False)])
def test_the_drift_is_accepted_at_its_stated_tolerance_not_above(monkeypatch, factor, fails):
    """Campaign HH (f1b): the drift accepted up to 1000 times the tolerance the text states passed; twice it fails."""
    from lcnsym.dynamics.flow import Trajectory
    from lcnsym.numeric import tolerance

    drift = factor * tolerance(_flows.DPS, _flows.DRIFT_DIGITS_LOST)
    monkeypatch.setattr(Trajectory, "balancedness_drift", lambda self: drift)
    bad, _ = _flows.judge("square", (2, 2), (1, 1), 1, 200)
    assert (bad is not None and "balancedness drift" in bad) is fails


@pytest.mark.parametrize("factor, fails", [(2, True), (Fraction(1, 2), False)])
def test_the_engines_agree_to_the_drift_tolerance_not_above(monkeypatch, factor, fails):
    """Campaign JJ: the Taylor and odefun engines must agree to 10^-(DPS - DRIFT_DIGITS_LOST) on the short flow; twice
    that fails the flow, half of it holds (a tolerance at half the digits passed 1e-20)."""
    from lcnsym.numeric import tolerance

    gap = factor * tolerance(_flows.DPS, _flows.DRIFT_DIGITS_LOST)
    monkeypatch.setattr(_flows, "engines_agree", lambda: gap)
    bad, _ = _flows.judge("square", (2, 2), (1, 1), 1, 200)
    assert (bad is not None and "the Taylor and odefun engines differ on a short flow by" in bad) is fails


@pytest.mark.parametrize("below, fails", [(Fraction(1, 10**30), True), (Fraction(0), False)])
def test_the_flows_layer_norms_are_held_to_tau_exactly(monkeypatch, below, fails):
    """Campaign JJ: max ||w^(i)||^2 over the samples is compared with tau as it is (a factor 10^6 of slack passed):
    tau just below the largest layer norm fails the flow, tau equal to it holds."""
    from lcnsym.numeric import to_rational

    flows = []
    real = _flows.flow
    monkeypatch.setattr(_flows, "flow", lambda *a, **kw: flows.append(real(*a, **kw)) or flows[-1])

    def tau_at_the_largest(T, k_v, deltas):
        largest = max(sum((to_rational(c, floats=True) ** 2 for c in layer), Fraction(0))
                      for state in flows[-1].states for layer in state)
        return largest * (1 - below)

    monkeypatch.setattr(_flows, "tau", tau_at_the_largest)
    bad, _ = _flows.judge("square", (2, 2), (1, 1), 1, 200)
    assert (bad is not None and "tau" in bad and "max ||w^(i)||^2" in bad) is fails


@pytest.mark.parametrize("scale, verdict", [(Fraction(99, 100), False), (Fraction(101, 100), True)])
def test_the_flows_3_8_compares_with_h_as_it_is(monkeypatch, scale, verdict):
    """Campaign JJ: (3.8) ||WX - Y||_1 <= h(L) at a flow's point is decided against h itself (twice h passed): an h
    made 1% below ||WX - Y||_1 fails there, 1% above holds."""
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.dynamics.losses.square import Square

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    loss = parse_loss("square")
    _, lhs, _ = _flows._h_holds(arch, data, loss, w0)
    monkeypatch.setattr(Square, "h_of", lambda self, L, dN, m, F: F.const(lhs * scale))
    ok, _, _ = _flows._h_holds(arch, data, loss, w0)
    assert ok is verdict


def test_the_criticality_test_decides_the_ball_not_its_midpoint(monkeypatch):
    """Campaign JJ: at w = 2 of (w - 2)^2 a gradient widened to +/- 2e-18 (so ||grad L|| may exceed the 1e-18 threshold)
    is not accepted; its midpoint (0) alone would be."""
    import flint

    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import validate_data

    arch = Architecture(1, (1,), (1,))
    data = validate_data(arch, [[1]], [[2]])
    real = _flows._gradient
    monkeypatch.setattr(_flows, "_gradient", lambda *a: [[g + flint.arb(0, 2e-18) for g in layer] for layer in real(*a)])
    ok, g2 = _flows._critical(arch, data, _flows.parse_loss("square"), [[Fraction(2)]])
    assert ok is False and g2.mid() == 0


def test_the_flows_3_8_decides_the_ball_of_h_not_its_midpoint(monkeypatch):
    """Campaign JJ: h(L) as a ball straddling ||WX - Y||_1 (its midpoint above) is undecided, so (3.8) raises for a loss
    without an exact route; the midpoint alone would hold it."""
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.dynamics.losses.log_cosh import LogCosh
    from lcnsym.errors import PrecisionError

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    loss = parse_loss("log-cosh:1")
    _, lhs, _ = _flows._h_holds(arch, data, loss, w0)
    monkeypatch.setattr(LogCosh, "h_of",
                        lambda self, L, dN, m, F: F.const(lhs * Fraction(1001, 1000)) + flint.arb(0, float(lhs)))
    with pytest.raises(PrecisionError, match=r"\(3.8\) undecided for the log-cosh:1 loss"):
        _flows._h_holds(arch, data, loss, w0)


def test_an_energy_control_that_never_settles_fails_the_flow(monkeypatch):
    """Campaign JJ: the negative control of the energy identity must see ||grad L||^2 doubled; a control the windows
    cannot settle (None) is a failure of the test, not a pass."""
    monkeypatch.setattr(_flows, "_energy_control", lambda: None)
    energy, bad = _flows._energy("square", (2, 2), (1, 1), 1, "taylor", {"loss": "square"})
    assert bad is not None and bad["the energy test accepted ||grad L||^2 doubled (relative defect)"] == "None"


def test_the_flow_judge_uses_the_trajectorys_monotonicity_test(monkeypatch):
    """Campaign JJ: a loss that rises in the middle (the ends still falling) fails the flow: the judge runs the
    trajectory's own test (the one its rising controls hold), not a comparison of the ends."""
    real = _flows.flow

    def risen(*args, **kwargs):
        traj = real(*args, **kwargs)
        losses = list(traj.losses)
        losses[1] = 2 * losses[0]
        return dataclasses.replace(traj, losses=losses)

    monkeypatch.setattr(_flows, "flow", risen)
    bad, _ = _flows.judge("square", (2, 2), (1, 1), 1, 200)
    assert bad is not None and "loss increased" in bad


@pytest.mark.parametrize("order", [0, 3])
def test_a_compiled_recurrence_off_at_any_taylor_order_fails_the_flow(monkeypatch, order):
    """Campaign MM: the compiled recurrences' defect against the Python tape fails the flow at whichever Taylor
    coefficient it occurs, the first (order 0) included."""
    monkeypatch.setattr(_flows, "compiled_defect", lambda *args: (Fraction(1, 1000), order))
    energy, bad = _flows._energy("square", (2, 2), (1, 1), 1, "taylor", {"loss": "square"})
    key = "the compiled recurrences' Taylor coefficients differ from the Python tape's (relative to the largest)"
    assert bad is not None and bad[key] == "1/1000" and bad["at Taylor coefficient"] == order


def test_a_rank_test_that_misses_only_later_singular_instances_is_caught(monkeypatch):
    """Campaign MM: a rank test right on the first singular instance and wrong ("full rank") on the later ones fails
    lemma-3.6: each guard catch is a failure, whatever was seen before."""
    real, singular_seen = bounds.gram_rank, []

    def misses_after_the_first(data):
        rank = real(data)
        if rank < len(data.X):
            singular_seen.append(1)
            if len(singular_seen) > 1:
                return len(data.X)
        return rank

    monkeypatch.setattr(bounds, "gram_rank", misses_after_the_first)
    cx = _fails(lemma_3_6.check(QUICK))
    assert "rank test answered full rank" in cx["problem"] and len(singular_seen) >= 2


def test_a_flow_whose_data_fail_lemma_3_6s_hypothesis_is_a_counterexample(monkeypatch):
    """Campaign MM: with X X^T singular there is no g and no tau: the flow's judgement is "hypothesis fails", never a
    pass against a bound made up in its place."""
    monkeypatch.setattr(bounds, "gram_rank", lambda data: 0)
    bad, figures = _flows.judge("square", (2, 2), (1, 1), 1, 200)
    assert bad is not None and "the hypothesis of Lemma 3.6 fails" in bad["hypothesis fails"] and figures is None
