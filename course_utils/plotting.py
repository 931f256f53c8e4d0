"""Figures for the course, in one house style.

The style: the Okabe–Ito colour-blind-safe palette (Okabe & Ito, 2008), line styles that tell
curves apart without colour, labelled axes (a loss axis says "loss"), and an opaque white
background so a figure reads the same on the book's light and dark themes.

Every helper takes arrays computed elsewhere (math lives in the math modules), draws on an
``ax`` it is given or on a new figure, and returns the figure so a chapter can save or tweak it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

#: Okabe–Ito palette, black dropped (it is the text colour), in a good order for lines.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow (kept last: weak on white)
)
#: Line styles cycled with the colours, so curves differ in print and for every reader.
LINESTYLES: tuple[str | tuple, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), "-")

_STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.bbox": "tight",
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#111111",
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.grid": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "legend.fontsize": 10,
    "lines.linewidth": 2.0,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "text.color": "#111111",
    "image.cmap": "viridis",
}


def use_house_style() -> None:
    """Set Matplotlib's defaults to the course style (palette, grid, white background)."""
    mpl.rcParams.update(_STYLE)
    mpl.rcParams["axes.prop_cycle"] = mpl.cycler(color=PALETTE) + mpl.cycler(linestyle=LINESTYLES)


use_house_style()


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 6.4, height: float = 4.0, **kwargs):
    """A figure with a grid of axes in the house style, sized ``width × height`` inches per panel.

    Returns
    -------
    (Figure, Axes or ndarray of Axes)
    """
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width * ncols, height * nrows), layout="constrained", **kwargs
    )
    return fig, axes


def _axes(ax: Axes | None) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = new_figure()
        return fig, ax
    return ax.figure, ax


def plot_curves(
    x: np.ndarray,
    curves: Mapping[str, np.ndarray],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    ax: Axes | None = None,
    ylim: tuple[float, float] | None = None,
    legend_loc: str = "best",
) -> Figure:
    """Plot several named curves over the same x, one colour and line style each.

    Parameters
    ----------
    x : ndarray, shape (n,)
    curves : mapping of label → ndarray of shape (n,)
    xlabel, ylabel : str
        Axis labels (required: an unlabelled axis is a question for the reader).
    title : str, optional
    ax : Axes, optional
        Draw here instead of on a new figure.
    ylim : (float, float), optional

    Returns
    -------
    Figure
    """
    fig, ax = _axes(ax)
    for i, (label, y) in enumerate(curves.items()):
        ax.plot(x, y, label=label, color=PALETTE[i % len(PALETTE)], linestyle=LINESTYLES[i % 6])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.axhline(0, color="#999999", linewidth=0.8, zorder=0)
    ax.legend(loc=legend_loc)
    return fig


