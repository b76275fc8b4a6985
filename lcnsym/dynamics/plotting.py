"""Plots of a gradient-flow trajectory with matplotlib's object-oriented API (no backend is chosen or changed)."""

from matplotlib.figure import Figure

from lcnsym.numeric import to_float

__all__ = ["plot_trajectory"]


def plot_trajectory(traj, path=None, title=""):
    """Loss and gradient norm (log scale), layer norms and the drift of the invariants, against ``t``.

    Returns the matplotlib ``Figure``; saves it as ``path`` (PNG, PDF, SVG... by
    the suffix) when one is given.
    """
    t = [to_float(v) for v in traj.times]
    fig = Figure(figsize=(10, 7), layout="constrained")
    axes = fig.subplots(2, 2)
    axes[0, 0].semilogy(t, [max(to_float(v), 1e-300) for v in traj.losses])
    axes[0, 0].set_title("loss L(w(t))")
    axes[0, 1].semilogy(t, [max(to_float(v), 1e-300) for v in traj.grad_norms])
    axes[0, 1].set_title("||grad L(w(t))||")
    for i in range(len(traj.layer_norms_sq[0])):
        axes[1, 0].plot(t, [to_float(row[i]) for row in traj.layer_norms_sq], label=f"||w^({i + 1})||^2")
    axes[1, 0].set_title("layer norms")
    axes[1, 0].legend()
    first = traj.invariants[0]
    drift = [max((to_float(abs(d - d0)) for d, d0 in zip(row, first)), default=0.0) for row in traj.invariants]
    floor = 10.0 ** -(traj.dps + 2)  # below the working precision: exact zero shown as the floor
    axes[1, 1].semilogy(t, [max(d, floor) for d in drift])
    axes[1, 1].set_title("balancedness drift max_i |delta_i(t) - delta_i(0)|")
    for ax in axes.flat:
        ax.set_xlabel("t")
    fig.suptitle(title or f"gradient flow ({traj.engine}, {traj.dps} digits)")
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig
