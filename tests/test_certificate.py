"""The convergence certificate: produced at strict minima (its ball holds the independently computed limit), refused at
a saddle and far from any critical point, with the condition that failed."""

import json
from fractions import Fraction

import pytest
from click.testing import CliRunner

from lcnsym.algebra.architecture import Architecture
from lcnsym.cli.main import cli
from lcnsym.dynamics.certificate import certify_flow
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import parse_loss
from lcnsym.exploration.critical import critical_points
from lcnsym.numeric import exact_value, parse_rational
from lcnsym.proofs import _flows

SQUARE = parse_loss("square")


def _certified(arch, data, w0, t_max, dps=20):
    traj = gradient_flow(arch, data, SQUARE, w0, t_max, dps=dps, samples=1, engine="certified")
    return traj, certify_flow(arch, data, SQUARE, w0, traj, dps=dps)


@pytest.mark.parametrize("shape, seed, t_max", [
    (((2, 2), (1, 1)), 1, 4), (((2, 2), (2, 1)), 1, 4), (((2, 2), (2, 1)), 2, 4),
    # three layers: two invariants, so the slice's constraints and their rows are indexed past the first layer pair
    (((2, 2, 2), (2, 1, 1)), 1, 4), (((2, 1, 2), (1, 1, 1)), 2, 16)])
def test_a_strict_minimum_is_certified_and_its_ball_holds_the_limit(shape, seed, t_max):
    arch, data, w0 = _flows.problem(*shape, seed)
    w0 = [list(w) for w in w0]
    _, cert = _certified(arch, data, w0, Fraction(t_max))
    assert cert.converges, cert.failed
    # the limit, independently: the Taylor engine run on to t = 400 at 40 digits
    far = gradient_flow(arch, data, SQUARE, w0, Fraction(400), dps=40, samples=4, grad_tol=Fraction(1, 10**32))
    limit = [x for w in far.states[-1] for x in w]
    assert [len(layer) for layer in cert.center] == list(arch.k)  # every entry, layer by layer (zip would drop some)
    centre = [exact_value(x) for layer in cert.center for x in layer]
    assert len(centre) == len(limit)
    gap = sum((exact_value(a) - b) ** 2 for a, b in zip(limit, centre))
    assert gap <= (exact_value(cert.radius) + Fraction(1, 10**30)) ** 2
    assert cert.rate > 0 and cert.as_dict()["kind"] == "strict minimum on the balanced slice"


def test_a_saddle_is_not_certified():
    """A start at an exactly computed saddle (lcnsym critical): the flow stays near it; no certificate."""
    arch = Architecture(4, (2, 2), (1, 1))
    data, _ = random_problem(arch, 6, 0)
    report = critical_points(arch, data, dps=30)
    saddle = next(p for p in report.real if p.kind == "saddle")
    w0 = [[exact_value(x.mid()) for x in layer] for layer in saddle.w]
    _, cert = _certified(arch, data, w0, Fraction(1, 4))
    assert not cert.converges and "not certified positive definite" in cert.failed


def test_a_flow_stopped_far_from_a_critical_point_is_not_certified():
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    _, cert = _certified(arch, data, [list(w) for w in w0], Fraction(1, 100))
    assert not cert.converges and cert.failed


def test_no_enclosure_no_certificate():
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    w0 = [list(w) for w in w0]
    traj = gradient_flow(arch, data, SQUARE, w0, Fraction(1), dps=20, samples=1)
    cert = certify_flow(arch, data, SQUARE, w0, traj, dps=20)
    assert not cert.converges and "certified engine" in cert.failed


