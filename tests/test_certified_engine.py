"""The certified engine: its enclosures contain independently integrated reference states, and are narrow."""

from fractions import Fraction

from helpers import one_layer_square_flow
import pytest

from lcnsym.dynamics.engines.certified import CertifiedEngine, Enclosure, _log_norm, _positive_definite
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import parse_loss
from lcnsym.numeric import exact_value, make_ball, to_arb, to_float, to_fmpq, working_precision
from lcnsym.proofs import _flows


def _distance(enclosure, state):
    return max(abs(exact_value(c) - exact_value(x)) for c, x in zip(enclosure.centre, state))


@pytest.mark.parametrize("loss, shape", [("square", ((2, 2), (1, 1))), ("square", ((2, 2), (2, 1))),
                                         ("pseudo-huber:1", ((2, 2), (1, 1)))])
def test_enclosures_contain_an_independent_reference(loss, shape):
    """The reference: mpmath's odefun (Taylor series with its own step control) at 40 digits."""
    arch, data, w0 = _flows.problem(*shape, 1)
    w0 = [list(w) for w in w0]
    t_max = Fraction(1, 2)
    cert = gradient_flow(arch, data, parse_loss(loss), w0, t_max, dps=20, samples=2, engine="certified")
    ref = gradient_flow(arch, data, parse_loss(loss), w0, t_max, dps=40, samples=2, engine="odefun")
    assert [e.t for e in cert.enclosures] == [0, Fraction(1, 4), Fraction(1, 2)]
    for enc, state in zip(cert.enclosures[1:], ref.states[1:]):
        flat = [x for w in state for x in w]
        assert _distance(enc, flat) <= exact_value(enc.radius)  # contained (Euclidean ball, so each entry too)
        assert enc.radius < to_arb(10) ** -10


@pytest.mark.parametrize("loss, shape", [("lp:4", ((2, 2), (1, 1))), ("square", ((3, 2), (1, 1)))])
def test_defect_proof_enclosures_contain_a_reference_at_twice_the_digits(loss, shape):
    """The other polynomial field (``l_4``) and a shape whose flow slows slowly (its wider boxes for ``mu`` wait, then
    serve many steps): the Taylor engine at 40 digits lies in every enclosure."""
    arch, data, w0 = _flows.problem(*shape, 1)
    w0 = [list(w) for w in w0]
    cert = gradient_flow(arch, data, parse_loss(loss), w0, Fraction(2), dps=20, samples=4, engine="certified")
    ref = gradient_flow(arch, data, parse_loss(loss), w0, Fraction(2), dps=40, samples=4, engine="taylor")
    assert len(cert.enclosures) == 5
    for enc, state in zip(cert.enclosures[1:], ref.states[1:]):
        assert _distance(enc, [x for w in state for x in w]) <= exact_value(enc.radius)


def test_midpoints_agree_with_the_taylor_engine_and_widths_stay_small_at_t_20():
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    w0 = [list(w) for w in w0]
    cert = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(20), dps=30, samples=1, engine="certified")
    taylor = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(20), dps=30, samples=1, engine="taylor")
    last = cert.enclosures[-1]
    assert last.t == 20 and last.radius < to_arb(10) ** -20  # below 10^-(dps - 10)
    assert _distance(last, [x for w in taylor.states[-1] for x in w]) < Fraction(1, 10**24)


def test_a_wrong_enclosure_is_caught_by_the_reference():
    """A false variant: the enclosure shifted by twice its radius no longer contains the reference."""
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    w0 = [list(w) for w in w0]
    cert = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(1, 4), dps=20, samples=1, engine="certified")
    ref = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(1, 4), dps=40, samples=1, engine="odefun")
    enc = cert.enclosures[-1]
    moved = Enclosure(enc.t, [c + 2 * enc.radius for c in enc.centre], enc.radius)
    assert _distance(moved, [x for w in ref.states[-1] for x in w]) > exact_value(moved.radius)


def test_log_norm_bounds_the_symmetric_part_and_pd_is_certified():
    with working_precision(30):
        J = [[to_arb(-2), to_arb(1)], [to_arb(1), to_arb(-3)]]
        mu, _ = _log_norm(J)
        assert mu > to_arb(Fraction(-13819660112501051, 10**16))  # lambda_max = (-5 + sqrt 5)/2 = -1.38196...
        assert mu < to_arb(Fraction(-138, 100))
        assert _positive_definite([[to_arb(2), to_arb(1)], [to_arb(1), to_arb(2)]])
        assert not _positive_definite([[to_arb(1), to_arb(2)], [to_arb(2), to_arb(1)]])
        assert not _positive_definite([[make_ball(1, Fraction(3, 2)), to_arb(0)], [to_arb(0), to_arb(1)]])  # holds 0


def test_the_engine_is_registered():
    from lcnsym.dynamics.engines import engine_table

    assert isinstance(engine_table()["certified"], CertifiedEngine)


def test_an_enclosure_that_outgrows_its_flow_stops_the_engine_with_the_reason(monkeypatch):
    # on an expanding stretch (lp:4 near t = 1.8 grows the balls by e^(575 h)) the engine stops instead of stalling
    from lcnsym.dynamics.engines import certified
    from lcnsym.errors import ConvergenceError

    monkeypatch.setattr(certified, "MAX_RADIUS", Fraction(1, 10**40))
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    with pytest.raises(ConvergenceError, match="radius grew to .* the flow expands faster than balls of 20 digits") as info:
        gradient_flow(arch, data, parse_loss("square"), [list(w) for w in w0], t_max=1, dps=20, samples=1, engine="certified")
    assert info.value.reason == "expansion"


def test_a_certified_flow_that_outgrows_its_balls_is_tried_again_with_more_digits(monkeypatch):
    from lcnsym.dynamics.engines import certified

    monkeypatch.setattr(certified, "MAX_RADIUS", Fraction(1, 10**20))  # 20 digits cannot keep that, 40 can
    monkeypatch.setattr(_flows, "_store", lambda *args: None)
    traj = _flows.certified_flow.__wrapped__("square", (2, 2), (1, 1), 1)
    assert traj.dps > _flows.CERTIFY_DPS and traj.enclosures[-1].t == _flows.CERTIFY_T
    assert traj.enclosures[-1].radius < to_arb(Fraction(1, 10**20))


