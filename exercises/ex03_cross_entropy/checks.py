"""Checks of exercise 3: stable binary and softmax cross-entropy and their gradients."""

import numpy as np

from course_utils.grading import Question, Written, close, gradient, invariant

QUESTIONS = [
    Question("q1", "Binary cross-entropy from logits", points=4),
    Question("q2", "Gradient of the binary cross-entropy", points=3),
    Question("q3", "A stable log-softmax", points=3),
    Question("q4", "Softmax cross-entropy with integer labels", points=3),
    Question("q5", "Gradient of the softmax cross-entropy", points=4),
]

# The library's own answers: a submission may not import them (enforced in the sandbox).
FORBIDDEN_IMPORTS = dict.fromkeys(
    ["course_utils.losses", "course_utils.naive", "course_utils.nn"],
    "the cross-entropies and their gradients",
)

WRITTEN = [
    Written("W1", "Shift invariance of the softmax and the row maximum"),
    Written("W2", "Binary cross-entropy of a confident wrong logit"),
]

BCE_CLIPPED = (
    "you clipped the probabilities (σ to [ε, 1 − ε]); a confident wrong logit then costs −log ε"
    " instead of |z|. Work with the logits: max(z, 0) − z·y + log(1 + e^(−|z|))."
)
BCE_PM1 = "that is the formula for labels ±1, log(1 + e^(−y·z)); here the labels are 0 and 1."
BCE_SUM = "it looks like you summed over the samples instead of averaging."
BCE_GRAD_NO_N = "did you forget the 1/N of the mean in the gradient?"
BCE_GRAD_SIGN = "the sign is flipped: the gradient is (σ(z) − y)/N."
BCE_GRAD_CHAIN = (
    "you multiplied by σ'(z) = σ(1 − σ) once more; for the loss of the logits the chain rule is"
    " already folded into σ(z) − y."
)
LSM_AXIS = "you normalised each column; the softmax runs along each row (axis=1)."
LSM_NO_ADD_BACK = (
    "you subtracted the maximum inside the exponential but did not add it back:"
    " log Σ e^z = m + log Σ e^(z − m)."
)
LSM_WHOLE = "you took one log-sum-exp over the whole array; it must be one per row (keepdims)."
CE_OVER_CLASSES = (
    "it looks like you averaged over classes as well as samples; average over samples only."
)
CE_SUM = "it looks like you summed over the samples instead of averaging."
CE_SIGN = "the sign is flipped: cross-entropy is −mean log p(correct class), a positive number."
CE_GRAD_NO_N = "did you forget the 1/N of the mean in the gradient?"
CE_GRAD_NC = "you divided by N·C; the gradient of a mean over samples is divided by N only."
CE_GRAD_NO_ONEHOT = "you forgot to subtract the one-hot labels: the gradient is (softmax − Y)/N."


def _sig(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _lsm(Z):
    m = Z.max(axis=1, keepdims=True)
    return Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))


def _onehot(y, c):
    return np.eye(c)[y]


def _binary(n):
    return lambda rng: (3.0 * rng.normal(size=n), rng.integers(0, 2, size=n).astype(float))


def _logits(n, c):
    return lambda rng: (2.0 * rng.normal(size=(n, c)),)


def _huge_binary(rng):
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.5, -2.0])
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.0])
    return z, y


def _multi(n, c, labels=None):
    def make(rng):
        return 2.0 * rng.normal(size=(n, c)), rng.integers(0, labels or c, size=n)

    return make


def _huge_multi(rng):
    Z = np.array(
        [[1000.0, 0.0, -1000.0, 3.0], [-1000.0, -999.0, 5.0, 1000.0], [0.1, 0.2, 0.3, 0.4]]
    )
    return Z, np.array([2, 1, 0])


