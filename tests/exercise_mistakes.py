"""The catalogue of typical wrong answers, as code a student could have written.

Each entry names the question it is about, a fragment of the feedback sentence the grader must
give (from that exercise's ``checks.py``) and the wrong code. The tests grade one submission per
entry and assert that the question loses points and the sentence reaches the student.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    question: str
    message: str  # a fragment of the feedback sentence
    code: str  # a cell redefining the function(s) concerned
    generic: bool = False  # the message is the grader's own (an overflow), not a checks.py one


EX01 = [
    Mistake(
        "q1",
        "summed over the entries",
        "def mse(pred, target):\n    return float(np.sum((pred - target) ** 2))",
    ),
    Mistake(
        "q1",
        "instead of its square",
        "def mse(pred, target):\n    return float(np.mean(np.abs(pred - target)))",
    ),
    Mistake(
        "q1",
        "number of rows only",
        "def mse(pred, target):\n    return float(np.sum((pred - target) ** 2) / len(pred))",
    ),
    Mistake(
        "q2",
        "forget the 1/n",
        "def mse_grad(pred, target):\n    return 2.0 * (pred - target)",
    ),
    Mistake(
        "q2",
        "factor 2",
        "def mse_grad(pred, target):\n    return (pred - target) / pred.size",
    ),
    Mistake(
        "q2",
        "sign is flipped",
        "def mse_grad(pred, target):\n    return 2.0 * (target - pred) / pred.size",
    ),
    Mistake(
        "q3",
        "mean of the squares",
        "def mae(pred, target):\n    return float(np.mean((pred - target) ** 2))",
    ),
    Mistake(
        "q3",
        "absolute value is missing",
        "def mae(pred, target):\n    return float(np.mean(pred - target))",
    ),
    Mistake(
        "q3",
        "1/n of the mean in the MAE",
        "def mae_grad(pred, target):\n    return np.sign(pred - target)",
    ),
    Mistake(
        "q3",
        "asks for 0 there",
        "def mae_grad(pred, target):\n    return np.where(pred >= target, 1.0, -1.0) / pred.size",
    ),
    Mistake(
        "q4",
        "Huber uses ½·r²",
        "def huber(pred, target, delta=1.0):\n"
        "    r = np.abs(pred - target)\n"
        "    return float(np.mean(np.where(r <= delta, r**2, delta * (r - delta / 2))))",
    ),
    Mistake(
        "q4",
        "linear part is δ·|r|",
        "def huber(pred, target, delta=1.0):\n"
        "    r = np.abs(pred - target)\n"
        "    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * r)))",
    ),
    Mistake(
        "q4",
        "gradient is not clipped",
        "def huber_grad(pred, target, delta=1.0):\n    return (pred - target) / pred.size",
    ),
    Mistake(
        "q4",
        "1/n of the mean in the Huber",
        "def huber_grad(pred, target, delta=1.0):\n"
        "    return np.clip(pred - target, -delta, delta)",
    ),
]

_SIG = "def _sig(z):\n    return 1.0 / (1.0 + np.exp(-z))\n"
_LSM = (
    "def _lsm(Z):\n"
    "    m = Z.max(axis=1, keepdims=True)\n"
    "    return Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))\n"
)
EX03 = [
    Mistake(
        "q1",
        "you clipped the probabilities",
        _SIG + "def bce_with_logits(z, y):\n"
        "    p = np.clip(_sig(z), 1e-7, 1 - 1e-7)\n"
        "    return float(np.mean(-y * np.log(p) - (1 - y) * np.log(1 - p)))",
    ),
    Mistake(
        "q1",
        "formula for labels ±1",
        "def bce_with_logits(z, y):\n    return float(np.mean(np.log1p(np.exp(-y * z))))",
    ),
    Mistake(
        "q1",
        "summed over the samples",
        "def bce_with_logits(z, y):\n"
        "    return float(np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))",
    ),
    Mistake(
        "q1",
        "use a numerically stable form",
        _SIG + "def bce_with_logits(z, y):\n"
        "    return float(np.mean(-y * np.log(_sig(z)) - (1 - y) * np.log(1 - _sig(z))))",
        generic=True,
    ),
    Mistake(
        "q2",
        "1/N of the mean",
        _SIG + "def bce_with_logits_grad(z, y):\n    return _sig(z) - y",
    ),
    Mistake(
        "q2",
        "sign is flipped",
        _SIG + "def bce_with_logits_grad(z, y):\n    return (y - _sig(z)) / len(z)",
    ),
    Mistake(
        "q2",
        "σ'(z) = σ(1 − σ) once more",
        _SIG + "def bce_with_logits_grad(z, y):\n"
        "    s = _sig(z)\n    return (s - y) * s * (1 - s) / len(z)",
    ),
    Mistake(
        "q3",
        "normalised each column",
        "def log_softmax(Z):\n"
        "    m = Z.max(axis=0, keepdims=True)\n"
        "    return Z - m - np.log(np.exp(Z - m).sum(axis=0, keepdims=True))",
    ),
    Mistake(
        "q3",
        "did not add it back",
        "def log_softmax(Z):\n"
        "    e = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
        "    return Z - np.log(e.sum(axis=1, keepdims=True))",
    ),
    Mistake(
        "q3",
        "over the whole array",
        "def log_softmax(Z):\n    return Z - Z.max() - np.log(np.exp(Z - Z.max()).sum())",
    ),
    Mistake(
        "q3",
        "use a numerically stable form",
        "def log_softmax(Z):\n    return np.log(np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))",
        generic=True,
    ),
    Mistake(
        "q4",
        "averaged over classes",
        _LSM + "def softmax_cross_entropy(Z, y):\n"
        "    return float(-np.mean(np.eye(Z.shape[1])[y] * _lsm(Z)))",
    ),
    Mistake(
        "q4",
        "summed over the samples",
        _LSM + "def softmax_cross_entropy(Z, y):\n"
        "    return float(-np.sum(_lsm(Z)[np.arange(len(y)), y]))",
    ),
    Mistake(
        "q4",
        "sign is flipped",
        _LSM + "def softmax_cross_entropy(Z, y):\n"
        "    return float(np.mean(_lsm(Z)[np.arange(len(y)), y]))",
    ),
    Mistake(
        "q5",
        "1/N of the mean",
        _LSM + "def softmax_cross_entropy_grad(Z, y):\n"
        "    return np.exp(_lsm(Z)) - np.eye(Z.shape[1])[y]",
    ),
    Mistake(
        "q5",
        "divided by N·C",
        _LSM + "def softmax_cross_entropy_grad(Z, y):\n"
        "    return (np.exp(_lsm(Z)) - np.eye(Z.shape[1])[y]) / Z.size",
    ),
    Mistake(
        "q5",
        "subtract the one-hot",
        _LSM + "def softmax_cross_entropy_grad(Z, y):\n    return np.exp(_lsm(Z)) / len(y)",
    ),
]

_MARGINS = (
    "def _margins(S, y):\n"
    "    n = S.shape[0]\n"
    "    m = np.maximum(0.0, S - S[np.arange(n), y][:, None] + 1.0)\n"
    "    m[np.arange(n), y] = 0.0\n"
    "    return m\n"
)
EX05 = [
    Mistake(
        "q1",
        "forgot to zero the correct class",
        "def hinge_naive(S, y):\n"
        "    total = 0.0\n"
        "    for i in range(S.shape[0]):\n"
        "        for j in range(S.shape[1]):\n"
        "            total += max(0.0, S[i, j] - S[i, y[i]] + 1.0)\n"
        "    return total / S.shape[0]",
    ),
    Mistake(
        "q1",
        "averaged over classes",
        "def hinge_naive(S, y):\n"
        "    total = 0.0\n"
        "    for i in range(S.shape[0]):\n"
        "        for j in range(S.shape[1]):\n"
        "            if j != y[i]:\n"
        "                total += max(0.0, S[i, j] - S[i, y[i]] + 1.0)\n"
        "    return total / S.size",
    ),
    Mistake(
        "q2",
        "forgot to zero the correct class",
        "def hinge(S, y):\n"
        "    n = S.shape[0]\n"
        "    return float(np.maximum(0, S - S[np.arange(n), y][:, None] + 1).sum() / n)",
    ),
    Mistake(
        "q2",
        "largest violation",
        _MARGINS + "def hinge(S, y):\n    return float(_margins(S, y).max(axis=1).mean())",
    ),
    Mistake(
        "q2",
        "summed over the samples",
        _MARGINS + "def hinge(S, y):\n    return float(_margins(S, y).sum())",
    ),
    Mistake(
        "q3",
        "1/N of the mean",
        _MARGINS + "def hinge_grad(S, y):\n"
        "    a = (_margins(S, y) > 0).astype(float)\n"
        "    a[np.arange(len(y)), y] = -a.sum(axis=1)\n"
        "    return a",
    ),
    Mistake(
        "q3",
        "correct-class column is missing",
        _MARGINS + "def hinge_grad(S, y):\n    return (_margins(S, y) > 0) / len(y)",
    ),
    Mistake(
        "q3",
        "one too many",
        "def hinge_grad(S, y):\n"
        "    n = S.shape[0]\n"
        "    a = (S - S[np.arange(n), y][:, None] + 1.0 > 0).astype(float)\n"
        "    count = a.sum(axis=1)\n"
        "    a[np.arange(n), y] = -count\n"
        "    return a / n",
    ),
    Mistake(
        "q4",
        "penalized the bias too",
        "def svm_loss(W, b, X, y, reg):\n"
        "    return hinge(X @ W + b, y) + reg * (np.sum(W**2) + np.sum(b**2))",
    ),
    Mistake(
        "q4",
        "not λ·‖W‖",
        "def svm_loss(W, b, X, y, reg):\n    return hinge(X @ W + b, y) + reg * np.linalg.norm(W)",
    ),
    Mistake(
        "q4",
        "penalty λ·‖W‖² is missing",
        "def svm_loss(W, b, X, y, reg):\n    return hinge(X @ W + b, y)",
    ),
    Mistake(
        "q5",
        "factor 2 is missing",
        "def svm_grad_W(W, b, X, y, reg):\n    return X.T @ hinge_grad(X @ W + b, y) + reg * W",
    ),
    Mistake(
        "q5",
        "dJ/db has no 2λb term",
        "def svm_grad_b(W, b, X, y, reg):\n"
        "    return hinge_grad(X @ W + b, y).sum(axis=0) + 2 * reg * b",
    ),
    Mistake(
        "q5",
        "you averaged them again",
        "def svm_grad_b(W, b, X, y, reg):\n    return hinge_grad(X @ W + b, y).mean(axis=0)",
    ),
]

_GRAD = "def _grad(w, X, y):\n    return X.T @ (X @ w - y) / X.shape[0]\n"
EX02 = [
    Mistake(
        "q1",
        "hard thresholding",
        "def soft_threshold(x, t):\n    return np.where(np.abs(x) > t, x, 0.0)",
    ),
    Mistake(
        "q1",
        "the sign is lost",
        "def soft_threshold(x, t):\n    return np.maximum(np.abs(x) - t, 0.0)",
    ),
    Mistake(
        "q1",
        "overshoots past zero",
        "def soft_threshold(x, t):\n    return x - t * np.sign(x)",
    ),
    Mistake(
        "q2",
        "off by the step size",
        _GRAD + "def ista_step(w, X, y, lam, step):\n"
        "    return soft_threshold(w - step * _grad(w, X, y), lam)",
    ),
    Mistake(
        "q2",
        "the 1/N is missing",
        "def ista_step(w, X, y, lam, step):\n"
        "    return soft_threshold(w - step * X.T @ (X @ w - y), step * lam)",
    ),
    Mistake(
        "q2",
        "thresholded before the gradient step",
        _GRAD + "def ista_step(w, X, y, lam, step):\n"
        "    return soft_threshold(w, step * lam) - step * _grad(w, X, y)",
    ),
    Mistake(
        "q3",
        "off by the step size",
        _GRAD + "def ista(X, y, lam, step, n_iter):\n"
        "    w = np.zeros(X.shape[1])\n"
        "    for _ in range(n_iter):\n"
        "        w = soft_threshold(w - step * _grad(w, X, y), lam)\n"
        "    return w",
    ),
    Mistake(
        "q3",
        "shrinks like ridge",
        _GRAD + "def ista(X, y, lam, step, n_iter):\n"
        "    w = np.zeros(X.shape[1])\n"
        "    for _ in range(n_iter):\n"
        "        w = (w - step * _grad(w, X, y)) / (1.0 + step * lam)\n"
        "    return w",
    ),
    Mistake(
        "q4",
        "the 1/N is missing",
        "def lambda_max(X, y):\n    return float(np.max(np.abs(X.T @ y)))",
    ),
    Mistake(
        "q4",
        "not the Euclidean norm",
        "def lambda_max(X, y):\n    return float(np.linalg.norm(X.T @ y) / len(y))",
    ),
]


def _numgrad(body: str) -> str:
    return (
        "def numerical_gradient(f, x, h=1e-5):\n"
        "    grad = np.zeros_like(x, dtype=float)\n"
        "    for i in np.ndindex(x.shape):\n" + body + "    return grad"
    )


def _sgd(order_first: str, order_each: str, stop: str, scale: str) -> str:
    return (
        "def sgd(X, y, lr, batch_size, n_epochs, seed):\n"
        "    rng = np.random.default_rng(seed)\n"
        "    w = np.zeros(X.shape[1])\n"
        f"    order = {order_first}\n"
        "    for _ in range(n_epochs):\n"
        f"        order = {order_each}\n"
        f"        for start in range(0, {stop}, batch_size):\n"
        "            idx = order[start : start + batch_size]\n"
        f"            w = w - lr * linreg_grad(w, X[idx], y[idx]){scale}\n"
        "    return w"
    )


EX06 = [
    Mistake(
        "q1",
        "one-sided difference",
        _numgrad(
            "        old = x[i]\n        base = f(x)\n        x[i] = old + h\n"
            "        grad[i] = (f(x) - base) / h\n        x[i] = old\n"
        ),
    ),
    Mistake(
        "q1",
        "you divided by h",
        _numgrad(
            "        old = x[i]\n        x[i] = old + h\n        plus = f(x)\n"
            "        x[i] = old - h\n        minus = f(x)\n        x[i] = old\n"
            "        grad[i] = (plus - minus) / h\n"
        ),
    ),
    Mistake(
        "q1",
        "were not undone",
        _numgrad(
            "        old = x[i]\n        x[i] = old + h\n        plus = f(x)\n"
            "        x[i] = old - h\n        minus = f(x)\n"
            "        grad[i] = (plus - minus) / (2 * h)\n"
        ),
    ),
    Mistake(
        "q2",
        "that is the absolute error",
        "def relative_error(a, b):\n    return float(np.max(np.abs(a - b)))",
    ),
    Mistake(
        "q2",
        "you divided by |a| only",
        "def relative_error(a, b):\n"
        "    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-12)))",
    ),
    Mistake(
        "q2",
        "you averaged over the entries",
        "def relative_error(a, b):\n"
        "    return float(np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))",
    ),
    Mistake(
        "q3",
        "1/B of the batch mean",
        "def linreg_grad(w, X, y):\n    return 2.0 * X.T @ (X @ w - y)",
    ),
    Mistake(
        "q3",
        "factor 2",
        "def linreg_grad(w, X, y):\n    return X.T @ (X @ w - y) / len(y)",
    ),
    Mistake(
        "q3",
        "sign is flipped",
        "def linreg_grad(w, X, y):\n    return 2.0 * X.T @ (y - X @ w) / len(y)",
    ),
    Mistake(
        "q4",
        "you shuffled once",
        _sgd("rng.permutation(len(y))", "order", "len(y)", ""),
    ),
    Mistake(
        "q4",
        "you did not shuffle",
        _sgd("np.arange(len(y))", "order", "len(y)", ""),
    ),
    Mistake(
        "q4",
        "shorter batch was dropped",
        _sgd("None", "rng.permutation(len(y))", "len(y) - batch_size + 1", ""),
    ),
    Mistake(
        "q4",
        "not over all N samples",
        _sgd("None", "rng.permutation(len(y))", "len(y)", " * len(idx) / len(y)"),
    ),
]

EX04 = [
    Mistake(
        "q1", "that is the median", "def best_constant_l2(y):\n    return float(np.median(y))"
    ),
    Mistake(
        "q1",
        "midpoint of the range",
        "def best_constant_l2(y):\n    return float((np.min(y) + np.max(y)) / 2)",
    ),
    Mistake("q2", "that is the mean", "def best_constant_l1(y):\n    return float(np.mean(y))"),
    Mistake(
        "q2",
        "lower middle value",
        "def best_constant_l1(y):\n    return float(np.sort(y)[(len(y) - 1) // 2])",
    ),
    Mistake(
        "q2",
        "without sorting",
        "def best_constant_l1(y):\n    return float(y[len(y) // 2])",
    ),
    Mistake(
        "q3",
        "summed over the sample",
        "def constant_risk(c, y, p):\n"
        "    return np.sum(np.abs(y[None, :] - c[:, None]) ** p, axis=1)",
    ),
    Mistake(
        "q3",
        "absolute value is missing",
        "def constant_risk(c, y, p):\n    return np.mean((y[None, :] - c[:, None]) ** p, axis=1)",
    ),
    Mistake(
        "q3",
        "averaged over the candidates",
        "def constant_risk(c, y, p):\n"
        "    return np.mean(np.abs(y[None, :] - c[:, None]) ** p, axis=0)",
    ),
    Mistake(
        "q4",
        "interpolates between sample values",
        "def best_constant_pinball(y, tau):\n    return float(np.quantile(y, tau))",
    ),
    Mistake(
        "q4",
        "you used 1 − τ",
        "def best_constant_pinball(y, tau):\n"
        "    s = np.sort(y)\n"
        "    k = int(np.ceil((1 - tau) * len(s) - 1e-12))\n"
        "    return float(s[max(k, 1) - 1])",
    ),
    Mistake(
        "q5",
        "square the magnitudes",
        "def high_frequency_energy(images, cutoff):\n"
        "    h, w = images.shape[-2:]\n"
        "    r = np.hypot(np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :])\n"
        "    s = np.abs(np.fft.fft2(images))\n"
        "    return s[..., r > cutoff].sum(axis=-1) / (h * w) ** 2",
    ),
    Mistake(
        "q5",
        "divide the sum by (H·W)²",
        "def high_frequency_energy(images, cutoff):\n"
        "    h, w = images.shape[-2:]\n"
        "    r = np.hypot(np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :])\n"
        "    s = np.abs(np.fft.fft2(images)) ** 2\n"
        "    return s[..., r > cutoff].sum(axis=-1) / 1.0",
    ),
    Mistake(
        "q5",
        "not H·W",
        "def high_frequency_energy(images, cutoff):\n"
        "    h, w = images.shape[-2:]\n"
        "    r = np.hypot(np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :])\n"
        "    s = np.abs(np.fft.fft2(images)) ** 2\n"
        "    return s[..., r > cutoff].sum(axis=-1) / (h * w)",
    ),
    Mistake(
        "q5",
        "kept the frequencies below the cutoff",
        "def high_frequency_energy(images, cutoff):\n"
        "    h, w = images.shape[-2:]\n"
        "    r = np.hypot(np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :])\n"
        "    s = np.abs(np.fft.fft2(images)) ** 2\n"
        "    return s[..., r <= cutoff].sum(axis=-1) / (h * w) ** 2",
    ),
    Mistake(
        "q5",
        "over both axes",
        "def high_frequency_energy(images, cutoff):\n"
        "    h, w = images.shape[-2:]\n"
        "    r = np.abs(np.fft.fftfreq(w))[None, :] + 0 * np.fft.fftfreq(h)[:, None]\n"
        "    s = np.abs(np.fft.fft2(images)) ** 2\n"
        "    return s[..., r > cutoff].sum(axis=-1) / (h * w) ** 2",
    ),
]

_BACKWARD = (
    "def backward(X, y, W1, b1, W2, b2):\n"
    "    Z1 = X @ W1 + b1\n"
    "    H = np.maximum(Z1, 0.0)\n"
    "    S = H @ W2 + b2\n"
    "    P = np.exp(S - S.max(axis=1, keepdims=True))\n"
    "    P /= P.sum(axis=1, keepdims=True)\n"
    "    P[np.arange(len(y)), y] -= 1.0\n"
    "    G = P / len(y)\n"
    "    dZ1 = (G @ W2.T) * LOCAL\n"
    "    return X.T @ dZ1, dZ1.sum(axis=0), DW2, DB2"
)


def _backward(local: str = "(Z1 > 0)", dw2: str = "H.T @ G", db2: str = "G.sum(axis=0)") -> str:
    return _BACKWARD.replace("LOCAL", local).replace("DW2", dw2).replace("DB2", db2)


def _train(update: str) -> str:
    return (
        "def train(X, y, n_classes, hidden, lr, n_steps, seed):\n"
        "    rng = np.random.default_rng(seed)\n"
        "    D = X.shape[1]\n"
        "    W1 = rng.normal(size=(D, hidden)) * np.sqrt(2 / D)\n"
        "    W2 = rng.normal(size=(hidden, n_classes)) * np.sqrt(1 / hidden)\n"
        "    b1, b2 = np.zeros(hidden), np.zeros(n_classes)\n"
        "    for _ in range(n_steps):\n"
        "        dW1, db1, dW2, db2 = backward(X, y, W1, b1, W2, b2)\n"
        f"        {update}\n"
        "    return W1, b1, W2, b2"
    )


EX07 = [
    Mistake(
        "q1",
        "the ReLU is missing",
        "def forward(X, W1, b1, W2, b2):\n    return (X @ W1 + b1) @ W2 + b2",
    ),
    Mistake(
        "q1",
        "to the logits too",
        "def forward(X, W1, b1, W2, b2):\n"
        "    return np.maximum(np.maximum(X @ W1 + b1, 0) @ W2 + b2, 0)",
    ),
    Mistake(
        "q1",
        "hidden bias b₁ is not added",
        "def forward(X, W1, b1, W2, b2):\n    return np.maximum(X @ W1, 0) @ W2 + b2",
    ),
    Mistake(
        "q2",
        "summed over the samples",
        "def net_loss(X, y, W1, b1, W2, b2):\n"
        "    S = forward(X, W1, b1, W2, b2)\n"
        "    m = S.max(axis=1, keepdims=True)\n"
        "    logp = S - m - np.log(np.exp(S - m).sum(axis=1, keepdims=True))\n"
        "    return float(-np.sum(logp[np.arange(len(y)), y]))",
    ),
    Mistake(
        "q2",
        "averaged over classes",
        "def net_loss(X, y, W1, b1, W2, b2):\n"
        "    S = forward(X, W1, b1, W2, b2)\n"
        "    m = S.max(axis=1, keepdims=True)\n"
        "    logp = S - m - np.log(np.exp(S - m).sum(axis=1, keepdims=True))\n"
        "    return float(-np.mean(np.eye(S.shape[1])[y] * logp))",
    ),
    Mistake(
        "q2",
        "use a numerically stable form",
        "def net_loss(X, y, W1, b1, W2, b2):\n"
        "    S = forward(X, W1, b1, W2, b2)\n"
        "    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)\n"
        "    return float(-np.mean(np.log(P[np.arange(len(y)), y])))",
        generic=True,
    ),
    Mistake("q3", "pre-activation Z₁", _backward(dw2="Z1.T @ G")),
    Mistake("q3", "you averaged them again", _backward(db2="G.mean(axis=0)")),
    Mistake("q4", "ReLU's gradient is missing", _backward(local="1.0")),
    Mistake("q4", "instead of the ReLU's derivative", _backward(local="H")),
    Mistake(
        "q5",
        "the biases never change",
        _train("W1, W2 = W1 - lr * dW1, W2 - lr * dW2"),
    ),
    Mistake(
        "q5",
        "you added the gradient",
        _train("W1, b1, W2, b2 = W1 + lr * dW1, b1 + lr * db1, W2 + lr * dW2, b2 + lr * db2"),
    ),
]

MISTAKES: dict[str, list[Mistake]] = {
    "ex01_losses": EX01,
    "ex02_regularization": EX02,
    "ex03_cross_entropy": EX03,
    "ex04_l2_blur": EX04,
    "ex05_hinge_loss": EX05,
    "ex06_gradient_descent": EX06,
    "ex07_network": EX07,
}
