"""The flow checks thm-3.4, thm-3.8, thm-1.2: they pass, name their engine, an unconverged run is undecided and a loosened
one fails."""

from fractions import Fraction

import pytest

from lcnsym.checking.evidence import CheckConfig
from lcnsym.errors import HorizonError
from lcnsym.proofs import _flows, thm_1_2, thm_3_4, thm_3_8


@pytest.mark.slow
def test_flow_checks_pass_and_say_what_ran():
    for mod in (thm_1_2, thm_3_4, thm_3_8):
        ev = mod.check(CheckConfig())
        assert ev.passed and ev.kind == "search" and "max drift" in ev.worst_margin, ev.summary()
        assert "taylor engine" in ev.scope and "stopped at ||grad L|| < 1e-20" in ev.scope and "1e-18" in ev.scope


def test_a_run_that_has_not_converged_is_undecided_never_a_pass_or_a_counterexample():
    # tried to t_max = 1/8, then to 5/8 and 25/8: undecided at the longest horizon, which the error names
    with pytest.raises(HorizonError, match=r"undecided: .* had not converged by t_max = 25/8 ") as info:
        thm_1_2.check(CheckConfig(), t_max=Fraction(1, 8))
    assert _flows.horizons(Fraction(1, 8))[-1] == Fraction(25, 8) == info.value.t_max
    assert float(info.value.grad_norm) > 1e-20
    from lcnsym.checking.runner import run_check
    from lcnsym.checking.registry import ProofCheck
    from lcnsym.checking.status import Status

    result = run_check(ProofCheck.from_module(thm_1_2), CheckConfig(), lambda config: thm_1_2.check(config, t_max=Fraction(1, 8)))
    assert result.status == Status.ERROR and "undecided" in result.message


