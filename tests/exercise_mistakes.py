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
        "subgradient should be 0",
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

MISTAKES: dict[str, list[Mistake]] = {"ex01_losses": EX01}