def test_a_certified_flow_wider_than_its_digits_allow_is_tried_again_with_more_digits(monkeypatch):
    # the widths are to stay below 10^-(dps - 10): asked for a width no ladder step can give, each is tried and
    # the last one's flow is kept (it reports its width); asked for the usual one, 20 digits suffice on the square loss
    monkeypatch.setattr(_flows, "_store", lambda *args: None)
    monkeypatch.setattr(_flows, "WIDTH_DIGITS_LOST", -100)
    traj = _flows.certified_flow.__wrapped__("square", (2, 2), (1, 1), 1, 1, Fraction(1, 2))
    assert traj.dps == _flows.CERTIFY_LADDER[-1]
    monkeypatch.setattr(_flows, "WIDTH_DIGITS_LOST", 10)
    traj = _flows.certified_flow.__wrapped__("square", (2, 2), (1, 1), 1, 1, Fraction(1, 2))
    assert traj.dps == _flows.CERTIFY_DPS and traj.enclosures[-1].radius < to_arb(Fraction(1, 10**10))


def _one_layer_enclosures_against_expm(monkeypatch, rests):
    """The certified one-layer square flow to ``t = 20`` at 8 samples: the largest ``|w(t) - centre| / radius`` over its
    enclosures against the exact solution (at most 1: contained), and the rest steps taken."""
    import mpmath

    from lcnsym.dynamics.engines import certified
    from lcnsym.numeric import to_mpf

    taken = []
    monkeypatch.setattr(certified, "_rest_step", lambda *args: taken.append(rests(*args)) or taken[-1])
    arch, data, w0, exact = one_layer_square_flow(dps=60)
    cert = gradient_flow(arch, data, parse_loss("square"), [w0], Fraction(20), dps=20, samples=8, engine="certified")
    worst = 0
    for enc in cert.enclosures[1:]:
        at = exact(enc.t)
        with working_precision(60):
            distance = mpmath.sqrt(sum((to_mpf(exact_value(c)) - at[i]) ** 2 for i, c in enumerate(enc.centre)))
            worst = max(worst, distance / to_mpf(exact_value(enc.radius)))
    return worst, sum(r is not None for r in taken)


def test_a_flow_at_rest_takes_a_priori_steps_and_its_enclosures_hold_the_exact_solution(monkeypatch):
    from lcnsym.dynamics.engines import certified

    worst, rested = _one_layer_enclosures_against_expm(monkeypatch, certified._rest_step)
    assert rested >= 3 and worst <= 1
    # tried at every step, also while the flow still moves: the budget refuses those, and every enclosure still holds
    monkeypatch.setattr(certified, "_at_rest", lambda grad2, per_time: True)
    worst, rested = _one_layer_enclosures_against_expm(monkeypatch, certified._rest_step)
    assert rested >= 3 and worst <= 1


def test_a_rest_step_that_ignores_the_flows_motion_is_caught(monkeypatch):
    # injected: the ball kept as it is, without the a priori bound on how far the solutions move
    from lcnsym.dynamics.engines import certified

    monkeypatch.setattr(certified, "_at_rest", lambda grad2, per_time: True)
    worst, _ = _one_layer_enclosures_against_expm(monkeypatch, lambda tape, centre, radius, h, guess, per_time:
                                                  (to_arb(radius), guess, to_arb(0)))
    assert worst > 1


def test_polynomial_fields_take_the_defect_proof_and_the_others_the_remainder_proof():
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.certified import ArbTape, _DefectProof, _proof, _RemainderProof
    from lcnsym.dynamics.engines.taylor import _record_field

    arch, data, _ = _flows.problem((2, 2), (1, 1), 1)
    kinds = {}
    with working_precision(20, guard=10):
        for loss in ("square", "lp:4", "log-cosh:1", "pseudo-huber:1", "gen-huber:1,1/2"):
            problem = FlowProblem(arch, data, parse_loss(loss))
            kinds[loss] = type(_proof(problem, 4, _record_field(problem, 4, ArbTape), 22, 20))
    assert kinds == {"square": _DefectProof, "lp:4": _DefectProof, "log-cosh:1": _RemainderProof,
                     "pseudo-huber:1": _RemainderProof, "gen-huber:1,1/2": _RemainderProof}


def test_the_defect_proofs_enclosures_hold_the_exact_solution(monkeypatch):
    from lcnsym.dynamics.engines import certified

    used = []
    real = certified._DefectProof.step
    monkeypatch.setattr(certified._DefectProof, "step", lambda self, *args: used.append(1) or real(self, *args))
    worst, _ = _one_layer_enclosures_against_expm(monkeypatch, certified._rest_step)
    assert used and worst <= 1


@pytest.mark.parametrize("injected", ["defect truncated below degree K", "logarithmic norm understated"])
def test_a_defect_proof_that_leaves_out_a_term_is_caught(monkeypatch, injected):
    # the defect F(p) - p' cut to its low degrees (where it is only rounding), or the balls spread with a logarithmic
    # norm a million times too contracting: the exact solution leaves the enclosures
    from lcnsym.dynamics.engines import certified

    if injected == "defect truncated below degree K":
        real = certified._DefectProof.expand

        def truncating(self, centre):
            out = real(self, centre)
            self.defects = [d.truncate(self.K - 1) for d in self.defects]
            return out

        monkeypatch.setattr(certified._DefectProof, "expand", truncating)
    else:
        real = certified._DefectProof.step

        def understated(self, *args):
            out = real(self, *args)
            return out if out is None else (*out[:3], -abs(out[3]) * 10**6, out[4])

        monkeypatch.setattr(certified._DefectProof, "step", understated)
    worst, _ = _one_layer_enclosures_against_expm(monkeypatch, lambda *args: None)
    assert worst > 1


def test_step_control_keeps_the_tubes_logarithmic_norm_from_inflating_the_balls(monkeypatch):
    # a convex one-layer lp:4 flow: long defect steps certify mu ~ +4 on a tube as wide as the motion, while the flow's
    # own rate is <= 0, and the ball grew e^0.6 a step (a review found it stopping at t = 12.5 with radius 3e-2 where
    # the remainder proof had finished); _wrapping_excess shortens those steps
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_problem
    from lcnsym.dynamics.engines import certified

    arch = Architecture.for_output_width((3,), (1,), dN=1)
    data, w0 = random_problem(arch, arch.d0 + 2, 2)

    def radius():
        traj = gradient_flow(arch, data, parse_loss("lp:4"), w0, Fraction(4), dps=30, samples=1, engine="certified")
        return traj.enclosures[-1].radius

    controlled = radius()
    monkeypatch.setattr(certified._DefectProof, "controls_wrapping", False)
    assert controlled < to_arb(Fraction(1, 10**20)) < radius()


