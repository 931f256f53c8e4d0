"""Small data sets for the chapters.

The classic four-sample toy of chapter 7 and the 8×8 handwritten digits bundled with
scikit-learn (no download), split into seeded training and test sets.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["classic_toy", "load_digits_split"]


def classic_toy() -> tuple[np.ndarray, np.ndarray]:
    """The four samples of the classic first neural network.

    Inputs [0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1] with targets 0, 1, 1, 0: the target is
    the exclusive or (XOR) of the first two inputs, which no linear model can fit; the third
    input is always 1 and acts as a bias.

    Returns
    -------
    x : ndarray of float64, shape (4, 3)
    y : ndarray of float64, shape (4, 1)
    """
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([[0], [1], [1], [0]], dtype=np.float64)
    return x, y


def load_digits_split(
    test_fraction: float = 0.25, *, seed: int = 0, dtype: Any = np.float64
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 8×8 digits of scikit-learn (1797 images, 10 classes), split and scaled to [0, 1].

    Each image is a row of 64 pixel intensities, originally 0 … 16 and divided by 16 here. The
    split is stratified (every digit in the same proportion on both sides) and seeded.
    The data are the UCI "Optical Recognition of Handwritten Digits" test set (Alpaydin &
    Kaynak, 1998), as bundled by scikit-learn (Pedregosa et al., 2011).

    Parameters
    ----------
    test_fraction : float in (0, 1)
        Share of the images held out for testing.
    seed : int
        Seeds the split.
    dtype : np.float32 or np.float64
        Precision of the images.

    Returns
    -------
    x_train : ndarray, shape (N_train, 64)
    x_test : ndarray, shape (N_test, 64)
    y_train : ndarray of int64, shape (N_train,)
    y_test : ndarray of int64, shape (N_test,)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0.0 < test_fraction < 1.0:
        raise ValueError(
            f"test_fraction must lie strictly between 0 and 1; got {test_fraction!r}."
        )
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise TypeError(f"dtype must be np.float32 or np.float64; got {np.dtype(dtype)}.")
    digits = load_digits()
    x = (digits.data / 16.0).astype(dtype)
    y = digits.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    return x_train, x_test, y_train, y_test
