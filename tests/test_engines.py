"""lcnsym.dynamics.engines: the engine table, and every engine against an independent route, for every loss."""

from fractions import Fraction

from helpers import one_layer_square_flow
import mpmath
import pytest

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.data import Data, random_problem
from lcnsym.dynamics.engines import MAX_STEPS, engine_help, engine_table, get_engine
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.risk import risk_gradient
from lcnsym.dynamics.losses import example_losses, parse_loss
from lcnsym.errors import ConvergenceError, InputError
from lcnsym.numeric import MPMATH, to_mpf, working_precision

ENGINES = sorted(engine_table())


def test_table_and_help():
    assert {"taylor", "odefun"} <= set(ENGINES)
    assert all(name in engine_help() for name in ENGINES)
    with pytest.raises(InputError, match="did you mean 'taylor'"):
        get_engine("taylr")


@pytest.mark.parametrize("engine", ENGINES)
def test_one_layer_flow_matches_the_matrix_exponential_to_25_digits(engine):
    # one layer, square loss: dw/dt = -(A w - b) is linear; w(t) = w* + expm(-A t)(w0 - w*), independent of every engine
    arch, data, w0, exact = one_layer_square_flow()
    traj = gradient_flow(arch, data, parse_loss("square"), [w0], t_max=Fraction(3, 4), dps=30, samples=1, engine=engine)
    end = exact(Fraction(3, 4))
    with working_precision(50):
        assert max(abs(traj.states[-1][0][i] - end[i]) for i in range(3)) < mpmath.mpf(10) ** -25
    assert mpmath.mp.dps == 15


@pytest.mark.slow
@pytest.mark.parametrize("loss", example_losses(), ids=lambda l: l.label())
def test_engines_agree_for_every_loss(loss):
    arch = Architecture(5, (2, 2), (1, 1))
    data, _ = random_problem(arch, 5, 7)
    w0 = [[Fraction(3, 4), Fraction(-1, 2)], [Fraction(1, 3), Fraction(5, 4)]]
    t_max = Fraction(1, 8) if loss.name in ("gen-huber", "log-cosh") else Fraction(1, 2)  # odefun is slow on exp
    runs = [gradient_flow(arch, data, loss, w0, t_max=t_max, dps=30, samples=1, engine=e) for e in ENGINES]
    with working_precision(30):
        for other in runs[1:]:
            diff = max(abs(x - y) for u, v in zip(runs[0].states[-1], other.states[-1]) for x, y in zip(u, v))
            assert diff < mpmath.mpf(10) ** -20, (loss.label(), diff)
    assert runs[0].balancedness_drift() < mpmath.mpf(10) ** -25


def _one_layer_flow_against_expm(t_max, **engine_options):
    """The largest distance at ``t_max`` between the Taylor engine's one-layer square flow and its exact solution."""
    from lcnsym.dynamics.engines import FlowProblem

    arch, data, w0, exact = one_layer_square_flow()
    states = []
    get_engine("taylor").integrate(FlowProblem(arch, data, parse_loss("square")), w0, [Fraction(t_max)],
                                   lambda t, state: states.append(state), dps=30, **engine_options)
    end = exact(t_max)
    with working_precision(50):
        return max(abs(to_mpf(states[-1][i]) - end[i]) for i in range(3))


def test_the_taylor_order_falls_on_a_flat_stretch_and_the_flow_keeps_its_digits(monkeypatch):
    # after the transient the flow is flat and stiff: a low order with its shorter step costs less per unit of t
    from lcnsym.dynamics.engines import taylor

    orders, chosen = [], taylor._cheapest_order
    monkeypatch.setattr(taylor, "_cheapest_order", lambda *args: orders.append(chosen(*args)) or orders[-1])
    assert _one_layer_flow_against_expm(20) < mpmath.mpf(10) ** -25
    assert min(orders) < 32 and orders.count(32) < len(orders) / 2
    assert _one_layer_flow_against_expm(20, adaptive_order=False) < mpmath.mpf(10) ** -25


def test_an_order_lowered_without_shortening_its_step_is_caught(monkeypatch):
    # injected: the step of Jorba and Zou's rule at the accuracy of the order taken, not of dps + 2
    from lcnsym.dynamics.engines import taylor

    monkeypatch.setattr(taylor, "_reach", lambda c, order, K, reach=taylor._reach: reach(c, order, order))
    assert _one_layer_flow_against_expm(20) > mpmath.mpf(10) ** -25