def test_the_wrapping_excess_is_allowed_up_to_the_budget_or_a_factor_10_over_the_flow():
    from lcnsym.dynamics.engines.certified import _wrapping_excess

    budget, h = to_arb(Fraction(1, 10**24)), to_arb(Fraction(4, 25))
    assert _wrapping_excess(to_arb(Fraction(1, 10**8)), to_arb(4), Fraction(0), h, budget, 20) > 10  # e^0.64 - 1 vs 0.02
    assert _wrapping_excess(to_arb(0), to_arb(4), Fraction(0), h, budget, 20) == 0  # nothing to spread
    assert _wrapping_excess(to_arb(Fraction(1, 10**30)), to_arb(4), Fraction(0), h, budget, 20) < 1  # within the budget
    # a factor 10 over t = 20: a rate of ln(10)/20 above the flow's own is allowed, twice that is not
    rho = to_arb(Fraction(1, 10**8))
    assert _wrapping_excess(rho, to_arb(Fraction(1, 10)), Fraction(0), h, budget, 20) < 1
    assert _wrapping_excess(rho, to_arb(Fraction(1, 4)), Fraction(0), h, budget, 20) > 1


def _proofs_at(loss, dps=20):
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.certified import ArbTape, _proof
    from lcnsym.dynamics.engines.taylor import _record_field

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    problem = FlowProblem(arch, data, parse_loss(loss))
    return _proof(problem, 4, _record_field(problem, 4, ArbTape), dps + 2, dps), [x for w in w0 for x in w]


def _expanded_at(loss):
    """The proof of ``_proofs_at(loss)`` expanded at the midpoints of ``w0``, and that centre (call inside a working
    precision)."""
    proof, w0 = _proofs_at(loss)
    centre = [to_arb(x).mid() for x in w0]
    proof.expand(centre)
    return proof, centre


def test_the_remainder_proofs_bound_is_the_lagrange_remainder_on_the_a_priori_box():
    """``|c_K(E)| h^K`` recomputed here on the same a priori box: a bound halved (or cut by any factor) is below it. The
    true error of a step is far below this bound, so an enclosure test alone would not see such a cut."""
    from lcnsym.dynamics.engines.certified import REMAINDER_BITS, _a_priori

    with working_precision(20, guard=10):
        proof, centre = _expanded_at("log-cosh:1")
        h = to_arb(Fraction(1, 1024))
        bound = proof.step(centre, 0, h, None)[0]
        box = _a_priori(proof.tape, centre, 0, h, None)[0]
        with working_precision(prec=REMAINDER_BITS):
            tail = proof.tape.coefficients(box, proof.K)
        lagrange = max(abs(c[proof.K]).upper() * h ** proof.K for c in tail)
        assert bound >= lagrange > 0


def test_the_defect_proofs_error_holds_the_centres_distance_to_the_taylor_polynomial(monkeypatch):
    """At a centre that the Taylor engine's binary numbers cannot hold (1/3): the polynomial is moved to start at the
    centre exactly; with that move undone, and a step so short that the defect adds nothing, the error bound is the
    distance from the centre to ``p(0)``: a proof that drops it is caught."""
    from lcnsym.dynamics.engines import certified

    with working_precision(60):  # a centre with more bits than the jets at 20 digits keep
        centre = [to_arb(q).mid() for q in (Fraction(1, 3), Fraction(-2, 3), Fraction(5, 7), Fraction(1, 9))]
    with working_precision(20, guard=10):
        proof, _ = _proofs_at("square")
        proof.expand(centre)
        assert [p[0] for p in proof.polys] == [to_fmpq(exact_value(c)) for c in centre]
        real = certified._exact_poly  # the move undone: the polynomial starts at its own first coefficient
        monkeypatch.setattr(certified, "_exact_poly", lambda c, start: real(c, to_arb(exact_value(c[0]))))
        proof.expand(centre)
        gap = max(abs(to_arb(p[0]) - to_arb(c)) for p, c in zip(proof.polys, centre))
        assert gap > 0
        error = proof.step(centre, 0, to_arb(10) ** -60, None)[2]
        assert error >= gap.lower()


def test_the_next_radius_takes_the_upper_end_of_the_growth():
    from lcnsym.dynamics.engines.certified import _next_radius

    with working_precision(20):
        mu = make_ball(0, 1)  # e^(mu h) anywhere in [1/e, e] for h = 1
        radius = _next_radius(to_arb(1), mu, to_arb(1), to_arb(0), [to_arb(0)])
        assert radius >= to_arb(1).exp()
        # the whole sum's upper end: radius e^(mu h) (upper) + error + ||rad(values)||, with thirds: never exact
        third = to_arb(1) / 3
        error, values = third / 3, [make_ball(0, Fraction(1, 3))] * 2
        half = to_arb(Fraction(1, 2))  # exact (make_ball's radii round up: a ball mu would hide the last digits)
        radius = _next_radius(third, half, to_arb(1), error, values)
        from lcnsym.dynamics.engines.certified import _norm2_upper

        total = third * half.exp().upper() + error + _norm2_upper([v.rad() for v in values])
        assert total.rad() > 0 and radius >= total.upper()


def test_the_tube_holds_the_start_spread_over_the_whole_step_where_balls_shrink():
    """Near a minimum (mu < 0) a solution starts spread0 from p(0); the tube must be wider than that over the step, not
    only than its spread0 e^(mu h) at the step's end (an injected tube without max(1, e^(mu h)) is below it)."""
    from lcnsym.dynamics.engines.certified import _tube_need

    with working_precision(20):
        spread0, h = to_arb(1), to_arb(1)
        for mu in (to_arb(-3), make_ball(-2, 1), to_arb(0)):
            assert _tube_need(spread0, to_arb(0), mu, h) >= spread0
        # with a defect: spread0 plus at least the defect's own contribution (e^(mu h) - 1)/mu, for mu of either sign
        for mu in (to_arb(-3), to_arb(2)):
            growth = (mu * h).exp()
            assert _tube_need(spread0, to_arb(1), mu, h) >= spread0 * growth.max(to_arb(1)) + (growth - 1) / mu


