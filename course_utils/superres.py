"""Super-resolution of photograph patches with linear models, trained under different losses.

The task: from a low-resolution patch x (each pixel the mean of a factor × factor block) predict
the high-resolution patch y. Many different y shrink to the same x — the detail finer than a
block is simply not in the input — so the task has many right answers, and the loss decides
which one a model predicts:

- L2 (least squares) predicts the conditional mean of y given x: the average of all the
  detail that fits, which cancels out. Far less high-frequency energy than the truth: blur.
  (The squared error is what it minimises on the training patches; on held-out patches a
  linear L1 fit can score the same PSNR or a hair more, and the chapter measures it.)
- L1 predicts the per-pixel conditional median; on photographs the median detail is close to
  zero too, so it is no sharper than L2 (the chapter measures it).
- A min-of-K (multiple-hypothesis) loss charges each sample only to the closest of K
  predictions; each hypothesis becomes the mean of a narrower group of patches. Its loss
  scores the hypothesis closest to the truth, a choice only an oracle that knows the truth
  can make; a hypothesis chosen without the truth is judged separately.
- A sampler commits to *one* plausible answer: it copies the detail of the training patch
  whose low-resolution version looks most alike (example-based super-resolution). Sharp, but
  the detail is often in the wrong place, so its PSNR is lower: sharpness and PSNR pull apart.

Every model is linear in the low-resolution pixels plus a constant: ŷ_k = [x, 1] W_k with
W_k of shape (d + 1, P), d low-resolution and P high-resolution pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils import photos
from course_utils._validation import as_float_array

__all__ = [
    "LOSSES",
    "PhotoExperiment",
    "Upsampler",
    "best_of_hypotheses",
    "exemplar_detail",
    "fit_upsampler",
    "photo_experiment",
    "psnr",
    "upscale_region",
]

LOSSES = ("l2", "l1", "min_of_k")


@dataclass(frozen=True)
class Upsampler:
    """K linear maps from a low-resolution patch to a high-resolution one.

    Attributes
    ----------
    weights : ndarray, shape (K, d + 1, P)
        Hypothesis k predicts [x, 1] @ weights[k] for a flattened low-resolution patch x.
    shape : (int, int)
        The high-resolution patch shape, P = shape[0]·shape[1].
    loss : str
        The loss it was trained with.
    objective : ndarray, shape (n_iter,)
        The training objective after every iteration (one entry for the closed-form L2 fit).
    """

    weights: np.ndarray
    shape: tuple[int, int]
    loss: str
    objective: np.ndarray

    def predict(self, lowres: object) -> np.ndarray:
        """Every hypothesis's prediction: shape (K, N, H, W) for ``lowres`` of shape (N, h, w)."""
        features = _features(lowres, self.weights.shape[1] - 1)
        return (features @ self.weights).reshape(self.weights.shape[0], len(features), *self.shape)


def _features(lowres: object, d: int | None = None) -> np.ndarray:
    lowres = as_float_array(lowres, "lowres")
    if lowres.ndim != 3:
        raise ValueError(f"lowres must have shape (N, h, w); got {lowres.shape}.")
    flat = lowres.reshape(len(lowres), -1)
    if d is not None and flat.shape[1] != d:
        raise ValueError(
            f"lowres patches must have {d} pixels, like the training patches; got"
            f" {flat.shape[1]} (shape {lowres.shape[1:]})."
        )
    return np.hstack([flat, np.ones((len(flat), 1))])


