"""Section 3's checks without the long flows: lemma-3.3, lemma-3.5, lemma-3.6, cor-3.7 pass, and fail on false variants."""

from fractions import Fraction

import pytest

from lcnsym.checking.evidence import CheckConfig
from lcnsym.numeric import to_arb
from lcnsym.proofs import _flows, cor_3_7, lemma_3_3, lemma_3_5, lemma_3_6


@pytest.mark.parametrize("mod", [lemma_3_3, lemma_3_5, lemma_3_6, cor_3_7], ids=lambda m: m.ID)
def test_section3_checks_pass(mod):
    ev = mod.check(CheckConfig())
    assert ev.passed and ev.instances > 30, ev.summary()


def test_lemma_3_3_with_the_wrong_direction_is_caught():
    ev = lemma_3_3.check(CheckConfig(), sign=1)
    assert not ev.passed and "grad L . direction" in ev.counterexample


def _drop_a_factor(arch, filters):
    """``layer_factor_products`` with a factor left out for layers >= 2 of a deep network (an injected bug that every
    flow check on two-layer shapes passed)."""
    from lcnsym.algebra.coefficients import convolve
    from lcnsym.algebra.polynomials import stride_polynomial_coefficients

    polys = [stride_polynomial_coefficients(list(w), i, arch.s) for i, w in enumerate(filters, 1)]
    out = []
    for i in range(arch.N):
        others = [p for k, p in enumerate(polys) if k != i]
        prod = others[0] if others else [polys[i][0] * 0 + 1]
        for p in (others[2:] if i >= 1 else others[1:]):
            prod = convolve(prod, p)
        out.append(prod)
    return out


def test_lemma_3_3_catches_a_gradient_that_is_wrong_on_deep_networks(monkeypatch):
    from lcnsym.dynamics import risk

    monkeypatch.setattr(risk, "layer_factor_products", _drop_a_factor)
    ev = lemma_3_3.check(CheckConfig())
    assert not ev.passed and "exact derivative of L" in ev.counterexample and len(ev.counterexample["k"]) >= 3


def test_lemma_3_3_catches_a_flow_field_whose_backpropagation_is_wrong_on_deep_networks(monkeypatch):
    from lcnsym.algebra.coefficients import filter_gradients
    from lcnsym.dynamics.engines import taylor

    def slipped(filters, strides, g, partials=None):  # the middle layer's gradient taken from the wrong partial
        grads = filter_gradients(filters, strides, g, partials)
        if len(filters) >= 3:
            grads[1] = [x * 2 for x in grads[1]]
        return grads

    monkeypatch.setattr(taylor, "filter_gradients", slipped)
    ev = lemma_3_3.check(CheckConfig())
    assert not ev.passed and len(ev.counterexample["k"]) >= 3, ev.summary()


def test_lemma_3_3_catches_a_wrong_field_and_wrong_invariants():
    from lcnsym.dynamics.bounds import balancedness
    from lcnsym.dynamics.engines.taylor import field_at

    def flipped(problem, w, dps):
        f = field_at(problem, w, dps=dps)
        return [-f[0]] + f[1:]

    def slipped(w):  # the index slip of an injected bug: layers i+1 and i-1 for deep networks
        if len(w) < 3:
            return balancedness(w)
        norms = [sum(x * x for x in layer) for layer in w]
        return [norms[i + 1] - norms[max(i - 1, 0)] for i in range(len(w) - 1)]

    ev = lemma_3_3.check(CheckConfig(), field=flipped)
    assert not ev.passed and "the Taylor engine's field" in ev.counterexample
    ev = lemma_3_3.check(CheckConfig(), invariants=slipped)
    assert not ev.passed and "balancedness" in ev.counterexample and len(ev.counterexample["k"]) >= 3


def test_lemma_3_5_ignoring_the_balancedness_is_caught():
    ev = lemma_3_5.check(CheckConfig(), bound=lambda T, kv, d: max(Fraction(T), 1) ** 2)
    assert not ev.passed and Fraction(ev.counterexample["max ||w^(i)||^2"]) > Fraction(ev.counterexample["tau"])


@pytest.mark.parametrize("scale", [Fraction(1, 2), 1 - Fraction(1, 10**35)])
def test_lemma_3_6_with_a_smaller_g_is_caught_even_by_1e_35(scale):
    ev = lemma_3_6.check(CheckConfig(), scale=scale)
    assert not ev.passed and "g(L)" in ev.counterexample


@pytest.mark.parametrize("shift", [-Fraction(1, 100), -Fraction(1, 10**45)])
def test_cor_3_7_with_a_smaller_constant_is_caught_even_by_1e_45(shift):
    ev = cor_3_7.check(CheckConfig(), c_shift=shift)
    assert not ev.passed and "loss + c - ||r||_1" in ev.counterexample


def test_cor_3_7_catches_a_wrong_constant_in_a_loss_definition(monkeypatch):
    from lcnsym.dynamics.losses.pseudo_huber import PseudoHuber
    from lcnsym.numeric import to_float

    monkeypatch.setattr(PseudoHuber, "c1_of", lambda self, F: F.const(-Fraction(1, 10**45)))
    ev = cor_3_7.check(CheckConfig())
    assert not ev.passed and ev.counterexample["loss"].startswith("pseudo-huber")


def test_lemma_3_5_reports_gaps_beyond_float_range():
    # the thorough profile's unbalanced filters give tau beyond 1e308: the gap is a log of an exact ratio, never a float
    from lcnsym.dynamics.bounds import tau

    ev = lemma_3_5.check(CheckConfig(), bound=lambda T, kv, d: tau(T, kv, d) * Fraction(10) ** 400)
    assert ev.passed and ev.details["smallest log10 gap"] >= 400