def test_the_a_priori_reach_grows_the_ball_by_the_logarithmic_norm():
    """At the saddle 0 the field expands (mu > 0): every solution from B(c, rho) stays within rho e^(mu h) +
    |F(c)| (e^(mu h) - 1)/mu, and a reach that leaves out the ball's growth is below it."""
    from lcnsym.dynamics.engines.certified import _a_priori

    with working_precision(20, guard=10):
        proof, _ = _proofs_at("square")
        centre = [to_arb(0)] * 4  # the saddle at 0: F(centre) = 0, so only the ball's growth moves the reach
        radius, h, found = to_arb(Fraction(1, 1000)), to_arb(Fraction(1, 16)), None
        while found is None and h > to_arb(Fraction(1, 10**6)):
            h = h / 4
            found = _a_priori(proof.tape, centre, radius, h, None)
        assert found is not None
        mu, reach = found[1], found[3]
        assert mu > 0, mu
        assert reach >= radius * (mu * h).exp()


def test_the_defect_proof_reuses_a_logarithmic_norm_only_on_a_box_that_holds_the_tube():
    """A bound certified on a box holds on every part of it, and nowhere else: a cached box that misses the tube by a
    little is certified anew (a planted ``mu`` far below the truth is not returned), one that holds it is reused, and a
    retry from the same centre is certified on the tube itself."""
    from lcnsym.dynamics.engines import certified

    with working_precision(20, guard=10):
        proof, w0 = _proofs_at("square")
        centre = [to_arb(x) for x in w0]
        tube = [make_ball(x, Fraction(1, 10**6)) for x in centre]
        h = to_arb(Fraction(1, 100))
        planted = to_arb(-10**6)
        fresh, _ = certified._log_norm(certified._jacobian(proof.tape, tube))
        assert fresh > planted
        # wide in its first entry, narrow in the others: it holds the tube's first entry only
        narrow = [make_ball(centre[0], Fraction(1, 10**3))] + [make_ball(x, Fraction(1, 2 * 10**6)) for x in centre[1:]]
        proof.certified_on = (narrow, planted, Fraction(0))
        mu, _ = proof._log_norm_on(centre, tube, None, h)
        assert mu > planted and proof.certified_on[0] is not narrow
        wide = [make_ball(x, Fraction(1, 10**3)) for x in centre]
        proof.certified_on, proof.tried = (wide, planted, Fraction(0)), None
        other = [to_arb(1)]
        assert proof._log_norm_on(other, tube, None, h)[0] is planted  # held: reused
        mu, _ = proof._log_norm_on(other, tube, None, h)  # the same centre again: a retry
        assert mu is not planted and mu > planted


def test_a_widened_box_is_taken_only_while_the_flow_slows_and_its_bound_stays_near_the_flows_rate():
    """Where the speed falls by half per step, ``mu`` is certified on the tube widened by twice the motion to come, and
    it holds the tube; where the speed does not fall, on the tube alone; a widened bound far above the flow's rate
    (the slack planted below zero) is not taken, and the next wider box waits."""
    with working_precision(20, guard=10):
        proof, w0 = _proofs_at("square")
        centre = [to_arb(x) for x in w0]
        tube = [make_ball(x, Fraction(1, 10**6)) for x in centre]
        h = to_arb(Fraction(1, 10**5))
        proof.speeds = (to_arb(2), to_arb(1))
        proof._log_norm_on(centre, tube, None, h)
        box = proof.certified_on[0]
        margin = to_arb(1) * h * 2  # now h ratio / (1 - ratio) * 2 with ratio 1/2
        assert all(b.contains(make_ball(x.mid(), x.rad() + margin * to_arb(Fraction(99, 100)))) for b, x in zip(box, tube))
        proof.certified_on, proof.speeds = (None, None, None), (to_arb(1), to_arb(1))
        proof._log_norm_on([to_arb(1)], tube, None, h)
        assert proof.certified_on[0] is tube
        proof.certified_on, proof.speeds, proof.slack = (None, None, None), (to_arb(2), to_arb(1)), to_arb(-1)
        proof._log_norm_on([to_arb(2)], tube, None, h)
        assert proof.certified_on[0] is tube and proof.wait == 2


def test_a_widened_box_bounded_by_gershgorin_alone_is_not_taken(monkeypatch):
    """Where the eigenvalue search gives up (``top`` is None: Gershgorin's bound), nothing says how far the wider box's
    bound is from the flow's rate: the tube is certified instead, and nothing fails."""
    from lcnsym.dynamics.engines import certified

    real = certified._log_norm
    monkeypatch.setattr(certified, "_log_norm", lambda J, guess=None: (real(J, guess)[0], None))
    with working_precision(20, guard=10):
        proof, w0 = _proofs_at("square")
        centre = [to_arb(x) for x in w0]
        tube = [make_ball(x, Fraction(1, 10**6)) for x in centre]
        proof.speeds = (to_arb(2), to_arb(1))
        mu, top = proof._log_norm_on(centre, tube, None, to_arb(Fraction(1, 10**5)))
        assert top is None and mu.is_finite() and proof.certified_on[0] is tube


def test_a_wider_box_that_step_control_refuses_makes_the_next_ones_wait_at_most_widen_steps():
    """A retry from the centre whose bound came from a wider box means that box was too loose for the step: the next
    wider boxes wait 2, 4, ... steps, never more than ``WIDEN_STEPS`` (a flow that bends early may straighten later),
    and a taken wider box ends the wait."""
    from lcnsym.dynamics.engines.certified import WIDEN_STEPS

    with working_precision(20, guard=10):
        proof, w0 = _proofs_at("square")
        centre = [to_arb(x) for x in w0]
        tube = [make_ball(x, Fraction(1, 10**6)) for x in centre]
        h = to_arb(Fraction(1, 10**5))
        waits = []
        for _ in range(8):
            proof.speeds, proof.wait, proof.certified_on = (to_arb(2), to_arb(1)), 0, (None, None, None)
            here = list(centre)
            proof._log_norm_on(here, tube, None, h)
            assert proof.widened  # taken: the wait is over
            assert proof.backoff == 1
            proof.backoff = 2 ** len(waits)
            proof._log_norm_on(here, tube, None, h)  # refused by step control: a retry
            assert not proof.widened and proof.certified_on[0] is tube
            waits.append(proof.wait)
        assert waits == [2, 4, 8, 16, 16, 16, 16, 16][:len(waits)] and WIDEN_STEPS == 16


