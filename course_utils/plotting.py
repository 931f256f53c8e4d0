"""Figures for the course, in one house style.

The style: the Okabe–Ito colour-blind-safe palette (Okabe & Ito, 2008), line styles that tell
curves apart without colour, labelled axes (a loss axis says "loss"), and an opaque white
background so a figure reads the same on the book's light and dark themes.

Every helper takes arrays computed elsewhere (math lives in the math modules), draws on an
``ax`` it is given or on a new figure, and returns the figure so a chapter can save or tweak it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

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


# --- chapter 3: cross-entropy
def plot_loss_views(
    panels: Sequence[tuple[np.ndarray, Mapping[str, np.ndarray], str, str]],
    *,
    ylabel: str = "loss",
    ylim: tuple[float, float] | None = None,
    width: float = 4.6,
    height: float = 3.6,
) -> Figure:
    """One row of panels, each with its own x: ``(x, curves, xlabel, title)`` per panel.

    For the same loss seen through different variables, e.g. cross-entropy against the
    probability p (left) and against the logit s (right). The y axis is shared.
    """
    fig, axes = new_figure(ncols=len(panels), width=width, height=height, sharey=True)
    for ax, (x, curves, xlabel, title) in zip(np.atleast_1d(axes), panels, strict=True):
        plot_curves(x, curves, xlabel=xlabel, ylabel=ylabel, title=title, ax=ax, ylim=ylim)
    for ax in np.atleast_1d(axes)[1:]:
        ax.set_ylabel("")
    return fig


def plot_probability_bars(
    categories: Sequence[str],
    distributions: Mapping[str, np.ndarray],
    *,
    xlabel: str = "class",
    ylabel: str = "probability",
    title: str | None = None,
    ax: Axes | None = None,
    legend_loc: str = "upper right",
) -> Figure:
    """Grouped bars: one group per category, one bar (colour and hatch) per distribution.

    Parameters
    ----------
    categories : sequence of str, length C
        The class names under the groups.
    distributions : mapping of label → ndarray of shape (C,)
        E.g. a target and a prediction, or softmax at several temperatures.
    """
    fig, ax = _axes(ax)
    hatches = ("", "//", "..", "xx", "\\\\", "--")
    k = len(distributions)
    positions = np.arange(len(categories))
    bar_width = 0.8 / max(k, 1)
    for i, (label, values) in enumerate(distributions.items()):
        ax.bar(
            positions + (i - (k - 1) / 2) * bar_width,
            values,
            width=bar_width,
            label=label,
            color=PALETTE[i % len(PALETTE)],
            hatch=hatches[i % len(hatches)],
            edgecolor="white",
        )
    ax.set_xticks(positions, list(categories))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.05)
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    ax.legend(loc=legend_loc)
    return fig


def plot_neuron_training(
    steps: np.ndarray,
    outputs: Mapping[str, np.ndarray],
    losses: Mapping[str, np.ndarray],
    *,
    target: float | None = None,
    title: str | None = None,
) -> Figure:
    """A neuron's output p (left) and its loss (right) against the training step, per loss.

    Parameters
    ----------
    steps : ndarray, shape (T,)
    outputs : mapping of label → ndarray of shape (T,)
        The prediction p after each step, for each training loss.
    losses : mapping of label → ndarray of shape (T,)
        The loss each run minimizes, after each step.
    target : float, optional
        Drawn as a dotted line on the output panel.
    title : str, optional
        A title over both panels.
    """
    fig, (left, right) = new_figure(ncols=2, width=4.6, height=3.5)
    plot_curves(
        steps,
        outputs,
        xlabel="gradient-descent step",
        ylabel="output  p = σ(wx + b)",
        title="Prediction",
        ax=left,
        ylim=(-0.03, 1.03),
    )
    if target is not None:
        left.axhline(target, color="#333333", linestyle=":", linewidth=1.2, label="target")
        left.legend()
    plot_curves(
        steps, losses, xlabel="gradient-descent step", ylabel="loss", title="Loss", ax=right
    )
    if title:
        fig.suptitle(title)
    return fig


# --- chapter 4 and appendix A
def _picture_grid(
    shape: tuple[int, int, int], ncols: int | None, size: float, *, top: float
) -> tuple[Figure, np.ndarray]:
    """A plain grid of axes for M pictures of shape (H, W): no ticks, no grid, spare axes off.

    No constrained layout (slow for many small panels); each row is as tall as its pictures
    at their aspect ratio, plus room for the titles. Returns the figure and the M axes.
    """
    count, height, width = shape
    ncols = count if ncols is None else ncols
    nrows = -(-count // ncols)
    figsize = (size * ncols, (size * height / width + 0.35) * nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=top)
    axes = np.atleast_1d(axes).ravel()
    for ax in axes[count:]:
        ax.axis("off")
    for ax in axes[:count]:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    return fig, axes[:count]


def plot_image_grid(
    images: np.ndarray,
    titles: Sequence[str],
    *,
    ncols: int | None = None,
    suptitle: str | None = None,
    size: float = 1.8,
    photo: bool = False,
) -> Figure:
    """Grey-level pictures in a grid, each with a title.

    Parameters
    ----------
    images : ndarray, shape (M, H, W)
        Values in [0, 1]: ink (0 white, 1 black), or with ``photo=True`` brightness (0 black,
        1 white); values outside are clipped by the colour scale.
    titles : sequence of M str
        One title per picture (the figure's only labels: pixel axes carry no meaning).
    ncols : int, optional
        Pictures per row (default: all in one row).
    suptitle : str, optional
    size : float
        Inches per picture.
    photo : bool
        Show brightness, as a photograph (default: ink on paper).

    Returns
    -------
    Figure
    """
    images = np.asarray(images)
    if images.ndim != 3 or len(titles) != len(images):
        raise ValueError(
            f"images must have shape (M, H, W) with one title each; got shape {images.shape}"
            f" and {len(titles)} titles."
        )
    fig, axes = _picture_grid(images.shape, ncols, size, top=0.9 if suptitle else 0.95)
    for ax, image, title in zip(axes, images, titles, strict=False):
        cmap = "gray" if photo else "gray_r"
        ax.imshow(image, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_title(title, fontsize=9)
        for spine in ax.spines.values():  # a thin frame shows where the picture ends
            spine.set_visible(True)
            spine.set_color("#999999")
            spine.set_linewidth(0.8)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def plot_bimodal_optima(
    x: np.ndarray,
    density: np.ndarray,
    markers: Mapping[str, float],
    *,
    sample: np.ndarray | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A 1-D density with vertical lines at named points (e.g. the L2, L1 and mode optima).

    Parameters
    ----------
    x, density : ndarray, shape (n,)
        The density p(x) on a grid.
    markers : mapping of label → float
        Positions to mark, each in its own colour and line style.
    sample : ndarray, shape (m,), optional
        Data drawn from the density, shown as a normalised histogram behind the curve.
    title : str, optional
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    fig, ax = _axes(ax)
    if sample is not None:
        ax.hist(sample, bins=60, density=True, color="#cccccc", label="sample")
    ax.plot(x, density, color="#333333", label="density p(y)")
    for i, (label, position) in enumerate(markers.items()):
        ax.axvline(
            position,
            color=PALETTE[i % len(PALETTE)],
            linestyle=LINESTYLES[(i + 1) % 6],
            label=f"{label} = {position:.2f}",
        )
    ax.set_xlabel("target value y")
    ax.set_ylabel("density p(y)")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def plot_implicit_curve(
    f,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    level: float = 0.0,
    n: int = 400,
    label: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The curve f(x, y) = level, drawn as the contour of f at that level.

    Parameters
    ----------
    f : callable
        ``f(X, Y)`` on (n, n) arrays, returning an (n, n) array.
    xlim, ylim : (float, float)
        The window to evaluate f in; the curve must lie inside it.
    level : float
    n : int
        Grid points per axis.
    label : str, optional
        Legend entry (e.g. the equation).
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    fig, ax = _axes(ax)
    xs, ys = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    ax.contour(xs, ys, f(xs, ys), levels=[level], colors=[PALETTE[0]], linewidths=2.0)
    if label:
        ax.plot([], [], color=PALETTE[0], label=label)
        ax.legend(loc="upper right")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_aspect("equal")
    return fig


def plot_loss_contours(
    w1: np.ndarray,
    w2: np.ndarray,
    loss: np.ndarray,
    *,
    xlabel: str = "w₁",
    ylabel: str = "w₂",
    levels: int = 20,
    minimum: tuple[float, float] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Filled contours of a loss over two parameters, with a colour bar labelled "loss".

    Parameters
    ----------
    w1, w2 : ndarray, shape (n2, n1)
        Parameter grids, as from ``np.meshgrid``.
    loss : ndarray, shape (n2, n1)
        The loss at each grid point.
    xlabel, ylabel : str
    levels : int
        Number of contour levels.
    minimum : (float, float), optional
        A point to mark with a cross (e.g. the minimiser).
    title : str, optional
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    fig, ax = _axes(ax)
    filled = ax.contourf(w1, w2, loss, levels=levels, cmap="viridis")
    ax.contour(w1, w2, loss, levels=levels, colors="white", linewidths=0.4)
    fig.colorbar(filled, ax=ax, label="loss")
    if minimum is not None:
        ax.plot(*minimum, marker="x", color=PALETTE[1], markersize=10, mew=3, linestyle="none")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(False)
    if title:
        ax.set_title(title)
    return fig


def plot_loss_surface(
    w1: np.ndarray,
    w2: np.ndarray,
    loss: np.ndarray,
    *,
    xlabel: str = "w₁",
    ylabel: str = "w₂",
    title: str | None = None,
) -> Figure:
    """A loss over two parameters as a 3-D surface (z axis labelled "loss").

    Parameters
    ----------
    w1, w2, loss : ndarray, shape (n2, n1)
        As for ``plot_loss_contours``.

    Returns
    -------
    Figure
    """
    fig = plt.figure(figsize=(6.4, 4.8), layout="constrained")
    ax = fig.add_subplot(projection="3d")
    ax.plot_surface(w1, w2, loss, cmap="viridis", linewidth=0, antialiased=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_zlabel("loss")
    if title:
        ax.set_title(title)
    return fig


def plot_curves_with_markers(
    x: np.ndarray,
    curves: Mapping[str, np.ndarray],
    markers: Mapping[str, float],
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """``plot_curves`` plus labelled vertical lines at named x positions (e.g. minimisers).

    Parameters
    ----------
    x : ndarray, shape (n,)
    curves : mapping of label → ndarray of shape (n,)
    markers : mapping of label → float
        Drawn in grey shades with dotted/dashed styles so they do not clash with the curves.
    xlabel, ylabel : str
    title : str, optional
    ax : Axes, optional

    Returns
    -------
    Figure
    """
    fig = plot_curves(x, curves, xlabel=xlabel, ylabel=ylabel, title=title, ax=ax)
    ax = ax if ax is not None else fig.axes[0]
    for i, (label, position) in enumerate(markers.items()):
        ax.axvline(
            position,
            color=("#333333", "#888888", "#bbbbbb")[i % 3],
            linestyle=(":", "--", "-.")[i % 3],
            linewidth=1.5,
            label=f"{label} = {position:.3f}",
        )
    ax.legend(loc="best", fontsize=8)
    return fig


# --- chapters 5 and 6
#: Marker per class, so classes differ without colour.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    resolution: int = 200,
    padding: float = 0.5,
) -> Figure:
    """The regions a classifier assigns to each class, with the data on top.

    Parameters
    ----------
    predict : callable
        ``predict(points)`` with points of shape (M, 2) returns int classes of shape (M,).
    X : ndarray, shape (N, 2)
    y : ndarray of int, shape (N,)
    resolution : int
        Grid points per axis.
    padding : float
        Margin around the data, in data units.
    """
    fig, ax = _axes(ax)
    n_classes = int(max(np.max(y), 1)) + 1
    lo = X.min(axis=0) - padding
    hi = X.max(axis=0) + padding
    g0, g1 = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    regions = np.asarray(predict(np.column_stack([g0.ravel(), g1.ravel()]))).reshape(g0.shape)
    colours = mpl.colors.ListedColormap(PALETTE[:n_classes])
    ax.contourf(g0, g1, regions, levels=np.arange(n_classes + 1) - 0.5, cmap=colours, alpha=0.25)
    ax.contour(g0, g1, regions, levels=np.arange(n_classes) + 0.5, colors="#333333", linewidths=1)
    for k in range(n_classes):
        ax.scatter(
            *X[y == k].T,
            color=PALETTE[k],
            marker=MARKERS[k % len(MARKERS)],
            s=18,
            edgecolor="white",
            linewidth=0.4,
            label=f"class {k}",
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.grid(False)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def plot_training_curves(
    runs: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    xlabel: str = "step",
    ylabel: str = "training loss",
    title: str | None = None,
    ax: Axes | None = None,
    logx: bool = False,
    logy: bool = False,
    ylim: tuple[float, float] | None = None,
) -> Figure:
    """Loss curves of several runs, each with its own x values.

    Parameters
    ----------
    runs : mapping of label → (x, loss)
        x and loss are 1-D arrays of equal length (e.g. examples seen and the loss).
    logx, logy : bool
        Logarithmic axes.
    """
    fig, ax = _axes(ax)
    for i, (label, (x, loss)) in enumerate(runs.items()):
        ax.plot(x, loss, label=label, color=PALETTE[i % len(PALETTE)], linestyle=LINESTYLES[i % 6])
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return fig


def plot_descent_paths(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths: Mapping[str, np.ndarray],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    ax: Axes | None = None,
    title: str | None = None,
    levels: int | Sequence[float] = 15,
) -> Figure:
    """Contours of a function of two parameters with optimizer paths drawn on top.

    Parameters
    ----------
    f : callable
        ``f(w1, w2)`` evaluates elementwise on two grids of equal shape.
    paths : mapping of label → ndarray of shape (T, 2)
        The iterates of each run, start first.
    xlim, ylim : (float, float)
        The window in (w1, w2).
    """
    fig, ax = _axes(ax)
    g1, g2 = np.meshgrid(np.linspace(*xlim, 120), np.linspace(*ylim, 120))
    ax.contour(g1, g2, f(g1, g2), levels=levels, colors="#bbbbbb", linewidths=0.8)
    for i, (label, path) in enumerate(paths.items()):
        path = np.asarray(path)
        ax.plot(*path.T, marker="o", markersize=3, label=label, color=PALETTE[i % len(PALETTE)])
        ax.plot(*path[0], marker="x", color="#111111", markersize=8)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.grid(False)
    if title:
        ax.set_title(title)
    if paths:
        ax.legend(loc="upper right")
    return fig


def plot_learning_rate_comparison(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    runs: Mapping[str, tuple[np.ndarray, np.ndarray]],
    *,
    xlim: tuple[float, float],
    ylim: tuple[float, float],
) -> Figure:
    """One contour panel per learning rate with its path, and a last panel of the losses.

    Parameters
    ----------
    f : callable
        ``f(w1, w2)`` on grids, as in :func:`plot_descent_paths`.
    runs : mapping of label → (path (T, 2), loss (T,))
    """
    fig, axes = new_figure(ncols=len(runs) + 1, width=3.6, height=3.4)
    for ax, (label, (path, _)) in zip(axes[:-1], runs.items(), strict=False):
        plot_descent_paths(f, {label: path}, xlim=xlim, ylim=ylim, ax=ax, title=label)
        ax.get_legend().remove()
    curves = {label: (np.arange(len(loss)), loss) for label, (_, loss) in runs.items()}
    plot_training_curves(curves, xlabel="step", ylabel="loss", ax=axes[-1], logy=True)
    axes[-1].set_title("loss (log scale)")
    return fig


# --- chapter 7: networks
def plot_training_history(
    history, *, title: str | None = None, val_label: str = "validation set"
) -> Figure:
    """Loss (left) and accuracy (right) of a training run, against the epoch.

    Parameters
    ----------
    history : course_utils.nn.History
        ``history.loss`` (one value per step) is drawn faintly, its mean per epoch boldly; the
        right panel shows ``train_accuracy`` and ``val_accuracy`` (when recorded).
    title : str, optional
        A title over both panels.
    val_label : str
        What ``history.val_accuracy`` was measured on, for the legend: the validation set
        that chooses the settings (the test set is looked at once, at the end).

    Returns
    -------
    Figure
    """
    epochs = len(history.epoch_loss)
    fig, (left, right) = new_figure(ncols=2, width=4.8, height=3.4)
    steps = np.arange(1, len(history.loss) + 1) * epochs / len(history.loss)
    left.plot(steps, history.loss, color=PALETTE[5], linewidth=0.8, label="each mini-batch")
    left.plot(
        np.arange(1, epochs + 1), history.epoch_loss, color=PALETTE[0], label="mean over epoch"
    )
    left.set_yscale("log")
    left.set_xlabel("epoch")
    left.set_ylabel("loss (log scale)")
    left.set_title("Training loss")
    left.legend()
    curves = {"training set": history.train_accuracy}
    if len(history.val_accuracy):
        curves[val_label] = history.val_accuracy
    plot_curves(
        np.arange(1, epochs + 1),
        curves,
        xlabel="epoch",
        ylabel="accuracy",
        title="Accuracy",
        ax=right,
        legend_loc="lower right",
    )
    right.set_ylim(min(0.8, float(np.min(history.train_accuracy))), 1.0)
    if title:
        fig.suptitle(title)
    return fig


def plot_digit_grid(
    images: np.ndarray,
    true_labels: np.ndarray,
    predicted_labels: np.ndarray,
    *,
    ncols: int = 8,
    side: int = 8,
) -> Figure:
    """Small images in a grid, each titled "true → predicted" (e.g. misclassified digits).

    Parameters
    ----------
    images : ndarray, shape (n, side·side)
        One flattened image per row (grey levels, dark = ink).
    true_labels, predicted_labels : ndarray of int, shape (n,)
    ncols : int
        Images per row.
    side : int
        Image height and width in pixels.

    Returns
    -------
    Figure
    """
    n = len(images)
    if n == 0:
        raise ValueError("images is empty: there is nothing to show.")
    nrows = -(-n // ncols)
    fig, axes = new_figure(ncols=ncols, nrows=nrows, width=1.1, height=1.3)
    for i, ax in enumerate(np.ravel(axes)):
        ax.axis("off")
        if i < n:
            ax.imshow(images[i].reshape(side, side), cmap="gray_r", interpolation="nearest")
            ax.set_title(f"{true_labels[i]} → {predicted_labels[i]}", fontsize=10)
    return fig


def plot_loss_histories(
    histories: Mapping[str, np.ndarray],
    *,
    title: str | None = None,
    ax: Axes | None = None,
    xlabel: str = "iteration",
) -> Figure:
    """Loss against iteration for several runs, on a log scale (so slow tails stay visible).

    Parameters
    ----------
    histories : mapping of label → ndarray of shape (steps,)
        One loss history per run, e.g. ``course_utils.nn.History.loss``.
    title : str, optional
    ax : Axes, optional
    xlabel : str

    Returns
    -------
    Figure
    """
    fig, ax = _axes(ax)
    for i, (label, loss) in enumerate(histories.items()):
        ax.plot(
            np.arange(1, len(loss) + 1),
            loss,
            label=label,
            color=PALETTE[i % len(PALETTE)],
            linestyle=LINESTYLES[i % 6],
        )
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss (log scale)")
    if title:
        ax.set_title(title)
    ax.legend()
    return fig


def plot_templates(
    templates: np.ndarray,
    titles: Sequence[str],
    *,
    ncols: int | None = None,
    suptitle: str | None = None,
    size: float = 1.6,
) -> Figure:
    """Signed weight pictures (a linear classifier's templates), one colour scale each.

    Positive weights are red (ink there raises the class's score), negative ones blue (ink
    there lowers it), white is 0; each picture is scaled to its own largest |weight|, so the
    pattern, not the size, is compared.

    Parameters
    ----------
    templates : ndarray, shape (M, H, W)
        One weight picture per class, e.g. ``W.T.reshape(C, 8, 8)`` for W of shape (64, C).
    titles : sequence of M str
    ncols : int, optional
        Pictures per row (default: all in one row).
    suptitle : str, optional
    size : float
        Inches per picture.

    Returns
    -------
    Figure
    """
    templates = np.asarray(templates, dtype=float)
    if templates.ndim != 3 or len(titles) != len(templates):
        raise ValueError(
            f"templates must have shape (M, H, W) with one title each; got shape"
            f" {templates.shape} and {len(titles)} titles."
        )
    fig, axes = _picture_grid(templates.shape, ncols, size, top=0.85 if suptitle else 0.92)
    for ax, template, title in zip(axes, templates, titles, strict=False):
        limit = float(np.max(np.abs(template))) or 1.0
        ax.imshow(template, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_title(title, fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    return fig