def test_lemma_3_3_invariants_that_move_are_caught_on_the_enclosures():
    # the exact identities hold; only the certified flow's enclosures can see invariants that move by 1e-9
    ev = lemma_3_3.check(CheckConfig(), shift=Fraction(1, 10**9))
    assert not ev.passed and ev.kind == "certified" and "delta_i over the enclosure" in ev.counterexample


def test_lemma_3_3_certifies_the_drift_on_every_enclosure():
    bad, enclosures, drift, t, radius, digits = lemma_3_3.certified_drift(CheckConfig())
    assert bad is None and enclosures >= lemma_3_3.MIN_ENCLOSURES and t == 4 and 0 < drift < to_arb(Fraction(1, 10**10))
    assert digits in _flows.CERTIFY_LADDER


def test_lemma_3_5_a_bound_false_along_the_flow_is_caught_on_the_enclosures():
    from lcnsym.dynamics.bounds import tau

    bad, enclosures, gap, t = lemma_3_5._on_enclosures(CheckConfig(), lambda T, kv, d: tau(T, kv, d) / 10**40)
    assert bad is not None and Fraction(bad["max ||w^(i)||^2 over the enclosure <="]) > Fraction(bad["tau"])
    bad, enclosures, gap, t = lemma_3_5._on_enclosures(CheckConfig(), tau)
    assert bad is None and enclosures >= lemma_3_5.MIN_ENCLOSURES and gap > 1


def test_cor_3_7_an_h_of_3_8_without_its_factor_dN_is_caught(monkeypatch):
    # injected in a campaign: the l_p loss's h lost its dN; (3.8) fails at equal residuals, R = (1, 1)^T, m = 1
    from lcnsym.dynamics.losses.lp import Lp

    monkeypatch.setattr(Lp, "h_of", lambda self, L, dN, m, F: m * F.root(F.const(self.p), self.p) * F.root(L, self.p))
    monkeypatch.setattr(Lp, "h_at_least", lambda self, L, dN, m, value: value <= 0 or value ** self.p <= m ** self.p * self.p * L)
    ev = cor_3_7.check(CheckConfig())
    assert not ev.passed and ev.counterexample["loss"].startswith("lp") and ev.counterexample["dN"] > 1


def test_cor_3_7_a_constant_c_without_its_factor_dN_is_caught(monkeypatch):
    from lcnsym.dynamics.losses.base import Loss

    monkeypatch.setattr(Loss, "c_of", lambda self, dN, F: self.c1_of(F))
    ev = cor_3_7.check(CheckConfig())
    # caught first by h against RESULTS.md's (h = L + c m), and on residual matrices when that is passed over
    assert not ev.passed and ev.counterexample["dN"] > 1 and "h as RESULTS.md states it" in ev.counterexample
    monkeypatch.setattr(cor_3_7, "h_against_statement", lambda losses: (None, len(cor_3_7.H_DN) * len(cor_3_7.H_M) * len(cor_3_7.H_POINTS) * len(losses)))
    ev = cor_3_7.check(CheckConfig())
    assert not ev.passed and ev.counterexample["dN"] > 1 and Fraction(ev.counterexample["||R||_1"]) >= 0


def test_cor_3_7_a_wrong_ball_form_of_phi_prime_is_caught(monkeypatch):
    from lcnsym.dynamics.losses.gen_huber import GeneralizedHuber

    monkeypatch.setattr(GeneralizedHuber, "dphi_balls",
                        lambda self, r, F: F.tanh(F.const(self.alpha) * r) / (1 + F.const(self.beta) * F.sech(F.const(self.alpha) * r)))
    ev = cor_3_7.check(CheckConfig())
    assert not ev.passed and "dphi_balls" in ev.counterexample["problem"]


def test_lemma_3_5_a_library_tau_unlike_the_stated_one_is_caught(monkeypatch):
    # injected in a campaign: tau without its (N-1) Delta still bounds every instance searched; the identity sees it
    from lcnsym.dynamics import bounds

    real = bounds.tau
    monkeypatch.setattr(lemma_3_5, "tau", lambda T, kv, d: real(T, kv, d) - (len(d)) * max((abs(x) for x in d), default=0))
    ev = lemma_3_5.check(CheckConfig())
    assert not ev.passed and ev.counterexample["tau computed"] != ev.counterexample["tau as stated"]


def test_lemma_3_5_counts_the_unbalanced_instances_it_generated(monkeypatch):
    # injected in a campaign: instances never actually unbalanced, while the text still claimed them
    real = lemma_3_5._instance
    monkeypatch.setattr(lemma_3_5, "_instance", lambda rng, unbalance: real(rng, 0))
    ev = lemma_3_5.check(CheckConfig())
    assert not ev.passed and "unbalanced instances" in ev.counterexample["search too small"]


def test_lemma_3_6_a_library_g_unlike_the_stated_one_is_caught(monkeypatch):
    # injected in a campaign: g divided by dN twice; still a bound on every instance searched, unlike its statement
    from lcnsym.dynamics import bounds

    real = bounds._g
    monkeypatch.setattr(bounds, "_g", lambda L, loss, data, dN, dps, F: real(L, loss, data, dN, dps, F) / dN)
    ev = lemma_3_6.check(CheckConfig())
    assert not ev.passed and "g as stated" in ev.counterexample and ev.counterexample["dN"] > 1


