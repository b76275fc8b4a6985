"""Plots of a gradient-flow trajectory (matplotlib, no display needed)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mpmath  # noqa: E402

__all__ = ["plot_trajectory"]


def _floats(values):
    return [float(mpmath.mpf(v)) for v in values]


def plot_trajectory(traj, path, title=""):
    """Loss and gradient norm (log scale), layer norms and the drift of the invariants, against ``t``; saved as ``path``."""
    t = _floats(traj.times)
    fig, axes = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    axes[0, 0].semilogy(t, [max(float(v), 1e-300) for v in traj.losses])
    axes[0, 0].set_title("loss L(w(t))")
    axes[0, 1].semilogy(t, [max(float(v), 1e-300) for v in traj.grad_norms])
    axes[0, 1].set_title("||grad L(w(t))||")
    for i in range(len(traj.layer_norms_sq[0])):
        axes[1, 0].plot(t, [float(row[i]) for row in traj.layer_norms_sq], label=f"||w^({i + 1})||^2")
    axes[1, 0].set_title("layer norms")
    axes[1, 0].legend()
    first = traj.invariants[0]
    drift = [max((abs(d - d0) for d, d0 in zip(row, first)), default=mpmath.mpf(0)) for row in traj.invariants]
    floor = 10.0 ** -(traj.dps + 2)  # below the working precision: exact zero shown as the floor
    axes[1, 1].semilogy(t, [max(float(d), floor) for d in drift])
    axes[1, 1].set_title("balancedness drift max_i |delta_i(t) - delta_i(0)|")
    for ax in axes.flat:
        ax.set_xlabel("t")
    fig.suptitle(title or f"gradient flow ({traj.engine}, {traj.dps} digits)")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
