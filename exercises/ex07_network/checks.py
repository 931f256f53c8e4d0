"""Checks of exercise 7: forward, loss, backward and training of a two-layer ReLU network.

Gradients are checked per parameter by picking one item of the tuple (or list) ``backward``
returns (``item=``, in the grader), against the reference and against a numerical gradient of
the reference loss. Training is judged by properties, so any order of the random draws passes:
the public example follows the recipe (W₂ drawn before W₁ is accepted too); the hidden checks
replay full-batch gradient steps from the student's own starting weights, and score the trained
weights on fresh test points with the GRADER's forward pass (the student's ``forward`` is not
used, and the test points and labels, drawn from the exercise's secret, never leave the grader).
"""

import numpy as np

from course_utils.grading import Question, Written, close, evaluate, gradient

QUESTIONS = [
    Question("q1", "Forward pass", points=3),
    Question("q2", "The loss", points=3),
    Question("q3", "Backpropagation: output layer", points=4),
    Question("q4", "Backpropagation: hidden layer", points=4),
    Question("q5", "Training to a target accuracy", points=4),
]

# The library's own answers: a submission may not import them (enforced in the sandbox).
FORBIDDEN_IMPORTS = dict.fromkeys(
    [
        "course_utils.nn",
        "course_utils.neuron",
        "course_utils.losses",
        "course_utils.optim",
        "course_utils.gradcheck",
    ],
    "the network, its loss and backpropagation",
)

WRITTEN = [
    Written("W1", "The network without its ReLU"),
    Written("W2", "Training from all-zero weights"),
]

NO_RELU = "the ReLU is missing: the hidden layer is max(XW₁ + b₁, 0)."
RELU_OUT = "you applied the ReLU to the logits too; only the hidden layer has one."
NO_B1 = "the hidden bias b₁ is not added."
LOSS_SUM = "it looks like you summed over the samples instead of averaging."
LOSS_CLASSES = "it looks like you averaged over classes as well as samples; average over samples."
DW2_NO_N = "did you forget the 1/N of the mean? G = (softmax − Y)/N."
DW2_PRE = "you used the pre-activation Z₁ for dW₂; it is Hᵀ G with H = max(Z₁, 0)."
DB2_MEAN = "db₂ sums the rows of G (the 1/N is already inside G); you averaged them again."
NO_MASK = "the ReLU's gradient is missing: multiply by 1[Z₁ > 0] before going to W₁ and b₁."
TIMES_H = "you multiplied by H = max(Z₁, 0) instead of the ReLU's derivative 1[Z₁ > 0]."
NO_BIAS_UPDATE = "the biases never change: update b₁ and b₂ as well."
ASCENT = "you added the gradient; gradient descent subtracts it (param − lr·grad)."
NOT_STEPS = (
    "after 3 steps your weights are not 3 full-batch gradient steps (param − lr·grad of"
    " net_loss, every parameter at once) from the weights your train returns for 0 steps."
)
BAD_INIT = (
    "with 0 steps your train should return the starting weights: W₁ (D, hidden) and W₂"
    " (hidden, C) drawn from rng, b₁ and b₂ zeros."
)


def _rings(n, rng):
    radius = rng.uniform(0.0, 3.0, n)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return X + 0.1 * rng.normal(size=(n, 2)), np.minimum(radius.astype(int), 2)


def _lsm(S):
    m = S.max(axis=1, keepdims=True)
    return S - m - np.log(np.exp(S - m).sum(axis=1, keepdims=True))