def _least_squares(features: np.ndarray, targets: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(features, targets, rcond=None)[0]


def fit_upsampler(
    lowres: object,
    highres: object,
    loss: str,
    *,
    n_hypotheses: int = 1,
    n_iter: int = 30,
    epsilon: float = 1e-3,
) -> Upsampler:
    r"""Fit linear upsamplers [x, 1] W_k to pairs (low-resolution x_n, high-resolution y_n).

    - ``"l2"``: min_W Σ_n ‖y_n − [x_n, 1] W‖², in closed form (least squares).
    - ``"l1"``: min_W Σ_n ‖y_n − [x_n, 1] W‖₁, by iteratively reweighted least squares from
      the L2 fit: each pixel's residual r gets the weight 1 / max(|r|, ε), so the weighted
      squares r²/|r| = |r| follow the absolute error. A fixed point of the iteration
      minimises the Huber-like loss r²/(2ε) for |r| < ε and |r| − ε/2 beyond, which rounds
      the kink and differs from |r| by at most ε/2 per residual.
    - ``"min_of_k"``: min_{W_1…W_K} Σ_n min_k ‖y_n − [x_n, 1] W_k‖², the multiple-hypothesis
      loss, by alternating its two exact partial minimisations (as k-means does): refit each
      hypothesis to its samples by least squares, then give each sample to its closest
      hypothesis; the objective never goes up, and the run stops when no sample moves. The K
      starting groups are spread out over the L2 fit's residuals by farthest-point selection
      (a deterministic k-means++), so the hypotheses start apart; a hypothesis left with
      fewer samples than weights keeps its weights.

    Parameters
    ----------
    lowres : array_like, shape (N, h, w)
    highres : array_like, shape (N, H, W)
    loss : {"l2", "l1", "min_of_k"}
    n_hypotheses : int
        K; must be 1 unless ``loss="min_of_k"``.
    n_iter : int
        Iterations of IRLS, or at most this many of the alternating minimisation.
    epsilon : float
        IRLS's floor on |r|.

    Returns
    -------
    Upsampler
    """
    features = _features(lowres)
    highres = as_float_array(highres, "highres")
    if highres.ndim != 3 or len(highres) != len(features):
        raise ValueError(
            f"highres must have shape (N, H, W) with N = {len(features)} (one per lowres"
            f" patch); got {highres.shape}."
        )
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}; got {loss!r}.")
    if not isinstance(n_hypotheses, (int, np.integer)) or n_hypotheses < 1:
        raise ValueError(f"n_hypotheses must be a positive integer; got {n_hypotheses!r}.")
    if loss != "min_of_k" and n_hypotheses != 1:
        raise ValueError(f"loss {loss!r} fits one hypothesis; got n_hypotheses={n_hypotheses}.")
    targets = highres.reshape(len(highres), -1)
    weights = _least_squares(features, targets)
    if loss == "l2":
        residual = targets - features @ weights
        objective = np.array([np.sum(residual**2) / len(targets)])
        stacked = weights[None]
    elif loss == "l1":
        stacked, objective = _irls_l1(features, targets, weights, n_iter, epsilon)
    else:
        stacked, objective = _alternate_min_of_k(features, targets, weights, n_hypotheses, n_iter)
    return Upsampler(stacked, (highres.shape[1], highres.shape[2]), loss, objective)


def _irls_l1(
    features: np.ndarray, targets: np.ndarray, weights: np.ndarray, n_iter: int, epsilon: float
) -> tuple[np.ndarray, np.ndarray]:
    n, d = features.shape
    outer = (features[:, :, None] * features[:, None, :]).reshape(n, d * d)  # x xᵀ per sample
    objective = np.empty(n_iter)
    for step in range(n_iter):
        residual = targets - features @ weights
        objective[step] = np.abs(residual).sum() / n
        w = 1.0 / np.maximum(np.abs(residual), epsilon)  # (n, P)
        gram = (outer.T @ w).T.reshape(-1, d, d)  # Σ_n w_np x_n x_nᵀ, one per pixel p
        right = (features.T @ (w * targets)).T  # Σ_n w_np y_np x_n
        weights = np.linalg.solve(gram, right[..., None])[..., 0].T
    return weights[None], objective


def _alternate_min_of_k(
    features: np.ndarray, targets: np.ndarray, weights: np.ndarray, k: int, n_iter: int
) -> tuple[np.ndarray, np.ndarray]:
    n, d = features.shape
    if n < k:
        raise ValueError(f"n_hypotheses = {k} needs at least {k} samples; got {n}.")
    residual = targets - features @ weights
    centres = [0]
    distance = np.sum((residual - residual[0]) ** 2, axis=1)
    for _ in range(1, k):
        centres.append(int(np.argmax(distance)))
        distance = np.minimum(distance, np.sum((residual - residual[centres[-1]]) ** 2, axis=1))
    starts = residual[centres]
    group = np.argmin(np.sum((residual[None] - starts[:, None]) ** 2, axis=2), axis=0)
    outer = (features[:, :, None] * features[:, None, :]).reshape(n, d * d)  # x xᵀ per sample
    stacked = np.repeat(weights[None], k, axis=0)
    objective = []
    for _ in range(n_iter):
        # Refit every hypothesis to its group: the normal equations of all K at once.
        members = np.eye(k)[group]  # (n, K) one-hot
        gram = (outer.T @ members).T.reshape(k, d, d)
        right = (
            ((features[:, :, None] * members[:, None, :]).reshape(n, d * k).T @ targets)
            .reshape(d, k, -1)
            .transpose(1, 0, 2)
        )  # Σ over group k of x yᵀ
        enough = members.sum(axis=0) >= d  # a group too small to fit keeps its weights
        stacked[enough] = np.linalg.solve(gram[enough], right[enough])
        errors = np.sum((targets[None] - features @ stacked) ** 2, axis=2)  # (K, n)
        new_group = np.argmin(errors, axis=0)
        objective.append(errors[new_group, np.arange(n)].mean())
        if np.array_equal(new_group, group):
            break  # no sample changes hypothesis: the alternation has converged
        group = new_group
    return stacked, np.array(objective)