def test_a_jet_times_or_over_one_is_the_jet_itself():
    # pseudo-Huber with delta = 1 scales by d and divides by d^2: no node for either, and the field is unchanged
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.taylor import JetTape, _Scale, _record_field, field_at

    tape = JetTape(1)
    x = tape.vars[0]
    assert x * 1 is x and 1 * x is x and x / 1 is x and isinstance(x * 2, _Scale)
    arch = Architecture(5, (2, 2), (1, 1))
    data, w0 = random_problem(arch, 5, 7)
    with working_precision(30):
        nodes = _record_field(FlowProblem(arch, data, parse_loss("pseudo-huber:1")), 4).nodes
    assert not any(isinstance(n, _Scale) for n in nodes)
    exact = [[Fraction(3, 4), Fraction(-1, 2)], [Fraction(1, 3), Fraction(5, 4)]]
    field = field_at(FlowProblem(arch, data, parse_loss("pseudo-huber:1")), exact, dps=40)
    with working_precision(60):
        reference = [-g for layer in risk_gradient(arch, exact, data, parse_loss("pseudo-huber:1"), dps=60) for g in layer]
        assert max(abs(to_mpf(a) - b) for a, b in zip(field, reference)) < mpmath.mpf(10) ** -38


def test_the_taylor_engine_stops_at_its_step_limit():
    arch = Architecture(4, (2, 2), (1, 1))
    data, w0 = random_problem(arch, 6, 2)
    with pytest.raises(ConvergenceError, match="max_steps = 3") as info:
        gradient_flow(arch, data, parse_loss("square"), w0, t_max=100, max_steps=3)
    assert info.value.steps == 3 and MAX_STEPS >= 10**5



def test_a_square_is_recorded_once_and_is_the_product_bit_for_bit():
    import random

    import gmpy2

    from lcnsym.dynamics.engines.taylor import JetTape, _Mul, _Square

    rng = random.Random(7)
    with working_precision(30):
        tape = JetTape(1)
        x = tape.vars[0]
        square, product, cube = x * x, _Mul(tape, x, x), x ** 3
        assert isinstance(square, _Square) and not isinstance(product, _Square) and isinstance(cube, _Mul)
        tape.outputs.append(cube)
        order = 24
        tape.field_series([[gmpy2.mpfr(rng.uniform(-1, 1)) / 3 ** i for i in range(order)]], order)
        # the same rounded products, and one rounding of their exact sum: equal as binary numbers, every order
        assert len(square.c) == order and square.c == product.c
        assert all(a.precision == b.precision for a, b in zip(square.c, product.c))
        x_series = x.c
        for k in (0, 1, 6, 23):
            exact = sum(gmpy2.mpfr(x_series[j]) * x_series[k - j] for j in range(k + 1))
            assert abs(square.c[k] - exact) <= abs(exact) * gmpy2.mpfr(2) ** -100 + gmpy2.mpfr(2) ** -200


def test_the_gaps_of_stride_substitution_cost_no_products():
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.taylor import _Mul, _Scale, _SeriesDot, _Square, _record_field

    arch = Architecture.for_output_width((2, 2, 2), (2, 1, 2), dN=2)
    data, _ = random_problem(arch, arch.d0 + 2, seed=3)
    with working_precision(30):
        tape = _record_field(FlowProblem(arch, data, parse_loss("square")), sum(arch.k))
    zero = tape.zero
    assert zero == 0 and 0 == zero and zero != 1 and zero != tape.vars[0]
    assert tape.vars[0] * 0 is zero and tape.vars[0] + zero is tape.vars[0] and zero * tape.vars[1] is zero
    factors = [f for n in tape.nodes if isinstance(n, (_Mul, _Square)) for f in ((n.a, n.b) if isinstance(n, _Mul) else (n.a,))]
    factors += [f for n in tape.nodes if isinstance(n, _SeriesDot) for pair in n.pairs for f in pair]
    # a zero recorded any other way (a jet scaled by 0) would be a factor here
    assert factors and all(f is not zero and not (isinstance(f, _Scale) and f.s == 0) for f in factors)