def test_cli_certify_json(monkeypatch):
    from lcnsym.cli.commands import flow as flow_command

    runs = []
    real = flow_command.gradient_flow
    monkeypatch.setattr(flow_command, "gradient_flow", lambda *a, **k: runs.append(real(*a, **k)) or runs[-1])
    r = CliRunner().invoke(cli, ["flow", "--k", "2,2", "--s", "1,1", "--d0", "4", "--random-data", "6", "--seed", "1",
                                 "--engine", "certified", "--certify", "--t-max", "4", "--dps", "20", "--samples", "2",
                                 "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out["enclosure"]) == 2 and all(len(pair) == 2 for layer in out["enclosure"] for pair in layer)
    # the printed radii are upper bounds of the run's own radius (rounded up, never to nearest)
    radius = exact_value(runs[-1].enclosures[-1].radius)
    assert parse_rational(out["enclosure_radius"]) >= radius
    assert all(parse_rational(rad) >= radius for layer in out["enclosure"] for _, rad in layer)
    cert = out["certificate"]
    assert cert["converges"] is True and parse_rational(cert["radius"]) < Fraction(1, 10**10)
    assert set(cert) >= {"center", "radius", "kind", "rate"}


def test_cli_certify_needs_the_certified_engine():
    r = CliRunner().invoke(cli, ["flow", "--k", "2,2", "--s", "1,1", "--certify"])
    assert r.exit_code == 2 and "--certify" in r.output


def test_a_hessian_that_blew_up_over_the_ball_certifies_nothing():
    # seen in the thorough profile: pseudo-Huber flows of seeds 2 and 3 gave a Hessian ball with nan entries, which
    # crashed the rough eigenvalues; a ball that is not finite certifies nothing
    import flint

    from lcnsym.dynamics.certificate import _least_eigen_lower
    from lcnsym.numeric import to_arb

    nan = flint.arb("nan")
    assert _least_eigen_lower([[to_arb(2), to_arb(0)], [to_arb(0), nan]]) is None
    assert _least_eigen_lower([[to_arb(2), to_arb(0)], [to_arb(0), to_arb(3)]]) > 0


def test_the_printed_bound_is_the_certified_reach_and_the_reach_holds_the_enclosures_radius():
    """|w(t) - w*| <= reach e^(-c (t - t_f)) with reach = the enclosure's radius + the distance to w*: the text must print
    that reach (not the ball's radius), and a reach that drops the enclosure's radius is caught."""
    from lcnsym.dynamics.certificate import certify_convergence
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.certified import ArbTape
    from lcnsym.dynamics.engines.taylor import _record_field
    from lcnsym.dynamics.bounds import balancedness
    from lcnsym.numeric import show_upper, to_arb, working_precision

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    w0 = [list(w) for w in w0]
    traj, cert = _certified(arch, data, w0, Fraction(4))
    assert cert.converges
    assert cert.as_dict()["bound"].startswith(f"|w(t) - w*| <= {show_upper(cert.reach)} exp(")
    wide = Fraction(1, 10**8)  # an enclosure far wider than the distance to w*
    with working_precision(20, guard=10):
        tape = _record_field(FlowProblem(arch, data, SQUARE), 4, ArbTape)
    deltas = balancedness(w0)
    wider = certify_convergence(arch, tape, traj.enclosures[-1].centre, to_arb(wide), deltas, dps=20)
    assert wider.converges and wider.reach >= to_arb(wide)


def test_a_pivot_whose_ball_holds_zero_is_not_positive():
    from lcnsym.dynamics.certificate import _positive_definite as certificate_pd
    from lcnsym.dynamics.engines.certified import _positive_definite as engine_pd
    from lcnsym.numeric import make_ball, to_arb, working_precision

    with working_precision(20):
        for pd in (certificate_pd, engine_pd):
            assert pd([[to_arb(2), to_arb(1)], [to_arb(1), to_arb(2)]])
            assert not pd([[make_ball(Fraction(1, 10**6), Fraction(1, 10**5))]])  # a pivot ball around 0
            assert not pd([[to_arb(1), to_arb(1)], [to_arb(1), make_ball(1, Fraction(1, 10**9))]])  # singular within the ball


def test_the_enclosure_table_rounds_its_radius_up():
    """A radius whose three digits round down (1.2341e-20 to 1.23e-20) is printed above it."""
    from lcnsym.dynamics.certificate import enclosure_table
    from lcnsym.dynamics.engines.certified import Enclosure
    from lcnsym.numeric import to_arb, working_precision

    arch = Architecture(4, (2, 2), (1, 1))
    with working_precision(30):
        radius = to_arb(Fraction(12341, 10**24))
        table = enclosure_table(arch, Enclosure(Fraction(1), [to_arb(1)] * 4, radius), 20)
        assert all(parse_rational(rad) >= Fraction(12341, 10**24) for layer in table for _, rad in layer)
        # each layer's entries, in order (a centre of distinct entries on three layers)
        arch = Architecture(5, (2, 1, 2), (1, 1, 1))
        table = enclosure_table(arch, Enclosure(Fraction(1), [to_arb(c) for c in range(1, 6)], radius), 20)
        assert [[parse_rational(mid) for mid, _ in layer] for layer in table] == [[1, 2], [3], [4, 5]]


def test_the_certificate_takes_the_slice_of_the_initial_filters(monkeypatch):
    """The invariants delta_i are those of w0 (Lemma 3.3: the flow keeps them), exactly: not those of a sampled state,
    whose rounding moves them to a nearby slice where the flow does not run."""
    from lcnsym.dynamics import certificate
    from lcnsym.dynamics.bounds import balancedness

    seen = []
    real = certificate.certify_convergence
    monkeypatch.setattr(certificate, "certify_convergence",
                        lambda arch, tape, centre, radius, deltas, dps: seen.append(deltas) or real(arch, tape, centre, radius,
                                                                                                  deltas, dps=dps))
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    w0 = [list(w) for w in w0]
    _, cert = _certified(arch, data, w0, Fraction(4))
    assert cert.converges and seen == [balancedness([[Fraction(c) for c in w] for w in w0])]


def test_krawczyks_inclusion_is_asked_of_every_unknown_the_multipliers_too():
    """Campaign A: the inclusion checked on the w part alone proves nothing about the multipliers, and so no zero of the
    whole system: an image whose lambda part leaves the box fails, as one whose w part does."""
    from lcnsym.dynamics.certificate import _krawczyk_inside
    from lcnsym.numeric import make_ball, to_arb, working_precision

    with working_precision(20):
        y, r = [to_arb(0)] * 5, to_arb(Fraction(1, 100))
        inside = [make_ball(0, Fraction(1, 1000))] * 5
        assert _krawczyk_inside(inside, y, r)
        assert not _krawczyk_inside(inside[:4] + [make_ball(0, Fraction(2, 100))], y, r)  # lambda (the last) outside
        assert not _krawczyk_inside([make_ball(0, Fraction(2, 100))] + inside[1:], y, r)
        assert not _krawczyk_inside([to_arb(Fraction(-2, 100))] + inside[1:], y, r)  # below the box: |K - y|, not K - y
        assert not _krawczyk_inside(inside[:4], y, r)  # an unknown left out
        # Campaign G: uniqueness needs the image in the box's interior; one touching its boundary proves only existence
        r = to_arb(Fraction(1, 128))
        touching = to_arb(Fraction(1, 128))  # a point on the boundary, exactly
        assert _krawczyk_inside(inside, y, r)
        assert not _krawczyk_inside(inside[:4] + [touching], y, r)


def test_the_system_jacobian_holds_the_multipliers_whole_interval():
    """Campaign A: the lambda_r Hess g_r term of Krawczyk's interval Jacobian over a box whose multipliers are wide must
    be as wide as they are (+-2 lambda on the two layers' diagonals): their midpoint alone leaves the box's Jacobians out."""
    from lcnsym.dynamics.certificate import _system
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.certified import ArbTape
    from lcnsym.dynamics.engines.taylor import _record_field
    from lcnsym.numeric import make_ball, to_arb, working_precision

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    with working_precision(20, guard=10):
        tape = _record_field(FlowProblem(arch, data, SQUARE), 4, ArbTape)
        x = [to_arb(c) for w in w0 for c in w] + [make_ball(0, 1)]  # lambda in [-1, 1]
        _, J = _system(arch, tape, x, [to_arb(0)])
        _, J0 = _system(arch, tape, x[:4] + [to_arb(0)], [to_arb(0)])
        for i in range(4):  # the diagonal holds J0's entry -+ 2 lambda for every lambda in [-1, 1]
            assert J[i][i].contains(J0[i][i] + 2) and J[i][i].contains(J0[i][i] - 2)


def test_the_least_eigenvalue_bound_is_certified_whatever_the_rough_eigenvalues_say(monkeypatch):
    """The rough eigenvalues only propose ``c``; ``M - c I`` positive definite certifies it.  With the proposals planted
    far too high, the bound returned is still at most the least eigenvalue (1 here)."""
    from lcnsym.dynamics import certificate
    from lcnsym.numeric import to_arb, working_precision

    monkeypatch.setattr(certificate, "rough_eigenvalues", lambda M: [Fraction(3), Fraction(4)])
    with working_precision(20):
        c = certificate._least_eigen_lower([[to_arb(1), to_arb(0)], [to_arb(0), to_arb(2)]])
        assert c is not None and 0 < c <= 1
        c = certificate._least_eigen_lower([[to_arb(2), to_arb(1)], [to_arb(1), to_arb(2)]])  # least eigenvalue 1
        assert c is not None and 0 < c <= 1


def test_the_least_eigenvalue_bound_is_none_unless_certified():
    """Campaign A: a matrix whose midpoint is positive definite but whose balls hold an indefinite one has no certified
    positive lower bound (the last shrink's candidate is not one); an indefinite matrix neither."""
    from lcnsym.dynamics.certificate import _least_eigen_lower
    from lcnsym.numeric import make_ball, to_arb, working_precision

    with working_precision(20):
        assert _least_eigen_lower([[make_ball(1, 2), to_arb(0)], [to_arb(0), to_arb(1)]]) is None
        assert _least_eigen_lower([[to_arb(1), to_arb(0)], [to_arb(0), to_arb(-1)]]) is None
        c = _least_eigen_lower([[to_arb(2), to_arb(1)], [to_arb(1), to_arb(2)]])
        assert c is not None and 0 < c <= 1


def test_the_certificate_asks_krawczyks_inclusion_of_all_unknowns(monkeypatch):
    """Every call of the inclusion test gets the whole image: the n filter entries and the N - 1 multipliers."""
    from lcnsym.dynamics import certificate

    sizes = []
    real = certificate._krawczyk_inside
    monkeypatch.setattr(certificate, "_krawczyk_inside", lambda K, y, r: sizes.append((len(K), len(y))) or real(K, y, r))
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    _, cert = _certified(arch, data, [list(w) for w in w0], Fraction(4))
    assert cert.converges and sizes and set(sizes) == {(sum(arch.k) + arch.N - 1,) * 2}


def test_the_reach_box_holds_every_point_within_reach_of_the_critical_points_box():
    """Campaign G: the box on which the Hessian is bounded holds every point within ``reach`` of *any* point of ``Xw``
    (the critical point is somewhere in it), so each entry's radius adds to the reach."""
    from lcnsym.dynamics.certificate import _reach_box
    from lcnsym.numeric import make_ball, to_arb, working_precision

    with working_precision(30):
        Xw = [make_ball(1, Fraction(1, 10)), make_ball(-2, Fraction(1, 1000))]
        reach = to_arb(Fraction(1, 100))
        for x, y in zip(Xw, _reach_box(Xw, reach)):
            assert y.contains(x.upper() + reach) and y.contains(x.lower() - reach)


def _certified_with_its_box(monkeypatch):
    """The benchmark flow's enclosures and certificate, and the box ``K(X)[:n]`` that Krawczyk's test last accepted (it
    holds the critical point)."""
    from lcnsym.dynamics import certificate

    images = []
    real = certificate._krawczyk_inside
    monkeypatch.setattr(certificate, "_krawczyk_inside", lambda K, y, r: images.append(K) or real(K, y, r))
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    traj, cert = _certified(arch, data, [list(w) for w in w0], Fraction(4))
    assert cert.converges
    return traj, cert, images[-1][:sum(arch.k)]


def test_the_certified_radius_bounds_the_euclidean_distance_over_the_whole_box(monkeypatch):
    """Campaign J: w* lies in the box K[:n]; its distance to the stated centre is bounded by the Euclidean norm of the
    box's radii (a corner), not by its largest radius."""
    from lcnsym.numeric import to_arb, working_precision

    _, cert, box = _certified_with_its_box(monkeypatch)
    with working_precision(40):
        corner = sum((x.rad() ** 2 for x in box), to_arb(0)).sqrt()
        assert to_arb(cert.radius) >= corner and corner > max(x.rad() for x in box)
        # the stated ball B(center, radius) holds the whole box: its farthest corner from the stated centre (campaign R)
        centre = [to_arb(c) for layer in cert.center for c in layer]
        assert len(centre) == len(box)
        farthest = sum((abs(c - x).upper() ** 2 for c, x in zip(centre, box)), to_arb(0)).sqrt()
        assert farthest <= to_arb(cert.radius)


def test_the_reach_adds_the_enclosures_radius_to_its_centres_distance_from_the_box(monkeypatch):
    """Campaign M: a solution in the enclosure is within radius + |centre - X_w| of any point of the box X_w (the
    triangle inequality adds them; their larger one alone is not a bound)."""
    from lcnsym.numeric import to_arb, working_precision

    traj, cert, box = _certified_with_its_box(monkeypatch)
    enc = traj.enclosures[-1]
    with working_precision(40):
        dist = sum(((to_arb(c) - x).abs_upper() ** 2 for c, x in zip(enc.centre, box)), to_arb(0)).sqrt()
        assert to_arb(cert.reach) >= to_arb(enc.radius) + dist.lower()


def test_the_printed_rate_claims_no_faster_decay_than_certified():
    """Campaign M: the rate in the certificate's text is the certified rate rounded down, never up."""
    from lcnsym.numeric import exact_value

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    _, cert = _certified(arch, data, [list(w) for w in w0], Fraction(4))
    printed = cert.as_dict()
    assert cert.converges and parse_rational(printed["rate"]) <= exact_value(cert.rate)
    assert f"exp(-{printed['rate']} (t - t_final))" in printed["bound"]
    # campaign U: a rate just below a sixth digit's boundary is rounded down in the bound's text too
    import dataclasses

    from lcnsym.numeric import to_arb

    near = dataclasses.replace(cert, rate=to_arb(Fraction(9250319, 10**7))).as_dict()
    assert near["rate"] == "0.925031" and "exp(-0.925031 (t - t_final))" in near["bound"]


def test_krawczyks_image_of_a_linear_system_holds_its_solution_and_only_near_it():
    """For ``G(x) = A x - b`` with ``C`` about ``A^-1``, ``K(X)`` is a narrow ball around ``A^-1 b`` whatever the box: a
    Newton correction with its sign turned, or left out, leaves the solution out (such a slip is invisible end to end,
    where Newton has already made ``C G(y)`` tiny)."""
    from lcnsym.dynamics.certificate import _krawczyk_image, _times
    from lcnsym.numeric import make_ball, to_arb, working_precision

    A, b = [[2, 1], [1, 3]], [1, 2]
    solution = [Fraction(1, 5), Fraction(3, 5)]
    with working_precision(30):
        C = [[to_arb(Fraction(3, 5)), to_arb(Fraction(-1, 5))], [to_arb(Fraction(-1, 5)), to_arb(Fraction(2, 5))]]
        y = [to_arb(Fraction(1, 2)), to_arb(-1)]
        G = [sum((to_arb(a) * x for a, x in zip(row, y)), to_arb(0)) - bi for row, bi in zip(A, b)]
        X = [make_ball(yi, 2) for yi in y]
        K = _krawczyk_image(y, _times(C, G), C, [[to_arb(a) for a in row] for row in A], X)
        assert all(k.contains(to_arb(q)) and k.rad() < to_arb(10) ** -20 for k, q in zip(K, solution))


def test_the_systems_jacobian_is_the_derivative_of_its_equations():
    """``J`` must be the derivative of ``G`` (Krawczyk's test is sound only then): compared with difference quotients at a
    point with nonzero multipliers, on three layers (two invariants, each multiplier's term on its own layer pair)."""
    from lcnsym.dynamics.certificate import _system
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.certified import ArbTape
    from lcnsym.dynamics.engines.taylor import _record_field
    from lcnsym.numeric import to_arb, working_precision

    arch, data, w0 = _flows.problem((2, 1, 2), (1, 1, 1), 2)
    n = sum(arch.k)
    eps = Fraction(1, 10**25)
    with working_precision(60):
        tape = _record_field(FlowProblem(arch, data, SQUARE), n, ArbTape)
        point = [Fraction(c) + Fraction(i + 1, 7) for i, c in enumerate(c for w in w0 for c in w)] + [Fraction(1, 3),
                                                                                                      Fraction(-2, 5)]
        deltas = [to_arb(Fraction(1, 2)), to_arb(-1)]
        G, J = _system(arch, tape, [to_arb(x) for x in point], deltas)
        for j in range(n + 2):
            moved = [to_arb(x + (eps if i == j else 0)) for i, x in enumerate(point)]
            Gj, _ = _system(arch, tape, moved, deltas)
            for i in range(n + 2):
                quotient = (Gj[i] - G[i]) / to_arb(eps)
                assert abs(quotient - J[i][j]) < to_arb(10) ** -15, (i, j, quotient, J[i][j])
        # and G itself: grad L + sum_r lambda_r grad g_r, then g - delta
        from lcnsym.dynamics.certificate import _constraints
        from lcnsym.dynamics.engines.certified import _field

        values, rows, _ = _constraints(arch, [to_arb(x) for x in point[:n]])
        grad = [-f for f in _field(tape, [to_arb(x) for x in point[:n]])]
        for i in range(n):
            assert abs(G[i] - grad[i] - to_arb(point[n]) * rows[0][i] - to_arb(point[n + 1]) * rows[1][i]) < to_arb(10) ** -40
        assert all(abs(G[n + r] - (values[r] - deltas[r])) < to_arb(10) ** -40 for r in range(2))
        layer_norms = [sum(x * x for x in point[a:b]) for a, b in ((0, 2), (2, 3), (3, 5))]
        assert all(abs(values[r] - to_arb(layer_norms[r + 1] - layer_norms[r])) < to_arb(10) ** -40 for r in range(2))


def test_a_certificate_that_failed_says_only_that_it_failed():
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    _, cert = _certified(arch, data, [list(w) for w in w0], Fraction(1, 100))
    assert cert.as_dict() == {"converges": False, "failed": cert.failed} and cert.failed


@pytest.mark.parametrize("method", ["solve", "inv"])
def test_a_singular_jacobian_certifies_nothing(monkeypatch, method):
    """Newton's or the preconditioner's matrix singular (planted): no certificate, and the condition that failed."""
    from lcnsym.dynamics import certificate

    real = certificate._mat

    class Singular:
        def __init__(self, rows):
            self.m = real(rows)

        def __getattr__(self, name):
            def call(*args):
                if name == method:
                    raise ZeroDivisionError
                return getattr(self.m, name)(*(a.m if isinstance(a, Singular) else a for a in args))
            return call

    monkeypatch.setattr(certificate, "_mat", Singular)
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    _, cert = _certified(arch, data, [list(w) for w in w0], Fraction(4))
    assert not cert.converges and ("singular" in cert.failed or "degenerate" in cert.failed)


def test_the_rates_matrix_is_the_hessian_of_the_loss_and_the_constraints_rows():
    """The positive definiteness is asked of ``Hess L`` (plus ``gamma A^T A``): the system's Jacobian at multipliers 0,
    not 1 (``Hess L + sum_r Hess g_r`` may be positive definite where ``Hess L`` is not on the slice)."""
    from lcnsym.dynamics.certificate import _constraints, _hessian_and_constraints
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.certified import ArbTape, _jacobian
    from lcnsym.dynamics.engines.taylor import _record_field
    from lcnsym.numeric import to_arb, working_precision

    arch, data, w0 = _flows.problem((2, 1, 2), (1, 1, 1), 2)
    n = sum(arch.k)
    with working_precision(40):
        tape = _record_field(FlowProblem(arch, data, SQUARE), n, ArbTape)
        Y = [to_arb(Fraction(c) + Fraction(i, 5)) for i, c in enumerate(c for w in w0 for c in w)]
        hess, A = _hessian_and_constraints(arch, tape, Y, [to_arb(0), to_arb(0)])
        field_jacobian = _jacobian(tape, Y)
        assert all(abs(hess[i][j] + field_jacobian[i][j]) < to_arb(10) ** -30 for i in range(n) for j in range(n))
        _, rows, _ = _constraints(arch, Y)
        assert len(A) == 2 and all(abs(a - b) < to_arb(10) ** -30 for ra, rb in zip(A, rows) for a, b in zip(ra, rb))


def test_a_certificate_keeps_the_digits_it_was_built_at_campaign_ee():
    """Campaign EE (12): a certificate built at 20 digits says dps 20 (its centre is printed to those digits, not 30)."""
    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    _, cert = _certified(arch, data, [list(w) for w in w0], Fraction(4), dps=20)
    assert cert.converges and cert.dps == 20
