"""Checks of exercise 5: naive and vectorized multiclass hinge loss, gradient, linear SVM."""

import numpy as np

from course_utils.grading import Question, Written, close, gradient

QUESTIONS = [
    Question("q1", "Multiclass hinge loss with loops", points=3),
    Question("q2", "Vectorized multiclass hinge loss", points=3),
    Question("q3", "Gradient of the hinge loss", points=4),
    Question("q4", "Linear SVM loss with L2 penalty", points=3),
    Question("q5", "Linear SVM gradients", points=4),
]

# The library's own answers: a submission may not import them (enforced in the sandbox).
FORBIDDEN_IMPORTS = dict.fromkeys(
    ["course_utils.losses", "course_utils.naive", "course_utils.optim"],
    "the hinge loss and its gradients",
)

WRITTEN = [
    Written("W1", "Which samples determine the classifier; the unpenalized bias"),
]

NOT_ZEROED = (
    "you forgot to zero the correct class: its own term max(0, s_y − s_y + Δ) = Δ adds 1 per"
    " sample. Leave j = y_i out of the sum."
)
OVER_CLASSES = "it looks like you averaged over classes as well as samples; divide by N only."
SUMMED = "it looks like you summed over the samples instead of averaging."
MAX_NOT_SUM = "you took the largest violation per sample; this hinge sums over every j ≠ y_i."
GRAD_NO_N = "did you forget the 1/N of the mean in the gradient?"
GRAD_NO_CORRECT = (
    "the correct-class column is missing: it gets minus the number of violating classes (/N)."
)
GRAD_COUNT_SELF = (
    "the correct-class entry counts the correct class itself as a violation (one too many):"
    " zero the correct class before counting."
)
REG_BIAS = "you penalized the bias too; the L2 penalty is on W only."
REG_NOT_SQUARED = "the penalty is λ·‖W‖², the sum of squared weights, not λ·‖W‖."
REG_MISSING = "the penalty λ·‖W‖² is missing."
GW_NO_2 = "the penalty's gradient is 2λW; the factor 2 is missing."
GW_NO_REG = "the penalty's gradient 2λW is missing from dJ/dW."
GB_REG = "you penalized the bias: dJ/db has no 2λb term."
GB_MEAN = "dJ/db sums the rows of G (the 1/N is already inside G); you averaged them again."


def _margins(S, y, zero=True):
    n = S.shape[0]
    m = np.maximum(0.0, S - S[np.arange(n), y][:, None] + 1.0)
    if zero:
        m[np.arange(n), y] = 0.0
    return m


def _hinge(S, y):
    return _margins(S, y).sum() / S.shape[0]


def _grad(S, y):
    n = S.shape[0]
    a = (_margins(S, y) > 0).astype(float)
    a[np.arange(n), y] = -a.sum(axis=1)
    return a / n


def _scores(n, c, labels=None):
    return lambda rng: (rng.normal(size=(n, c)), rng.integers(0, labels or c, size=n))


_EXAMPLE = (
    np.array([[3.0, 1.0, 2.5], [0.0, 2.0, 1.8], [1.0, 1.0, 1.0], [-1.0, 4.0, 0.0]]),
    np.array([0, 1, 2, 0]),
)

_LOSS_MISTAKES = {
    NOT_ZEROED: lambda S, y: float(_margins(S, y, zero=False).sum() / S.shape[0]),
    OVER_CLASSES: lambda S, y: float(_margins(S, y).mean()),
    SUMMED: lambda S, y: float(_margins(S, y).sum()),
    MAX_NOT_SUM: lambda S, y: float(_margins(S, y).max(axis=1).mean()),
}


def _grad_count_self(S, y):
    n = S.shape[0]
    a = (_margins(S, y, zero=False) > 0).astype(float)
    a[np.arange(n), y] = 0.0
    a[np.arange(n), y] = -a.sum(axis=1) - 1.0
    return a / n


def _grad_no_correct(S, y):
    a = (_margins(S, y) > 0).astype(float)
    return a / S.shape[0]


_GRAD_MISTAKES = {
    GRAD_NO_N: lambda S, y: _grad(S, y) * S.shape[0],
    GRAD_NO_CORRECT: _grad_no_correct,
    GRAD_COUNT_SELF: _grad_count_self,
}