def test_lemma_3_3_catches_a_field_wrong_only_on_the_per_residual_route():
    """The square loss runs through the normal equations; a field wrong only for the other losses (their one jet per
    residual) is caught against risk_gradient."""
    from lcnsym.dynamics.engines.taylor import field_at

    def off_for_residual_losses(problem, w, dps):
        f = field_at(problem, w, dps=dps)
        return f if problem.loss.name == "square" else [f[0] * (1 + Fraction(1, 10**12))] + f[1:]

    ev = lemma_3_3.check(CheckConfig(), field=off_for_residual_losses)
    assert not ev.passed and ev.counterexample["loss"] != "square" and "-risk_gradient at 100 digits" in ev.counterexample


def test_lemma_3_6_counts_only_the_pairs_it_decided(monkeypatch):
    """Campaign C: an instance whose hypothesis fails (X X^T singular) is not a decided (instance, loss) pair: the
    pairs counted are the decisions that returned (random instances and flow samples alike)."""
    from lcnsym.proofs import lemma_3_6

    decided, failing = [], set()
    real = lemma_3_6.decide

    def spy(arch, w, data, *rest):
        try:
            out = real(arch, w, data, *rest)
        except lemma_3_6.HypothesisFails:
            failing.add(repr((arch, w, data)))  # campaign HH: instances, not (instance, loss) pairs
            raise
        decided.append(1)
        return out

    monkeypatch.setattr(lemma_3_6, "decide", spy)
    ev = lemma_3_6.check(CheckConfig())
    assert ev.passed
    assert ev.scope.startswith(f"{len(decided)} (instance, loss) pairs") and ev.instances == len(decided)
    assert ev.details["hypothesis fails"] == len(failing) > 0  # there were singular instances to leave out
    assert f"{len(failing)} instances with singular X X^T reported as 'hypothesis fails'" in ev.scope


def test_lemma_3_5_holds_its_bound_against_every_point_of_the_enclosures():
    """Campaign G: the largest ``||w^(i)||^2`` over an enclosure is its balls' upper end, not their midpoints'."""
    from lcnsym.numeric import make_ball, to_arb, working_precision

    with working_precision(30):
        layers = [[make_ball(1, Fraction(1, 10)), make_ball(2, Fraction(1, 10))], [make_ball(-2, Fraction(1, 100))]]
        top = lemma_3_5.largest_squared_norm(layers)
        corner = Fraction(11, 10) ** 2 + Fraction(21, 10) ** 2  # the corner (1.1, 2.1) of the first layer
        assert corner <= top < corner + Fraction(1, 10**6)
        assert lemma_3_5.largest_squared_norm(layers[1:]) >= Fraction(201, 100) ** 2
        assert lemma_3_5.largest_squared_norm([[to_arb(3)]]) == 9


def test_lemma_3_3_holds_the_field_of_every_other_loss_in_turn():
    """Campaign G: "for the other losses, one per architecture in turn": every example loss without a quadratic form
    meets the engine's field check on some architecture (one loss alone would leave the others' fields unchecked)."""
    from lcnsym.dynamics.engines.taylor import field_at
    from lcnsym.dynamics.losses import example_losses

    seen = {}

    def recording(problem, point, dps):
        seen[problem.loss.label()] = seen.get(problem.loss.label(), 0) + 1
        return field_at(problem, point, dps=dps)

    ev = lemma_3_3.check(CheckConfig(), field=recording)
    others = {loss.label() for loss in example_losses() if loss.quadratic is None}
    assert ev.passed and others <= set(seen) and min(seen[label] for label in others) >= 3, seen


def test_lemma_3_3_holds_the_other_losses_fields_to_their_stated_tolerance():
    """Campaign J: the other losses' fields are held to 10^-FIELD_DPS (1 + max |dL/dw|), as the evidence states: a field
    off by 10^-(FIELD_DPS - 30) relative in those losses alone fails."""
    from lcnsym.dynamics.engines.taylor import field_at
    from lcnsym.numeric import show_tolerance, tolerance

    def slightly_off(problem, point, dps):
        out = field_at(problem, point, dps=dps)
        if problem.loss.quadratic is not None:
            return out
        return [x * (1 + Fraction(1, 10 ** (lemma_3_3.FIELD_DPS - 30))) for x in out]

    ev = lemma_3_3.check(CheckConfig(), field=slightly_off)
    assert not ev.passed and "loss" in ev.counterexample and "tolerance" in ev.counterexample
    assert f"to {show_tolerance(tolerance(lemma_3_3.FIELD_DPS))} (1 + max |dL/dw|)" in lemma_3_3.check(CheckConfig()).scope


def test_lemma_3_3_holds_the_square_losss_field_to_its_stated_tolerance():
    """Campaign JJ: the square loss's field is held to 10^-FIELD_DPS (1 + max |dL/dw|) too (a tolerance at CHECK_DPS
    passed): a field off by 10^-(FIELD_DPS - 30) relative in the square loss alone fails, naming no other loss."""
    from lcnsym.dynamics.engines.taylor import field_at

    def slightly_off(problem, point, dps):
        out = field_at(problem, point, dps=dps)
        if problem.loss.quadratic is None:
            return out
        return [x * (1 + Fraction(1, 10 ** (lemma_3_3.FIELD_DPS - 30))) for x in out]

    ev = lemma_3_3.check(CheckConfig(), field=slightly_off)
    assert not ev.passed and "the Taylor engine's field" in ev.counterexample and "loss" not in ev.counterexample


