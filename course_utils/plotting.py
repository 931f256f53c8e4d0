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


# --- chapter 1: a tour of loss functions
def plot_fits(
    x: np.ndarray,
    y: np.ndarray,
    lines: Mapping[str, tuple[float, float]],
    *,
    is_outlier: np.ndarray | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Data points with fitted lines ``label → (slope, intercept)``; outliers drawn hollow."""
    fig, ax = _axes(ax)
    mask = np.zeros(len(x), dtype=bool) if is_outlier is None else np.asarray(is_outlier)
    ax.scatter(x[~mask], y[~mask], s=18, color="#444444", label="data", zorder=3)
    if mask.any():
        ax.scatter(
            x[mask],
            y[mask],
            s=40,
            facecolors="none",
            edgecolors="#111111",
            label="outliers",
            zorder=3,
        )
    grid = np.linspace(np.min(x), np.max(x), 2)
    for i, (label, (slope, intercept)) in enumerate(lines.items()):
        ax.plot(
            grid, slope * grid + intercept, color=PALETTE[i], linestyle=LINESTYLES[i], label=label
        )
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title)
    ax.legend()
    return fig
