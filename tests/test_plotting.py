"""lcnsym.dynamics.plotting: a Figure returned, saved only when asked, no backend switched."""

import matplotlib

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
