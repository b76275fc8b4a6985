"""Plots of gradient-flow trajectories with matplotlib's object-oriented API (no backend is chosen or changed).

Every function returns a matplotlib ``Figure`` and saves it only when given a path.
"""

from matplotlib.figure import Figure

from lcnsym.numeric import to_float

__all__ = ["plot_trajectory", "plot_trajectories"]


def _loss_curve(traj):
    """``(t, L - L_inf)`` above the precision's floor when the run converged (the rate shows on a log scale), else
    ``(t, L)``; and the label."""
    t = [to_float(v) for v in traj.times]
    losses = [to_float(v) for v in traj.losses]
    if traj.converged and len(losses) > 1:
        final = losses[-1]
        floor = 10.0 ** -(traj.dps - 2) * max(1.0, abs(final))  # below it, L - L_inf is rounding
        kept = [(ti, v - final) for ti, v in zip(t, losses) if v - final > floor]
        return [a for a, _ in kept], [b for _, b in kept], "L(w(t)) - L(w(t_final))"
    return t, losses, "L(w(t))"


def _positive(values, floor):
    return [v if v > floor else floor for v in values]


def plot_trajectories(trajectories, labels=None, path=None, title="", small=False):
    """Several trajectories overlaid: the loss (``L - L_inf`` when converged), the gradient norm, the layer norms and the
    drift of the invariants, against ``t``, each sample marked.

    Parameters
    ----------
    trajectories : sequence of Trajectory
    labels : sequence of str, optional
        One per trajectory (default: the engine and the precision).
    path : path-like, optional
        Save the figure there (the suffix gives the format: ``.png``, ``.pdf``, ``.svg``).
    small : bool
        A small figure, for a notebook's summary.

    Returns
    -------
    matplotlib.figure.Figure
    """
    labels = list(labels) if labels is not None else [f"{t.engine}, {t.dps} digits" for t in trajectories]
    fig = Figure(figsize=(7, 4.5) if small else (11, 7.5), layout="constrained")
    axes = fig.subplots(2, 2)
    style = {"marker": ".", "markersize": 3 if small else 5, "linewidth": 1}
    loss_label = "L(w(t))"
    for traj, label in zip(trajectories, labels):
        t = [to_float(v) for v in traj.times]
        t_loss, losses, loss_label = _loss_curve(traj)
        axes[0, 0].semilogy(t_loss, _positive(losses, 1e-300), label=label, **style)
        axes[0, 1].semilogy(t, _positive([to_float(v) for v in traj.grad_norms], 1e-300), label=label, **style)
        for i in range(len(traj.layer_norms_sq[0])):
            axes[1, 0].plot(t, [to_float(row[i]) for row in traj.layer_norms_sq], label=f"||w^({i + 1})||^2, {label}", **style)
        first = traj.invariants[0]
        drift = [max((to_float(abs(d - d0)) for d, d0 in zip(row, first)), default=0.0) for row in traj.invariants]
        axes[1, 1].semilogy(t, _positive(drift, 10.0 ** -(traj.dps + 2)), label=label, **style)  # exact zero at the floor
    for ax, ylabel, heading in ((axes[0, 0], loss_label, "loss"), (axes[0, 1], "||grad L(w(t))||", "gradient norm"),
                                (axes[1, 0], "||w^(i)(t)||^2", "layer norms"),
                                (axes[1, 1], "max_i |delta_i(t) - delta_i(0)|", "balancedness drift (Lemma 3.3)")):
        ax.set_xlabel("t")
        ax.set_ylabel(ylabel)
        ax.set_title(heading)
        if len(trajectories) > 1 or ax is axes[1, 0]:
            ax.legend(fontsize="small")
    fig.suptitle(title or "gradient flow")
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def plot_trajectory(traj, path=None, title="", small=False):
    """One trajectory: see :func:`plot_trajectories`."""
    return plot_trajectories([traj], None, path, title or f"gradient flow ({traj.engine}, {traj.dps} digits)", small)
