"""lcnsym.exploration.landscape and ``lcnsym flow --classify``: limits matched to exact critical points, global minima."""

import json
from fractions import Fraction

import mpmath
import pytest
from click.testing import CliRunner

from lcnsym.algebra.architecture import Architecture
from lcnsym.cli.main import cli
from lcnsym.dynamics.data import random_problem
from lcnsym.errors import InputError
from lcnsym.dynamics.risk import normal_equations
from lcnsym.exploration.critical import critical_points
from lcnsym.exploration.landscape import classify_limit, global_minimum, on_slice
from lcnsym.numeric import exact_value

ARCH = Architecture(4, (2, 2), (1, 1))


def _instance(seed):
    data, _ = random_problem(ARCH, 6, seed)
    return data, critical_points(ARCH, data, dps=30)


def test_on_slice_rescales_and_refuses_v0_zero():
    assert on_slice(ARCH, [[2, 4], [3, 1]]) == [[1, 2], [6, 2]]
    with pytest.raises(InputError, match="off the slice"):
        on_slice(ARCH, [[0, 1], [1, 1]])


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_each_listed_point_is_recognised_under_any_rescaling(seed):
    data, report = _instance(seed)
    for n, point in enumerate(report.real):
        w = [[exact_value(x.mid()) for x in layer] for layer in point.w]
        scaled = [[c * 3 for c in w[0]], [c / 3 for c in w[1]]]  # same filter, unbalanced
        c = classify_limit(ARCH, data, scaled, report=report, dps=30)
        assert c.index == n and c.kind == point.kind


def test_a_state_far_from_every_point_is_not_matched():
    data, report = _instance(1)
    c = classify_limit(ARCH, data, [[1, 1], [1, 1]], report=report, dps=30)
    assert c.index is None and c.global_minimum == "undecided"


@pytest.mark.parametrize("seed", range(6))
def test_global_minimum_verdicts_agree_with_an_independent_comparison(seed):
    """Independently: the global minimum value over real w is the least loss over the listed real points (generic
    data), so 'global minimum' points have it and 'not a global minimum' points exceed it."""
    data, report = _instance(seed)
    losses = [mpmath.mpf(p.loss.mid().str(30, radius=False)) for p in report.real]
    lowest = min(losses)
    for n, point in enumerate(report.real):
        verdict, by, common = global_minimum(ARCH, data, report, n, 30)
        if verdict.startswith("global minimum"):
            assert abs(losses[n] - lowest) < 1e-20
        elif verdict.startswith("not"):
            assert losses[n] - lowest > 1e-20
        if common is False:  # Prop 5.1's hypothesis: the two linear factors have different roots
            w = [[float(x.mid()) for x in layer] for layer in point.w]
            assert abs(-w[0][0] / w[0][1] - (-w[1][0] / w[1][1])) > 1e-12


def test_a_filling_architecture_compares_with_least_squares():
    arch = Architecture(4, (3,), (1,))
    data, _ = random_problem(arch, 5, 0)
    report = critical_points(arch, data, dps=30)
    verdict, by, _ = global_minimum(arch, data, report, 0, 30)
    assert verdict == "global minimum (certified)"