def best_of_hypotheses(predictions: object, truth: object) -> np.ndarray:
    """For each sample, the hypothesis closest to the truth (the oracle pick of a min-of-K model).

    Parameters
    ----------
    predictions : array_like, shape (K, N, H, W)
    truth : array_like, shape (N, H, W)

    Returns
    -------
    ndarray, shape (N, H, W)
    """
    predictions = as_float_array(predictions, "predictions")
    truth = as_float_array(truth, "truth")
    if predictions.ndim != 4 or predictions.shape[1:] != truth.shape:
        raise ValueError(
            f"predictions must have shape (K, *truth.shape) = (K, {truth.shape}); got"
            f" {predictions.shape}."
        )
    errors = np.sum((predictions - truth[None]) ** 2, axis=(2, 3))
    return predictions[np.argmin(errors, axis=0), np.arange(truth.shape[0])]


def exemplar_detail(
    base: Upsampler,
    lowres_train: object,
    highres_train: object,
    lowres: object,
) -> np.ndarray:
    """Sample one plausible answer: the base prediction plus a training patch's own detail.

    For each low-resolution patch, find the training patch whose low-resolution version is
    most alike after removing each patch's mean brightness (nearest neighbour in Euclidean
    distance), and add that training patch's residual y − ŷ (what the base model could not
    predict) to the base prediction. The detail is real detail from a photograph, not an
    average (example-based super-resolution, as in Freeman, Jones & Pasztor 2002).

    Parameters
    ----------
    base : Upsampler
        A one-hypothesis model (the L2 fit).
    lowres_train : array_like, shape (M, h, w)
    highres_train : array_like, shape (M, H, W)
    lowres : array_like, shape (N, h, w)

    Returns
    -------
    ndarray, shape (N, H, W)
    """
    if base.weights.shape[0] != 1:
        raise ValueError("base must be a one-hypothesis Upsampler, such as the L2 fit.")
    train = _features(lowres_train, base.weights.shape[1] - 1)[:, :-1]
    query = _features(lowres, base.weights.shape[1] - 1)[:, :-1]
    highres_train = as_float_array(highres_train, "highres_train")
    if highres_train.shape[0] != len(train) or highres_train.shape[1:] != base.shape:
        raise ValueError(
            f"highres_train must have shape ({len(train)}, {base.shape[0]}, {base.shape[1]});"
            f" got {highres_train.shape}."
        )
    train = train - train.mean(axis=1, keepdims=True)
    query = query - query.mean(axis=1, keepdims=True)
    distance = np.sum(query**2, 1)[:, None] - 2 * query @ train.T + np.sum(train**2, 1)[None]
    nearest = np.argmin(distance, axis=1)
    detail = highres_train - base.predict(lowres_train)[0]
    return base.predict(lowres)[0] + detail[nearest]


def psnr(prediction: object, truth: object, peak: float = 1.0) -> float:
    """Peak signal-to-noise ratio in decibels: 10·log₁₀(peak² / MSE).

    The standard fidelity measure of image restoration; it is a monotone function of the mean
    squared error, so the L2-optimal prediction also maximises it.

    Parameters
    ----------
    prediction, truth : array_like, same shape, values on a scale whose maximum is ``peak``
    peak : float

    Returns
    -------
    float (``inf`` for a perfect prediction)
    """
    prediction = as_float_array(prediction, "prediction")
    truth = as_float_array(truth, "truth")
    if prediction.shape != truth.shape:
        raise ValueError(
            f"prediction and truth must have the same shape; got {prediction.shape} and"
            f" {truth.shape}."
        )
    mse = float(np.mean((prediction - truth) ** 2))
    return float("inf") if mse == 0.0 else float(10.0 * np.log10(peak**2 / mse))