def _parts(X, y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    H = np.maximum(Z1, 0.0)
    P = np.exp(_lsm(H @ W2 + b2))
    P[np.arange(len(y)), y] -= 1.0
    return Z1, H, P / len(y)


def _backward(X, y, W1, b1, W2, b2, mask="relu"):
    Z1, H, G = _parts(X, y, W1, b1, W2, b2)
    local = {"relu": Z1 > 0, "none": 1.0, "h": H}[mask]
    dZ1 = (G @ W2.T) * local
    return X.T @ dZ1, dZ1.sum(axis=0), H.T @ G, G.sum(axis=0)


def _params(n, d, k, c):
    def make(rng):
        return (
            rng.normal(size=(n, d)),
            rng.integers(0, c, size=n),
            rng.normal(size=(d, k)),
            0.5 * rng.normal(size=k),
            rng.normal(size=(k, c)),
            0.5 * rng.normal(size=c),
        )

    return make


def _forward_args(n, d, k, c):
    def make(rng):
        X, _, W1, b1, W2, b2 = _params(n, d, k, c)(rng)
        return X, W1, b1, W2, b2

    return make


def _big(rng):
    X, y, W1, b1, W2, b2 = _params(6, 3, 5, 4)(rng)
    return X, y, 30.0 * W1, b1, 30.0 * W2, b2  # logits in the hundreds


_FORWARD_MISTAKES = {
    NO_RELU: lambda X, W1, b1, W2, b2: (X @ W1 + b1) @ W2 + b2,
    RELU_OUT: lambda X, W1, b1, W2, b2: np.maximum(np.maximum(X @ W1 + b1, 0) @ W2 + b2, 0),
    NO_B1: lambda X, W1, b1, W2, b2: np.maximum(X @ W1, 0) @ W2 + b2,
}


def _logp(X, y, W1, b1, W2, b2):
    return _lsm(np.maximum(X @ W1 + b1, 0) @ W2 + b2)


_LOSS_MISTAKES = {
    LOSS_SUM: lambda X, y, *p: float(-np.sum(_logp(X, y, *p)[np.arange(len(y)), y])),
    LOSS_CLASSES: lambda X, y, *p: float(-np.mean(np.eye(p[2].shape[1])[y] * _logp(X, y, *p))),
}
_DW2_MISTAKES = {
    DW2_NO_N: lambda X, y, *p: _backward(X, y, *p)[2] * len(y),
    DW2_PRE: lambda X, y, *p: (X @ p[0] + p[1]).T @ _parts(X, y, *p)[2],
}
_DB2_MISTAKES = {
    DW2_NO_N: lambda X, y, *p: _backward(X, y, *p)[3] * len(y),
    DB2_MEAN: lambda X, y, *p: _backward(X, y, *p)[3] / len(y),
}
_DW1_MISTAKES = {
    NO_MASK: lambda X, y, *p: _backward(X, y, *p, mask="none")[0],
    TIMES_H: lambda X, y, *p: _backward(X, y, *p, mask="h")[0],
}
_DB1_MISTAKES = {
    NO_MASK: lambda X, y, *p: _backward(X, y, *p, mask="none")[1],
    TIMES_H: lambda X, y, *p: _backward(X, y, *p, mask="h")[1],
}


def _train(update_biases=True, sign=-1.0, w2_first=False):
    def train(X, y, n_classes, hidden, lr, n_steps, seed):
        rng = np.random.default_rng(seed)
        d = X.shape[1]
        if w2_first:
            W2 = rng.normal(size=(hidden, n_classes)) * np.sqrt(1 / hidden)
            W1 = rng.normal(size=(d, hidden)) * np.sqrt(2 / d)
        else:
            W1 = rng.normal(size=(d, hidden)) * np.sqrt(2 / d)
            W2 = rng.normal(size=(hidden, n_classes)) * np.sqrt(1 / hidden)
        b1, b2 = np.zeros(hidden), np.zeros(n_classes)
        for _ in range(n_steps):
            dW1, db1, dW2, db2 = _backward(X, y, W1, b1, W2, b2)
            W1, W2 = W1 + sign * lr * dW1, W2 + sign * lr * dW2
            if update_biases:
                b1, b2 = b1 + sign * lr * db1, b2 + sign * lr * db2
        return W1, b1, W2, b2

    return train


_TRAIN_MISTAKES = {NO_BIAS_UPDATE: _train(update_biases=False), ASCENT: _train(sign=1.0)}


def _train_args(n, n_steps, seed):
    def make(rng):
        X, y = _rings(n, rng)
        return X, y, 3, 8, 0.5, n_steps, seed

    return make


TARGET = 0.85
_ITEM = {"W1": 0, "b1": 1, "W2": 2, "b2": 3}  # position in the tuple ``backward`` returns
_STEPS = 3


def _shaped(params, d, hidden, c):
    """The four arrays ``train`` returned, as float64, or ValueError if they do not fit."""
    if len(params) != 4:
        raise ValueError("train should return four arrays")
    shapes = [(d, hidden), (hidden,), (hidden, c), (c,)]
    if [p.shape for p in params] != shapes:
        raise ValueError("train returned arrays of the wrong shapes")
    return [p.astype(np.float64) for p in params]


def steps_plan(rng):
    """Train 0 and 3 steps from the same seed on 60 fresh ring points (8 hidden units)."""
    X, y = _rings(60, rng)
    seed = int(rng.integers(1000))
    calls = [("train", (X, y, 3, 8, 0.5, n, seed)) for n in (0, _STEPS)]
    return calls, (X, y)


def steps(outputs, X, y):
    """1.0 when the 3-step weights are 3 gradient steps from the 0-step ones; else the cause."""
    start = _shaped(outputs[0], X.shape[1], 8, 3)
    end = _shaped(outputs[1], X.shape[1], 8, 3)
    if np.any(start[1] != 0) or np.any(start[3] != 0) or not np.all(np.isfinite(start[0])):
        return BAD_INIT
    for cause, sign, biases in (
        (None, -1.0, True),
        (NO_BIAS_UPDATE, -1.0, False),
        (ASCENT, 1, True),
    ):
        W1, b1, W2, b2 = start
        for _ in range(_STEPS):
            dW1, db1, dW2, db2 = _backward(X, y, W1, b1, W2, b2)
            W1, W2 = W1 + sign * 0.5 * dW1, W2 + sign * 0.5 * dW2
            if biases:
                b1, b2 = b1 + sign * 0.5 * db1, b2 + sign * 0.5 * db2
        replayed = (W1, b1, W2, b2)
        if all(
            np.allclose(g, w, rtol=1e-6, atol=1e-9) for g, w in zip(end, replayed, strict=True)
        ):
            return cause or 1.0
    return NOT_STEPS


def accuracy_plan(rng):
    """Train on 200 fresh ring points (16 hidden units, step 0.5, 300 steps, seed 0); the 400
    test points and their labels stay in the grader."""
    X, y = _rings(200, rng)
    X_test, y_test = _rings(400, rng)
    return [("train", (X, y, 3, 16, 0.5, 300, 0))], (X_test, y_test)


def accuracy(outputs, X_test, y_test):
    """Share of test points whose largest logit is their label, the logits computed by the
    GRADER's forward pass from the weights ``train`` returned."""
    W1, b1, W2, b2 = _shaped(outputs[0], X_test.shape[1], 16, 3)
    logits = np.maximum(X_test @ W1 + b1, 0.0) @ W2 + b2
    return float(np.mean(np.argmax(logits, axis=1) == y_test))


def _grad_check(q, param, wrt):
    return gradient(
        q,
        "net_loss",
        "backward",
        _params(6, 3, 5, 4),
        wrt=wrt,
        item=_ITEM[param],
        points=0.5,
        name=f"d{param} agrees with a numerical gradient of the network's loss",
    )


def _backward_close(q, param, args, name, mistakes, public=False):
    return close(
        q,
        "backward",
        args,
        item=_ITEM[param],
        name=name,
        points=0.5 if public else 1.0,
        public=public,
        mistakes=mistakes,
    )


CHECKS = [
    # q1
    close(
        "q1",
        "forward",
        _forward_args(4, 3, 5, 2),
        name="4 samples, 3 inputs, 5 hidden, 2 classes",
        public=True,
        mistakes=_FORWARD_MISTAKES,
    ),
    close(
        "q1",
        "forward",
        _forward_args(9, 2, 7, 3),
        name="a hidden network",
        mistakes=_FORWARD_MISTAKES,
    ),
    close(
        "q1",
        "forward",
        _forward_args(1, 4, 3, 5),
        name="a single sample",
        mistakes=_FORWARD_MISTAKES,
    ),
    # q2
    close(
        "q2",
        "net_loss",
        _params(5, 2, 4, 3),
        name="5 samples, 3 classes",
        public=True,
        mistakes=_LOSS_MISTAKES,
    ),
    close("q2", "net_loss", _big, name="logits in the hundreds", mistakes=_LOSS_MISTAKES),
    close("q2", "net_loss", _params(1, 3, 4, 6), name="a single sample", mistakes=_LOSS_MISTAKES),
    # q3
    _backward_close(
        "q3", "W2", _params(5, 2, 4, 3), "dW2 on a small network", _DW2_MISTAKES, public=True
    ),
    _backward_close(
        "q3", "b2", _params(5, 2, 4, 3), "db2 on a small network", _DB2_MISTAKES, public=True
    ),
    _backward_close("q3", "W2", _params(7, 3, 5, 4), "dW2 on a hidden network", _DW2_MISTAKES),
    _backward_close("q3", "b2", _params(7, 3, 5, 4), "db2 on a hidden network", _DB2_MISTAKES),
    _grad_check("q3", "W2", 4),
    _grad_check("q3", "b2", 5),
    # q4
    _backward_close(
        "q4", "W1", _params(5, 2, 4, 3), "dW1 on a small network", _DW1_MISTAKES, public=True
    ),
    _backward_close(
        "q4", "b1", _params(5, 2, 4, 3), "db1 on a small network", _DB1_MISTAKES, public=True
    ),
    _backward_close("q4", "W1", _params(8, 3, 6, 4), "dW1 on a hidden network", _DW1_MISTAKES),
    _backward_close("q4", "b1", _params(8, 3, 6, 4), "db1 on a hidden network", _DB1_MISTAKES),
    _grad_check("q4", "W1", 2),
    _grad_check("q4", "b1", 3),
    # q5
    close(
        "q5",
        "train",
        _train_args(30, 20, 1),
        name="20 steps of the recipe on 30 points",
        public=True,
        rtol=1e-6,
        atol=1e-9,
        mistakes=_TRAIN_MISTAKES,
        accept=(_train(w2_first=True),),
    ),
    evaluate(
        "q5",
        steps_plan,
        steps,
        at_least=1.0,
        what="agreement with gradient descent",
        name="3 steps from your starting weights are 3 gradient steps",
        causes=(NO_BIAS_UPDATE, ASCENT, NOT_STEPS, BAD_INIT),
    ),
    evaluate(
        "q5",
        accuracy_plan,
        accuracy,
        at_least=TARGET,
        what="test accuracy",
        points=2,
        name="reaches 85 % test accuracy on a fresh rings data set",
    ),
]