def plot_loss_vs_residual(
    residual: np.ndarray,
    losses: Mapping[str, np.ndarray],
    *,
    title: str | None = "Regression losses",
    ax: Axes | None = None,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """Regression losses as functions of the residual a = y − ŷ."""
    return plot_curves(
        residual,
        losses,
        xlabel="residual  a = y − ŷ",
        ylabel="loss",
        title=title,
        ax=ax,
        ylim=ylim,
    )


def plot_loss_and_derivative(
    x: np.ndarray,
    losses: Mapping[str, np.ndarray],
    derivatives: Mapping[str, np.ndarray],
    *,
    xlabel: str = "residual  a = y − ŷ",
    titles: tuple[str, str] = ("Loss", "Derivative of the loss"),
    loss_ylim: tuple[float, float] | None = None,
    derivative_ylim: tuple[float, float] | None = None,
) -> Figure:
    """Losses (left) and their derivatives (right), side by side, with matching colours."""
    fig, (left, right) = new_figure(ncols=2, width=5.2, height=3.8)
    plot_curves(x, losses, xlabel=xlabel, ylabel="loss", title=titles[0], ax=left, ylim=loss_ylim)
    plot_curves(
        x,
        derivatives,
        xlabel=xlabel,
        ylabel="dloss / da",
        title=titles[1],
        ax=right,
        ylim=derivative_ylim,
    )
    return fig


def plot_loss_vs_margin(
    margin: np.ndarray,
    losses: Mapping[str, np.ndarray],
    *,
    title: str | None = "Margin losses",
    ax: Axes | None = None,
    ylim: tuple[float, float] | None = (-0.2, 4.0),
) -> Figure:
    """Classification losses as functions of the margin m = y·s (y ∈ {−1, +1})."""
    fig = plot_curves(
        margin, losses, xlabel="margin  m = y · s", ylabel="loss", title=title, ax=ax, ylim=ylim
    )
    fig_ax = ax if ax is not None else fig.axes[0]
    fig_ax.axvline(0, color="#999999", linewidth=0.8, zorder=0)
    return fig


def plot_panels(
    x: np.ndarray,
    panels: Sequence[tuple[str, Mapping[str, np.ndarray]]],
    *,
    xlabel: str,
    ylabel: str = "loss",
    ylim: tuple[float, float] | None = None,
    width: float = 4.2,
    height: float = 3.4,
) -> Figure:
    """One row of panels, each ``(title, curves)``, sharing x and y labels and limits.

    The static companion of a widget: the same plot at a few parameter settings.
    """
    fig, axes = new_figure(ncols=len(panels), width=width, height=height, sharey=True)
    for ax, (title, curves) in zip(np.atleast_1d(axes), panels, strict=True):
        plot_curves(x, curves, xlabel=xlabel, ylabel=ylabel, title=title, ax=ax, ylim=ylim)
    for ax in np.atleast_1d(axes)[1:]:
        ax.set_ylabel("")
    return fig


# --- chapter 2: regularization
def plot_constraint_regions(
    w1: np.ndarray,
    w2: np.ndarray,
    loss: np.ndarray,
    *,
    least_squares: np.ndarray,
    l1_point: np.ndarray,
    l1_loss: float,
    l2_point: np.ndarray,
    l2_loss: float,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Contours of a data loss J₀(w₁, w₂) with the L1 diamond and the L2 disk through two optima.

    The diamond is {|w₁| + |w₂| ≤ ‖l1_point‖₁}, the disk {‖w‖₂ ≤ ‖l2_point‖₂}: the smallest
    regions of each shape that contain the penalised optima. The J₀ contour through each
    optimum is drawn dashed in the region's colour, so the reader sees it touch the region.

    Parameters
    ----------
    w1, w2 : ndarray, shape (a, b)
        The grid (from ``np.meshgrid``).
    loss : ndarray, shape (a, b)
        J₀ on the grid.
    least_squares : ndarray, shape (2,)
        The unpenalised minimiser of J₀.
    l1_point, l2_point : ndarray, shape (2,)
        The L1- and L2-penalised optima.
    l1_loss, l2_loss : float
        J₀ at those optima (the contour levels drawn through them).
    ax : Axes, optional
    title : str, optional

    Returns
    -------
    Figure
    """
    fig, ax = _axes(ax)
    levels = np.quantile(loss, [0.02, 0.05, 0.1, 0.2, 0.35, 0.55, 0.8])
    ax.contour(w1, w2, loss, levels=np.unique(levels), colors="#bbbbbb", linewidths=0.8)
    r1 = float(np.abs(l1_point).sum())
    diamond = np.array([[r1, 0.0], [0.0, r1], [-r1, 0.0], [0.0, -r1]])
    ax.fill(*diamond.T, color=PALETTE[0], alpha=0.18, lw=0)
    ax.fill(
        *diamond.T, fill=False, edgecolor=PALETTE[0], lw=1.5, ls="-", label="L1 ball ‖w‖₁ ≤ t₁"
    )
    r2 = float(np.hypot(*l2_point))
    angle = np.linspace(0.0, 2 * np.pi, 200)
    ax.fill(r2 * np.cos(angle), r2 * np.sin(angle), color=PALETTE[1], alpha=0.15, lw=0)
    ax.plot(
        r2 * np.cos(angle), r2 * np.sin(angle), color=PALETTE[1], lw=1.5, label="L2 ball ‖w‖₂ ≤ t₂"
    )
    for level, color in ((l1_loss, PALETTE[0]), (l2_loss, PALETTE[1])):
        ax.contour(w1, w2, loss, levels=[level], colors=color, linewidths=1.2, linestyles="--")
    ax.plot(
        *least_squares, marker="x", color="#111111", ms=9, mew=2, ls="none", label="least squares"
    )
    ax.plot(*l1_point, marker="o", color=PALETTE[0], ms=8, ls="none", label="L1 optimum")
    ax.plot(*l2_point, marker="s", color=PALETTE[1], ms=7, ls="none", label="L2 optimum")
    ax.axhline(0, color="#999999", linewidth=0.8, zorder=0)
    ax.axvline(0, color="#999999", linewidth=0.8, zorder=0)
    ax.set_aspect("equal")
    ax.set_xlim(w1.min(), w1.max())
    ax.set_ylim(w2.min(), w2.max())
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    if title:
        ax.set_title(title)
    return fig


def plot_coefficient_paths(
    alphas: np.ndarray,
    coefs: np.ndarray,
    *,
    relevant: np.ndarray | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "α (log scale)",
    legend_loc: str = "upper right",
) -> Figure:
    """Each coefficient against the regularization strength α, on a log α axis.

    Parameters
    ----------
    alphas : ndarray, shape (m,)
    coefs : ndarray, shape (m, p)
        Row i holds the coefficients at ``alphas[i]``.
    relevant : ndarray of bool, shape (p,), optional
        Features that truly matter: drawn in colour; the others thin and grey.
    ax : Axes, optional
    title, xlabel : str, optional
    legend_loc : str
        A fixed legend position (``"best"`` is slow with many lines).

    Returns
    -------
    Figure
    """
    fig, ax = _axes(ax)
    relevant = np.ones(coefs.shape[1], bool) if relevant is None else np.asarray(relevant)
    colour = 0
    for j in range(coefs.shape[1]):
        if relevant[j]:
            ax.plot(
                alphas,
                coefs[:, j],
                color=PALETTE[colour % len(PALETTE)],
                linestyle=LINESTYLES[colour % 6],
                lw=1.8,
            )
            colour += 1
        else:
            ax.plot(alphas, coefs[:, j], color="#888888", ls="-", lw=0.8, alpha=0.8)
    ax.plot([], [], color=PALETTE[0], ls="-", label="relevant features")
    ax.plot([], [], color="#888888", ls="-", lw=0.8, label="irrelevant features")
    ax.set_xscale("log")
    ax.axhline(0, color="#333333", linewidth=0.8, zorder=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("coefficient")
    if title:
        ax.set_title(title)
    ax.legend(loc=legend_loc)
    return fig


def plot_convergence(
    curves: Mapping[str, np.ndarray],
    *,
    ylabel: str = "objective − minimum",
    xlabel: str = "iteration",
    ax: Axes | None = None,
    title: str | None = None,
    legend_loc: str = "upper right",
) -> Figure:
    """Convergence curves of several solvers on a log y axis, each against its own iteration count.

    Values ≤ 0 (a solver that reached the minimum to machine precision) are not drawn.

    Parameters
    ----------
    curves : mapping of label → ndarray of shape (k_label,)
        Positive quantities such as objective − minimum or a duality gap, one per iteration.
    ylabel, xlabel, title : str
    ax : Axes, optional
    legend_loc : str
        A fixed legend position.

    Returns
    -------
    Figure
    """
    fig, ax = _axes(ax)
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        shown = np.where(values > 0, values, np.nan)
        ax.plot(
            np.arange(1, len(values) + 1),
            shown,
            label=label,
            color=PALETTE[i % len(PALETTE)],
            linestyle=LINESTYLES[i % 6],
        )
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc=legend_loc)
    return fig