def _svm(n, d, c, reg=0.1):
    def make(rng):
        return (
            rng.normal(size=(d, c)),
            rng.normal(size=c),
            rng.normal(size=(n, d)),
            rng.integers(0, c, size=n),
            reg,
        )

    return make


_SVM_MISTAKES = {
    REG_BIAS: lambda W, b, X, y, r: _hinge(X @ W + b, y) + r * (np.sum(W**2) + np.sum(b**2)),
    REG_NOT_SQUARED: lambda W, b, X, y, r: _hinge(X @ W + b, y) + r * np.sqrt(np.sum(W**2)),
    REG_MISSING: lambda W, b, X, y, r: _hinge(X @ W + b, y),
}
_GW_MISTAKES = {
    GW_NO_2: lambda W, b, X, y, r: X.T @ _grad(X @ W + b, y) + r * W,
    GW_NO_REG: lambda W, b, X, y, r: X.T @ _grad(X @ W + b, y),
}
_GB_MISTAKES = {
    GB_REG: lambda W, b, X, y, r: _grad(X @ W + b, y).sum(axis=0) + 2 * r * b,
    GB_MEAN: lambda W, b, X, y, r: _grad(X @ W + b, y).mean(axis=0),
}

CHECKS = [
    # q1
    close(
        "q1", "hinge_naive", _EXAMPLE, name="a 4×3 example", public=True, mistakes=_LOSS_MISTAKES
    ),
    close("q1", "hinge_naive", _scores(9, 5), name="a hidden 9×5 batch", mistakes=_LOSS_MISTAKES),
    close("q1", "hinge_naive", _scores(1, 4), name="a single sample", mistakes=_LOSS_MISTAKES),
    # q2
    close("q2", "hinge", _EXAMPLE, name="a 4×3 example", public=True, mistakes=_LOSS_MISTAKES),
    close(
        "q2",
        "hinge",
        _scores(20000, 10),
        name="20 000 samples, 10 classes",
        mistakes=_LOSS_MISTAKES,
    ),
    close("q2", "hinge", _scores(1, 6), name="a single sample", mistakes=_LOSS_MISTAKES),
    # q3
    close(
        "q3", "hinge_grad", _EXAMPLE, name="a 4×3 example", public=True, mistakes=_GRAD_MISTAKES
    ),
    gradient(
        "q3",
        "hinge",
        "hinge_grad",
        _scores(5, 4),
        name="agrees with a numerical gradient of the hinge loss",
    ),
    close(
        "q3",
        "hinge_grad",
        _scores(15, 6, labels=4),
        name="a class that never appears among the labels",
        mistakes=_GRAD_MISTAKES,
    ),
    close("q3", "hinge_grad", _scores(1, 5), name="a single sample", mistakes=_GRAD_MISTAKES),
    # q4
    close(
        "q4",
        "svm_loss",
        _svm(6, 3, 4),
        name="6 samples, 3 features, 4 classes",
        public=True,
        mistakes=_SVM_MISTAKES,
    ),
    close(
        "q4",
        "svm_loss",
        _svm(20, 5, 3, reg=0.5),
        name="a hidden problem, λ = 0.5",
        mistakes=_SVM_MISTAKES,
    ),
    close(
        "q4",
        "svm_loss",
        _svm(7, 2, 3, reg=0.0),
        name="λ = 0: the plain hinge loss",
        mistakes=_SVM_MISTAKES,
    ),
    # q5
    close(
        "q5",
        "svm_grad_W",
        _svm(6, 3, 4),
        name="dJ/dW on the public problem",
        points=0.5,
        public=True,
        mistakes=_GW_MISTAKES,
    ),
    close(
        "q5",
        "svm_grad_b",
        _svm(6, 3, 4),
        name="dJ/db on the public problem",
        points=0.5,
        public=True,
        mistakes=_GB_MISTAKES,
    ),
    close(
        "q5",
        "svm_grad_W",
        _svm(11, 4, 3, reg=0.2),
        name="dJ/dW on a hidden problem",
        mistakes=_GW_MISTAKES,
    ),
    gradient(
        "q5",
        "svm_loss",
        "svm_grad_W",
        _svm(10, 3, 4, reg=0.3),
        name="dJ/dW agrees with a numerical gradient of the SVM loss",
    ),
    close(
        "q5",
        "svm_grad_b",
        _svm(12, 4, 3, reg=0.3),
        name="dJ/db on a hidden problem",
        mistakes=_GB_MISTAKES,
    ),
]