def test_lemma_3_3_certified_drift_is_the_upper_end_over_every_enclosure():
    """Campaign J: the certified drift bounds |delta_i(w) - delta_i(w0)| at every point of every enclosure: the upper
    end of each ball's distance, recomputed here (a midpoint understates it by orders of magnitude)."""
    from lcnsym.dynamics.bounds import balancedness
    from lcnsym.numeric import working_precision

    config = CheckConfig()
    bad, count, drift, *_ = lemma_3_3.certified_drift(config)
    reaches, enclosures = [], 0
    for k, s in _flows.certified_shapes(config):
        arch, _, w0 = _flows.problem(k, s, config.seed + 1)
        exact = balancedness([list(w) for w in w0])
        traj = _flows.certified_flow("square", k, s, config.seed + 1)
        enclosures += len(traj.enclosures)
        with working_precision(traj.dps):
            reaches.append(max(abs(ball - to_arb(d)).upper() for e in traj.enclosures
                               for ball, d in zip(balancedness(_flows.enclosure_layers(arch, e)), exact)))
    assert bad is None and drift >= max(reaches) > 0 and count == enclosures


def test_the_certified_halves_run_on_three_layers_and_see_the_second_invariant(monkeypatch):
    """The certified flows of lemmas 3.3 and 3.5 include three layers (two invariants): a drift planted in delta_2 only,
    on the three-layer flow's enclosures, is caught."""
    from lcnsym.dynamics import bounds

    config = CheckConfig()
    assert any(len(k) >= 3 for k, _ in _flows.certified_shapes(config))
    real = bounds.balancedness

    def second_moves(w):
        out = real(w)
        if len(out) >= 2 and not isinstance(out[1], Fraction):  # the balls over an enclosure, not the exact start
            return out[:1] + [out[1] + to_arb(Fraction(1, 10**9))] + out[2:]
        return out

    monkeypatch.setattr(bounds, "balancedness", second_moves)
    bad, *_ = lemma_3_3.certified_drift(config)
    assert bad is not None and bad["i"] == 2 and len(bad["k"]) == 3


def test_lemma_3_6_exact_route_keeps_dN(monkeypatch):
    """Campaign M: where balls cannot decide, ||pi(w)||_1 <= scale g(L) is decided exactly as
    h(L) >= dN ||pi(w)||_1 / (scale P) - ||Y||_1; with dN = 2 and a scale between the bound with and without dN, the
    exact route must agree with the balls."""
    import random

    from lcnsym.numeric import exact_value

    rng = random.Random(3)
    arch, w, data = next(p for p in (lemma_3_6._problem(rng, False) for _ in range(200)) if p[0].dN == 2)
    square = _flows.parse_loss("square")
    ok, v1, g = lemma_3_6.decide(arch, w, data, square)
    scale = v1 / exact_value(g.mid()) * Fraction(2, 3)  # v1 = 1.5 scale g: false, though v1 <= dN scale g
    by_balls = lemma_3_6.decide(arch, w, data, square, scale=scale)[0]
    monkeypatch.setattr(lemma_3_6, "compare", lambda a, b: None)  # the balls never decide: the exact route does
    assert by_balls is False and lemma_3_6.decide(arch, w, data, square, scale=scale)[0] is False


def test_lemma_3_3_euler_identity_is_checked_on_the_last_layer_too(monkeypatch):
    """Campaign O: a final filter quadratic in the last layer only (v w^(N)_1) breaks sum_j w_j dv/dw_j = v there alone:
    the identity, checked on every layer, names layer N."""
    from types import SimpleNamespace

    from lcnsym.algebra.filters import symbolic_filters, symbolic_final_filter

    def last_layer_quadratic(arch):
        _, ws = symbolic_filters(arch)
        return SimpleNamespace(polys=[vm * ws[-1][0] for vm in symbolic_final_filter(arch).polys])

    monkeypatch.setattr(lemma_3_3, "symbolic_final_filter", last_layer_quadratic)
    bad = lemma_3_3.euler_identity((2, 3), (1, 1))
    assert bad is not None and bad["layer"] == 2


def test_lemma_3_3_euler_identity_is_checked_on_every_entry_of_v(monkeypatch):
    """Campaign JJ: the identity holds entry by entry; a final filter whose last entry alone is squared fails there."""
    from types import SimpleNamespace

    from lcnsym.algebra.filters import symbolic_final_filter

    def last_entry_squared(arch):
        polys = symbolic_final_filter(arch).polys
        return SimpleNamespace(polys=list(polys[:-1]) + [polys[-1] * polys[-1]])

    monkeypatch.setattr(lemma_3_3, "symbolic_final_filter", last_entry_squared)
    bad = lemma_3_3.euler_identity((2, 3), (1, 1))
    assert bad is not None and bad["entry"] == 4  # k_v = 4: the last entry


def test_lemma_3_6_undecided_without_an_exact_route_raises(monkeypatch):
    """Campaign O: where balls never decide and the loss's exact risk is not even rational (pseudo-Huber), decide raises
    PrecisionError: never a verdict."""
    import random

    from lcnsym.errors import PrecisionError

    rng = random.Random(5)
    arch, w, data = lemma_3_6._problem(rng, False)
    monkeypatch.setattr(lemma_3_6, "compare", lambda a, b: None)
    with pytest.raises(PrecisionError, match="undecided"):
        lemma_3_6.decide(arch, w, data, _flows.parse_loss("pseudo-huber:1"))