@dataclass(frozen=True)
class PhotoExperiment:
    """Upsamplers trained on the same photograph patches, and held-out patches to judge them.

    Attributes
    ----------
    models : dict of str → Upsampler
        "L2", "L1" and "min of K".
    train_lowres, train_highres : ndarray, shapes (M, h, w) and (M, H, W)
        The training pairs (the sampler copies detail from them).
    lowres, truth : ndarray, shapes (N, h, w) and (N, H, W)
        Held-out inputs and the high-resolution patches they were shrunk from.
    factor : int
    """

    models: dict[str, Upsampler]
    train_lowres: np.ndarray
    train_highres: np.ndarray
    lowres: np.ndarray
    truth: np.ndarray
    factor: int

    def predictions(self, lowres: object = None, truth: object = None) -> dict[str, np.ndarray]:
        """Every model's prediction of ``lowres`` (default: the held-out patches).

        Returns "nearest" (each pixel repeated, no model), "L2", "L1", "min of K (oracle)"
        (for each patch the hypothesis closest to ``truth``: what the min-of-K loss scores,
        chosen by an oracle that sees the truth, so it is no prediction a real system could
        make) and "sampler" (:func:`exemplar_detail` from the training patches), each of
        shape (N, H, W).
        """
        lowres = self.lowres if lowres is None else lowres
        truth = self.truth if truth is None else truth
        several = self.models["min of K"]
        k = several.weights.shape[0]
        return {
            "nearest": photos.upsample_nearest(lowres, self.factor),
            "L2": self.models["L2"].predict(lowres)[0],
            "L1": self.models["L1"].predict(lowres)[0],
            f"min of {k} (oracle)": best_of_hypotheses(several.predict(lowres), truth),
            "sampler": exemplar_detail(
                self.models["L2"], self.train_lowres, self.train_highres, lowres
            ),
        }


def photo_experiment(
    *,
    size: int = 8,
    factor: int = 2,
    n_per_stripe: tuple[int, int] = (625, 125),
    n_hypotheses: int = 8,
    seed: int = 0,
) -> PhotoExperiment:
    """Train every upsampler on the same photograph patches; keep held-out ones to judge them.

    Patches of ``size`` × ``size`` pixels come from scikit-learn's two sample photographs,
    training patches from even and test patches from odd 80-pixel stripes
    (:func:`photos.striped_patches`); each is shrunk by block means of ``factor`` × ``factor``
    (:func:`photos.block_mean`). The L2, L1 and min-of-K models see the same training pairs.

    Parameters
    ----------
    size, factor : int
        High-resolution patch side and shrink factor.
    n_per_stripe : (int, int)
        Training and test patches per stripe and photograph.
    n_hypotheses : int
        K of the min-of-K model.
    seed : int

    Returns
    -------
    PhotoExperiment
    """
    images = [photos.photo(name) for name in photos.PHOTOS]
    train = photos.striped_patches(images, n_per_stripe[0], size, part="train", seed=seed)
    test = photos.striped_patches(images, n_per_stripe[1], size, part="test", seed=seed + 1)
    low_train = photos.block_mean(train, factor)
    models = {
        "L2": fit_upsampler(low_train, train, "l2"),
        "L1": fit_upsampler(low_train, train, "l1"),
        "min of K": fit_upsampler(low_train, train, "min_of_k", n_hypotheses=n_hypotheses),
    }
    return PhotoExperiment(models, low_train, train, photos.block_mean(test, factor), test, factor)


def upscale_region(
    experiment: PhotoExperiment, region: object, size: int = 8
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Shrink a region of a photograph, then enlarge it back with every model, tile by tile.

    Parameters
    ----------
    experiment : PhotoExperiment
    region : array_like, shape (H, W), multiples of ``size``
        A piece of a photograph (take it from a test stripe, which no model trained on).
    size : int
        The models' high-resolution patch side.

    Returns
    -------
    lowres : ndarray, shape (H / factor, W / factor)
        What the models see.
    enlarged : dict of str → ndarray, shape (H, W)
        Each model's picture, as in :meth:`PhotoExperiment.predictions`.
    """
    region = as_float_array(region, "region")
    tiles = photos.to_tiles(region, size)
    low_tiles = photos.block_mean(tiles, experiment.factor)
    predictions = experiment.predictions(low_tiles, tiles)
    enlarged = {name: photos.from_tiles(p, region.shape) for name, p in predictions.items()}
    return photos.block_mean(region[None], experiment.factor)[0], enlarged
