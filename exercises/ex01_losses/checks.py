"""Checks of exercise 1: MSE, MAE, Huber and their gradients.

Every ``mistakes`` entry is a typical wrong answer; its sentence is the feedback a student whose
answer matches it reads. ``tests/exercise_mistakes.py`` holds code for each one and the tests
assert that it loses points and gets the sentence.
"""

import numpy as np

from course_utils.grading import Question, Written, close, gradient

QUESTIONS = [
    Question("q1", "Mean squared error", points=3),
    Question("q2", "Gradient of the mean squared error", points=3),
    Question("q3", "Mean absolute error and its subgradient", points=3),
    Question("q4", "Huber loss and its gradient", points=4),
]

# The library's own answers: a submission may not import them (enforced in the sandbox).
FORBIDDEN_IMPORTS = dict.fromkeys(
    ["course_utils.losses", "course_utils.naive", "course_utils.robust", "course_utils.nn"],
    "MSE, MAE, Huber and their gradients",
)

WRITTEN = [
    Written("W1", "How far one outlier drags MSE, MAE and Huber fits"),
]

SUMMED = "it looks like you summed over the entries instead of averaging (divide by n)."
NOT_SQUARED = "it looks like you averaged |pred − target| instead of its square."
ROWS_ONLY = (
    "it looks like you divided by the number of rows only; average over every entry (pred.size)."
)
GRAD_NO_N = "did you forget the 1/n of the mean in the gradient?"
GRAD_NO_2 = "the factor 2 from the derivative of the square is missing."
GRAD_SIGN = "the sign is flipped: the gradient with respect to pred is +2(pred − target)/n."
MAE_SQUARED = "that is the mean of the squares; MAE averages absolute values."
MAE_NO_ABS = "the absolute value is missing: positive and negative errors cancel out."
MAE_GRAD_NO_N = "did you forget the 1/n of the mean in the MAE gradient?"
MAE_GRAD_TIE = (
    "where pred == target any value in [−1/n, 1/n] is a valid subgradient, but this exercise"
    " asks for 0 there, not ±1/n (np.sign gives 0)."
)
HUBER_NO_HALF = "the quadratic part is r², but Huber uses ½·r² (so the two pieces meet smoothly)."
HUBER_NO_OFFSET = "the linear part is δ·|r|; it should be δ·(|r| − δ/2) so the pieces join."
HUBER_GRAD_UNCLIPPED = "the gradient is not clipped: for |r| > δ it is δ·sign(r)/n, not r/n."
HUBER_GRAD_NO_N = "did you forget the 1/n of the mean in the Huber gradient?"


def _pair(shape):
    return lambda rng: (rng.normal(size=shape), rng.normal(size=shape))


def _wide_pair(shape):
    return lambda rng: (3.0 * rng.normal(size=shape), rng.normal(size=shape))


def _tied_pair(shape):
    """A hidden batch in which about a third of the predictions equal their targets."""

    def make(rng):
        pred, target = rng.normal(size=shape), rng.normal(size=shape)
        tie = rng.random(shape) < 0.35
        pred[tie] = target[tie]
        return pred, target

    return make


_SMALL = (np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 0.0, 3.0, 8.0]))
_TABLE = (
    np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 2.0]]),
    np.array([[0.0, 2.0], [1.0, 1.0], [0.0, 3.0]]),
)

