"""Why an L2 loss blurs: optimal constants, a bimodal target, and an image task (NumPy only).

The chapter's argument in functions:

- Under squared error the best constant prediction for data y_1 … y_n is the sample mean,
  under absolute error it is the median (``optimal_constant_l2``, ``optimal_constant_l1``),
  and a grid search over constants finds the same points (``grid_search_constant``).
- These losses are negative log-likelihoods: a Gaussian with fixed variance gives squared
  error, a Laplace distribution with fixed scale gives absolute error (``gaussian_nll``,
  ``laplace_nll``).
- For a two-peaked target the mean can fall where the data are rare (``bimodal_density``,
  ``bimodal_mean``, ``bimodal_median``, ``bimodal_mode``).
- A model trained with L2 on a task with several right answers predicts their average, which
  is blurrier than any of them; a mode-seeking objective (the minimum over K hypotheses) is
  not (``fit_image_model``, ``high_frequency_energy``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from course_utils._validation import as_float_array, check_positive_scalar

__all__ = [
    "OBJECTIVES",
    "STARTS",
    "ImageModel",
    "bimodal_density",
    "bimodal_mean",
    "bimodal_median",
    "bimodal_mode",
    "constant_risk",
    "distance_to_nearest",
    "fit_image_model",
    "gaussian_nll",
    "grid_search_constant",
    "high_frequency_energy",
    "laplace_nll",
    "minkowski_risk",
    "optimal_constant_l1",
    "optimal_constant_l2",
    "sample_bimodal",
]

#: The objectives ``fit_image_model`` knows.
OBJECTIVES = ("l2", "l1", "min_of_k")


# --------------------------------------------------------------------------- optimal constants
def _as_sample(y: object, name: str = "y") -> np.ndarray:
    array = as_float_array(y, name)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D array of observations; got shape {array.shape}."
        )
    return array


def optimal_constant_l2(y: object) -> float:
    r"""The constant c minimising the mean squared error :math:`\frac1n\sum_i (y_i - c)^2`.

    Setting the derivative :math:`-\frac2n\sum_i (y_i - c)` to zero gives the sample mean
    :math:`c^\star = \bar y = \frac1n \sum_i y_i`.

    Parameters
    ----------
    y : array_like, shape (n,)

    Returns
    -------
    float
    """
    return float(np.mean(_as_sample(y)))


def optimal_constant_l1(y: object) -> float:
    r"""The constant c minimising the mean absolute error :math:`\frac1n\sum_i |y_i - c|`.

    The subgradient :math:`\frac1n(\#\{y_i < c\} - \#\{y_i > c\})` contains 0 exactly when at
    most half the data lie on either side of c: at a median. For an even n every point between
    the two middle values is optimal; this returns their midpoint (``np.median``).

    Parameters
    ----------
    y : array_like, shape (n,)

    Returns
    -------
    float
    """
    return float(np.median(_as_sample(y)))


def constant_risk(candidates: object, y: object, loss: str) -> np.ndarray:
    r"""Mean loss of predicting each candidate constant for every observation.

    :math:`R(c) = \frac1n \sum_i \ell(y_i - c)` with :math:`\ell(a) = a^2` (``"l2"``) or
    :math:`\ell(a) = |a|` (``"l1"``).

    Parameters
    ----------
    candidates : array_like, shape (m,)
        The constants c to try.
    y : array_like, shape (n,)
        The observations.
    loss : {"l2", "l1"}

    Returns
    -------
    ndarray, shape (m,)
    """
    c = _as_sample(candidates, "candidates")
    data = _as_sample(y)
    if loss not in ("l2", "l1"):
        raise ValueError(f"loss must be 'l2' or 'l1'; got {loss!r}.")
    residual = data[None, :] - c[:, None]
    pointwise = residual**2 if loss == "l2" else np.abs(residual)
    return pointwise.mean(axis=1)


def minkowski_risk(candidates: object, y: object, q: float) -> np.ndarray:
    r"""Mean Minkowski loss of each candidate constant: :math:`\frac1n \sum_i |y_i - c|^q`.

    q = 2 is the squared error (minimised by the mean), q = 1 the absolute error (the
    median); as q → 0, :math:`|a|^q` tends to 0 at a = 0 and to 1 elsewhere, so the minimiser
    moves to where the data are densest, the mode (Bishop 2006, Section 1.5.5). For q < 1 the
    risk is not convex and has a cusp at every data point.

    Parameters
    ----------
    candidates : array_like, shape (m,)
        The constants c to try.
    y : array_like, shape (n,)
        The observations.
    q : float > 0
        The exponent.

    Returns
    -------
    ndarray, shape (m,)
    """
    c = _as_sample(candidates, "candidates")
    data = _as_sample(y)
    q = check_positive_scalar(q, "q")
    return (np.abs(data[None, :] - c[:, None]) ** q).mean(axis=1)


def grid_search_constant(y: object, loss: str, grid: object) -> float:
    """The grid point with the smallest ``constant_risk``: a brute-force optimal constant.

    It agrees with the closed form (``optimal_constant_l2`` / ``_l1``) to within the grid
    spacing, which is the point of computing it.

    Parameters
    ----------
    y : array_like, shape (n,)
    loss : {"l2", "l1"}
    grid : array_like, shape (m,)
        Candidate constants, e.g. ``np.linspace(y.min(), y.max(), 10_001)``.

    Returns
    -------
    float
    """
    candidates = _as_sample(grid, "grid")
    return float(candidates[np.argmin(constant_risk(candidates, y, loss))])


def gaussian_nll(candidates: object, y: object, sigma: float = 1.0) -> np.ndarray:
    r"""Mean negative log-likelihood of the data under :math:`\mathcal N(c, \sigma^2)`.

    .. math::
        -\frac1n\sum_i \log p(y_i \mid c)
        = \tfrac12\log(2\pi\sigma^2) + \frac{1}{2\sigma^2}\,\frac1n\sum_i (y_i - c)^2 ,

    a constant plus the mean squared error scaled by :math:`1/(2\sigma^2)`: with σ fixed,
    maximum likelihood is least squares.

    Parameters
    ----------
    candidates : array_like, shape (m,)
        Values of the mean c.
    y : array_like, shape (n,)
    sigma : float
        The fixed standard deviation, > 0.

    Returns
    -------
    ndarray, shape (m,)
    """
    sigma = check_positive_scalar(sigma, "sigma")
    return 0.5 * math.log(2 * math.pi * sigma**2) + constant_risk(candidates, y, "l2") / (
        2 * sigma**2
    )


def laplace_nll(candidates: object, y: object, b: float = 1.0) -> np.ndarray:
    r"""Mean negative log-likelihood under the Laplace density :math:`\frac{1}{2b}e^{-|y-c|/b}`.

    .. math::
        -\frac1n\sum_i \log p(y_i \mid c) = \log(2b) + \frac1b\,\frac1n\sum_i |y_i - c| ,

    so with b fixed, maximum likelihood is least absolute deviations.

    Parameters
    ----------
    candidates : array_like, shape (m,)
        Values of the location c.
    y : array_like, shape (n,)
    b : float
        The fixed scale, > 0.

    Returns
    -------
    ndarray, shape (m,)
    """
    b = check_positive_scalar(b, "b")
    return math.log(2 * b) + constant_risk(candidates, y, "l1") / b


# --------------------------------------------------------------------------- a bimodal target
def _check_mixture(separation: float, weight: float, scale: float) -> tuple[float, float, float]:
    separation = check_positive_scalar(separation, "separation")
    scale = check_positive_scalar(scale, "scale")
    if isinstance(weight, bool) or not np.isscalar(weight) or not 0 < float(weight) < 1:
        raise ValueError(f"weight must be a number strictly between 0 and 1; got {weight!r}.")
    return separation, float(weight), scale


def bimodal_density(
    x: object, separation: float = 4.0, weight: float = 0.5, scale: float = 0.5
) -> np.ndarray:
    r"""Density of a two-Gaussian mixture with modes near ±separation/2.

    .. math::
        p(x) = (1 - w)\,\mathcal N(x; -\tfrac d2, s^2) + w\,\mathcal N(x; \tfrac d2, s^2)

    with separation d, weight w of the right component and scale s.

    Parameters
    ----------
    x : array_like, any shape
    separation, weight, scale : float
        d > 0, 0 < w < 1, s > 0.

    Returns
    -------
    ndarray, the shape of x
    """
    d, w, s = _check_mixture(separation, weight, scale)
    x = as_float_array(x, "x")
    norm = 1.0 / (s * math.sqrt(2 * math.pi))
    left = np.exp(-0.5 * ((x + d / 2) / s) ** 2)
    right = np.exp(-0.5 * ((x - d / 2) / s) ** 2)
    return norm * ((1 - w) * left + w * right)


def sample_bimodal(
    n: int, separation: float = 4.0, weight: float = 0.5, scale: float = 0.5, seed: int = 0
) -> np.ndarray:
    """n draws from ``bimodal_density``: pick the right component with probability w.

    Returns
    -------
    ndarray, shape (n,)
    """
    d, w, s = _check_mixture(separation, weight, scale)
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}.")
    rng = np.random.default_rng(seed)
    centre = np.where(rng.random(n) < w, d / 2, -d / 2)
    return centre + s * rng.standard_normal(n)


def bimodal_mean(separation: float = 4.0, weight: float = 0.5, scale: float = 0.5) -> float:
    r"""The mixture's mean, the L2 optimum.

    :math:`\mathbb E[y] = w\frac d2 - (1-w)\frac d2 = (2w - 1)\frac d2`.
    """
    d, w, _ = _check_mixture(separation, weight, scale)
    return (2 * w - 1) * d / 2


def _bimodal_cdf(x: float, d: float, w: float, s: float) -> float:
    def phi(z: float) -> float:
        return 0.5 * (1 + math.erf(z / math.sqrt(2)))

    return (1 - w) * phi((x + d / 2) / s) + w * phi((x - d / 2) / s)


def bimodal_median(separation: float = 4.0, weight: float = 0.5, scale: float = 0.5) -> float:
    r"""The mixture's median, the L1 optimum: the x with :math:`F(x) = \tfrac12`.

    F is the mixture CDF :math:`(1-w)\Phi(\frac{x + d/2}{s}) + w\Phi(\frac{x - d/2}{s})`,
    strictly increasing, so bisection on [−d/2 − 10s, d/2 + 10s] finds the root to 1e-12.
    """
    d, w, s = _check_mixture(separation, weight, scale)
    if w == 0.5:  # symmetric about 0: exactly 0, not a bisection's ±1e-13
        return 0.0
    lo, hi = -d / 2 - 10 * s, d / 2 + 10 * s
    while hi - lo > 1e-12:
        mid = 0.5 * (lo + hi)
        if _bimodal_cdf(mid, d, w, s) < 0.5:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def bimodal_mode(separation: float = 4.0, weight: float = 0.5, scale: float = 0.5) -> float:
    """The highest point of ``bimodal_density``.

    Found on a grid of spacing 1e-4·s and refined by one parabola through the top three
    points; on a tie between two equal peaks, the right one. An equal mixture (w = 0.5) with
    d ≤ 2s has a single bump, and its mode is exactly 0.
    """
    d, w, s = _check_mixture(separation, weight, scale)
    if w == 0.5 and d <= 2 * s:  # one symmetric bump: the centre, exactly
        return 0.0
    grid = np.arange(-d / 2 - 3 * s, d / 2 + 3 * s, 1e-4 * s)
    density = bimodal_density(grid, d, w, s)
    i = int(np.clip(len(grid) - 1 - np.argmax(density[::-1]), 1, len(grid) - 2))
    y0, y1, y2 = density[i - 1 : i + 2]
    curvature = y0 - 2 * y1 + y2
    offset = 0.5 * (y0 - y2) / curvature if curvature < 0 else 0.0
    return float(grid[i] + offset * (grid[1] - grid[0]))


# --------------------------------------------------------------------------- images
def high_frequency_energy(images: object, cutoff: float = 0.25) -> np.ndarray:
    r"""Energy per pixel in spatial frequencies above ``cutoff``: a sharpness score.

    With :math:`\hat I(u, v)` the 2-D discrete Fourier transform of an H × W image and
    :math:`r = \sqrt{f_u^2 + f_v^2}` the radial frequency in cycles per pixel,

    .. math::
        E_{\text{high}}(I) = \frac{1}{(HW)^2} \sum_{r(u, v) > r_0} |\hat I(u, v)|^2 ,

    which by Parseval's theorem is the mean squared value of the image after a perfect
    high-pass filter. Edges put energy at high frequencies; blur removes it. Because the
    filter is linear and the squared norm convex, the average of several images never has
    more of this energy than the images have on average (Jensen's inequality).

    Parameters
    ----------
    images : array_like, shape (..., H, W)
        One image or a stack.
    cutoff : float
        :math:`r_0`, in cycles per pixel, in (0, 0.5·√2).

    Returns
    -------
    ndarray, shape (...)
        One score per image (a 0-d array for a single image).
    """
    images = as_float_array(images, "images")
    if images.ndim < 2:
        raise ValueError(
            f"images must have shape (..., H, W), at least 2-D; got shape {images.shape}."
        )
    cutoff = check_positive_scalar(cutoff, "cutoff")
    height, width = images.shape[-2:]
    radius = np.hypot(np.fft.fftfreq(height)[:, None], np.fft.fftfreq(width)[None, :])
    spectrum = np.abs(np.fft.fft2(images)) ** 2
    return spectrum[..., radius > cutoff].sum(axis=-1) / (height * width) ** 2


def distance_to_nearest(images: object, references: object) -> np.ndarray:
    r"""Root-mean-square pixel distance from each image to the closest reference image.

    :math:`\min_j \sqrt{\frac{1}{HW}\sum_{u,v} (I_{uv} - R_{j,uv})^2}`; zero means the image
    *is* one of the references.

    Parameters
    ----------
    images : array_like, shape (M, H, W)
    references : array_like, shape (J, H, W)

    Returns
    -------
    ndarray, shape (M,)
    """
    images = as_float_array(images, "images")
    references = as_float_array(references, "references")
    if images.ndim != 3 or references.ndim != 3 or images.shape[1:] != references.shape[1:]:
        raise ValueError(
            "images and references must have shapes (M, H, W) and (J, H, W) with the same H, W;"
            f" got {images.shape} and {references.shape}."
        )
    squared = ((images[:, None] - references[None]) ** 2).mean(axis=(2, 3))
    return np.sqrt(squared.min(axis=1))


@dataclass
class ImageModel:
    """A trained lookup-table image model: K pictures per input code.

    Attributes
    ----------
    weights : ndarray, shape (K, D, H·W)
        ``weights[k, c]`` is hypothesis k's picture (flattened) for input code c.
    image_shape : (int, int)
        (H, W).
    objective : str
        The objective it was trained with.
    history : ndarray, shape (n_steps,)
        The training objective before each step.
    """

    weights: np.ndarray
    image_shape: tuple[int, int]
    objective: str
    history: np.ndarray = field(repr=False)

    def predict(self, inputs: object) -> np.ndarray:
        """Pictures for one-hot inputs.

        Parameters
        ----------
        inputs : array_like, shape (N, D)

        Returns
        -------
        ndarray, shape (N, K, H, W)
        """
        x = as_float_array(inputs, "inputs")
        if x.ndim != 2 or x.shape[1] != self.weights.shape[1]:
            raise ValueError(
                f"inputs must have shape (N, {self.weights.shape[1]}); got shape {x.shape}."
            )
        flat = np.einsum("nd,kdp->nkp", x, self.weights)
        return flat.reshape(x.shape[0], self.weights.shape[0], *self.image_shape)


#: How :func:`fit_image_model` picks the training targets its hypotheses start from.
STARTS = ("spread", "random")


def _starting_targets(
    targets: np.ndarray, k: int, rng: np.random.Generator, start: str
) -> np.ndarray:
    """k of the given targets: far apart (``"spread"``) or drawn at random (``"random"``)."""
    if start == "random":
        return targets[rng.choice(len(targets), size=k, replace=False)]
    return _spread_out_targets(targets, k, rng)


def _spread_out_targets(targets: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k of the given targets, far apart: a random first one, then each time the target
    farthest from those already chosen (farthest-point seeding, the deterministic cousin of
    k-means++)."""
    chosen = [int(rng.integers(len(targets)))]
    for _ in range(1, k):
        distance = ((targets[:, None, :] - targets[chosen][None, :, :]) ** 2).sum(-1).min(1)
        chosen.append(int(np.argmax(distance)))
    return targets[chosen]


def fit_image_model(
    inputs: object,
    targets: object,
    objective: str,
    *,
    n_hypotheses: int = 1,
    learning_rate: float = 1.0,
    n_steps: int = 500,
    seed: int = 0,
    start: str = "spread",
) -> ImageModel:
    r"""Train a linear model from one-hot codes to pictures by full-batch gradient descent.

    The model predicts :math:`\hat y_k(x) = x W_k` for k = 1 … K; with a one-hot x this looks
    up one picture per hypothesis. With N samples and pictures flattened to P pixels the
    objectives are

    - ``"l2"``: :math:`\frac1N\sum_n \|\hat y_1(x_n) - y_n\|^2` (K = 1), minimised by the mean
      of the targets that share an input;
    - ``"l1"``: :math:`\frac1N\sum_n \|\hat y_1(x_n) - y_n\|_1` (K = 1), minimised by their
      pixel-wise median; trained with subgradient steps of size
      :math:`\eta / \sqrt{t + 1}`;
    - ``"min_of_k"``: :math:`\frac1N\sum_n \min_k \|\hat y_k(x_n) - y_n\|^2`, the
      multiple-hypothesis (winner-takes-all) loss: only the closest hypothesis is charged for
      each sample, so each hypothesis can settle on one mode instead of their average. Its
      gradient reaches only the winner.

    Hypothesis k of input code c starts halfway between the average of that code's targets,
    :math:`\bar y_c`, and one of its targets :math:`t_k`: :math:`\tfrac12(\bar y_c + t_k)`.
    The start is neither the blurry average nor an answer. With ``start="spread"`` (the
    default) the K targets are chosen far apart, as k-means++ seeds k-means: a random first
    one, then each time the target farthest from those already chosen, so that different
    hypotheses start near different variants. With ``start="random"`` they are K distinct
    targets drawn at random, and two of them are often the same variant: the
    min-over-hypotheses objective, like k-means, then ends in a poor local minimum where two
    hypotheses share one variant (or one takes the average of two) and a variant has none.
    ``"l2"`` and ``"l1"`` are convex, so their starting point does not change where they end.

    Parameters
    ----------
    inputs : array_like, shape (N, D)
        One-hot input codes; every code must occur at least ``n_hypotheses`` times.
    targets : array_like, shape (N, H, W)
        Target pictures.
    objective : {"l2", "l1", "min_of_k"}
    n_hypotheses : int
        K; must be 1 for "l2" and "l1".
    learning_rate : float
        η.
    n_steps : int
        Number of full-batch gradient steps.
    seed : int
        Seeds the choice of starting targets.
    start : {"spread", "random"}
        How the starting targets of the hypotheses are chosen (see above).

    Returns
    -------
    ImageModel
    """
    x = as_float_array(inputs, "inputs")
    y = as_float_array(targets, "targets")
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}; got {objective!r}.")
    if x.ndim != 2 or not np.all((x == 0) | (x == 1)) or not np.all(x.sum(axis=1) == 1):
        raise ValueError("inputs must be one-hot rows, shape (N, D), a single 1 in each row.")
    if y.ndim != 3 or y.shape[0] != x.shape[0]:
        raise ValueError(
            f"targets must have shape (N, H, W) with N = {x.shape[0]} (one per input row);"
            f" got shape {y.shape}."
        )
    if not isinstance(n_hypotheses, (int, np.integer)) or n_hypotheses < 1:
        raise ValueError(f"n_hypotheses must be a positive integer; got {n_hypotheses!r}.")
    if objective != "min_of_k" and n_hypotheses != 1:
        raise ValueError(f"objective {objective!r} trains one hypothesis; got {n_hypotheses}.")
    if start not in STARTS:
        raise ValueError(f"start must be one of {STARTS}; got {start!r}.")
    learning_rate = check_positive_scalar(learning_rate, "learning_rate")
    n, d = x.shape
    flat = y.reshape(n, -1)
    code = np.argmax(x, axis=1)
    rng = np.random.default_rng(seed)
    weights = np.zeros((n_hypotheses, d, flat.shape[1]))
    for c in range(d):
        members = flat[code == c]
        if len(members) < n_hypotheses:
            raise ValueError(
                f"input code {c} occurs {len(members)} times; each code needs at least"
                f" n_hypotheses = {n_hypotheses} samples."
            )
        weights[:, c] = 0.5 * (
            members.mean(axis=0) + _starting_targets(members, n_hypotheses, rng, start)
        )
    history = np.empty(n_steps)
    rows = np.arange(n)
    for step in range(n_steps):
        residual = x @ weights - flat  # (K, N, P)
        if objective == "l1":
            history[step] = np.abs(residual).sum() / n
            # Signs are summed before dividing by n: sums of ±1 are exact in any order, so the
            # run does not depend on how the BLAS orders the sum over samples.
            grad_out = np.sign(residual)
            rate = learning_rate / (n * math.sqrt(step + 1))
        else:
            squared = (residual**2).sum(axis=2)  # (K, N)
            winner = np.argmin(squared, axis=0)
            history[step] = squared[winner, rows].mean()
            grad_out = np.zeros_like(residual)
            grad_out[winner, rows] = 2 * residual[winner, rows] / n
            rate = learning_rate
        weights -= rate * (x.T @ grad_out)  # (K, D, P)
    return ImageModel(weights, (y.shape[1], y.shape[2]), objective, history)