@pytest.mark.slow
@pytest.mark.parametrize("seed, horizon", [(3, 1000), (7, 5000)])
def test_a_slow_flow_gets_a_longer_horizon_and_the_text_says_so(seed, horizon):
    """Square on (2,2)/(1,1), seeds 3 and 7: rates 0.2 and 0.03, ||grad L|| = 1.7e-18 at t = 200 and 6.8e-15 at t = 1000
    (undecided before, with --seed 2 and --seed 6); they converge by 5 x 200 and 25 x 200 and the evidence names the
    longer horizon; the samples stay 200/40 apart."""
    bad, figures = _flows.judge("square", (2, 2), (1, 1), seed, 200)
    assert bad is None and figures["t_max"] == horizon and horizon / 5 < figures["t"] < horizon, (bad, figures)
    traj = _flows.flow("square", (2, 2), (1, 1), seed, horizon, sample_scale=horizon // 200)
    assert traj.times[1] == Fraction(200, _flows.SAMPLES["quick"])
    assert _flows._extended(200, [200.0, 1000.0]) == " (extended to 1000 for 1 flow(s) not converged by then)"
    assert _flows._extended(200, [200.0]) == ""


def test_a_loosened_stopping_tolerance_does_not_pass_the_criticality_test():
    # the flow stops early at ||grad L|| < 1e-2; the limit is then not critical to 1e-18 at 50 digits
    ev = _flows.flow_evidence(("square",), CheckConfig(), "square", stop_tol=Fraction(1, 100))
    assert not ev.passed and "||grad L|| at the limit (50 digits)" in ev.counterexample


def test_the_engine_is_a_parameter_and_named_in_the_evidence():
    with pytest.raises(HorizonError) as info:  # half a time unit does not converge: undecided, naming the engine that ran
        thm_1_2.check(CheckConfig(), engine="odefun", t_max=Fraction(1, 50))
    assert info.value.engine == "odefun" and "(odefun engine)" in str(info.value)


def test_a_gradient_of_the_wrong_sign_is_a_counterexample_not_a_crash(monkeypatch):
    # injected in a campaign: gen-huber's phi' with its sign flipped; the flow climbs and blows up (nan) -> a failure
    from lcnsym.dynamics.losses.gen_huber import GeneralizedHuber

    original = GeneralizedHuber.dphi
    monkeypatch.setattr(GeneralizedHuber, "dphi", lambda self, r, F: -original(self, r, F))
    monkeypatch.setattr(_flows, "_store", lambda *args: None)
    _flows._flow.cache_clear()
    try:
        bad, _ = _flows.judge("gen-huber:1,1/2", (2, 2), (1, 1), 1, 200)
    finally:
        _flows._flow.cache_clear()
    assert bad is not None and ("integration failed" in bad or "loss increased" in bad), bad


def test_a_certifier_that_skips_positive_definiteness_fails_the_flow_check(monkeypatch):
    # injected in a campaign: the certificate's positive-definiteness test always passes; the only certified quick flow
    # ends at a strict minimum, so only the negative control (an exact saddle) can show it
    from lcnsym.dynamics import certificate

    from lcnsym.numeric import to_arb

    monkeypatch.setattr(certificate, "_least_eigen_lower", lambda M: to_arb(1))  # "positive definite", unexamined
    _flows.saddle_control.cache_clear()
    try:
        control = _flows.saddle_control()
        ev = _flows.flow_part(CheckConfig(), ("square", (2, 2), (1, 1), 1, _flows.CERTIFY_ONLY))
    finally:
        _flows.saddle_control.cache_clear()
    assert control.converges and not ev.passed and "certified at an exact saddle" in ev.counterexample


def test_the_certifier_refuses_the_saddle_control():
    control = _flows.saddle_control()
    assert not control.converges and "positive definite" in control.failed


def test_a_monotonicity_test_blind_to_a_rise_between_the_ends_fails_the_flow_checks(monkeypatch):
    # injected in a campaign: L compared only at the first and the last sample
    from lcnsym.dynamics.flow import Trajectory

    monkeypatch.setattr(Trajectory, "loss_non_increasing", lambda self, lost=8: self.losses[-1] <= self.losses[0])
    bad, _ = _flows.judge("square", (2, 2), (1, 1), 1, 200)
    assert "the monotonicity test accepted a rising loss" in bad


@pytest.mark.parametrize("blind", ["first", "last"])
def test_a_monotonicity_test_blind_to_a_rise_at_either_end_fails_the_flow_checks(monkeypatch, blind):
    """Campaign HH: with only the first of the rising controls tried, a test blind to a rise at the last interval
    passed; every control runs, so a rise missed at either end is seen."""
    import dataclasses

    from lcnsym.dynamics.flow import Trajectory

    honest = Trajectory.loss_non_increasing

    def non_increasing(self, lost=8):  # the honest test on the losses without the first (or last) interval
        return honest(dataclasses.replace(self, losses=self.losses[1:] if blind == "first" else self.losses[:-1]), lost)

    monkeypatch.setattr(Trajectory, "loss_non_increasing", non_increasing)
    bad, _ = _flows.judge("square", (2, 2), (1, 1), 1, 200)
    assert "the monotonicity test accepted a rising loss" in bad


def test_every_flow_a_check_or_the_library_integrates_lets_ctrl_c_through():
    """A partial flow must never be checked (or kept in the flow store): every ``gradient_flow`` call outside the CLI
    says ``on_interrupt="raise"``; found from the source, not a list."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    calls = []
    for path in [*(root / "proofs").rglob("*.py"), *(root / "lcnsym").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "gradient_flow":
                said = {k.arg: getattr(k.value, "value", None) for k in node.keywords}
                calls.append((path.name, node.lineno, said.get("on_interrupt")))
    assert len(calls) >= 5 and all(said == "raise" for *_, said in calls), calls


def test_an_energy_identity_the_windows_cannot_settle_is_undecided_never_a_counterexample(monkeypatch):
    """The thorough run reported thm-3.8 as failed (relative error "1.0000") on an lp:4 flow whose gradient starts at
    4e4: six windows were too few for Simpson's rule to settle; twelve settle it (to 4e-14)."""
    from lcnsym.errors import PrecisionError

    monkeypatch.setattr(_flows, "ENERGY_WINDOWS", 2)
    _flows.energy_identity.cache_clear()
    try:
        with pytest.raises(PrecisionError, match=r"undecided for the lp:4 flow .* still differ by .* of the drop"):
            _flows.energy_identity("lp:4", (3, 3, 2), (1, 2, 1), 1)
    finally:
        _flows.energy_identity.cache_clear()


def test_the_quick_profile_certifies_a_flow_of_every_certified_loss():
    """Issue 12: at least one flow per loss is certified in the quick profile, on its certification instance (dN = 1
    to t = 5); the check's text names the certificate, its digits and the instance."""
    config = CheckConfig()
    parts = [p for p in _flows.flow_parts(_flows.LOSSES, config) if _flows.part_kind(p) == _flows.CERTIFY_ONLY]
    assert sorted(p[0] for p in parts) == sorted(_flows.CERTIFIED_LOSSES["quick"])
    for part in parts:
        ev = _flows.flow_part(config, part)
        cert = ev.details["certificate"]
        assert ev.passed and ev.kind == "certified" and cert["converges"], (part, cert)
        assert cert["decay samples"] >= 1 and cert["reference samples"] >= _flows.CERTIFY_SAMPLES
        assert "positive definite" in cert["saddle control"]
    dN, t = _flows.CERTIFY["quick"]
    text = _flows.flow_combine(config, [_flows.flow_part(config, p) for p in _flows.flow_parts(("square",), config)],
                               "square loss", losses=("square",)).scope
    assert f"square on (2, 2)/(1, 1), dN = {dN}, seed 1: converges (certified)" in text and f"to t = {t}," in text


def test_the_margin_figures_are_the_extremes_over_the_flows_that_ran():
    """Campaign G: each figure of the margin is the extreme over the flows in the direction that makes it a bound:
    the latest t, the largest gradients, drift and energy error, the smallest gap below tau and h slack."""
    import dataclasses

    config = CheckConfig()
    evidences = [_flows.flow_part(config, p) for p in _flows.flow_parts(("square",), config)]
    flows = [e for e in evidences if e.details.get("part") and _flows.part_kind(e.details["part"]) == "flow"]
    assert len(flows) >= 2
    keys = ("t", "g_stop", "g_limit", "drift", "energy", "tau_gap", "h_slack")
    planted = []
    for n, e in enumerate(evidences):
        if e in flows:
            i = flows.index(e)
            figures = {**e.details["figures"], **{key: str(2 + i) for key in keys}}
            e = dataclasses.replace(e, details={**e.details, "figures": figures})
        planted.append(e)
    # an energy-only part (a start window; the thorough profile's other seeds): its energy counts in the figure too
    loss, k, s, seed = flows[0].details["part"][:4]
    for extra in (1, 2):
        planted.append(dataclasses.replace(flows[0], details={**flows[0].details, "figures": {"energy": "99"},
                                                              "part": [loss, k, s, seed + extra, _flows.ENERGY_ONLY]}))
    combined = _flows.flow_combine(config, planted, "square loss", check_h=True, losses=("square",))
    text = combined.worst_margin
    assert f"on all {len(flows) + 2} (loss, shape, start)s" in combined.scope  # the flows and the energy-only parts
    more = [dataclasses.replace(planted[-1], details={**planted[-1].details,
                                                      "part": [loss, k, s, seed + 10 + n, _flows.ENERGY_ONLY]})
            for n in range(len(flows) + 1)]  # campaign EE: as many energy-only parts as flows, and one more
    counted = _flows.flow_combine(config, planted + more, "square loss", check_h=True, losses=("square",)).details
    assert counted["flows"] == len(flows) and counted["energy checks"] == len(flows) + 3
    low, high = 2, 1 + len(flows)
    for words, value in (("latest convergence t = ", high), ("last ||grad L|| at most ", high),
                         ("at a limit ", high), ("max drift ", high), ("by 10^", low), ("||WX - Y||_1 = ", low),
                         ("energy identity to ", 99)):
        assert f"{words}{value}" in text, (words, text)
    # the random starts per (loss, shape) are those of the flows that ran (campaign Q), here one each
    per_shape = {}
    for e in flows:
        per_shape.setdefault(tuple(map(str, e.details["part"][:3])), set()).add(e.details["part"][3])
    assert {len(v) for v in per_shape.values()} == {1} and "1 random start(s) and data each" in combined.scope
    twice = dataclasses.replace(flows[0], details={**flows[0].details, "part": [loss, k, s, seed + 7]})
    combined = _flows.flow_combine(config, planted + [twice], "square loss", check_h=True, losses=("square",))
    assert "1 to 2 random start(s) and data each" in combined.scope


def test_an_undecided_3_8_raises_and_is_never_a_pass(monkeypatch):
    """Campaign J: where the balls cannot decide (3.8) at any precision and the loss has no exact route (pseudo-Huber),
    the check raises PrecisionError; with the exact route (the square loss) it decides."""
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.errors import PrecisionError

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    w = [list(x) for x in w0]
    monkeypatch.setattr(_flows, "compare", lambda a, b: None)
    with pytest.raises(PrecisionError, match=r"\(3.8\) undecided"):
        _flows._h_holds(arch, data, parse_loss("pseudo-huber:1"), w)
    square = parse_loss("square")
    assert _flows._h_holds(arch, data, square, w)[0] is True
    monkeypatch.setattr(type(square), "h_at_least", lambda self, L, dN, m, value: None)  # an exact route that cannot decide
    with pytest.raises(PrecisionError, match=r"\(3.8\) undecided"):
        _flows._h_holds(arch, data, square, w)


def test_the_flows_T_is_the_upper_end_of_gs_ball(monkeypatch):
    """Campaign J: Lemma 3.6's T = g(L(w0)) enters tau as the upper end of its ball (every point of it below T)."""
    from lcnsym.numeric import ball_bounds

    balls, Ts = [], []
    real_g, real_tau = _flows.g_bound_ball, _flows.tau
    monkeypatch.setattr(_flows, "g_bound_ball", lambda *a, **kw: balls.append(real_g(*a, **kw)) or balls[-1])
    monkeypatch.setattr(_flows, "tau", lambda T, *a: Ts.append(T) or real_tau(T, *a))
    config = CheckConfig()
    bad, _ = _flows.judge("square", (2, 2), (1, 1), 1, _flows.t_max_of(config))
    assert bad is None and len(Ts) == len(balls) == 1
    low, high = ball_bounds(balls[0])
    assert Ts[0] >= high > low


def test_the_energy_defect_is_relative_to_the_drop_however_small():
    """Campaign J: a drop of 1e-6 against an integral of 2e-6 is a defect of 1/2, not 1e-6 (an absolute defect below
    a drop of 1 would pass a doubled ||grad L|| near a limit)."""
    from lcnsym.numeric import to_mpf, working_precision

    window = Fraction(1, 256)
    with working_precision(_flows.DPS):
        rate = to_mpf(Fraction(2, 10**6) / window)  # ||grad L||^2 constant: its integral over the window is 2e-6
        norms = [rate.sqrt()] * 65
        losses = [to_mpf(1 - Fraction(i, 64) * Fraction(1, 10**6)) for i in range(65)]  # drops by 1e-6
        defect, unsettled = _flows._energy_defect(losses, norms, window)
    assert unsettled is None and abs(defect - to_mpf(Fraction(1, 2))) < to_mpf(Fraction(1, 10**20))


def test_3_8_left_side_is_the_one_norm_of_the_residuals():
    """Campaign M: ||WX - Y||_1 of (3.8) is the sum of the residuals' absolute values, recomputed here exactly."""
    from lcnsym.algebra.filters import final_filter
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.dynamics.risk import predictions

    arch, data, w0 = _flows.problem((2, 2), (2, 1), 1)
    w = [list(x) for x in w0]
    ok, lhs, _ = _flows._h_holds(arch, data, parse_loss("square"), w)
    residuals = [z - y for j, zs in enumerate(predictions(arch, final_filter(arch, w), data)) for z, y in zip(zs, data.column(j)[1])]
    assert ok is True and lhs == sum(abs(r) for r in residuals) > abs(sum(residuals))


def test_the_certificates_decay_and_enclosures_undecided_are_errors_not_passes(monkeypatch):
    """Campaign M: where the balls cannot decide |w(t) - w*| <= R e^(-c t) or an enclosure's containment of the
    reference, the check raises PrecisionError; a decay held at no sample fails as too small a search."""
    from lcnsym.errors import PrecisionError

    config = CheckConfig()
    part = next(p for p in _flows.flow_parts(("square",), config) if _flows.part_kind(p) == _flows.CERTIFY_ONLY)
    assert _flows.flow_part(config, part).passed
    monkeypatch.setattr(_flows, "compare", lambda a, b: None)
    with pytest.raises(PrecisionError, match="decay at t = .* is undecided"):
        _flows.flow_part(config, part)
    monkeypatch.setattr(_flows, "decay_holds", lambda claim, traj: (None, 3))
    with pytest.raises(PrecisionError, match="against the reference at t = .* is undecided"):
        _flows.flow_part(config, part)
    monkeypatch.setattr(_flows, "decay_holds", lambda claim, traj: (None, 0))
    e = _flows.flow_part(config, part)
    assert not e.passed and e.counterexample["minimum"] == _flows.MIN_DECAY_SAMPLES


def test_a_certificates_decay_is_held_against_the_state_at_its_own_time():
    """Campaign Q: each sample time is paired with its own state (paired with the next one, closer to w*, an inflated
    rate passes): a claim of |w(0) - w*| <= 1 against w(0) = 2 fails at t = 0."""
    from lcnsym.dynamics.flow import Trajectory
    from lcnsym.numeric import to_mpf, working_precision

    with working_precision(30):
        traj = Trajectory("taylor", 30, times=[to_mpf(0), to_mpf(1)], states=[[[to_mpf(2)]], [[to_mpf(0)]]])
    bad, compared = _flows.decay_holds({"t_final": "0", "rate": "0", "reach": "1", "center": ["0"]}, traj)
    assert bad is not None and bad["t"] == "0" and compared == 1


def test_the_flow_store_is_keyed_by_the_library_and_every_argument(monkeypatch, tmp_path):
    """Campaign Q: flows kept by an older library (an engine bug since fixed) must not be reloaded, nor a flow of
    another loss, shape, seed, horizon, engine or output width."""
    class Cache:
        folder = tmp_path

    monkeypatch.setattr(_flows, "default_cache", lambda: Cache())
    args = ("square", (2, 2), (1, 1), 1, 200, "taylor", 1, 40, 2)
    monkeypatch.setattr(_flows, "library_fingerprint", lambda: "library-A")
    first = _flows._store(*args)
    keys = {first}
    for i in range(len(args)):
        changed = list(args)
        changed[i] = ("lp:4", (2, 1), (2, 1), 2, 100, "certified", 2, 30, 3)[i]
        keys.add(_flows._store(*changed))
    monkeypatch.setattr(_flows, "library_fingerprint", lambda: "library-B")
    keys.add(_flows._store(*args))
    assert len(keys) == len(args) + 2 and first.parent == tmp_path / "flows"


def test_the_flows_T_is_lemma_3_6s_at_the_initial_loss(monkeypatch):
    """Campaign Q: T = g(L(w0)): the risk that enters g is that of the exact start, not of the final state."""
    seen = []
    real = _flows.empirical_risk_ball
    monkeypatch.setattr(_flows, "empirical_risk_ball", lambda arch, w, *a, **kw: seen.append(w) or real(arch, w, *a, **kw))
    bad, _ = _flows.judge("square", (2, 2), (1, 1), 1, _flows.t_max_of(CheckConfig()))
    _, _, w0 = _flows.problem((2, 2), (1, 1), 1)
    assert bad is None and seen == [[list(w) for w in w0]]


def test_the_limits_gradient_figure_is_the_norm_not_its_square(monkeypatch):
    """Campaign Q: the "largest certified ||grad L|| at a limit" is the square root of the certified ||grad L||^2."""
    from lcnsym.numeric import ball_bounds

    squares = []
    real = _flows._critical
    monkeypatch.setattr(_flows, "_critical", lambda *a: squares.append(real(*a)[1]) or real(*a))
    bad, fig = _flows.judge("square", (2, 2), (1, 1), 1, _flows.t_max_of(CheckConfig()))
    low, high = ball_bounds(squares[-1])
    g_low, g_high = ball_bounds(fig["g_limit"])
    assert bad is None and high > 0 and g_low * g_low <= high and g_high * g_high >= low


def test_the_jets_reference_runs_at_twice_the_flows_digits(monkeypatch):
    """Campaign Q: the evidence says the jets are held against mpmath's expansion at 2 DPS digits: it must run there."""
    import mpmath

    seen = []
    real = mpmath.taylor
    monkeypatch.setattr(_flows.mpmath, "taylor", lambda *a, **kw: seen.append(mpmath.mp.dps) or real(*a, **kw))
    fn = getattr(_flows.jet_defect, "__wrapped__", _flows.jet_defect)
    fn("square", (2, 2), (1, 1), 1)
    assert seen and min(seen) >= 2 * _flows.DPS


def test_a_tape_that_drops_a_field_entry_is_a_jet_defect(monkeypatch):
    """Campaign MM (read, not injected): the references are counted from the weights, so a tape whose field_series
    returns one entry too few is a defect of 1, not compared on the entries it kept."""
    from lcnsym.dynamics.engines import taylor

    real = taylor.JetTape.field_series
    monkeypatch.setattr(taylor.JetTape, "field_series", lambda self, *a, **kw: real(self, *a, **kw)[:-1])
    fn = getattr(_flows.jet_defect, "__wrapped__", _flows.jet_defect)
    defect, where = fn("square", (2, 2), (1, 1), 1)
    assert defect == 1 and where == "3 jets against 4 references"


def test_a_flow_without_a_certificate_is_labelled_numerical_evidence(monkeypatch):
    """Campaign Q: "no certificate" passes as numerical evidence (kind "search"), never labelled certified."""
    config = CheckConfig()
    part = next(p for p in _flows.flow_parts(("square",), config) if _flows.part_kind(p) == _flows.CERTIFY_ONLY)
    monkeypatch.setattr(_flows, "certificate", lambda *a: {"converges": False, "failed": "planted"})
    monkeypatch.setattr(_flows, "enclosures_hold_reference", lambda *a: (None, 8))
    ev = _flows.flow_part(config, part)
    assert ev.passed and ev.kind == "search"


def test_the_scope_states_the_largest_gradients_over_the_flows():
    """Campaign S: the scope's copies of the figures ("at most X reached", "at the exact final state (at most X") are
    the largest over the flows, as the margin's are."""
    import dataclasses

    config = CheckConfig()
    evidences = [_flows.flow_part(config, p) for p in _flows.flow_parts(("square",), config)]
    flows = [e for e in evidences if e.details.get("part") and _flows.part_kind(e.details["part"]) == "flow"]
    planted = []
    for e in evidences:
        if e in flows:
            i = flows.index(e)
            figures = {**e.details["figures"], "g_stop": str(2 + i), "g_limit": str(5 + i)}
            e = dataclasses.replace(e, details={**e.details, "figures": figures})
        planted.append(e)
    scope = _flows.flow_combine(config, planted, "square loss", losses=("square",)).scope
    assert f"(at most {1 + len(flows)} reached)" in scope and f"at the exact final state (at most {4 + len(flows)};" in scope


def test_judges_figures_are_the_flows_own(monkeypatch):
    """Campaign S: tau is taken at k_v (not the widest layer), ``tau_gap`` is log10(tau / max ||w^(i)||^2) over the
    samples, and ``h_slack`` the smallest h(L) / ||WX - Y||_1 over the samples (not the largest)."""
    import math

    from lcnsym.algebra.architecture import Architecture
    from lcnsym.numeric import to_rational

    seen, ratios = {}, []
    real_until, real_tau, real_h = _flows.until_converged, _flows.tau, _flows._h_holds

    def until(*a, **kw):
        seen["run"] = real_until(*a, **kw)
        return seen["run"]

    def tau(T, k_v, deltas):
        seen["k_v"], seen["tau"] = k_v, real_tau(T, k_v, deltas)
        return seen["tau"]

    def h_holds(arch, data, loss, w):
        ok, lhs, rhs = real_h(arch, data, loss, w)
        ratios.append(float(rhs.mid()) / float(lhs))
        return ok, lhs, rhs

    monkeypatch.setattr(_flows, "until_converged", until)
    monkeypatch.setattr(_flows, "tau", tau)
    monkeypatch.setattr(_flows, "_h_holds", h_holds)
    bad, fig = _flows.judge("square", (2, 2), (1, 1), 1, 200, check_h=True)
    assert bad is None
    traj = seen["run"][0]
    assert seen["k_v"] == Architecture.for_output_width((2, 2), (1, 1)).k_v == 3
    largest = max(sum(to_rational(c, floats=True) ** 2 for c in layer) for state in traj.states for layer in state)
    assert abs(float(fig["tau_gap"]) - math.log10(seen["tau"] / largest)) < 1e-9
    assert len(ratios) == len(traj.states) >= 3 and len(set(ratios)) > 1
    assert abs(fig["h_slack"] - min(ratios)) < 1e-9 * min(ratios)


def test_criticality_is_decided_at_the_digits_it_states(monkeypatch):
    """Campaign S: the limit's gradient is computed in balls of at least CRITICAL_DPS digits, as the text says."""
    import flint

    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.numeric import dps_to_prec

    bits = []
    real = _flows._gradient

    def gradient(*a, **kw):
        bits.append(flint.ctx.prec)
        return real(*a, **kw)

    monkeypatch.setattr(_flows, "_gradient", gradient)
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    _flows._critical(arch, data, parse_loss("square"), [list(w) for w in w0])
    assert bits and min(bits) >= dps_to_prec(_flows.CRITICAL_DPS) > dps_to_prec(_flows.DPS)


def test_the_energy_defect_is_simpsons_rule_on_64_panels():
    """Campaign S: on exact data (||grad L||^2 = e^t, L = e^T - e^t on [0, 1/256]) the defect is the 64-panel rule's
    error, about 1e-19, not the 32-panel rule's (16 times larger)."""
    import mpmath

    from lcnsym.numeric import MPMATH, working_precision

    window = Fraction(1, 256)
    with working_precision(_flows.DPS):
        ts = [MPMATH.const(window * i / 64) for i in range(65)]
        norms = [mpmath.sqrt(mpmath.exp(t)) for t in ts]
        losses = [mpmath.exp(MPMATH.const(window)) - mpmath.exp(t) for t in ts]
        defect, unsettled = _flows._energy_defect(losses, norms, window)
    assert unsettled is None and defect < mpmath.mpf("3e-19")


def test_lemma_3_3_states_the_widest_last_radius_of_its_certified_flows(monkeypatch):
    """Campaign S: "last radii at most" is the largest over the certified flows, not the last flow's; at seed 2 the
    first shape's flow ends wider than the three-layer one's."""
    from lcnsym.proofs import lemma_3_3

    radii = []
    real = _flows.certified_flow

    def spy(*a, **kw):
        traj = real(*a, **kw)
        radii.append(traj.enclosures[-1].radius)  # an exact arb
        return traj

    monkeypatch.setattr(_flows, "certified_flow", spy)
    bad, *_, widest, digits = lemma_3_3.certified_drift(CheckConfig(seed=2))
    assert bad is None and len(radii) == 2 and radii[0] > radii[-1]
    assert widest >= radii[0] and widest >= radii[-1]


def test_enclosures_count_as_compared_only_where_the_reference_has_a_state(monkeypatch):
    """Campaign U: a reference sampled at other times compares nothing, and nothing compared is no pass."""
    real = _flows.gradient_flow

    def shifted(*a, **kw):
        traj = real(*a, **kw)
        traj.times = [t + Fraction(1, 10**9) for t in traj.times]
        return traj

    monkeypatch.setattr(_flows, "gradient_flow", shifted)
    k, s = _flows.shapes(CheckConfig())[0]
    dN, t = _flows.CERTIFY["quick"]
    bad, compared = _flows.enclosures_hold_reference("square", k, s, 0, dN, t)
    assert compared == 0 and bad["enclosures compared with the reference"] == 0


def test_an_extended_horizon_scales_its_samples_and_steps():
    """Campaign W: each horizon runs with scale = horizon / t_max (1, 5, 25), so a flow extended to 25 t_max keeps
    t_max's sample spacing."""
    from types import SimpleNamespace

    scales = []

    def run(horizon, scale):
        scales.append((horizon, scale))
        return SimpleNamespace(converged=False)

    _flows.until_converged(run, Fraction(200))
    assert scales == [(h, int(h / 200)) for h in _flows.horizons(Fraction(200))] and [s for _, s in scales] == [1, 5, 25]


def test_the_compiled_kernel_is_compared_with_the_python_tape(monkeypatch):
    """Campaign W: a C kernel whose order-16 coefficients are off by 1e-10 relative gives a defect of about 1e-10 (the
    comparison must not read the Python tape twice)."""
    from lcnsym.dynamics.engines import taylor

    if _flows.compiled_defect.__wrapped__("square", (2, 2), (1, 1), 1) is None:
        pytest.skip("no compiled kernel on this machine")
    real = taylor.compiled_coefficients

    def off(tape):
        fast = real(tape)

        def coefficients(state, order):
            rows = fast(state, order)
            return [[c * (1 + type(c)(10) ** -10) if j == order else c for j, c in enumerate(row)] for row in rows]

        return coefficients

    monkeypatch.setattr(taylor, "compiled_coefficients", off)
    defect = _flows.compiled_defect.__wrapped__("square", (2, 2), (1, 1), 1)
    assert defect is not None and defect[0] > 1e-12  # (defect, order); 1.2e-36 without the planted error


def test_enclosures_must_meet_the_reference_at_every_one_of_its_samples(monkeypatch):
    """Campaign CC (F03): a reference that shares only its first time with the enclosures compares one of the 8 it
    must: no pass (the earlier test had none in common)."""
    real = _flows.gradient_flow

    def shifted_after_the_first(*a, **kw):
        traj = real(*a, **kw)
        traj.times = [traj.times[0]] + [t + Fraction(1, 10**9) for t in traj.times[1:]]
        return traj

    monkeypatch.setattr(_flows, "gradient_flow", shifted_after_the_first)
    k, s = _flows.shapes(CheckConfig())[0]
    dN, t = _flows.CERTIFY["quick"]
    bad, compared = _flows.enclosures_hold_reference("square", k, s, 0, dN, t)
    assert compared == 1 and bad["enclosures compared with the reference"] == 1 and bad["minimum"] == _flows.CERTIFY_SAMPLES == 8


def test_the_judges_tau_takes_every_layers_balancedness(monkeypatch):
    """Campaign CC (F01): tau(T, k_v, delta) with every delta_i of w0 (three layers: two of them), not only the first."""
    from lcnsym.dynamics import bounds

    seen = []
    real = _flows.tau
    monkeypatch.setattr(_flows, "tau", lambda T, k_v, deltas: seen.append(list(deltas)) or real(T, k_v, deltas))
    arch, _, w0 = _flows.problem((2, 2, 2), (1, 1, 1), 1)
    _flows.judge("square", (2, 2, 2), (1, 1, 1), 1, Fraction(200))
    assert seen and seen[0] == list(bounds.balancedness([list(w) for w in w0])) and len(seen[0]) == 2


def test_the_thorough_profile_runs_every_loss_on_every_shape_and_four_seeds_campaign_ee():
    """Campaign EE (10, 16): thorough parts are whole flows for every loss and shape, on seeds s+1..s+4 (the wall-time
    limit is the next test's)."""
    thorough = CheckConfig(profile="thorough")
    assert list(_flows.seeds(thorough)) == [1, 2, 3, 4] and list(_flows.seeds(CheckConfig())) == [1]
    parts = _flows.flow_parts(("square", "lp:4"), thorough)
    assert not any(_flows.part_kind(p) == _flows.ENERGY_ONLY for p in parts)
    assert sum(_flows.part_kind(p) == "flow" for p in parts) == 2 * len(_flows.shapes(thorough)) * 4


def test_thm_1_2_combines_with_its_3_8_check_campaign_ee(monkeypatch):
    """Campaign EE (8): thm-1.2's combination asks for (3.8) along each flow (check_h), as its parts do."""
    seen = {}
    monkeypatch.setattr(thm_1_2, "flow_combine", lambda config, evidences, scope, **kw: seen.update(kw, scope=scope))
    thm_1_2.combine(CheckConfig(), [])
    assert seen["check_h"] is True and "(3.8)" in seen["scope"]


def test_a_thorough_flow_runs_under_the_thorough_wall_time_limit_campaign_ee(monkeypatch):
    seen = {}

    class Stop(Exception):
        pass

    def spy(*a, **kw):
        seen.update(kw)
        raise Stop

    monkeypatch.setattr(_flows, "gradient_flow", spy)
    monkeypatch.setattr(_flows, "_stored", lambda *a, **kw: None, raising=False)
    with pytest.raises(Stop):
        _flows.flow("square", (2, 2), (1, 1), 99, Fraction(1, 7), profile="thorough")
    assert seen["max_seconds"] == _flows.MAX_FLOW_SECONDS["thorough"]
