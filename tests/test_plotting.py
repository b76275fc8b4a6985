"""lcnsym.dynamics.plotting: a Figure returned, saved only when asked, no backend switched."""

import matplotlib
import mpmath

from lcnsym.algebra.architecture import Architecture
from lcnsym.dynamics.data import random_problem
from lcnsym.dynamics.flow import gradient_flow
from lcnsym.dynamics.losses import parse_loss
from lcnsym.dynamics.plotting import plot_trajectory


def test_plot_returns_a_figure_and_saves_when_given_a_path(tmp_path):
    backend = matplotlib.get_backend()
    arch = Architecture(4, (2, 2), (1, 1))
    data, w0 = random_problem(arch, 6, 1)
    traj = gradient_flow(arch, data, parse_loss("square"), w0, t_max=1, dps=20, samples=4)
    fig = plot_trajectory(traj)
    assert len(fig.axes) == 4
    plot_trajectory(traj, tmp_path / "f.png")
    assert (tmp_path / "f.png").stat().st_size > 1000 and matplotlib.get_backend() == backend


def test_the_panels_plot_the_trajectorys_values():
    """Injected in a campaign (C4, I15): the drift panel measured from the final invariants instead of delta(0), so it
    fell to the floor at t_final instead of starting there. A hand-made trajectory: delta(t) = 3, 3 + 1/8, 3 + 1/2, so
    the drift is 0 (plotted at the floor 10^-(dps+2)), 1/8, 1/2; the loss panel (not converged) is L itself."""
    from lcnsym.dynamics.flow import Trajectory

    f = mpmath.mpf
    traj = Trajectory("taylor", 20, times=[f(0), f(1), f(2)], losses=[f(4), f(2), f(1)], grad_norms=[f(8), f(4), f("0.5")],
                      states=[[[1], [2]]] * 3, invariants=[[f(3)], [f("3.125")], [f("3.5")]],
                      layer_norms_sq=[[f(1), f(4)], [f(1), f(4)], [f(1), f(4)]])
    fig = plot_trajectory(traj)
    loss_ax, grad_ax, norms_ax, drift_ax = fig.axes
    (drift,) = drift_ax.get_lines()
    assert [float(x) for x in drift.get_xdata()] == [0.0, 1.0, 2.0]
    assert [float(y) for y in drift.get_ydata()] == [1e-22, 0.125, 0.5]  # 0 at t = 0, at the floor 10^-(dps+2)
    assert list(loss_ax.get_lines()[0].get_ydata()) == [4.0, 2.0, 1.0]
    assert list(grad_ax.get_lines()[0].get_ydata()) == [8.0, 4.0, 0.5]
    assert [list(line.get_ydata()) for line in norms_ax.get_lines()] == [[1.0, 1.0, 1.0], [4.0, 4.0, 4.0]]


def test_a_converged_loss_curve_is_L_minus_L_inf_at_its_own_times():
    """Campaign S (I14): the converged branch paired the losses with t[1:], so L - L_inf was drawn one sample late; the
    hand-made trajectory above is not converged and never drew it. Converged, L = 4, 2, 1 at t = 0, 1, 2: the panel is
    L - L(t_final) = 3, 1 at t = 0, 1 (the last, 0, is below the floor and dropped)."""
    from lcnsym.dynamics.flow import Trajectory

    f = mpmath.mpf
    traj = Trajectory("taylor", 20, times=[f(0), f(1), f(2)], losses=[f(4), f(2), f(1)], grad_norms=[f(8), f(4), f("0.5")],
                      states=[[[1], [2]]] * 3, invariants=[[f(3)]] * 3, layer_norms_sq=[[f(1), f(4)]] * 3, converged=True)
    (line,) = plot_trajectory(traj).axes[0].get_lines()
    assert [float(x) for x in line.get_xdata()] == [0.0, 1.0]
    assert [float(y) for y in line.get_ydata()] == [3.0, 1.0]