_MSE_MISTAKES = {
    SUMMED: lambda p, t: float(np.sum((p - t) ** 2)),
    NOT_SQUARED: lambda p, t: float(np.mean(np.abs(p - t))),
    ROWS_ONLY: lambda p, t: float(np.sum((p - t) ** 2) / len(p)),
}
_MSE_GRAD_MISTAKES = {
    GRAD_NO_N: lambda p, t: 2.0 * (p - t),
    GRAD_NO_2: lambda p, t: (p - t) / p.size,
    GRAD_SIGN: lambda p, t: 2.0 * (t - p) / p.size,
}
_MAE_MISTAKES = {
    MAE_SQUARED: lambda p, t: float(np.mean((p - t) ** 2)),
    MAE_NO_ABS: lambda p, t: float(np.mean(p - t)),
}
_MAE_GRAD_MISTAKES = {
    MAE_GRAD_NO_N: lambda p, t: np.sign(p - t),
    MAE_GRAD_TIE: lambda p, t: np.where(p >= t, 1.0, -1.0) / p.size,
}
_HUBER_MISTAKES = {
    HUBER_NO_HALF: lambda p, t, delta=1.0: float(
        np.mean(
            np.where(np.abs(p - t) <= delta, (p - t) ** 2, delta * (np.abs(p - t) - 0.5 * delta))
        )
    ),
    HUBER_NO_OFFSET: lambda p, t, delta=1.0: float(
        np.mean(np.where(np.abs(p - t) <= delta, 0.5 * (p - t) ** 2, delta * np.abs(p - t)))
    ),
}
_HUBER_GRAD_MISTAKES = {
    HUBER_GRAD_UNCLIPPED: lambda p, t, delta=1.0: (p - t) / p.size,
    HUBER_GRAD_NO_N: lambda p, t, delta=1.0: np.clip(p - t, -delta, delta),
}

CHECKS = [
    # q1
    close("q1", "mse", _SMALL, name="a four-number example", public=True, mistakes=_MSE_MISTAKES),
    close(
        "q1",
        "mse",
        _TABLE,
        name="a 3×2 table: average over all six entries",
        public=True,
        mistakes=_MSE_MISTAKES,
    ),
    close("q1", "mse", _pair((7, 3)), name="a hidden 7×3 batch", mistakes=_MSE_MISTAKES),
    # q2
    close(
        "q2",
        "mse_grad",
        _SMALL,
        name="a four-number example",
        public=True,
        mistakes=_MSE_GRAD_MISTAKES,
    ),
    gradient(
        "q2", "mse", "mse_grad", _pair((4, 3)), name="agrees with a numerical gradient of the MSE"
    ),
    close(
        "q2",
        "mse_grad",
        (np.array([2.0]), np.array([-1.0])),
        name="a single sample",
        mistakes=_MSE_GRAD_MISTAKES,
    ),
    # q3
    close(
        "q3",
        "mae",
        _SMALL,
        name="MAE of a four-number example",
        points=0.5,
        public=True,
        mistakes=_MAE_MISTAKES,
    ),
    close("q3", "mae", _pair((5, 4)), name="MAE of a hidden 5×4 batch", mistakes=_MAE_MISTAKES),
    close(
        "q3",
        "mae_grad",
        _SMALL,
        name="subgradient with one tie (pred == target)",
        points=0.5,
        public=True,
        mistakes=_MAE_GRAD_MISTAKES,
    ),
    close(
        "q3",
        "mae_grad",
        _tied_pair((6, 4)),
        name="subgradient of a hidden batch with ties",
        mistakes=_MAE_GRAD_MISTAKES,
    ),
    # q4
    close(
        "q4",
        "huber",
        _wide_pair((30,)),
        name="Huber loss, δ = 1, residuals on both sides of δ",
        points=0.5,
        public=True,
        mistakes=_HUBER_MISTAKES,
    ),
    close(
        "q4",
        "huber_grad",
        _wide_pair((12,)),
        name="Huber gradient, δ = 1, residuals on both sides of δ",
        points=0.5,
        public=True,
        mistakes=_HUBER_GRAD_MISTAKES,
    ),
    close(
        "q4",
        "huber",
        _wide_pair((6, 5)),
        name="Huber loss with δ = 0.5 on a hidden batch",
        kwargs={"delta": 0.5},
        mistakes=_HUBER_MISTAKES,
    ),
    close(
        "q4",
        "huber_grad",
        _wide_pair((6, 5)),
        name="Huber gradient, δ = 1",
        mistakes=_HUBER_GRAD_MISTAKES,
    ),
    gradient(
        "q4",
        "huber",
        "huber_grad",
        _wide_pair((4, 4)),
        name="agrees with a numerical gradient of the Huber loss",
        kwargs={"delta": 0.7},
    ),
]
