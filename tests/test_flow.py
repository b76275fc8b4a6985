"""The gradient flow (reference engine mpmath.odefun), its trajectory, and lcnsym flow."""

from fractions import Fraction
import json
import random

from click.testing import CliRunner
import mpmath
import pytest

from lcnsym.architecture import Architecture
from lcnsym.cli.main import cli
from lcnsym.errors import FilterError, InputError
from lcnsym.flow import gradient_flow
from lcnsym.losses import log_cosh, square
from lcnsym.risk import validate_data


def problem(arch, m, seed):
    rng = random.Random(seed)
    X = [[Fraction(rng.randint(-8, 8), 4) for _ in range(m)] for _ in range(arch.d0)]
    Y = [[Fraction(rng.randint(-8, 8), 4) for _ in range(m)] for _ in range(arch.dN)]
    return validate_data(arch, X, Y)


def test_one_layer_flow_matches_the_matrix_exponential_to_25_digits():
    # one layer, square loss: dw/dt = -(A w - b) is linear; w(t) = w* + expm(-A t)(w0 - w*) is independent of odefun
    arch = Architecture(5, (3,), (1,))
    data = problem(arch, 4, 1)
    with mpmath.workdps(50):
        A = mpmath.zeros(3, 3)
        b = mpmath.zeros(3, 1)
        for j in range(data.m):
            x, y = data.column(j, mp=True)
            for r in range(arch.dN):
                a = mpmath.matrix(x[r:r + 3])
                A += 2 * a * a.T
                b += 2 * y[r] * a
        w0 = mpmath.matrix([mpmath.mpf(1), mpmath.mpf(-0.5), mpmath.mpf(1) / 3])
        wstar = mpmath.lu_solve(A, b)
        exact = wstar + mpmath.expm(-A * mpmath.mpf("0.75")) * (w0 - wstar)
    traj = gradient_flow(arch, data, square(), [[1, Fraction(-1, 2), Fraction(1, 3)]], t_max=Fraction(3, 4), dps=30, samples=1)
    with mpmath.workdps(50):
        err = max(abs(traj.states[-1][0][i] - exact[i]) for i in range(3))
    assert err < mpmath.mpf(10) ** -25
    assert mpmath.mp.dps == 15


@pytest.mark.parametrize("loss", [square(), log_cosh(1)], ids=["square", "log-cosh"])
def test_two_layer_flow_loss_decreases_and_invariants_hold(loss):
    arch = Architecture(4, (2, 2), (1, 1))
    traj = gradient_flow(arch, problem(arch, 6, 2), loss, [[1, Fraction(1, 2)], [Fraction(-1, 3), 1]], t_max=1, dps=25, samples=3)
    assert traj.loss_non_increasing() and traj.losses[-1] < traj.losses[0]
    assert traj.balancedness_drift() < mpmath.mpf(10) ** -20
    assert not traj.converged and "not converged by t = 1.0" in traj.message


def test_gradient_tolerance_stops_the_run():
    arch = Architecture(1, (1,), (1,))
    data = validate_data(arch, [[1]], [[2]])
    traj = gradient_flow(arch, data, square(), [[2]], t_max=10, dps=20, grad_tol=1e-30, samples=2)
    assert traj.converged is False or traj.grad_norms[-1] < 1e-30
    traj = gradient_flow(arch, data, square(), [[2]], t_max=10, dps=20, grad_tol=1e-3, samples=5)
    assert traj.converged and traj.grad_norms[-1] < 1e-3 and traj.times[-1] <= 10


def test_ctrl_c_returns_the_partial_trajectory():
    arch = Architecture(1, (1,), (1,))
    data = validate_data(arch, [[1]], [[2]])

    def interrupt(t, end):
        if t > end / 3:
            raise KeyboardInterrupt

    traj = gradient_flow(arch, data, square(), [[1]], t_max=1, dps=15, samples=6, progress=interrupt)
    assert traj.interrupted and len(traj.times) == 4 and "interrupted at t" in traj.message and not traj.converged


@pytest.mark.parametrize("kwargs,err", [({"t_max": 0}, InputError), ({"t_max": float("nan")}, InputError), ({"engine": "rk4"}, InputError),
                                        ({"dps": 5}, InputError), ({"w0": [[1, 2]]}, FilterError)])