_BCE_MISTAKES = {
    BCE_CLIPPED: lambda z, y: float(
        np.mean(
            -y * np.log(np.clip(_sig(z), 1e-7, 1 - 1e-7))
            - (1 - y) * np.log(np.clip(1 - _sig(z), 1e-7, 1 - 1e-7))
        )
    ),
    BCE_PM1: lambda z, y: float(np.mean(np.logaddexp(0.0, -y * z))),
    BCE_SUM: lambda z, y: float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))),
}
_BCE_GRAD_MISTAKES = {
    BCE_GRAD_NO_N: lambda z, y: _sig(z) - y,
    BCE_GRAD_SIGN: lambda z, y: (y - _sig(z)) / z.size,
    BCE_GRAD_CHAIN: lambda z, y: (_sig(z) - y) * _sig(z) * (1 - _sig(z)) / z.size,
}
_LSM_MISTAKES = {
    LSM_AXIS: lambda Z: _lsm(Z.T).T,
    LSM_NO_ADD_BACK: lambda Z: (
        Z - np.log(np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True))
    ),
    LSM_WHOLE: lambda Z: Z - Z.max() - np.log(np.exp(Z - Z.max()).sum()),
}
_CE_MISTAKES = {
    CE_OVER_CLASSES: lambda Z, y: float(-np.mean(_onehot(y, Z.shape[1]) * _lsm(Z))),
    CE_SUM: lambda Z, y: float(-np.sum(_lsm(Z)[np.arange(len(y)), y])),
    CE_SIGN: lambda Z, y: float(np.mean(_lsm(Z)[np.arange(len(y)), y])),
}
_CE_GRAD_MISTAKES = {
    CE_GRAD_NO_N: lambda Z, y: np.exp(_lsm(Z)) - _onehot(y, Z.shape[1]),
    CE_GRAD_NC: lambda Z, y: (np.exp(_lsm(Z)) - _onehot(y, Z.shape[1])) / Z.size,
    CE_GRAD_NO_ONEHOT: lambda Z, y: np.exp(_lsm(Z)) / len(y),
}

CHECKS = [
    # q1
    close(
        "q1",
        "bce_with_logits",
        (np.array([2.0, -1.0, 0.0, 3.0]), np.array([1.0, 0.0, 1.0, 0.0])),
        name="four logits",
        public=True,
        mistakes=_BCE_MISTAKES,
    ),
    close("q1", "bce_with_logits", _binary(40), name="a hidden batch", mistakes=_BCE_MISTAKES),
    close(
        "q1",
        "bce_with_logits",
        _huge_binary,
        name="logits of ±1000, right and wrong labels",
        points=2,
        mistakes=_BCE_MISTAKES,
    ),
    # q2
    close(
        "q2",
        "bce_with_logits_grad",
        (np.array([2.0, -1.0, 0.0, 3.0]), np.array([1.0, 0.0, 1.0, 0.0])),
        name="four logits",
        public=True,
        mistakes=_BCE_GRAD_MISTAKES,
    ),
    gradient(
        "q2",
        "bce_with_logits",
        "bce_with_logits_grad",
        _binary(8),
        name="agrees with a numerical gradient of the binary cross-entropy",
    ),
    close(
        "q2",
        "bce_with_logits_grad",
        _huge_binary,
        name="logits of ±1000",
        mistakes=_BCE_GRAD_MISTAKES,
    ),
    # q3
    close(
        "q3",
        "log_softmax",
        _logits(3, 4),
        name="random 3×4 logits",
        public=True,
        mistakes=_LSM_MISTAKES,
    ),
    invariant(
        "q3",
        "log_softmax",
        _logits(2, 5),
        lambda Z: (Z + 1000.0,),
        name="adding 1000 to every logit changes nothing",
    ),
    close(
        "q3",
        "log_softmax",
        lambda rng: _huge_multi(rng)[:1],
        name="rows with logits of ±1000",
        mistakes=_LSM_MISTAKES,
    ),
    # q4
    close(
        "q4",
        "softmax_cross_entropy",
        _multi(4, 3),
        name="4 samples, 3 classes",
        public=True,
        mistakes=_CE_MISTAKES,
    ),
    close(
        "q4", "softmax_cross_entropy", _huge_multi, name="logits of ±1000", mistakes=_CE_MISTAKES
    ),
    close(
        "q4", "softmax_cross_entropy", _multi(1, 5), name="a single sample", mistakes=_CE_MISTAKES
    ),
    # q5
    close(
        "q5",
        "softmax_cross_entropy_grad",
        _multi(4, 3),
        name="4 samples, 3 classes",
        public=True,
        mistakes=_CE_GRAD_MISTAKES,
    ),
    gradient(
        "q5",
        "softmax_cross_entropy",
        "softmax_cross_entropy_grad",
        _multi(5, 4),
        name="agrees with a numerical gradient of the softmax cross-entropy",
    ),
    close(
        "q5",
        "softmax_cross_entropy_grad",
        _multi(12, 5, labels=3),
        name="a class that never appears among the labels",
        mistakes=_CE_GRAD_MISTAKES,
    ),
    close(
        "q5",
        "softmax_cross_entropy_grad",
        _huge_multi,
        name="logits of ±1000",
        mistakes=_CE_GRAD_MISTAKES,
    ),
]