def test_a_series_dot_is_its_sum_of_products():
    import random

    import gmpy2

    from lcnsym.dynamics.engines.taylor import JetTape, _SeriesDot

    rng = random.Random(11)
    order = 20
    with working_precision(30):
        tape = JetTape(3)
        x, y, z = tape.vars
        dot = _SeriesDot(tape, [(x, y), (y, z), (z, z)], negative=True)
        series = [[gmpy2.mpfr(rng.uniform(-1, 1)) / 2 ** i for i in range(order)] for _ in range(3)]
        tape.field_series(series, order)
        for k in range(order):
            exact = sum(gmpy2.mpfr(a[j]) * b[k - j] for a, b in ((series[0], series[1]), (series[1], series[2]),
                                                                  (series[2], series[2])) for j in range(k + 1))
            assert abs(dot.c[k] + exact) <= gmpy2.mpfr(2) ** -95 * (1 + abs(exact))


def test_sums_of_products_are_one_node_and_unused_products_are_dropped():
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.taylor import JetTape, _Add, _Mul, _SeriesDot, _Var, _Zero, _inputs, _record_field

    with working_precision(30):
        tape = JetTape(4)
        a, b, c, d = tape.vars
        kept = a * b
        total = kept + c * d + a * d
        assert isinstance(total, _SeriesDot) and [(p.__class__, q.__class__) for p, q in total.pairs] == [(type(a), type(b))] * 3
        tape.outputs += [total, kept * 2]
        tape.prune()
        # the product c*d and a*d live on only inside the dot; a*b is an input of another output, so it stays
        assert sum(isinstance(n, _Mul) for n in tape.nodes) == 1 and kept in tape.nodes and total in tape.nodes
        arch = Architecture.for_output_width((3, 3, 2), (1, 2, 1), dN=2)
        data, _ = random_problem(arch, arch.d0 + 2, seed=2)
        tape = _record_field(FlowProblem(arch, data, parse_loss("square")), sum(arch.k))
        # the final filter's and Q's sums of products are dots, and no product they took over is left computed
        assert not any(isinstance(n, _Add) for n in tape.nodes)
        inner = [n for n in tape.nodes if isinstance(n, _SeriesDot) and n not in tape.outputs]
        assert inner and max(len(n.pairs) for n in inner) >= 2
        consumers = {id(x) for n in tape.nodes for x in _inputs(n)} | {id(n) for n in tape.outputs}
        assert all(id(n) in consumers for n in tape.nodes if not isinstance(n, (_Var, _Zero)))


def test_a_node_recorded_after_pruning_gets_a_tanh_that_is_computed():
    import gmpy2

    from lcnsym.dynamics.engines.taylor import JetTape

    with working_precision(30):
        tape = JetTape(1)
        x = tape.vars[0]
        tape.outputs.append(tape.sech(x) * 0 + x)  # the sech (and its tanh) is recorded, then not needed
        tape.prune()
        t = tape.tanh(x)
        tape.outputs.append(t)
        out = tape.field_series([[gmpy2.mpfr(1) / 2, gmpy2.mpfr(1)]], 2)
        assert t in tape.nodes and out[1] and abs(out[1][0] - gmpy2.tanh(gmpy2.mpfr(1) / 2)) < gmpy2.mpfr(10) ** -30


def test_the_elementary_jets_satisfy_their_defining_identities_to_every_order():
    """s = sqrt(a): s s = a; q = a / b: q b = a; e = exp(a): e' = a' e; l = log(a): a l' = a'; tanh and sech:
    t' = (1 - t^2) a', q' = -q t a'; each coefficient to order 24 against products formed at 60 digits (a recurrence
    that drops or doubles a term, or slices one index off, is off at some order)."""
    import random

    import gmpy2

    from lcnsym.dynamics.engines.taylor import JetTape

    rng = random.Random(5)
    order = 24
    with working_precision(30):
        tape = JetTape(2)
        a, b = tape.vars
        nodes = {"sqrt": tape.sqrt(a), "div": a / b, "exp": tape.exp(a), "log": tape.log(a), "tanh": tape.tanh(a),
                 "sech": tape.sech(a)}
        tape.outputs.extend(nodes.values())
        inputs = [[gmpy2.mpfr(2 + rng.uniform(0, 1))] + [gmpy2.mpfr(rng.uniform(-1, 1)) / 2 ** i for i in range(1, order)]
                  for _ in range(2)]
        tape.field_series(inputs, order)
    def times(x, y, k):
        return gmpy2.fsum([x[j] * y[k - j] for j in range(k + 1)])

    def derivative(x):
        return [(j + 1) * x[j + 1] for j in range(len(x) - 1)]

    A, B = inputs
    c = {name: node.c for name, node in nodes.items()}
    with gmpy2.context(gmpy2.get_context(), precision=200):
        one_minus_t2 = [1 - times(c["tanh"], c["tanh"], 0)] + [-times(c["tanh"], c["tanh"], k) for k in range(1, order)]
        qt = [times(c["sech"], c["tanh"], k) for k in range(order)]
    identities = {
        "sqrt": lambda k: times(c["sqrt"], c["sqrt"], k) - A[k],
        "div": lambda k: times(c["div"], B, k) - A[k],
        "exp": lambda k: derivative(c["exp"])[k] - times(derivative(A), c["exp"], k),
        "log": lambda k: times(A, derivative(c["log"]), k) - derivative(A)[k],
        "tanh": lambda k: derivative(c["tanh"])[k] - times(one_minus_t2, derivative(A), k),
        "sech": lambda k: derivative(c["sech"])[k] + times(qt, derivative(A), k),
    }
    with gmpy2.context(gmpy2.get_context(), precision=200):  # the references' products and sums well below the jets' rounding
        for name, defect in identities.items():
            worst = max(abs(defect(k)) for k in range(order - 1))
            assert worst < gmpy2.mpfr(2) ** -90, (name, worst)


