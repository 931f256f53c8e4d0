"""Checks of exercise 6: a numerical gradient, relative error, a batch gradient, mini-batch SGD.

Functions cannot be sent to a submission as data, so ``numerical_gradient`` receives the
grader's own test functions by name (``Probe("cubic")``, from
``course_utils.grading.probes``); the reference answer is computed in the grader with the same
functions, so nothing in the student's notebook stands between their code and the check.
"""

import numpy as np

from course_utils.grading import Probe, Question, Written, close, gradient

QUESTIONS = [
    Question("q1", "A centred-difference numerical gradient", points=3),
    Question("q2", "Relative error", points=3),
    Question("q3", "Gradient of a batch loss", points=3),
    Question("q4", "Mini-batch SGD", points=4),
]

# The library's own answers: a submission may not import them (enforced in the sandbox).
FORBIDDEN_IMPORTS = dict.fromkeys(
    ["course_utils.gradcheck", "course_utils.optim", "course_utils.nn"],
    "the gradient checker and SGD",
)

WRITTEN = [
    Written("W1", "Centred differences, and why a tiny h is worse"),
]

FORWARD = "that is the one-sided difference (f(x + h) − f(x))/h; use the centred one, error O(h²)."
NO_HALF = "you divided by h; the centred difference divides by 2h."
NOT_RESTORED = (
    "the earlier perturbations were not undone: restore x[i] before moving to the next entry."
)
ABSOLUTE = "that is the absolute error; divide by |a| + |b| so the error is relative."
ONE_SIDED = "you divided by |a| only; use |a| + |b| (symmetric, and safe where a = 0)."
MEAN = "you averaged over the entries; report the largest (worst) one."
LG_NO_B = "did you forget the 1/B of the batch mean?"
LG_NO_2 = "the factor 2 from the derivative of the square is missing."
LG_SIGN = "the sign is flipped: the gradient is 2Xᵀ(Xw − y)/B."
ONE_PERM = "you shuffled once before the first epoch; draw a new permutation every epoch."
NO_SHUFFLE = (
    "you did not shuffle; each epoch visits the samples in the order rng.permutation(N) gives."
)
DROP_LAST = "the last, shorter batch was dropped; keep it."
FULL_N = "each step's gradient is averaged over the batch (B), not over all N samples."


def _numgrad(f, x, h=1e-5, denominator=2.0, forward=False, restore=True):
    x = x.copy()
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old if forward else old - h
        minus = f(x)
        if restore:
            x[i] = old
        grad[i] = (plus - minus) / (h if forward else denominator * h)
    return grad


_NUMGRAD_MISTAKES = {
    FORWARD: lambda f, x: _numgrad(f, x, forward=True),
    NO_HALF: lambda f, x: _numgrad(f, x, denominator=1.0),
    NOT_RESTORED: lambda f, x: _numgrad(f, x, restore=False),
}
_RELERR_MISTAKES = {
    ABSOLUTE: lambda a, b: float(np.max(np.abs(a - b))),
    ONE_SIDED: lambda a, b: float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-12))),
    MEAN: lambda a, b: float(np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12))),
}


def _lg(w, X, y):
    return 2.0 * X.T @ (X @ w - y) / len(y)


_LG_MISTAKES = {
    LG_NO_B: lambda w, X, y: 2.0 * X.T @ (X @ w - y),
    LG_NO_2: lambda w, X, y: X.T @ (X @ w - y) / len(y),
    LG_SIGN: lambda w, X, y: 2.0 * X.T @ (y - X @ w) / len(y),
}


def _sgd(shuffle_each_epoch=True, shuffle=True, keep_last=True, over_n=False):
    def sgd(X, y, lr, batch_size, n_epochs, seed):
        rng = np.random.default_rng(seed)
        n = len(y)
        w = np.zeros(X.shape[1])
        order = np.arange(n)
        if shuffle and not shuffle_each_epoch:
            order = rng.permutation(n)
        for _ in range(n_epochs):
            if shuffle and shuffle_each_epoch:
                order = rng.permutation(n)
            stop = n if keep_last else n - batch_size + 1
            for start in range(0, stop, batch_size):
                idx = order[start : start + batch_size]
                g = _lg(w, X[idx], y[idx]) * (len(idx) / n if over_n else 1.0)
                w = w - lr * g
        return w

    return sgd