def test_cor_3_7_states_the_largest_absolute_residual_entry(monkeypatch):
    """Campaign O: "largest |r_i|" is over the absolute values: residuals whose largest entry in size is negative
    (-7, beside 3) state 7."""
    monkeypatch.setattr(cor_3_7, "_residuals",
                        lambda rng, dN, count: [[Fraction(-7)] + [Fraction(3)] * (dN - 1) for _ in range(count + 1)])
    ev = cor_3_7.check(CheckConfig())
    assert ev.passed and "largest |r_i| = 7)" in ev.scope, ev.scope[:300]


def test_lemma_3_5_unbalanced_instances_keep_pi_w():
    """Campaign S (I19): the unbalancing multiplied both layers by 10^u instead of one by 10^u and the other by 10^-u;
    pi(w) then grew, tau with it, and the instances that stress the (N - 1) Delta term at a fixed pi(w) were gone (the
    check still passed: a larger T only loosens tau). For seeds 0..49 the unbalanced instance has the balanced one's
    architecture and, on two layers or more, its pi(w), with layers 10^3 times larger and smaller."""
    import random

    from lcnsym.algebra.filters import final_filter

    deep = 0
    for seed in range(50):
        arch, w = lemma_3_5._instance(random.Random(seed), 0)
        arch_u, w_u = lemma_3_5._instance(random.Random(seed), 3)
        assert (arch_u.k, arch_u.s, arch_u.d0) == (arch.k, arch.s, arch.d0), seed
        if arch.N >= 2:
            deep += 1
            assert final_filter(arch_u, w_u) == final_filter(arch, w), seed
            scales = sorted({c_u / c for layer, layer_u in zip(w, w_u) for c, c_u in zip(layer, layer_u)})
            assert scales == [Fraction(1, 1000), 1, 1000] or scales == [Fraction(1, 1000), 1000], (seed, scales)
        else:
            assert w_u == w, seed
    assert deep >= 20


def test_cor_3_7_states_the_smallest_slack():
    """Campaign S (I20): the margin "smallest loss(r) + c - ||r||_1" was the largest over the residuals (300, not 0); no
    test read it. The slack tends to 0 at the huge extreme residuals (|r| = 10^30 to 10^100), where the generalized
    Huber losses' slack rounds to 0.0 as a float, and no slack is negative on a passing check: the smallest is 0."""
    ev = cor_3_7.check(CheckConfig())
    assert ev.passed and ev.details["smallest slack"] == 0, ev.worst_margin
    assert ev.worst_margin == "smallest loss(r) + c - ||r||_1 = 0"


def test_lemma_3_5_holds_every_sample_of_its_flows_the_start_included():
    """Campaign U: the flows' samples from w0 on; a bound false only at each flow's start fails, and the scope counts
    every sample."""
    import re

    from lcnsym.algebra.filters import final_filter
    from lcnsym.dynamics.bounds import balancedness, tau

    config = CheckConfig()
    starts = set()
    for k, s in _flows.shapes(config):
        arch, _, w0 = _flows.problem(k, s, config.seed + 1)
        w = [list(x) for x in w0]
        starts.add((sum(abs(c) for c in final_filter(arch, w)), tuple(balancedness(w))))
    ev = lemma_3_5.check(config, bound=lambda T, kv, d: Fraction(0) if (T, tuple(d)) in starts else tau(T, kv, d))
    assert not ev.passed
    ev = lemma_3_5.check(config)
    total = sum(len(_flows.flow("square", k, s, config.seed + 1, _flows.t_max_of(config), profile=config.profile).states)
                for k, s in _flows.shapes(config))
    assert ev.passed and int(re.search(r"and (\d+) samples of square-loss flows", ev.scope)[1]) == total


def test_lemma_3_6_raises_the_precision_before_it_gives_up():
    """Campaign U: a comparison undecided at the check's first digits is decided at more (here 100), not refused."""
    import mpmath

    from lcnsym.algebra.architecture import Architecture
    from lcnsym.algebra.filters import final_filter
    from lcnsym.dynamics.bounds import g_bound
    from lcnsym.dynamics.data import Data
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.dynamics.risk import empirical_risk

    arch = Architecture(2, (2,), (1,))
    w = [[Fraction(1), Fraction(2)]]
    data = Data(((Fraction(1), Fraction(0), Fraction(1)), (Fraction(0), Fraction(1), Fraction(1))),
                ((Fraction(1), Fraction(1), Fraction(3)),))
    loss = parse_loss("pseudo-huber:1")
    v1 = sum(abs(c) for c in final_filter(arch, w))
    g = g_bound(empirical_risk(arch, w, data, loss, dps=300), loss, data, arch.dN, dps=300)
    with mpmath.workdps(300):
        ratio = Fraction(mpmath.nstr(mpmath.mpf(v1.numerator) / v1.denominator / g, 75))
    ok, _, _ = lemma_3_6.decide(arch, w, data, loss, ratio * (1 + Fraction(1, 10**70)))  # g above ||pi(w)||_1 by 1e-70
    assert ok is True


def test_lemma_3_6_decides_each_flow_against_its_own_data(monkeypatch):
    """Campaign W: the flows whose samples lemma-3.6 holds are those of the problems whose data it uses (one seed)."""
    import sys

    problems, flows = [], []
    real_problem, real_flow = _flows.problem, _flows.flow

    def problem(k, s, seed, *a, **kw):  # the problems lemma-3.6 itself asks for (the flows ask for theirs too)
        if sys._getframe(1).f_globals["__name__"] == lemma_3_6.__name__:
            problems.append((k, s, seed))
        return real_problem(k, s, seed, *a, **kw)

    monkeypatch.setattr(_flows, "problem", problem)
    monkeypatch.setattr(_flows, "flow", lambda loss, k, s, seed, *a, **kw: flows.append((k, s, seed)) or real_flow(loss, k, s, seed, *a, **kw))
    assert lemma_3_6.check(CheckConfig()).passed
    assert flows and problems and set(flows) <= set(problems)