def test_the_next_radius_adds_the_euclidean_norm_of_the_balls_radii():
    """Campaign A: balls of radii 3e-10 and 4e-10 hold points 5e-10 apart in the Euclidean norm: the larger radius alone
    is below what the new ball must hold."""
    from lcnsym.dynamics.engines.certified import _next_radius

    with working_precision(20):
        values = [make_ball(1, Fraction(3, 10**10)), make_ball(2, Fraction(4, 10**10))]
        assert _next_radius(to_arb(0), to_arb(0), to_arb(1), to_arb(0), values) >= to_arb(Fraction(5, 10**10))


def _saddle_proof(defect):
    """The square loss's proof at the saddle 0 (the field expands: mu > 0), with every defect polynomial ``defect``."""
    proof, _ = _proofs_at("square")
    centre = [to_arb(0)] * 4
    proof.expand(centre)
    proof.defects = [defect] * 4
    return proof, centre


def test_the_defect_proof_takes_the_defects_supremum_over_the_whole_step():
    """Campaign A: a defect t (h - t), zero at both ends of the step and h^2/4 in its middle: its value at h (zero) is no
    bound; the step's bound is at least the supremum, spread by (e^(mu h) - 1)/mu."""
    import flint

    from lcnsym.dynamics.engines.certified import _growth_and_spread

    with working_precision(20, guard=10):
        h = to_arb(Fraction(1, 64))
        # t (h - t): largest (h^2/4) inside the step; (h - t)^2: largest (h^2) at its start
        for defect, sup in ((flint.arb_poly([0, h, -1]), h * h / 4), (flint.arb_poly([h * h, -2 * h, 1]), h * h)):
            proof, centre = _saddle_proof(defect)
            out = proof.step(centre, 0, h, None)
            assert out is not None
            bound, mu = out[0], out[3]
            _, spread = _growth_and_spread(mu, h)
            assert bound >= (sup * 2 * spread).lower()  # ||(d, d, d, d)||_2 = 2 d


def test_the_defect_proofs_tube_holds_the_polynomials_whole_path(monkeypatch):
    """Campaign F: the tube where mu is certified holds p([0, h]): the centre p(0) and the end p(h) alike."""
    with working_precision(20, guard=10):
        proof, w0 = _proofs_at("square")
        centre = [to_arb(x) for x in w0]
        proof.expand(centre)
        tubes = []
        real = proof._log_norm_on
        monkeypatch.setattr(proof, "_log_norm_on", lambda c, tube, guess, h: tubes.append(tube) or real(c, tube, guess, h))
        h = to_arb(Fraction(1, 10**4))
        out = proof.step(centre, 0, h, None)
        assert out is not None and tubes
        values = out[1]
        assert all(b.contains(c) and b.contains(v) for b, c, v in zip(tubes[-1], centre, values))


def test_the_defect_proofs_error_grows_with_the_logarithmic_norm():
    """Campaign A: at the saddle (mu > 0) a constant defect delta accumulates to delta (e^(mu h) - 1)/mu over the step,
    more than delta h: an error that leaves out the growth is below it."""
    import flint

    from lcnsym.dynamics.engines.certified import _growth_and_spread

    with working_precision(20, guard=10):
        delta = to_arb(Fraction(1, 10**12))
        proof, centre = _saddle_proof(flint.arb_poly([delta]))
        h, out = to_arb(Fraction(1, 4)), None
        while out is None:
            h = h / 2
            out = proof.step(centre, 0, h, None)
        error, mu = out[2], out[3]
        assert mu * h > to_arb(Fraction(1, 100))  # a growth that shows
        _, spread = _growth_and_spread(mu, h)
        assert error >= (delta * 2 * spread).lower() > (delta * 2 * h).upper()
        # with p(0) off the centre too: the error is the upper end of |e(0)| e^(mu h) + sup |delta| (e^(mu h) - 1)/mu,
        # recomputed here from the proof's own pieces (a mutation pass: its lower end, or |e(0)| / e^(mu h), went unseen)
        from lcnsym.dynamics.engines.certified import _norm2_upper
        from lcnsym.numeric import make_ball

        proof.start = to_arb(Fraction(1, 10**6))
        out = proof.step(centre, 0, h, None)
        assert out is not None
        error, mu = out[2], out[3]
        growth, spread = _growth_and_spread(mu, h)
        defect = _norm2_upper([d(make_ball(h / 2, h / 2)) for d in proof.defects])
        assert growth > 1 and error >= (proof.start * growth + defect * spread).upper()


def test_the_a_priori_reach_holds_the_centres_motion_grown_by_the_logarithmic_norm():
    """Campaign A: off the saddle the centre moves (F(c) != 0) where the field expands (mu > 0): the reach holds
    rho e^(mu h) + |F(c)| (e^(mu h) - 1)/mu, more than the centre's straight motion |F(c)| h."""
    from lcnsym.dynamics.engines.certified import _a_priori, _field, _norm2_upper

    with working_precision(20, guard=10):
        proof, _ = _proofs_at("square")
        centre = [to_arb(Fraction(1, 100))] * 4
        radius, h, found = to_arb(Fraction(1, 1000)), to_arb(Fraction(1, 4)), None
        while found is None or not found[1] * h > to_arb(Fraction(1, 100)):
            h = h / 2
            found = _a_priori(proof.tape, centre, radius, h, None)
            assert h > to_arb(Fraction(1, 10**6))
        mu, reach = found[1], found[3]
        f0 = _norm2_upper(_field(proof.tape, centre))
        growth = (mu * h).exp()
        assert reach >= (radius * growth + f0 * (growth - 1) / mu).lower()
        assert reach > (radius * growth + f0 * h).upper()