def test_the_taylor_engines_default_order_is_dps_plus_2():
    """Campaign S (I16): the default order K = dps, not dps + 2 (the docstring's), left the flows ~50 times less accurate;
    every engine test here still passed, and only a documentation example (a 35-digit flow that then could not reach
    ||grad L|| < 10^-30) saw it. The default run is order = dps + 2's, bit for bit; and a 15-digit flow to t = 5 agrees
    with a 30-digit one to 10^-14 (about 2e-15 at dps + 2; about 9e-14 at dps)."""
    from lcnsym.dynamics.engines import FlowProblem

    arch = Architecture.for_output_width((2, 2), (1, 1), dN=2)
    data, w0 = random_problem(arch, arch.d0 + 2, 1)
    problem, flat, ends = FlowProblem(arch, data, parse_loss("square")), [x for w in w0 for x in w], {}
    for label, order in (("default", None), ("dps + 2", 32)):
        states = []
        get_engine("taylor").integrate(problem, flat, [Fraction(5)], lambda t, state: states.append(state), dps=30, order=order)
        ends[label] = states[-1]
    assert ends["default"] == ends["dps + 2"]
    low, high = (gradient_flow(arch, data, parse_loss("square"), w0, t_max=5, dps=dps, samples=1).states[-1] for dps in (15, 30))
    with working_precision(30):
        assert max(abs(x - y) for u, v in zip(low, high) for x, y in zip(u, v)) < mpmath.mpf(10) ** -14


def test_the_odefun_engine_integrates_at_the_digits_asked_for():
    """Campaign U (I10): the odefun engine ran at DEFAULT_DPS = 30 whatever ``dps`` was asked; every comparison here was at
    30 digits, where that is right by accident, so ``--engine odefun --dps 60`` (the slow reference) was good to ~30 digits.
    ENGINES_AGREE's flow at 60 digits: Taylor and odefun agree below 10^-50 (3.8e-55; 6e-32 with odefun at 30 digits)."""
    from lcnsym.proofs import _flows

    c = _flows.ENGINES_AGREE
    arch, data, w0 = _flows.problem(c["k"], c["s"], c["seed"])
    ends = [gradient_flow(arch, data, parse_loss(c["loss"]), [list(w) for w in w0], c["t"], dps=60, samples=1,
                          engine=engine).states[-1] for engine in ("taylor", "odefun")]
    with working_precision(60):
        assert max(abs(a - b) for wa, wb in zip(*ends) for a, b in zip(wa, wb)) < mpmath.mpf(10) ** -50


def test_the_taylor_engines_on_step_reports_the_squared_gradient_norm():
    """Campaign U (I11): ``on_step``'s third value (the progress line's ||grad L||) was ||w||^2, the jets' order-0
    coefficients, not the order-1 ones; only the progress display reads it, and its tests plant their values. The first
    step's value is ||grad L(w0)||^2, the exact sum of squares of ``risk_gradient(w0)``, to 10^-20 relative."""
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.proofs import _flows

    arch, data, w0 = _flows.problem((2, 2), (1, 1), 1)
    seen = []
    get_engine("taylor").integrate(FlowProblem(arch, data, parse_loss("square")), [x for w in w0 for x in w], [Fraction(1, 1000)],
                                   lambda t, state: False, dps=30, on_step=lambda t, n, g2: seen.append(g2))
    exact = sum(g * g for layer in risk_gradient(arch, [list(w) for w in w0], data, parse_loss("square"), dps=None) for g in layer)
    with working_precision(40):
        assert abs(to_mpf(seen[0]) - to_mpf(exact)) <= mpmath.mpf(10) ** -20 * to_mpf(exact), (seen[0], exact)


