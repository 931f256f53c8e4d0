"""Checks of exercise 6: a numerical gradient, relative error, a batch gradient, mini-batch SGD.

Functions cannot be sent to a submission as data, so ``numerical_gradient`` receives the
grader's own test functions by name (``Probe("cubic")``, from
``course_utils.grading.probes``); the reference answer is computed in the grader with the same
functions, so nothing in the student's notebook stands between their code and the check.

SGD is judged by properties, so any random order drawn from ``rng`` passes
(``rng.permutation``, ``rng.choice(N, N, replace=False)``, ``np.array_split`` batches): with
one feature per sample (X = I) each sample moves only its own weight, so after whole epochs
w_i = y_i·(1 − Π(1 − 2·lr/B_i)) whatever the order, B_i being the size of the batch sample i
was in. The grader reads from these weights that every sample was visited once per epoch, in
batches averaged over their size, in a fresh order every epoch; and on a general regression
that the loss falls close to its minimum.
"""

import numpy as np

from course_utils.grading import Probe, Question, Written, close, evaluate, gradient

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
ONE_PERM = "you shuffled once before the first epoch; draw a new random order every epoch."
NO_SHUFFLE = "you did not shuffle; each epoch visits the samples in a fresh random order."
DROP_LAST = "the last, shorter batch was dropped; keep it."
FULL_N = "each step's gradient is averaged over the batch (B), not over all N samples."
NOT_ONCE = (
    "some sample was not visited exactly once per epoch: walk through a random order of all"
    " N samples, in consecutive slices of batch_size."
)
LOSS_STAYS = (
    "the mean squared error at the w your sgd returns stays far above its minimum: check the"
    " step w − lr·grad and the number of epochs."
)


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


def _one_feature_each(n, lr, batch_size, n_epochs, seed):
    """X = I: each sample moves only its own weight, so the answer does not depend on the
    order as long as every batch has batch_size samples (batch_size divides n)."""
    return lambda rng: (np.eye(n), rng.uniform(1.0, 3.0, n), lr, batch_size, n_epochs, seed)


_N, _B, _LR, _SEEDS = 5, 2, 0.2, range(6)  # batches of 2, 2 and 1: the singleton moves most


def order_plan(rng):
    """Six one-epoch and six two-epoch runs on X = I (5 samples, batches 2, 2, 1)."""
    y = rng.uniform(1.0, 3.0, _N)
    calls = [("sgd", (np.eye(_N), y, _LR, _B, epochs, s)) for epochs in (1, 2) for s in _SEEDS]
    return calls, (y,)


def _singletons(w, y, epochs, rtol=1e-9):
    """Which sample was alone in the last batch in each epoch, read from w (None if w is not
    what some order with batch sizes 2, 2, 1 gives). ``rtol`` suits w's precision: the values
    told apart (0.36, 0.48, 0.6, 0.64, 0.8) differ by far more than float32's rounding."""
    moved = 1.0 - w / y  # the product over epochs of (1 − 2·lr/B_i)
    pair, alone = 1.0 - 2.0 * _LR / _B, 1.0 - 2.0 * _LR
    if epochs == 1:
        single = np.isclose(moved, alone, rtol=rtol)
        ok = np.all(single | np.isclose(moved, pair, rtol=rtol)) and single.sum() == 1
        return [int(np.argmax(single))] if ok else None
    twice = np.isclose(moved, alone**2, rtol=rtol)
    mixed = np.isclose(moved, alone * pair, rtol=rtol)
    rest = np.isclose(moved, pair**2, rtol=rtol)
    if not np.all(twice | mixed | rest):
        return None
    if twice.sum() == 1 and mixed.sum() == 0:
        return [int(np.argmax(twice))] * 2
    if mixed.sum() == 2 and twice.sum() == 0:
        return [int(i) for i in np.flatnonzero(mixed)]
    return None


def order(outputs, y):
    """1.0 when every run visits each sample once per epoch in a fresh order, else the cause."""
    ws = [np.asarray(w) for (w,) in outputs]
    # float32 work is judged at float32's precision (the notebook promises it passes)
    rtol = 1e-9 if all(w.dtype == np.float64 for w in ws) else 1e-5
    runs = [(w.astype(np.float64), e) for w, e in zip(ws, [1] * 6 + [2] * 6, strict=True)]
    if any(w.shape != y.shape for w, _ in runs):
        raise ValueError("sgd returned w of the wrong shape")
    first = runs[0][0]
    if np.allclose(1.0 - first / y, 1.0 - 2.0 * _LR / _N, rtol=rtol):
        return FULL_N
    if np.any(np.isclose(first, 0.0, atol=1e-12)):
        return DROP_LAST
    found = [_singletons(w, y, epochs, rtol) for w, epochs in runs]
    if any(f is None for f in found):
        return NOT_ONCE
    if all(f == [_N - 1] for f in found[:6]):
        return NO_SHUFFLE
    if all(f[0] == f[1] for f in found[6:]):
        return ONE_PERM
    return 1.0


def _batch(b, d):
    return lambda rng: (rng.normal(size=d), rng.normal(size=(b, d)), rng.normal(size=b))


def loss_plan(rng):
    """A hidden regression: 40 samples, 3 features, batches of 8, 30 epochs."""
    X, y, *settings = _regression(40, 3, 0.05, 8, 30, int(rng.integers(1000)))(rng)
    return [("sgd", (X, y, *settings))], (X, y)


def loss_falls(outputs, X, y):
    """1.0 when the loss at w is within 5 % of the way from its minimum to the loss at w = 0."""
    ((w,),) = outputs
    if w.shape != (X.shape[1],):
        raise ValueError("sgd returned w of the wrong shape")
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    loss = [float(np.mean((X @ v - y) ** 2)) for v in (w.astype(np.float64), best, 0 * best)]
    return 1.0 if loss[0] - loss[1] <= 0.05 * (loss[2] - loss[1]) else LOSS_STAYS


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
        _one_feature_each(6, 0.3, 3, 2, 0),
        name="one feature per sample (X = I), batches of 3, 2 epochs: any order gives this",
        public=True,
        mistakes=_SGD_MISTAKES,
    ),
    close(
        "q4",
        "sgd",
        _one_feature_each(12, 0.1, 4, 3, 5),
        name="a hidden X = I problem, batches of 4, 3 epochs",
        mistakes=_SGD_MISTAKES,
    ),
    evaluate(
        "q4",
        order_plan,
        order,
        at_least=1.0,
        what="order check",
        name="every sample once per epoch, a fresh random order each epoch",
        causes=(FULL_N, DROP_LAST, NOT_ONCE, NO_SHUFFLE, ONE_PERM),
    ),
    evaluate(
        "q4",
        loss_plan,
        loss_falls,
        at_least=1.0,
        what="loss check",
        name="the loss falls close to its minimum on a hidden regression",
        causes=(LOSS_STAYS,),
    ),
]