def test_cor_3_7_runs_every_residual_shape_it_states(monkeypatch):
    """Campaign W: (3.8) on residual matrices of every dN and m in 1..3, as the text says."""
    from lcnsym.dynamics.losses import parse_loss

    shapes = set()
    real = cor_3_7._matrices
    monkeypatch.setattr(cor_3_7, "_matrices", lambda rng, dN, m: shapes.add((dN, m)) or real(rng, dN, m))
    bad, count, per_loss = cor_3_7.h_on_matrices(CheckConfig(), [parse_loss("pseudo-huber:1")])
    assert bad is None and shapes == {(d, m) for d in (1, 2, 3) for m in (1, 2, 3)}


def test_lemma_3_6_counts_its_fitted_pairs_and_every_flow_sample(monkeypatch):
    """Campaign Z (I10, I14): the labels-fitted count is the decided pairs of instances drawn with fitted labels, and
    the flow samples are every state of every flow, its start included; both recounted here by spies."""
    import re

    phase, fitted, states = {"fitted": False}, [0], [0]
    real_problem, real_decide, real_flow = lemma_3_6._problem, lemma_3_6.decide, _flows.flow

    def problem(rng, fit):
        phase["fitted"] = fit
        return real_problem(rng, fit)

    def decide(*args):
        out = real_decide(*args)
        fitted[0] += phase["fitted"]
        return out

    def flow(*args, **kwargs):
        phase["fitted"] = False
        traj = real_flow(*args, **kwargs)
        states[0] += len(traj.states)
        return traj

    monkeypatch.setattr(lemma_3_6, "_problem", problem)
    monkeypatch.setattr(lemma_3_6, "decide", decide)
    monkeypatch.setattr(_flows, "flow", flow)
    ev = lemma_3_6.check(CheckConfig())
    assert ev.passed and fitted[0] > 0 and states[0] > 0
    assert re.search(rf"\b{fitted[0]} with labels fitted exactly, and {states[0]} samples of square-loss flows", ev.scope)


def test_lemma_3_5_states_the_smallest_and_the_largest_gap_of_its_random_instances(monkeypatch):
    """Campaign Z (I11): "10^x at least (10^y at most)" are the smallest and the largest log10 gap over the random
    instances, recorded here by a spy on decimal_log until the flows begin."""
    phase, gaps = {"random": True}, []
    real_log, real_shapes = lemma_3_5.decimal_log, _flows.shapes

    def log(x):
        value = real_log(x)
        if phase["random"]:
            gaps.append(value)
        return value

    def shapes(config):
        phase["random"] = False
        return real_shapes(config)

    monkeypatch.setattr(lemma_3_5, "decimal_log", log)
    monkeypatch.setattr(_flows, "shapes", shapes)
    ev = lemma_3_5.check(CheckConfig())
    assert ev.passed and len(gaps) > 100 and gaps.index(max(gaps)) != len(gaps) - 1
    assert ev.worst_margin == f"tau exceeds max ||w^(i)||^2 by 10^{min(gaps):.1f} at least (10^{max(gaps):.1f} at most)"