def test_the_a_priori_logarithmic_norm_bounds_the_field_over_the_whole_box():
    """Campaign A: mu must bound the symmetric Jacobian's top eigenvalue at every point of the a priori box, not only
    near the start ball: sampled at the box's corners (rough eigenvalues), none exceeds it."""
    from itertools import product

    from lcnsym.dynamics.engines.certified import _a_priori, _jacobian
    from lcnsym.numeric import exact_value, rough_eigenvalues

    with working_precision(20, guard=10):
        proof, w0 = _proofs_at("square")
        centre = [to_arb(x) for x in w0]
        h, found = to_arb(Fraction(1, 100)), None
        while found is None:
            h = h / 2
            found = _a_priori(proof.tape, centre, 0, h, None)
        mu, r = found[1], found[4]
        tops = []
        for signs in product((-1, 1), repeat=4):
            corner = [to_arb(exact_value(c) + s * exact_value(r)) for c, s in zip(centre, signs)]
            J = _jacobian(proof.tape, corner)
            tops.append(rough_eigenvalues([[(J[i][j] + J[j][i]) / 2 for j in range(4)] for i in range(4)])[-1])
        top = max(tops)
        assert top > rough_eigenvalues([[(x + y) / 2 for x, y in zip(row, col)] for row, col in
                                        zip(_jacobian(proof.tape, centre), zip(*_jacobian(proof.tape, centre)))])[-1]
        assert mu >= to_arb(top)


def test_step_control_aims_below_the_wrapping_limit_instead_of_retrying(monkeypatch):
    """On a three-layer flow the tube's wrapping, not the defect, limits the steps: the next step aims at 9/10 of the
    allowed excess (which grows about as h^2) instead of growing by 5/4 and failing every other time (before: half of
    the steps tried were refused)."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_problem
    from lcnsym.dynamics.engines import certified

    tried, refused = [], []
    real = certified._wrapping_excess
    monkeypatch.setattr(certified, "_wrapping_excess", lambda *a: (lambda w: tried.append(w) or (w >= 1 and refused.append(w)) or w)(real(*a)))
    arch = Architecture.for_output_width((4, 3, 2), (1, 1, 1), dN=2)
    data, w0 = random_problem(arch, arch.d0 + 2, 1)
    gradient_flow(arch, data, parse_loss("square"), w0, Fraction(1, 8), dps=20, samples=1, engine="certified")
    assert len(tried) > 100 and len(refused) <= len(tried) / 10


def _recorded_tubes(monkeypatch):
    """The list that every tube the defect proof certifies a logarithmic norm on is appended to."""
    from lcnsym.dynamics.engines import certified

    tubes, real = [], certified._DefectProof._log_norm_on
    monkeypatch.setattr(certified._DefectProof, "_log_norm_on",
                        lambda self, centre, tube, guess, h: tubes.append(tube) or real(self, centre, tube, guess, h))
    return tubes


def test_the_tube_holds_the_starting_ball_when_the_polynomial_starts_off_the_centre(monkeypatch):
    """Campaign G: any polynomial p will do for the defect proof (its defect is enclosed), also one with p(0) away from
    the centre; the tube must then still hold every solution at t = 0, the whole ball B(centre, radius): the distance
    |p(0) - centre| is part of the tube's width, not only of the error after the step."""
    from lcnsym.dynamics.engines import certified
    from lcnsym.numeric import make_ball

    offset = Fraction(1, 2**12)  # far beyond the motion over the steps below: only the width d can hold the start
    real_poly = certified._exact_poly
    monkeypatch.setattr(certified, "_exact_poly", lambda coefficients, start: real_poly(coefficients, start + to_arb(offset)))
    tubes = _recorded_tubes(monkeypatch)
    with working_precision(20, guard=10):
        proof, centre = _expanded_at("square")
        radius = Fraction(1, 10**25)
        for h in (Fraction(1, 2**20), Fraction(1, 2**16)):
            out = proof.step(centre, radius, to_arb(h), None)
            assert out is not None and out[2] >= to_arb(offset)  # the error holds the offset
            start = [make_ball(c, radius) for c in centre]
            assert all(t.contains(b) for t, b in zip(tubes[-1], start)), h


def test_the_first_enclosure_holds_a_start_that_balls_cannot_hold_exactly():
    """Campaign G: w0 = (1/3, ...) is no binary number; its balls' radii are the first enclosure's radius, so the
    enclosure at t = 0 holds w0 exactly (and a flow started from its midpoint alone would not)."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_problem

    arch = Architecture.for_output_width((2, 2), (1, 1), dN=1)
    data, _ = random_problem(arch, arch.d0 + 2, 3)
    w0 = [[Fraction(1, 3), Fraction(-2, 7)], [Fraction(5, 11), Fraction(1, 9)]]
    traj = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(1, 10), dps=20, samples=1, engine="certified")
    first = traj.enclosures[0]
    assert first.t == 0 and first.radius > 0
    distance2 = sum((exact_value(c) - x) ** 2 for c, x in zip(first.centre, [x for w in w0 for x in w]))
    assert distance2 <= exact_value(to_arb(first.radius).upper()) ** 2


def test_gershgorins_fallback_bounds_the_top_eigenvalue_whatever_the_signs(monkeypatch):
    """Campaign G: where LDL^T certifies nothing, Gershgorin's discs bound lambda_max((J + J^T)/2): each row's centre
    plus the *absolute* off-diagonal sum (a signed sum falls below lambda_max = 1 of [[0, -1], [-1, 0]])."""
    from lcnsym.dynamics.engines import certified

    monkeypatch.setattr(certified, "_positive_definite", lambda S: False)
    with working_precision(30):
        for J, top in (([[to_arb(0), to_arb(-1)], [to_arb(-1), to_arb(0)]], 1),
                       ([[to_arb(-2), to_arb(3)], [to_arb(-5), to_arb(1)]], Fraction(13, 10))):  # S's lambda_max 1.30
            mu, guess = certified._log_norm(J)
            assert guess is None and mu >= to_arb(top), (J, mu)


def test_a_flow_stopped_by_its_gradient_is_labelled_with_the_time_it_reached():
    """Campaign J: a certified flow stopped early by ``grad_tol`` reports the time of its last enclosure, not the next
    sample time: the times strictly increase and each sample's time is its enclosure's."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_problem

    arch = Architecture(3, (2, 1), (1, 1))
    data, w0 = random_problem(arch, arch.d0 + 2, 1)
    traj = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(400), dps=20, samples=4, engine="certified",
                         grad_tol=Fraction(1, 10**8))
    times = list(traj.times)
    assert times[-1] < 400 and all(a < b for a, b in zip(times, times[1:])), times
    from lcnsym.numeric import to_rational

    reached = [Fraction(e.t) for e in traj.enclosures]
    for time in times[1:]:
        assert min(abs(to_rational(time, floats=True) - t) for t in reached) < Fraction(1, 10**12), (time, reached)


