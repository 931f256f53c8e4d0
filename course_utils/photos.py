"""Real photographs as data: the two pictures that ship with scikit-learn, cut into patches.

Chapter 4 measures blur on photographs a student can look at, with nothing downloaded at run
time: scikit-learn bundles two 427 × 640 colour JPEGs, a Chinese temple ("china.jpg") and a
flower ("flower.jpg"). Here they become grey-level images in [0, 1], square patches cut at
seeded random places, and low-resolution versions of those patches (the input of a
super-resolution model).
"""

from __future__ import annotations

import numpy as np

from course_utils._validation import as_float_array

__all__ = [
    "PHOTOS",
    "block_mean",
    "from_tiles",
    "photo",
    "random_patches",
    "striped_patches",
    "to_tiles",
    "upsample_nearest",
]

#: The photographs bundled with scikit-learn (``sklearn.datasets.load_sample_image``).
PHOTOS = ("china.jpg", "flower.jpg")

#: ITU-R BT.601 luma weights for R, G, B.
_LUMA = np.array([0.299, 0.587, 0.114])


def photo(name: str) -> np.ndarray:
    """One of scikit-learn's sample photographs as a grey-level image.

    grey = 0.299·R + 0.587·G + 0.114·B (ITU-R BT.601 luma), scaled from 0…255 to [0, 1].

    Parameters
    ----------
    name : {"china.jpg", "flower.jpg"}

    Returns
    -------
    ndarray of float64, shape (427, 640), values in [0, 1]
    """
    if name not in PHOTOS:
        raise ValueError(f"name must be one of {PHOTOS}; got {name!r}.")
    from sklearn.datasets import load_sample_image  # the data lives in scikit-learn

    return (load_sample_image(name).astype(np.float64) / 255.0) @ _LUMA


def random_patches(
    image: object,
    n: int,
    size: int,
    *,
    columns: tuple[int, int] | None = None,
    seed: int = 0,
) -> np.ndarray:
    """``n`` square patches of ``image`` at seeded random places, optionally within columns.

    Restricting the columns keeps training and test patches apart: cut the training patches
    from some columns and the test patches from others (:func:`striped_patches` alternates
    stripes of columns).

    Parameters
    ----------
    image : array_like, shape (H, W)
    n : int ≥ 1
    size : int ≥ 1
        Side of each patch, in pixels.
    columns : (start, stop), optional
        Every patch lies within columns start … stop − 1 (default: the whole width).
    seed : int

    Returns
    -------
    ndarray, shape (n, size, size)
    """
    image = as_float_array(image, "image")
    if image.ndim != 2:
        raise ValueError(f"image must be a grey-level image, shape (H, W); got {image.shape}.")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer; got {n!r}.")
    height, width = image.shape
    start, stop = (0, width) if columns is None else columns
    if not 0 <= start < stop <= width:
        raise ValueError(
            f"columns must be (start, stop) with 0 ≤ start < stop ≤ {width}; got {columns!r}."
        )
    if not isinstance(size, (int, np.integer)) or not 1 <= size <= min(height, stop - start):
        raise ValueError(
            f"size must be between 1 and {min(height, stop - start)} for this image and"
            f" these columns; got {size!r}."
        )
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, height - size + 1, n)
    cols = rng.integers(start, stop - size + 1, n)
    offsets = np.arange(size)
    return image[
        rows[:, None, None] + offsets[None, :, None], cols[:, None, None] + offsets[None, None, :]
    ]


