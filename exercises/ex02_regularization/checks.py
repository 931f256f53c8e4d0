"""Checks of exercise 2: soft-thresholding, ISTA, and λ_max for the lasso.

The reference answers come from the solution code; ``tests/test_exercises.py`` checks that code
against independent references: a brute-force minimization of ½(w − x)² + t|w| on a grid
(:func:`brute_force`) and, on an orthogonal design (XᵀX/N = I), the lasso's closed form
S_λ(Xᵀy/N). Zeros must be exact (``atol=0``).
"""

import numpy as np

from course_utils.grading import Question, Written, close

QUESTIONS = [
    Question("q1", "Soft-thresholding", points=3),
    Question("q2", "One ISTA step", points=3),
    Question("q3", "ISTA", points=3),
    Question("q4", "The smallest λ with an all-zero solution", points=2),
]

# The library's own answers: a submission may not import them (enforced in the sandbox).
FORBIDDEN_IMPORTS = dict.fromkeys(
    ["course_utils.regularization", "course_utils.optim"],
    "soft-thresholding and ISTA",
)

WRITTEN = [
    Written("W1", "Why the lasso gives exact zeros and ridge does not"),
]

HARD = "that is hard thresholding (keep x or set 0); soft-thresholding also shrinks by t."
NO_SIGN = "the sign is lost: negative entries must stay negative, sign(x)·max(|x| − t, 0)."
NO_CLIP = "entries with |x| ≤ t must become exactly 0; x − t·sign(x) overshoots past zero."
STEP_OFF = "the threshold is off by the step size: soft-threshold at step·λ, not λ."
GRAD_NO_N = "the gradient of f is Xᵀ(Xw − y)/N; the 1/N is missing."
ORDER = "you thresholded before the gradient step; ISTA takes the gradient step, then thresholds."
RIDGE = (
    "that shrinks like ridge (divide by 1 + step·λ); the lasso's proximal step soft-thresholds."
)
LMAX_NO_N = "λ_max = max_j |Xᵀy|_j / N; the 1/N is missing."
LMAX_NORM = "λ_max is the largest |(Xᵀy)_j|/N, not the Euclidean norm of Xᵀy/N."


def _st(x, t):
    return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)


def brute_force(x, t):
    """argmin_w ½(w − x)² + t|w| on a grid containing 0 (an independent reference)."""
    grid = np.linspace(-6.0, 6.0, 120001)
    return np.array([grid[np.argmin(0.5 * (grid - xi) ** 2 + t * np.abs(grid))] for xi in x])


def _problem(n, d, lam=0.1, step=0.5):
    def make(rng):
        X = rng.normal(size=(n, d))
        w_true = np.where(rng.random(d) < 0.5, 0.0, 2.0 * rng.normal(size=d))
        return rng.normal(size=d), X, X @ w_true + 0.3 * rng.normal(size=n), lam, step

    return make


def orthogonal(n, d, lam):
    def make(rng):
        q, _ = np.linalg.qr(rng.normal(size=(n, d)))
        X = np.sqrt(n) * q  # XᵀX/N = I: the lasso solution is S_λ(Xᵀy/N)
        y = X @ np.array([3.0, -2.0, 0.05, 0.0, 1.0, -0.02][:d]) + 0.1 * rng.normal(size=n)
        return X, y, lam, 1.0, 30

    return make


def _grad(w, X, y):
    return X.T @ (X @ w - y) / X.shape[0]


_ST_MISTAKES = {
    HARD: lambda x, t: np.where(np.abs(x) > t, x, 0.0),
    NO_SIGN: lambda x, t: np.maximum(np.abs(x) - t, 0.0),
    NO_CLIP: lambda x, t: x - t * np.sign(x),
}
_STEP_MISTAKES = {
    STEP_OFF: lambda w, X, y, lam, s: _st(w - s * _grad(w, X, y), lam),
    GRAD_NO_N: lambda w, X, y, lam, s: _st(w - s * X.T @ (X @ w - y), s * lam),
    ORDER: lambda w, X, y, lam, s: _st(w, s * lam) - s * _grad(w, X, y),
    RIDGE: lambda w, X, y, lam, s: (w - s * _grad(w, X, y)) / (1.0 + s * lam),
}


def _run(update):
    def ista(X, y, lam, step, n_iter):
        w = np.zeros(X.shape[1])
        for _ in range(n_iter):
            w = update(w, X, y, lam, step)
        return w

    return ista


_ISTA_MISTAKES = {sentence: _run(update) for sentence, update in _STEP_MISTAKES.items()}
_LMAX_MISTAKES = {
    LMAX_NO_N: lambda X, y: float(np.max(np.abs(X.T @ y))),
    LMAX_NORM: lambda X, y: float(np.linalg.norm(X.T @ y) / X.shape[0]),
}

_X = np.array([-2.0, -0.5, 0.0, 0.3, 1.0, 2.5])
_X_HIDDEN = np.array([-3.7, -1.2, -0.8, 0.79, 0.81, 4.1])

CHECKS = [
    # q1
    close(
        "q1",
        "soft_threshold",
        (_X, 1.0),
        name="six numbers at t = 1",
        public=True,
        atol=0.0,
        mistakes=_ST_MISTAKES,
    ),
    close(
        "q1",
        "soft_threshold",
        lambda rng: (rng.normal(size=(4, 5)), 0.7),
        name="a 4×5 array, exact zeros inside [−t, t]",
        atol=0.0,
        mistakes=_ST_MISTAKES,
    ),
    close(
        "q1",
        "soft_threshold",
        (_X_HIDDEN, 0.8),
        name="hidden numbers close to ±t",
        atol=0.0,
        mistakes=_ST_MISTAKES,
    ),
    # q2
    close(
        "q2",
        "ista_step",
        _problem(8, 3),
        name="one step on a small problem",
        public=True,
        mistakes=_STEP_MISTAKES,
    ),
    close(
        "q2",
        "ista_step",
        _problem(30, 6, lam=0.4, step=0.2),
        name="one step, λ = 0.4, step 0.2",
        atol=0.0,
        mistakes=_STEP_MISTAKES,
    ),
    close(
        "q2",
        "ista_step",
        _problem(1, 4, lam=0.2, step=0.1),
        name="a single sample",
        mistakes=_STEP_MISTAKES,
    ),
    # q3
    close(
        "q3",
        "ista",
        lambda rng: (*_problem(20, 4)(rng)[1:4], 0.1, 25),
        name="25 steps on a small problem",
        public=True,
        mistakes=_ISTA_MISTAKES,
    ),
    close(
        "q3",
        "ista",
        orthogonal(40, 6, 0.5),
        name="orthogonal design: the closed form S_λ(Xᵀy/N), exact zeros",
        atol=0.0,
        mistakes=_ISTA_MISTAKES,
    ),
    close(
        "q3",
        "ista",
        lambda rng: (*_problem(50, 8, lam=0.3)(rng)[1:4], 0.05, 200),
        name="200 steps on a hidden problem",
        mistakes=_ISTA_MISTAKES,
    ),
    # q4
    close(
        "q4",
        "lambda_max",
        lambda rng: _problem(10, 3)(rng)[1:3],
        name="a small problem",
        public=True,
        mistakes=_LMAX_MISTAKES,
    ),
    close(
        "q4",
        "lambda_max",
        lambda rng: _problem(40, 7)(rng)[1:3],
        name="a hidden problem",
        mistakes=_LMAX_MISTAKES,
    ),
]