def test_a_step_stretched_over_a_sliver_before_a_sample_is_proved_for_its_whole_length(monkeypatch):
    """Campaign J: a step that would leave a sliver (under 1/1000) before a sample time is stretched to the sample time;
    the proof must be for the stretched step, or the enclosure is labelled with a time it was not proved for."""
    from lcnsym.dynamics.engines import certified

    real = certified._step_length
    monkeypatch.setattr(certified, "_step_length", lambda norms, K, remaining: (real(norms, K, remaining).min(remaining * to_arb(Fraction(9995, 10000)))).mid())
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    w0 = [list(w) for w in w0]
    cert = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(1, 4), dps=20, samples=2, engine="certified")
    ref = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(1, 4), dps=40, samples=2, engine="odefun")
    for enc, state in zip(cert.enclosures[1:], ref.states[1:]):
        assert _distance(enc, [x for w in state for x in w]) <= exact_value(enc.radius), enc.t


def _rotated(diagonal, radius):
    """``H diag(diagonal) H`` for an exact Householder reflection ``H`` (orthogonal), every entry a ball of ``radius``."""
    n = len(diagonal)
    v = [Fraction(i + 1) for i in range(n)]
    vv = sum(x * x for x in v)
    H = [[(1 if i == j else 0) - 2 * v[i] * v[j] / vv for j in range(n)] for i in range(n)]
    S = [[sum(H[i][k] * diagonal[k] * H[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
    return [[make_ball(S[i][j], radius) for j in range(n)] for i in range(n)]


def test_the_logarithmic_norm_near_a_critical_point_is_near_the_top_eigenvalue_not_gershgorins():
    """Near a critical point the rescalings' eigenvalues are about 0 while the others are in the hundreds: the shifts tried
    must grow with the entries' radii (a 3-layer flow's balls otherwise grew by Gershgorin's bound, e^92 per unit of
    time, and the engine stopped at t = 3.7)."""
    with working_precision(30):
        J = _rotated([Fraction(-500), Fraction(-400), Fraction(-7), Fraction(-1), Fraction(1, 10**4), Fraction(2, 10**4)],
                     Fraction(4, 100))
        mu, top = _log_norm(J)
        assert top is not None  # certified by LDL^T, not Gershgorin's fallback
        assert to_arb(Fraction(2, 10**4)) < mu < 1  # the top eigenvalue plus at most the radii's Frobenius norm, 0.24


def test_three_layer_flows_are_enclosed_to_t_20_within_the_digits():
    """Three layers, whose flow passes near critical points (two rescalings): enclosures hold the Taylor engine at twice
    the digits at every sample, and stay below ``10^-(dps-10)`` at ``t = 20``."""
    arch, data, w0 = _flows.problem((2, 2, 2), (1, 1, 1), 1)
    w0 = [list(w) for w in w0]
    cert = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(20), dps=20, samples=4, engine="certified")
    ref = gradient_flow(arch, data, parse_loss("square"), w0, Fraction(20), dps=40, samples=4, engine="taylor")
    assert [e.t for e in cert.enclosures] == [0, 5, 10, 15, 20]
    for enc, state in zip(cert.enclosures[1:], ref.states[1:]):
        assert _distance(enc, [x for w in state for x in w]) <= exact_value(enc.radius)
    assert cert.enclosures[-1].radius < to_arb(10) ** -10


def test_positive_definiteness_agrees_with_an_exact_cholesky_on_integer_matrices():
    """The interval LDL^T on exact (point) matrices decides as exact rational elimination does: every pivot of every row
    below it, and a zero pivot is not positive (a mutation pass found the elimination's row ranges and ``> 0`` untested)."""
    import random

    from lcnsym.dynamics.certificate import _positive_definite as certificate_pd

    def exact_pd(M):
        A = [[Fraction(x) for x in row] for row in M]
        for k in range(len(A)):
            if A[k][k] <= 0:
                return False
            for i in range(k + 1, len(A)):
                f = A[i][k] / A[k][k]
                for j in range(k + 1, len(A)):
                    A[i][j] -= f * A[k][j]
        return True

    rng = random.Random(5)
    seen = {True: 0, False: 0}
    with working_precision(30):
        assert not _positive_definite([[to_arb(0)]]) and not _positive_definite([[to_arb(1), to_arb(1)], [to_arb(1), to_arb(1)]])
        for _ in range(300):
            n = rng.randint(2, 5)
            B = [[rng.randint(-3, 3) for _ in range(n)] for _ in range(n)]
            M = [[sum(B[k][i] * B[k][j] for k in range(n)) + (rng.randint(-4, 4) if i == j else 0) for j in range(n)]
                 for i in range(n)]
            balls = [[to_arb(x) for x in row] for row in M]
            want = exact_pd(M)
            seen[want] += 1
            assert _positive_definite(balls) == want == certificate_pd(balls), M
    assert min(seen.values()) >= 30  # both answers, many times


def test_the_logarithmic_norm_of_a_jacobian_that_is_not_finite_is_none():
    import flint

    with working_precision(20):
        J = [[to_arb(-1), to_arb(0)], [to_arb(0), flint.arb("nan")]]
        assert _log_norm(J, "last")[0] is None
        J = [[to_arb(-1), to_arb(0)], [to_arb(0), flint.arb("inf")]]
        assert _log_norm(J)[0] is None


def test_the_tube_holds_the_whole_starting_ball_of_a_wide_enclosure(monkeypatch):
    """The tube's width counts the enclosure's radius (with ``p(0)`` at the centre, ``|e(0)| <= radius``): at a radius
    far above the step's defect, every point of ``B(centre, radius)`` is in the tube at ``t = 0``."""
    tubes = _recorded_tubes(monkeypatch)
    with working_precision(20, guard=10):
        proof, centre = _expanded_at("square")
        radius = Fraction(1, 10**8)
        out = proof.step(centre, radius, to_arb(Fraction(1, 2**20)), None)
        assert out is not None
        assert all(t.contains(make_ball(c, radius)) for t, c in zip(tubes[-1], centre))


@pytest.mark.parametrize("max_steps", [1, 3])
def test_the_certified_engine_stops_at_its_step_limit(max_steps):
    """Campaign U (I17): the certified engine took one step past ``max_steps`` (``steps > max_steps``); only the Taylor
    engine's step limit was tested. It stops after exactly ``max_steps`` steps, said so in the error."""
    from lcnsym.errors import ConvergenceError

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    with pytest.raises(ConvergenceError, match=f"took {max_steps} steps") as info:
        gradient_flow(arch, data, parse_loss("square"), [list(w) for w in w0], Fraction(4), dps=20, samples=1,
                      engine="certified", max_steps=max_steps, on_interrupt="raise", progress=None)
    assert info.value.data["steps"] == max_steps


def test_the_certified_step_time_estimate_is_six_times_the_taylor_engines():
    """Campaign U (I18): the certified engine's estimate of one validated step lost its factor 6 over the Taylor engine's,
    so a ``max_step_seconds`` between the two let a too-slow run start; no test read the certified estimate. On the same
    problem it is 6 x the Taylor estimate, and a limit between the two is refused by the certified engine only."""
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.taylor import TaylorEngine
    from lcnsym.errors import WorkLimitError

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    problem, flat = FlowProblem(arch, data, parse_loss("square")), [x for w in w0 for x in w]
    estimates = {}
    for name, engine in (("taylor", TaylorEngine()), ("certified", CertifiedEngine())):
        with pytest.raises(WorkLimitError, match="would take about") as info:
            engine.integrate(problem, flat, [Fraction(1, 10**6)], lambda t, s: True, dps=40, max_step_seconds=1e-12)
        estimates[name] = info.value.data["seconds"]
    assert estimates["certified"] == pytest.approx(6 * estimates["taylor"], rel=1e-12)
    between = 3 * estimates["taylor"]
    with pytest.raises(WorkLimitError, match="would take about"):
        CertifiedEngine().integrate(problem, flat, [Fraction(1, 10**6)], lambda t, s: True, dps=40, max_step_seconds=between)
    TaylorEngine().integrate(problem, flat, [Fraction(1, 10**6)], lambda t, s: True, dps=40, max_step_seconds=between)


def test_the_certified_engines_wall_time_limit_stops_it_by_name(monkeypatch):
    """Campaign Z (I22): only the Taylor engine's time limit was tested; on a clock that ticks a second per look the
    certified engine stops past max_seconds = 3 with a WorkLimitError naming it, long before t = 8."""
    from helpers import ticking_clock
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_problem
    from lcnsym.dynamics.engines import certified
    from lcnsym.errors import WorkLimitError

    arch = Architecture.for_output_width((2, 2), (1, 1), dN=2)
    data, w0 = random_problem(arch, 6, 1)
    ticking_clock(certified, monkeypatch)
    with pytest.raises(WorkLimitError, match="wall-time limit max_seconds = 3 after") as info:
        gradient_flow(arch, data, parse_loss("square"), w0, t_max=8, dps=20, samples=4, engine="certified", max_seconds=3)
    assert info.value.limit == 3 and info.value.steps == 4  # the deadline 1 + 3 passed at the fourth look


def test_at_mu_zero_the_spread_is_h_times_the_field_never_zero(monkeypatch):
    """Campaign CC (E01, E02): where the logarithmic norm is exactly 0, (e^(mu h) - 1)/mu is h (its limit), in the tube
    and in the a priori reach: a zero there makes the tube and the reach too thin (unsound enclosures)."""
    from lcnsym.dynamics.engines import certified
    from lcnsym.dynamics.engines.certified import _a_priori, _growth_and_spread, _tube_need

    with working_precision(20):
        growth, spread = _growth_and_spread(to_arb(0), to_arb(1))
        assert growth == 1 and spread == 1
        assert _tube_need(to_arb(Fraction(1, 1000)), to_arb(1), to_arb(0), to_arb(1)) >= to_arb(Fraction(1001, 1000))
    monkeypatch.setattr(certified, "_log_norm", lambda jacobian, guess: (to_arb(0), guess))
    with working_precision(20, guard=10):
        proof, w0 = _proofs_at("square")
        centre = [to_arb(x) for x in w0]
        h = to_arb(Fraction(1, 1000))
        found = _a_priori(proof.tape, centre, to_arb(0), h, None)
        field = certified._norm2_upper(certified._field(proof.tape, centre))
        assert found is not None and field > 0 and found[3] >= field * h


def test_the_step_rule_takes_the_smaller_of_the_last_two_coefficients_radii():
    """Campaign CC (E03): with |c_K| = 0 the step comes from |c_(K-1)| (Jorba and Zou): rho / e^2, not the whole interval."""
    from lcnsym.dynamics.engines.certified import _step_length

    with working_precision(20):
        norms = {9: to_arb(1), 10: to_arb(0)}
        h = _step_length(lambda k: norms[k], 10, to_arb(5))
        assert abs(to_float(h) - 2.718281828459045 ** -2) < 1e-12  # (1/|c_9|)^(1/9) / e^2
        norms = {9: to_arb(0), 10: to_arb(0)}
        assert to_float(_step_length(lambda k: norms[k], 10, to_arb(5))) == 5


def test_the_certified_engine_looks_for_convergence_within_a_hundred_times_the_tolerance():
    """Campaign CC (E04): the engine asks whether the flow has converged once the centre's gradient is below 100 times
    the tolerance (the sample's own gradient decides), not only once it is below the tolerance itself: a look that
    finds the flow not yet converged is recorded between the samples."""
    from lcnsym.algebra.architecture import Architecture
    from lcnsym.dynamics.data import random_problem

    arch = Architecture(3, (2, 1), (1, 1))
    data, w0 = random_problem(arch, 4, 1)
    tol = Fraction(1, 10**8)
    traj = gradient_flow(arch, data, parse_loss("square"), w0, t_max=40, dps=20, samples=2, engine="certified", grad_tol=tol)
    looks = [g for t, g in zip(traj.times, traj.grad_norms) if 0 < t < 40]
    assert looks and any(tol < exact_value(g) < 100 * tol for g in looks)