def test_bad_flow_input(kwargs, err):
    arch = Architecture(1, (1,), (1,))
    args = {"arch": arch, "data": validate_data(arch, [[1]], [[2]]), "loss": square(), "w0": [[1]], "t_max": 1}
    args.update(kwargs)
    with pytest.raises(err):
        gradient_flow(**args)


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_cli_flow_json_files_and_plot(tmp_path):
    (tmp_path / "d.json").write_text(json.dumps({"X": [[1, 0.5], [0, 1], [1, -1], [0.25, 2]], "Y": [[1, 0], [0.5, 1]]}))
    (tmp_path / "w.json").write_text(json.dumps({"w": [[1, 0.5], [-0.25, 1]]}))
    r = run("flow", "--k", "2,2", "--s", "1,1", "--data", str(tmp_path / "d.json"), "--init", str(tmp_path / "w.json"),
            "--t-max", "0.5", "--samples", "2", "--dps", "20", "--plot", str(tmp_path / "f.png"), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    for key in ("t_final", "loss_initial", "loss_final", "grad_norm_final", "balancedness_drift", "converged", "w_final", "tau", "max_layer_norm_sq"):
        assert key in data
    assert data["converged"] is False and len(data["w_final"]) == 2 and (tmp_path / "f.png").stat().st_size > 1000
    assert "singular" in data["tau_note"]  # m = 2 < d0 = 4: Lemma 3.6's hypothesis fails, said so


def test_cli_flow_text_with_random_data():
    r = run("flow", "--k", "2,2", "--s", "1,1", "--random-data", "6", "--seed", "3", "--t-max", "0.5", "--samples", "2", "--dps", "15",
            "--loss", "pseudo-huber:1")
    assert r.exit_code == 0 and "not converged by t = 0.5" in r.output and "<= tau =" in r.output


@pytest.mark.parametrize("args,words", [
    (("--loss", "lp:3"), "even p >= 2"),
    (("--loss", "gen-huber:1,-2"), "greater than -2"),
    (("--data", "/nonexistent.json"), "cannot read data file"),
    (("--t-max", "-1"), "t_max must be a positive number"),
])
def test_cli_flow_errors(args, words):
    r = run("flow", "--k", "2,2", "--s", "1,1", "--samples", "1", "--dps", "15", *args)
    assert r.exit_code != 0 and words in r.output and "Traceback" not in r.output


def test_cli_flow_data_of_the_wrong_shape(tmp_path):
    (tmp_path / "d.json").write_text(json.dumps({"X": [[1, 2]], "Y": [[1, 2]]}))
    r = run("flow", "--k", "2,2", "--s", "1,1", "--data", str(tmp_path / "d.json"))
    assert r.exit_code != 0 and "X has 1 rows but the architecture needs 4" in r.output
    (tmp_path / "e.json").write_text("[1, 2]")
    r = run("flow", "--k", "2,2", "--s", "1,1", "--data", str(tmp_path / "e.json"))
    assert r.exit_code != 0 and "must hold an object" in r.output


@pytest.mark.parametrize("loss_text", ["square", "lp:4", "pseudo-huber:1", "gen-huber:1,1/2", "gen-huber:2,-3/2", "log-cosh:1"])
def test_taylor_engine_agrees_with_odefun_to_20_digits_for_every_loss(loss_text):
    from lcnsym.losses import parse_loss

    arch = Architecture(5, (2, 2), (1, 1))
    data = problem(arch, 5, 7)
    w0 = [[Fraction(3, 4), Fraction(-1, 2)], [Fraction(1, 3), Fraction(5, 4)]]
    loss = parse_loss(loss_text)
    t_max = Fraction(1, 8) if loss.name in ("gen-huber", "log-cosh") else Fraction(1, 2)  # odefun is slow on exp
    a = gradient_flow(arch, data, loss, w0, t_max=t_max, dps=30, samples=1, engine="taylor")
    b = gradient_flow(arch, data, loss, w0, t_max=t_max, dps=30, samples=1, engine="odefun")
    with mpmath.workdps(30):
        diff = max(abs(x - y) for u, v in zip(a.states[-1], b.states[-1]) for x, y in zip(u, v))
    assert diff < mpmath.mpf(10) ** -20, (loss_text, diff)
    assert a.balancedness_drift() < mpmath.mpf(10) ** -25


def test_taylor_engine_on_strides_and_a_long_run():
    arch = Architecture.for_output_width((3, 2), (2, 1), dN=2)
    data = problem(arch, 8, 3)
    traj = gradient_flow(arch, data, square(), [[Fraction(1, 2), 1, Fraction(-1, 4)], [1, Fraction(1, 3)]], t_max=40, dps=30,
                         samples=8, grad_tol=1e-25)
    assert traj.loss_non_increasing() and traj.balancedness_drift() < mpmath.mpf(10) ** -25
    assert traj.converged == (traj.grad_norms[-1] < 1e-25)