def test_a_converged_loss_curve_drops_rounding_noise_when_L_inf_is_0():
    """Campaign W (I11): the floor ``10^-(dps-2) * |L_final|`` without ``max(1, ...)`` is 0 when the flow fits the labels
    (L_inf = 0), so values at the rounding level were plotted as convergence; no test had a final loss of 0. L = 1,
    10^-3, 10^-40, 0 at dps 30: 10^-40 is below the floor 10^-28 and is not drawn."""
    from fractions import Fraction
    from types import SimpleNamespace

    from lcnsym.dynamics.plotting import _loss_curve

    traj = SimpleNamespace(times=[0, 1, 2, 3], losses=[Fraction(1), Fraction(1, 10**3), Fraction(1, 10**40), Fraction(0)],
                           converged=True, dps=30)
    t, values, _ = _loss_curve(traj)
    assert t == [0.0, 1.0] and values == [1.0, 0.001]


def test_the_drift_panel_is_the_largest_change_of_any_invariant_either_way():
    """A mutation pass: with two invariants, one falling by 1/2 and one rising by 1/8, the drift is 1/2 (the largest
    |delta_i(t) - delta_i(0)|, a fall counted as much as a rise)."""
    from lcnsym.dynamics.flow import Trajectory

    f = mpmath.mpf
    traj = Trajectory("taylor", 20, times=[f(0), f(1)], losses=[f(4), f(2)], grad_norms=[f(8), f(4)], states=[[[1], [2], [3]]] * 2,
                      invariants=[[f(3), f(1)], [f("2.5"), f("1.125")]], layer_norms_sq=[[f(1), f(4), f(9)]] * 2)
    (drift,) = plot_trajectory(traj).axes[3].get_lines()
    assert [float(y) for y in drift.get_ydata()] == [1e-22, 0.5]


def test_the_loss_curves_floor_is_relative_to_L_inf_at_the_runs_digits():
    """A mutation pass: at dps 10 the floor is 10^-8 max(1, |L_inf|): with L_inf = 100 it is 10^-6, so L - L_inf =
    5e-6 is drawn and 5e-7 is not; two samples are enough for the L - L_inf curve, one is drawn as L."""
    from fractions import Fraction
    from types import SimpleNamespace

    from lcnsym.dynamics.plotting import _loss_curve

    losses = [Fraction(101), 100 + Fraction(5, 10**6), 100 + Fraction(5, 10**7), Fraction(100)]
    t, values, label = _loss_curve(SimpleNamespace(times=[0, 1, 2, 3], losses=losses, converged=True, dps=10))
    assert t == [0.0, 1.0] and label == "L(w(t)) - L(w(t_final))"
    two = _loss_curve(SimpleNamespace(times=[0, 1], losses=[Fraction(3), Fraction(1)], converged=True, dps=10))
    assert two == ([0.0], [2.0], "L(w(t)) - L(w(t_final))")
    one = _loss_curve(SimpleNamespace(times=[0], losses=[Fraction(3)], converged=True, dps=10))
    assert one == ([0.0], [3.0], "L(w(t))")


def test_legends_name_the_layers_alone_and_every_trajectory_when_overlaid():
    """Campaign EE: the legend went to the wrong panel. One trajectory: only the layer-norms panel has a legend (one
    entry per layer); two trajectories: every panel has one, with both labels."""
    from lcnsym.dynamics.flow import Trajectory
    from lcnsym.dynamics.plotting import plot_trajectories

    f = mpmath.mpf
    traj = Trajectory("taylor", 20, times=[f(0), f(1)], losses=[f(4), f(2)], grad_norms=[f(8), f(4)],
                      states=[[[1], [2]]] * 2, invariants=[[f(3)], [f(3)]], layer_norms_sq=[[f(1), f(4)], [f(1), f(4)]])
    legends = [ax.get_legend() for ax in plot_trajectory(traj).axes]
    assert [legend is not None for legend in legends] == [False, False, True, False]
    assert [t.get_text() for t in legends[2].get_texts()] == ["||w^(1)||^2, taylor, 20 digits",
                                                              "||w^(2)||^2, taylor, 20 digits"]
    both = plot_trajectories([traj, traj], labels=["a", "b"]).axes
    assert all(ax.get_legend() is not None for ax in both)
    assert [t.get_text() for t in both[0].get_legend().get_texts()] == ["a", "b"]