def block_mean(images: object, factor: int) -> np.ndarray:
    """Shrink each image by averaging ``factor`` × ``factor`` blocks of pixels.

    low[i, j] = mean of high[factor·i + a, factor·j + b] over a, b = 0 … factor − 1: what a
    camera sensor with ``factor`` times larger pixels records.

    Parameters
    ----------
    images : array_like, shape (N, H, W), H and W multiples of ``factor``
    factor : int ≥ 1

    Returns
    -------
    ndarray, shape (N, H / factor, W / factor)
    """
    images = as_float_array(images, "images")
    if not isinstance(factor, (int, np.integer)) or factor < 1:
        raise ValueError(f"factor must be a positive integer; got {factor!r}.")
    if images.ndim != 3 or images.shape[1] % factor or images.shape[2] % factor:
        raise ValueError(
            f"images must have shape (N, H, W) with H and W multiples of factor = {factor};"
            f" got {images.shape}."
        )
    n, h, w = images.shape
    return images.reshape(n, h // factor, factor, w // factor, factor).mean(axis=(2, 4))


def upsample_nearest(images: object, factor: int) -> np.ndarray:
    """Enlarge each image by repeating every pixel ``factor`` × ``factor`` times.

    Parameters
    ----------
    images : array_like, shape (N, h, w)
    factor : int ≥ 1

    Returns
    -------
    ndarray, shape (N, h·factor, w·factor)
    """
    images = as_float_array(images, "images")
    if not isinstance(factor, (int, np.integer)) or factor < 1:
        raise ValueError(f"factor must be a positive integer; got {factor!r}.")
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, h, w); got {images.shape}.")
    return images.repeat(factor, axis=1).repeat(factor, axis=2)


def striped_patches(
    images: list[np.ndarray],
    n_per_stripe: int,
    size: int,
    *,
    part: str,
    stripe: int = 80,
    seed: int = 0,
) -> np.ndarray:
    """Patches from alternate vertical stripes of each image: a train/test split of photographs.

    Each image's columns are cut into stripes ``stripe`` pixels wide; ``part="train"`` takes
    patches from the even stripes (0, 2, 4, …), ``part="test"`` from the odd ones, so no test
    patch overlaps a training patch, while both parts sample every region of every photograph
    (a left/right split would test on different scenery than it trains on).

    Parameters
    ----------
    images : list of arrays, each shape (H, W)
    n_per_stripe : int
        Patches cut from each stripe of each image.
    size : int
        Patch side; at most ``stripe``.
    part : {"train", "test"}
    stripe : int
        Stripe width in pixels.
    seed : int

    Returns
    -------
    ndarray, shape (n_patches, size, size)
    """
    if part not in ("train", "test"):
        raise ValueError(f"part must be 'train' or 'test'; got {part!r}.")
    first = 0 if part == "train" else stripe
    rng = np.random.default_rng(seed)
    cut = []
    for image in images:
        width = np.shape(image)[1]
        for start in range(first, width - size + 1, 2 * stripe):
            stop = min(start + stripe, width)
            seeds = int(rng.integers(2**31))
            cut.append(
                random_patches(image, n_per_stripe, size, columns=(start, stop), seed=seeds)
            )
    return np.concatenate(cut)


def to_tiles(image: object, size: int) -> np.ndarray:
    """Cut an image into non-overlapping ``size`` × ``size`` tiles, row by row.

    Parameters
    ----------
    image : array_like, shape (H, W), H and W multiples of ``size``

    Returns
    -------
    ndarray, shape (H·W / size², size, size)
    """
    image = as_float_array(image, "image")
    if image.ndim != 2 or image.shape[0] % size or image.shape[1] % size:
        raise ValueError(
            f"image must have shape (H, W) with H and W multiples of size = {size};"
            f" got {image.shape}."
        )
    h, w = image.shape[0] // size, image.shape[1] // size
    return image.reshape(h, size, w, size).transpose(0, 2, 1, 3).reshape(h * w, size, size)


def from_tiles(tiles: object, shape: tuple[int, int]) -> np.ndarray:
    """Put tiles cut by :func:`to_tiles` back together into an image of ``shape``."""
    tiles = as_float_array(tiles, "tiles")
    size = tiles.shape[1]
    h, w = shape[0] // size, shape[1] // size
    if tiles.ndim != 3 or tiles.shape != (h * w, size, size):
        raise ValueError(f"tiles must have shape ({h * w}, {size}, {size}); got {tiles.shape}.")
    return tiles.reshape(h, w, size, size).transpose(0, 2, 1, 3).reshape(shape)