def test_the_taylor_order_can_climb_again_after_it_fell():
    """Campaign W (I1): ``_cheapest_order`` without ``ORDER_PROBE`` returned the cheapest order computed, so once the order
    fell it could never climb back (510 steps instead of 432 on a random (2,2) flow); no test looked at the probe. At
    ``order = MIN_ORDER`` only ``MIN_ORDER`` is computed, and the next step's order must be ``MIN_ORDER + ORDER_PROBE``."""
    import gmpy2

    from lcnsym.dynamics.engines import taylor

    K = 32
    weights = [None] * taylor.MIN_ORDER + [gmpy2.mpfr(0)] * (K + 1 - taylor.MIN_ORDER)
    with working_precision(30, guard=taylor.GUARD):
        nxt = taylor._cheapest_order([[1] * (taylor.MIN_ORDER + 1)], taylor.MIN_ORDER, K, weights)
    assert nxt == taylor.MIN_ORDER + taylor.ORDER_PROBE > taylor.MIN_ORDER


def test_the_taylor_step_is_bounded_by_the_next_to_last_coefficient_when_the_last_vanishes():
    """Campaign W (I2): ``_reach`` took Jorba and Zou's min over ``j = order`` only, so a vanishing top coefficient made the
    step infinite ("the Taylor polynomial is the solution") although ``c_{order-1}`` does not vanish; no flow in the tests
    has such a coefficient. ``c_6 = 1, c_7 = 0`` at order 7, K = 8: ``1 * e^(-16/7) e^(-0.7/6)`` = 0.0905."""
    import gmpy2

    from lcnsym.dynamics.engines import taylor

    with working_precision(30, guard=taylor.GUARD):
        reach = taylor._reach([[1] * 7 + [0]], 7, 8)
        assert gmpy2.is_finite(reach)
        assert abs(to_mpf(reach) - mpmath.exp(mpmath.mpf(-16) / 7 - mpmath.mpf("0.7") / 6)) < mpmath.mpf(10) ** -25


def test_a_tiny_last_step_to_t_end_is_not_a_collapse():
    """Campaign W (I3): the collapse test ``h < h_min`` without ``and h < t_end - t`` called a short last step onto t_end
    (within 10^-MIN_STEP_DIGITS of the interval) "the field blows up"; no test started a step that close to t_end.
    From t = 1 - 10^-25 to t_end = 1 at 30 digits: one step, no ConvergenceError."""
    import gmpy2

    from lcnsym.dynamics.engines import FlowProblem, taylor

    arch, data, w0, _ = one_layer_square_flow()
    with working_precision(30, guard=taylor.GUARD):
        tape = taylor._record_field(FlowProblem(arch, data, parse_loss("square")), len(w0))
        last = {"t": gmpy2.mpfr(1) - gmpy2.mpfr("1e-25"), "state": [gmpy2.mpfr(x) for x in w0]}
        assert taylor._steps(tape, 32, last, [gmpy2.mpfr(1)], [Fraction(1)], lambda t, s: False, 30, 1000) == 1
    assert last["t"] == 1


def test_adaptive_order_false_takes_order_K_at_every_step(monkeypatch):
    """Campaign W (I4): ``integrate`` passed ``adaptive=K > MIN_ORDER`` whatever ``adaptive_order`` said, so
    ``adaptive_order=False`` was accepted and ignored (432 steps, the adaptive run's, not 192); the flows compared with it
    agree either way. With the option off, ``_cheapest_order`` is never asked; with it on (the default), it is."""
    from lcnsym.dynamics.engines import FlowProblem, taylor

    arch, data, w0, _ = one_layer_square_flow()
    asked, chosen = [], taylor._cheapest_order
    monkeypatch.setattr(taylor, "_cheapest_order", lambda *args: asked.append(1) or chosen(*args))
    problem = FlowProblem(arch, data, parse_loss("square"))
    run = lambda **kw: get_engine("taylor").integrate(problem, w0, [Fraction(2)], lambda t, s: False, dps=30, compiled=False, **kw)
    run(adaptive_order=False)
    assert asked == []
    run()
    assert asked