def test_lemma_3_3_decides_the_identity_for_every_layer_pair_not_only_neighbours(monkeypatch):
    """Campaign AA (16): with only neighbouring pairs decided the verdict stands (they imply the rest) but "every pair"
    overstates what ran: the text counts the pairs decided, N(N-1)/2 per architecture of the small grid."""
    import re

    from lcnsym.algebra.architecture import shapes

    small = [(k, s) for k, s in shapes(3, 2, 2) if len(k) >= 2] + [((3, 2, 3), (2, 1, 2))]
    expected = sum(len(k) * (len(k) - 1) // 2 for k, _ in small)
    ev = lemma_3_3.check(CheckConfig())
    assert ev.passed and re.search(rf"for every pair \(i, j\) \({expected} pairs\)", ev.scope)
    assert expected > sum(len(k) - 1 for k, _ in small)


def test_lemma_3_6_holds_g_to_its_statement_at_every_output_width(monkeypatch):
    """Campaign AA (18): a library g three times too large at d_N = 3 only is caught (the statement checks covered
    d_N <= 2 alone with a condition added)."""
    real = lemma_3_6.g_bound_ball

    def wrong_at_three(L, loss, data, dN, **kwargs):
        g = real(L, loss, data, dN, **kwargs)
        return 3 * g if dN == 3 else g

    monkeypatch.setattr(lemma_3_6, "g_bound_ball", wrong_at_three)
    ev = lemma_3_6.check(CheckConfig())
    assert not ev.passed and ev.counterexample["dN"] == 3 and "g as stated" in ev.counterexample


def test_cor_3_7_a_constant_below_corollary_3_7s_fails_when_the_balls_cannot_decide(monkeypatch):
    """Campaign AA (6): where (3.8) is undecided in balls and phi is transcendental, a negative sign of c m - dN m c1
    is a failure (any negative sign: _c_gap gives -1, 0 or 1)."""
    from lcnsym.dynamics.losses import parse_loss

    loss = parse_loss("pseudo-huber:1")
    monkeypatch.setattr(cor_3_7, "compare", lambda a, b: None)
    monkeypatch.setattr(cor_3_7, "_c_gap", lambda loss, dN, m: -1)
    assert cor_3_7._h_holds(loss, [[Fraction(1, 3)]], 1, 1)[0] is False
    monkeypatch.setattr(cor_3_7, "_c_gap", lambda loss, dN, m: None)
    assert cor_3_7._h_holds(loss, [[Fraction(1, 3)]], 1, 1)[0] is None


def test_the_decay_claim_is_held_to_one_slack_of_drift_not_ten():
    """Campaign AA (24): |w(t) - w*| <= R e^(-c (t - t_final)) + slack with slack = 10^-(DPS - DRIFT_DIGITS_LOST):
    a state 5 slacks beyond R fails, half a slack beyond holds."""
    from types import SimpleNamespace

    from lcnsym.numeric import tolerance

    slack = tolerance(_flows.DPS, _flows.DRIFT_DIGITS_LOST)
    claim = {"t_final": "0", "rate": "0", "reach": "1", "center": ["0"]}
    far = SimpleNamespace(times=[Fraction(1)], states=[[[1 + 5 * slack]]])
    near = SimpleNamespace(times=[Fraction(1)], states=[[[1 + slack / 2]]])
    bad, compared = _flows.decay_holds(claim, far)
    assert bad is not None and compared == 1 and bad["t"] == "1"
    assert _flows.decay_holds(claim, near) == (None, 1)


def test_lemma_3_5_on_enclosures_takes_t_as_the_upper_end_of_g_campaign_ee():
    """Campaign EE (3): T is the upper end of g(L(w0))'s ball, so tau(T) bounds from above (the lower end is not)."""
    from lcnsym.dynamics.bounds import g_bound_ball, tau
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.dynamics.risk import empirical_risk_ball
    from lcnsym.numeric import ball_bounds

    seen = []
    lemma_3_5._on_enclosures(CheckConfig(), lambda T, k_v, deltas: seen.append(T) or tau(T, k_v, deltas))
    k, s = _flows.certified_shapes(CheckConfig())[0]
    arch, data, w0 = _flows.problem(k, s, 1)
    square = parse_loss("square")
    ball = g_bound_ball(empirical_risk_ball(arch, [list(w) for w in w0], data, square, dps=_flows.DPS), square, data,
                        arch.dN, dps=_flows.DPS)
    low, high = ball_bounds(ball)
    assert seen and seen[0] == high and low < high


def test_cor_3_7_holds_3_8_by_the_excesses_only_when_every_one_is_decided_campaign_ee(monkeypatch):
    """Campaign EE (4): balls undecided, c exact: (3.8) holds only if every entry's excess is certified nonnegative;
    one undecided excess leaves it undecided (never True)."""
    from lcnsym.dynamics.losses import parse_loss

    answers = iter([None] * len(cor_3_7.DIGITS) + [True, None])
    monkeypatch.setattr(cor_3_7, "compare", lambda a, b: next(answers))
    monkeypatch.setattr(cor_3_7, "_c_gap", lambda loss, dN, m: 0)
    assert cor_3_7._h_holds(parse_loss("pseudo-huber:1"), [[0, 5]], 1, 2)[0] is None


def test_lemma_3_3_measures_drift_on_the_flows_of_seed_plus_one_campaign_ee(monkeypatch):
    """Campaign EE (15): the drift is measured on the same flows (data seed s + 1) as the other section-3 checks."""
    seeds = []
    real = _flows.flow
    monkeypatch.setattr(_flows, "flow", lambda loss, k, s, seed, *a, **kw: seeds.append(seed) or real(loss, k, s, seed, *a, **kw))
    assert lemma_3_3.check(CheckConfig(seed=3)).passed
    assert seeds and set(seeds) == {4}


def test_a_stored_certified_failure_is_raised_as_the_error_it_was_campaign_ee():
    """Campaign EE (2): a stored work-limit failure comes back as WorkLimitError (callers treat the two differently)."""
    from lcnsym.errors import ConvergenceError, WorkLimitError

    with pytest.raises(WorkLimitError, match="too long"):
        _flows._read_certified({"failed": ["WorkLimitError", "too long"]})
    with pytest.raises(ConvergenceError, match="no step"):
        _flows._read_certified({"failed": ["ConvergenceError", "no step"]})


def test_lemma_3_3_states_the_largest_drift_over_its_flows_campaign_hh(monkeypatch):
    """Campaign HH: the drift figure is the largest over the flows measured, not the last flow's."""
    from lcnsym.numeric import show

    drifts = []
    real = _flows.flow

    def spy(*args, **kwargs):
        traj = real(*args, **kwargs)
        drifts.append(traj.balancedness_drift())
        return traj

    monkeypatch.setattr(_flows, "flow", spy)
    ev = lemma_3_3.check(CheckConfig())
    assert ev.passed and len(drifts) >= 2 and max(drifts) != drifts[-1]
    assert f"drift by at most {show(max(drifts), 3)} (<" in ev.scope


def test_cor_3_7_a_slack_undecided_at_every_precision_is_never_a_pass_campaign_hh(monkeypatch):
    """Campaign HH: loss(r) + c - ||r||_1 >= 0 undecided at every precision (a ball around 0) raises PrecisionError;
    reading "undecided" as "holds" passed."""
    import flint

    from lcnsym.errors import PrecisionError

    monkeypatch.setattr(cor_3_7, "_slack", lambda loss, r, c_shift, dps: flint.arb(0, 1e-3))
    with pytest.raises(PrecisionError, match=r"cor-3.7 undecided for .* at r = "):  # the residuals', before (3.8)'s
        cor_3_7.check(CheckConfig())


def test_lemma_3_5_takes_t_as_the_one_norm_of_the_final_filter_campaign_hh(monkeypatch):
    """Campaign HH: tau at 2 ||pi(w)||_1 passed (a weaker bound) while the text said T = ||pi(w)||_1. Every T the bound
    is given on the exact instances and the flow samples is ||pi(w)||_1 of the filters just built, exactly."""
    from lcnsym.dynamics.bounds import tau

    real = lemma_3_5.final_filter
    norms, given = [], []

    def spy(arch, w):
        v = real(arch, w)
        norms.append(sum(abs(c) for c in v))
        return v

    monkeypatch.setattr(lemma_3_5, "final_filter", spy)
    ev = lemma_3_5.check(CheckConfig(), bound=lambda T, k_v, deltas: given.append(T) or tau(T, k_v, deltas))
    assert ev.passed and len(norms) > 100 and given[:len(norms)] == norms


def test_cor_3_7_a_single_undecided_3_8_raises_campaign_jj(monkeypatch):
    """Campaign JJ: one (3.8) comparison the balls cannot decide, among decided ones, raises PrecisionError naming it;
    keeping only later ones (or none) passed."""
    from lcnsym.dynamics.losses import parse_loss
    from lcnsym.errors import PrecisionError

    real, calls = cor_3_7._h_holds, []

    def fifth_undecided(loss, R, dN, m):
        calls.append(1)
        ok, lhs, rhs = real(loss, R, dN, m)
        return (None if len(calls) == 5 else ok), lhs, rhs

    monkeypatch.setattr(cor_3_7, "_h_holds", fifth_undecided)
    with pytest.raises(PrecisionError, match=r"\(3.8\) undecided for"):
        cor_3_7.h_on_matrices(CheckConfig(), [parse_loss("square")])


@pytest.mark.parametrize("point", range(4))
def test_cor_3_7_holds_dphi_at_every_stated_point_campaign_jj(monkeypatch, point):
    """Campaign JJ: dphi is held against phi' at each of the stated points; a dphi wrong near that point alone fails."""
    import flint

    from lcnsym.dynamics.losses.log_cosh import LogCosh

    x0 = cor_3_7.DERIVATIVE_POINTS[point]
    at = flint.arb(flint.fmpq(x0.numerator, x0.denominator))
    real = LogCosh.dphi

    def wrong_there(self, r, F):
        value = real(self, r, F)
        return 2 * value + 1 if isinstance(r, flint.arb) and r.overlaps(at) else value

    monkeypatch.setattr(LogCosh, "dphi", wrong_there)
    ev = cor_3_7.check(CheckConfig())
    assert not ev.passed and ev.counterexample["loss"].startswith("log-cosh:")
    assert ev.counterexample["r"] == cor_3_7.show(x0)


def test_lemma_3_5_states_the_smallest_gap_over_every_enclosure_campaign_jj(monkeypatch):
    """Campaign JJ: the enclosures' gap below tau is the smallest over every enclosure of every shape, not the last's."""
    from lcnsym.dynamics.bounds import tau

    events = []
    real = lemma_3_5.largest_squared_norm
    monkeypatch.setattr(lemma_3_5, "largest_squared_norm", lambda layers: events.append(("top", real(layers))) or events[-1][1])
    bad, count, gap, _ = lemma_3_5._on_enclosures(
        CheckConfig(), lambda T, k_v, deltas: events.append(("t", tau(T, k_v, deltas))) or events[-1][1])
    gaps, t = [], None
    for kind, value in events:
        if kind == "t":
            t = value
        else:
            gaps.append(lemma_3_5.decimal_log(t / value))
    assert bad is None and len(gaps) == count >= 2 and min(gaps) != gaps[-1]
    assert gap == min(gaps)


def test_lemma_3_6_states_the_smallest_slack_over_every_pair_campaign_jj(monkeypatch):
    """Campaign JJ: "smallest g(L) / ||pi(w)||_1" is the minimum over every decided pair (random and flow samples)."""
    from lcnsym.numeric import to_float
    from lcnsym.proofs import lemma_3_6

    ratios = []
    real = lemma_3_6.decide

    def spy(*args):
        ok, v1, g = real(*args)
        if v1:
            ratios.append(to_float(g) / to_float(v1))
        return ok, v1, g

    monkeypatch.setattr(lemma_3_6, "decide", spy)
    ev = lemma_3_6.check(CheckConfig())
    assert ev.passed and min(ratios) < max(ratios)
    assert ev.details["smallest slack"] == min(ratios)
    assert ev.worst_margin == f"smallest g(L) / ||pi(w)||_1 = {min(ratios):.6g}"


def test_cor_3_7_runs_its_largest_extreme_residual_campaign_pp(monkeypatch):
    """Campaign PP: pseudo-Huber's slack at |r| is delta^2 / (2|r|), so an excess too small by 1e-90 shows only at
    |r| = 1e100, the largest of EXTREMES: the check fails there."""
    from lcnsym.dynamics.losses.pseudo_huber import PseudoHuber

    real = PseudoHuber.excess_of
    monkeypatch.setattr(PseudoHuber, "excess_of", lambda self, r, F: real(self, r, F) - F.const(Fraction(1, 10**90)))
    ev = cor_3_7.check(CheckConfig())
    assert not ev.passed and ev.counterexample["loss"].startswith("pseudo-huber:")
    assert any(abs(Fraction(x)) == 10**100 for x in ev.counterexample["r"])