_SGD_MISTAKES = {
    ONE_PERM: _sgd(shuffle_each_epoch=False),
    NO_SHUFFLE: _sgd(shuffle=False),
    DROP_LAST: _sgd(keep_last=False),
    FULL_N: _sgd(over_n=True),
}


def _regression(n, d, lr, batch_size, n_epochs, seed):
    def make(rng):
        X = rng.normal(size=(n, d))
        y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
        return X, y, lr, batch_size, n_epochs, seed

    return make


def _batch(b, d):
    return lambda rng: (rng.normal(size=d), rng.normal(size=(b, d)), rng.normal(size=b))


CHECKS = [
    # q1
    close(
        "q1",
        "numerical_gradient",
        lambda rng: (Probe("cubic"), rng.normal(size=4)),
        name="the cubic at 4 points",
        public=True,
        rtol=1e-7,
        atol=1e-9,
        mistakes=_NUMGRAD_MISTAKES,
    ),
    close(
        "q1",
        "numerical_gradient",
        lambda rng: (Probe("logsumexp"), rng.normal(size=(2, 3))),
        name="log-sum-exp on a 2×3 array",
        rtol=1e-7,
        atol=1e-9,
        mistakes=_NUMGRAD_MISTAKES,
    ),
    close(
        "q1",
        "numerical_gradient",
        lambda rng: (Probe("wave"), rng.normal(size=7)),
        name="a hidden function",
        rtol=1e-7,
        atol=1e-9,
        mistakes=_NUMGRAD_MISTAKES,
    ),
    # q2
    close(
        "q2",
        "relative_error",
        (np.array([1.0, 2.0, -3.0]), np.array([1.0, 2.2, -3.0])),
        name="three numbers",
        public=True,
        mistakes=_RELERR_MISTAKES,
    ),
    close(
        "q2",
        "relative_error",
        lambda rng: (1e-8 * rng.normal(size=(3, 3)), 1e-8 * rng.normal(size=(3, 3))),
        name="tiny gradients (scale 1e-8)",
        mistakes=_RELERR_MISTAKES,
    ),
    close(
        "q2",
        "relative_error",
        (np.array([0.0, 4.0, 0.5]), np.array([0.0, 4.0, 0.4])),
        name="an entry where both are zero",
        mistakes=_RELERR_MISTAKES,
    ),
    # q3
    close(
        "q3", "linreg_grad", _batch(5, 3), name="a batch of 5", public=True, mistakes=_LG_MISTAKES
    ),
    gradient(
        "q3",
        "linreg_loss",
        "linreg_grad",
        _batch(7, 4),
        name="agrees with a numerical gradient of linreg_loss",
    ),
    close("q3", "linreg_grad", _batch(1, 4), name="a batch of one sample", mistakes=_LG_MISTAKES),
    # q4
    close(
        "q4",
        "sgd",
        _regression(12, 3, 0.05, 4, 3, 0),
        name="12 samples, batches of 4, 3 epochs",
        public=True,
        mistakes=_SGD_MISTAKES,
    ),
    close(
        "q4",
        "sgd",
        _regression(23, 4, 0.05, 5, 4, 7),
        name="23 samples in batches of 5 (a shorter last batch)",
        mistakes=_SGD_MISTAKES,
    ),
    close(
        "q4", "sgd", _regression(9, 2, 0.02, 1, 2, 3), name="batch size 1", mistakes=_SGD_MISTAKES
    ),
    close(
        "q4",
        "sgd",
        _regression(10, 3, 0.1, 10, 50, 1),
        name="batch size N: plain gradient descent",
        mistakes=_SGD_MISTAKES,
    ),
]