def test_the_convergence_look_backs_off_between_asks():
    """Campaign W (I14): ``next_look = steps + 1`` instead of ``2 * steps`` asked ``on_sample`` after every step once the
    gradient was near ``stop_below`` (9598 calls instead of 8, each an exact gradient); the results are the same, so only
    a count shows it. The one-layer flow to t = 100 with ``stop_below = 10^-20`` and a caller that always says no: ~2000
    steps, at most 20 calls (8 now)."""
    from lcnsym.dynamics.engines import FlowProblem

    arch, data, w0, _ = one_layer_square_flow()
    calls = []
    steps = get_engine("taylor").integrate(FlowProblem(arch, data, parse_loss("square")), w0, [Fraction(100)],
                                           lambda t, s: calls.append(t) and False, dps=30, stop_below=Fraction(1, 10**20),
                                           compiled=False)
    assert steps > 1000 and 2 <= len(calls) <= 20, (steps, len(calls))


def test_the_odefun_engines_wall_time_limit_is_its_own_not_scaled_by_the_samples(monkeypatch):
    """Campaign Z (I23): max_seconds = 2.5 on a clock that ticks a second per look stops odefun before its third
    sample (a limit multiplied by the 8 samples would let it finish)."""
    from helpers import ticking_clock
    from lcnsym.dynamics.engines import odefun
    from lcnsym.errors import WorkLimitError

    arch = Architecture.for_output_width((2, 2), (1, 1), dN=2)
    data, w0 = random_problem(arch, 6, 1)
    ticking_clock(odefun, monkeypatch)
    with pytest.raises(WorkLimitError, match="max_seconds = 2.5 before t = ") as info:
        gradient_flow(arch, data, parse_loss("square"), w0, t_max=Fraction(1, 4), dps=15, samples=8, engine="odefun",
                      max_seconds=2.5)
    assert info.value.limit == 2.5


@pytest.mark.parametrize("loss_text", ["lp:4", "lp:6", "lp:8"])
def test_the_taylor_field_of_l_p_is_minus_the_exact_gradient_by_hand(loss_text):
    """Campaign CC (T01): a jet's power by squaring (r^5 for lp:6 needs base * base twice and out * base): by hand for
    L = (1/p)((w1 w2 - 2)^p + (2 w1 w2 - 4)^p) at w = (1, 1): dL/dw1 = (-1)^(p-1) + 2 (-2)^(p-1)."""
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.taylor import field_at

    p = int(loss_text.split(":")[1])
    arch = Architecture(1, (1, 1), (1, 1))
    data = Data(((1, 2),), ((2, 4),))
    field = field_at(FlowProblem(arch, data, parse_loss(loss_text)), [[1], [1]], dps=30)
    exact = (-1) ** (p - 1) + 2 * (-2) ** (p - 1)
    assert [round(float(f)) for f in field] == [-exact, -exact]


@pytest.mark.parametrize("loss_text", ["square", "log-cosh:1"])
def test_the_taylor_field_carries_its_guard_digits(loss_text):
    """Campaign GG (21): the tape recorded without the engine's GUARD digits still met dps digits but lost the guard the
    flows rely on over many steps: on data with no short binary form the field errs below 10^-(dps + GUARD - 2)."""
    from lcnsym.dynamics.data import validate_data
    from lcnsym.dynamics.engines import FlowProblem
    from lcnsym.dynamics.engines.taylor import GUARD, field_at
    from lcnsym.numeric import to_rational

    F = Fraction
    arch = Architecture(3, (2, 2), (1, 1))
    data = validate_data(arch, [[F(1, 3), F(1, 7), 1], [F(2, 3), -1, F(1, 5)], [1, F(3, 7), F(-1, 3)]],
                         [[F(1, 3), F(1, 2), -1]])
    w = [[F(1, 3), F(-2, 7)], [F(5, 11), F(1, 9)]]
    loss = parse_loss(loss_text)
    field = field_at(FlowProblem(arch, data, loss), w, dps=30)
    exact = [-to_rational(g, floats=True) for layer in risk_gradient(arch, w, data, loss, dps=80) for g in layer]
    scale = max(abs(g) for g in exact)
    assert max(abs(f - g) for f, g in zip(field, exact)) < scale * F(1, 10 ** (30 + GUARD - 2))