def test_flow_classify_cli():
    r = CliRunner().invoke(cli, ["flow", "--k", "2,2", "--s", "1,1", "--d0", "4", "--random-data", "6", "--seed", "1",
                                 "--classify", "--t-max", "200", "--dps", "30", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    c = out["classification"]
    assert c["point"] is not None and c["kind"] == "minimum" and c["global_minimum"].startswith("global minimum")
    assert float(c["distance"]) < 1e-25
    assert out["critical_points"]["routes_agree"] is True


def test_flow_classify_needs_the_square_loss():
    r = CliRunner().invoke(cli, ["flow", "--k", "2,2", "--s", "1,1", "--classify", "--loss", "log-cosh:1"])
    assert r.exit_code == 2 and "--classify" in r.output


def test_the_point_is_numbered_as_lcnsym_critical_lists_it():
    """Injected in a campaign (C4, I09): as_dict numbered the matched point from 0, so ``flow --classify`` named the
    wrong entry of ``lcnsym critical`` (which lists report.real[n] as "n+1."): points 1 and 2 of this instance are the
    same v with the layers swapped."""
    data, report = _instance(1)
    listing = CliRunner().invoke(cli, ["critical", "--k", "2,2", "--s", "1,1", "--seed", "1", "--dps", "30"]).output
    assert f"real critical points: {len(report.real)}" in listing
    for n, point in enumerate(report.real):
        w = [[exact_value(x.mid()) for x in layer] for layer in point.w]
        shown = classify_limit(ARCH, data, w, report=report, dps=30).as_dict()
        assert shown["point"] == n + 1 and shown["kind"] == point.kind
        assert f"  {n + 1}. {point.kind}" in listing  # the CLI's own numbering of the same list
    assert classify_limit(ARCH, data, [[1, 1], [1, 1]], report=report, dps=30).as_dict()["point"] is None


@pytest.mark.parametrize("undecided", [None, True])
def test_prop_5_1_is_not_cited_without_its_hypothesis(monkeypatch, undecided):
    """Prop 5.1 needs p~_i without a common root: where a leading coefficient vanishes (``None``, the formal resultant
    says nothing) or the resultant is zero (``True``), the stride-one verdict must come from elsewhere."""
    from lcnsym.exploration import landscape

    data, report = _instance(0)
    monkeypatch.setattr(landscape, "_common_root", lambda arch, point: undecided)
    for n in range(len(report.real)):
        verdict, by, common = global_minimum(ARCH, data, report, n, 30)
        assert common is undecided and not by.startswith("[7, Prop 5.1]")


def test_a_gap_to_the_least_squares_optimum_is_claimed_only_when_certified(monkeypatch):
    """Campaign D: on a filling architecture a point off the optimum ``A^-1 b`` is "not a global minimum" only where the
    gap ``L - L(A^-1 b)`` is certified positive: with its ball made to straddle zero (midpoint far above), the verdict
    must not claim a certified gap.  (The data's normal equations are moved so that the point is off the optimum.)"""
    import flint

    from lcnsym.exploration import landscape
    from lcnsym.numeric import make_ball, to_arb

    arch = Architecture(4, (3,), (1,))
    data, _ = random_problem(arch, 5, 0)
    report = critical_points(arch, data, dps=30)
    A, b, c = normal_equations(arch, data)
    moved_b = [b[0] + 1] + list(b[1:])
    monkeypatch.setattr(landscape, "normal_equations", lambda arch, data: (A, moved_b, c - 1000))
    monkeypatch.setattr(landscape, "_common_root", lambda arch, point: True)  # Prop 5.1 does not decide first
    real = landscape._ball
    monkeypatch.setattr(landscape, "_ball", lambda p, alpha: real(p, alpha) + make_ball(0, 10**6))
    verdict, by, _ = global_minimum(arch, data, report, 0, 30)
    assert not verdict.startswith("not a global minimum (certified gap"), verdict
    monkeypatch.setattr(landscape, "_ball", real)  # the true ball: the gap is certified (about 1000)
    verdict, by, _ = global_minimum(arch, data, report, 0, 30)
    assert verdict.startswith("not a global minimum (certified gap"), verdict


def _fake_point(w_exact=None, modulus=None, loss_exact=3, alpha=None):
    """A hand-made stand-in for a CriticalPoint: exact entries in Q[u]/(modulus), alpha's ball."""
    import flint
    from types import SimpleNamespace

    from lcnsym.numeric import make_ball, to_acb

    alpha = to_acb(make_ball(1, 0)) if alpha is None else alpha
    loss = flint.fmpq_poly([0, 1]) if loss_exact is None else flint.fmpq_poly([loss_exact])
    return SimpleNamespace(w_exact=w_exact, modulus=modulus if modulus is not None else flint.fmpq_poly([-1, 1]),
                           loss_exact=loss, alpha=alpha, loss=alpha.real if loss_exact is None else make_ball(loss_exact, 0),
                           kind="minimum", v_exact=None)


def test_a_degree_drop_leaves_the_common_root_undecided():
    """Campaign I: ``_common_root`` is ``None`` when a p~_i's leading coefficient is 0 mod f, never False (Prop 5.1)."""
    import flint
    from types import SimpleNamespace

    from lcnsym.exploration import landscape

    q = flint.fmpq_poly
    f = q([-1, 1])  # alpha = 1
    point = _fake_point(w_exact=[[q([1]), q([-1, 1])], [q([1]), q([1])]], modulus=f)  # p~_1 = 1 + (alpha - 1) x: degree drop
    assert landscape._common_root(ARCH, point) is None
    report = SimpleNamespace(real=[point])
    verdict, by, common = global_minimum(ARCH, None, report, 0, 30)
    assert common is None and not by.startswith("[7, Prop 5.1]") and verdict == "undecided", (verdict, by)


def test_the_match_distance_is_the_largest_over_every_coordinate():
    """Campaign I: ``_match`` measures the max over all coordinates: a state off in a non-last coordinate is not matched."""
    import flint

    from lcnsym.exploration import landscape
    from types import SimpleNamespace

    q = flint.fmpq_poly
    point = _fake_point(w_exact=[[q([1]), q([2])], [q([3]), q([4])]])
    report = SimpleNamespace(real=[point])
    assert landscape._match(report, [[1, 2], [3, 4]], 30)[0][0] == 0
    for moved in ([[1, 3], [3, 4]], [[1, 2], [5, 4]]):
        assert landscape._match(report, moved, 30)[0][0] >= 1, moved


def test_a_state_off_in_one_coordinate_only_is_not_matched():
    """Campaign I: a listed point's exact slice w, moved by 1 in one non-last coordinate, matches no listed point."""
    from lcnsym.exploration.critical import _ball as value_at
    from lcnsym.numeric import working_precision

    data, report = _instance(1)
    for point in report.real:
        with working_precision(45):
            w = [[exact_value(value_at(e, point.alpha).real.mid()) for e in layer] for layer in point.w_exact]
        assert classify_limit(ARCH, data, w, report=report, dps=30).index is not None
        w[1][0] += 1  # the free layer's first entry; the last coordinate stays exact
        assert classify_limit(ARCH, data, w, report=report, dps=30).index is None


def test_equal_losses_give_no_certified_gap(monkeypatch):
    """Campaign I: a loss ball that only straddles another's (equal losses, midpoint below) is not a certified gap."""
    import flint
    from types import SimpleNamespace

    from lcnsym.exploration import landscape
    from lcnsym.numeric import make_ball, to_acb

    monkeypatch.setattr(landscape, "_common_root", lambda arch, point: True)  # Prop 5.1 does not decide first
    exact = _fake_point(loss_exact=3)
    blurred = _fake_point(loss_exact=None, modulus=flint.fmpq_poly([-3, 1]),  # L = alpha = 3, its ball wide, midpoint below
                          alpha=to_acb(make_ball(3 - Fraction(1, 10**20), Fraction(1, 10**10))))
    report = SimpleNamespace(real=[exact, blurred])
    for n in range(2):
        verdict, by, _ = global_minimum(ARCH, None, report, n, 30)
        assert verdict == "undecided", (n, verdict, by)


def test_off_the_slice_names_the_layer_counted_from_one():
    """Campaign V: the message and the error's data name the same layer, counted from 1."""
    with pytest.raises(InputError, match="^layer 1 has w_1 = 0") as err:
        on_slice(ARCH, [[0, 1], [1, 1]])
    assert err.value.layer == 1


def test_the_accepted_distance_is_ten_to_minus_dps_minus_five():
    """Campaign X (5): a listed point moved by 1e-26 (dps 30) is matched, by 1e-23 it is not (a tolerance of 1e-22
    would match it and call the state a certified minimum)."""
    from lcnsym.exploration.critical import _ball as value_at
    from lcnsym.numeric import working_precision

    data, report = _instance(1)
    point = report.real[0]
    with working_precision(60):
        w = [[exact_value(value_at(e, point.alpha).real.mid()) for e in layer] for layer in point.w_exact]
    near, off = [list(layer) for layer in w], [list(layer) for layer in w]
    near[1][0] += Fraction(1, 10**26)
    off[1][0] += Fraction(1, 10**23)
    matched = classify_limit(ARCH, data, near, report=report, dps=30)
    assert matched.index == 0 and matched.accepted_below == Fraction(1, 10**25)
    missed = classify_limit(ARCH, data, off, report=report, dps=30)
    assert missed.index is None and missed.global_minimum == "undecided" and missed.accepted_below == Fraction(1, 10**25)


def test_global_minimum_cites_the_lowest_listed_point_and_a_common_root_campaign_dd():
    """Campaign DD: "not a global minimum" cites the listed real point of lowest loss (with its gap), and an undecided
    verdict says when the p~_i share a root."""
    arch = Architecture(5, (2, 2), (1, 2))
    data, _ = random_problem(arch, 6, seed=1)
    report = critical_points(arch, data, dps=20)
    verdict, by, _ = global_minimum(arch, data, report, 3, 20)
    lowest = min(range(len(report.real)), key=lambda n: report.real[n].loss.mid())
    assert verdict.startswith("not a global minimum") and f"point {lowest + 1} has a lower loss" in by
    data0, report0 = _instance(0)
    _, by0, common = global_minimum(ARCH, data0, report0, 0, 30)
    assert common and by0.endswith("(the p~_i share a root)")


def test_a_matchs_distance_is_the_upper_end_over_every_coordinate_campaign_oo():
    """Campaign OO: the distance of a state from a listed point bounds it from above: at the midpoints of the point's
    own balls it is still at least each coordinate ball's radius (the midpoints' distance, ~0, is no bound)."""
    from lcnsym.exploration import landscape
    from lcnsym.exploration.critical import critical_points
    from lcnsym.numeric import exact_value, working_precision

    arch = Architecture(4, (2, 2), (1, 1))
    data, _ = random_problem(arch, 6, 1)
    report = critical_points(arch, data, dps=30)
    p = report.real[0]
    with working_precision(30 + 10):  # as _match evaluates them
        balls = [[landscape._ball(e, p.alpha) for e in layer] for layer in p.w_exact]
    mids = [[exact_value(b.mid()) for b in layer] for layer in balls]
    distance = dict((n, d) for d, n in landscape._match(report, mids, 30))[0]
    assert distance > 0 and all(distance >= b.rad() for layer in balls for b in layer)


def test_a_classification_shows_its_loss_at_the_digits_asked_for_campaign_oo():
    """Campaign OO: the matched point's L is printed at the classification's dps (not 15 digits)."""
    from lcnsym.numeric import exact_value, show

    data, report = _instance(1)
    point = report.real[0]
    w = [[exact_value(x.mid()) for x in layer] for layer in point.w]
    shown = classify_limit(ARCH, data, w, report=report, dps=30).as_dict()
    assert shown["loss"] == show(point.loss, 30) and len(shown["loss"].replace(".", "").lstrip("0")) >= 25


def test_two_listed_points_within_the_accepted_distance_are_refused_campaign_oo():
    """Campaign OO: a state within the accepted distance of two listed points is ambiguous (InputError), never matched
    to the first."""
    import dataclasses

    from lcnsym.numeric import exact_value

    data, report = _instance(1)
    twice = dataclasses.replace(report, real=[report.real[0], report.real[0]])
    w = [[exact_value(x.mid()) for x in layer] for layer in report.real[0].w]
    w[0][0] += Fraction(1, 10**30)
    with pytest.raises(InputError, match="two listed critical points are within the accepted distance"):
        classify_limit(ARCH, data, w, report=twice, dps=30)
