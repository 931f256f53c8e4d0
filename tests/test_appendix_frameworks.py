"""Appendix B's claims: course_utils agrees with PyTorch, and the notebook runs without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from course_utils import datasets, losses, nn

torch = pytest.importorskip("torch")
F = torch.nn.functional
T = torch.from_numpy
ROOT = Path(__file__).resolve().parents[1]

_rng = np.random.default_rng(7)
PRED, TARGET = _rng.standard_normal((2, 6, 3))
PROBS, BITS = _rng.uniform(0.05, 0.95, (6, 3)), _rng.integers(0, 2, (6, 3)).astype(float)
SCORES, SIGNS = 2 * _rng.standard_normal((6, 3)), _rng.choice([-1.0, 1.0], (6, 3))
LOGITS, CLASSES = 2 * _rng.standard_normal((6, 4)), _rng.integers(0, 4, 6)
DISTRIBUTIONS = losses.softmax(_rng.standard_normal((6, 4)))

CASES = {  # name: (ours, our gradient, first argument, other arguments, PyTorch)
    "mse": (losses.mse, losses.mse_grad, PRED, (TARGET,), lambda p: F.mse_loss(p, T(TARGET))),
    "mae": (losses.mae, losses.mae_grad, PRED, (TARGET,), lambda p: F.l1_loss(p, T(TARGET))),
    "huber": (
        lambda p, t: losses.huber(p, t, delta=1.5),
        lambda p, t: losses.huber_grad(p, t, delta=1.5),
        PRED,
        (TARGET,),
        lambda p: F.huber_loss(p, T(TARGET), delta=1.5),
    ),
    "pseudo_huber_from_tensor_ops": (  # PyTorch has no pseudo-Huber function
        lambda p, t: losses.pseudo_huber(p, t, delta=1.5),
        lambda p, t: losses.pseudo_huber_grad(p, t, delta=1.5),
        PRED,
        (TARGET,),
        lambda p: (1.5**2 * (torch.sqrt(1 + ((p - T(TARGET)) / 1.5) ** 2) - 1)).mean(),
    ),
    "bce": (
        losses.binary_cross_entropy,
        losses.binary_cross_entropy_grad,
        PROBS,
        (BITS,),
        lambda p: F.binary_cross_entropy(p, T(BITS)),
    ),
    "bce_logits_pos_weight": (
        lambda s, t: losses.binary_cross_entropy_with_logits(s, t, pos_weight=3.0),
        lambda s, t: losses.binary_cross_entropy_with_logits_grad(s, t, pos_weight=3.0),
        SCORES,
        (BITS,),
        lambda s: F.binary_cross_entropy_with_logits(
            s, T(BITS), pos_weight=torch.tensor(3.0, dtype=torch.float64)
        ),
    ),
    "logistic": (
        losses.logistic_loss,
        losses.logistic_loss_grad,
        SCORES,
        (SIGNS,),
        lambda s: F.soft_margin_loss(s, T(SIGNS)),
    ),
    "softmax_ce_index": (
        losses.softmax_cross_entropy,
        losses.softmax_cross_entropy_grad,
        LOGITS,
        (CLASSES,),
        lambda z: F.cross_entropy(z, T(CLASSES)),
    ),
    "softmax_ce_distribution": (
        losses.softmax_cross_entropy,
        losses.softmax_cross_entropy_grad,
        LOGITS,
        (DISTRIBUTIONS,),
        lambda z: F.cross_entropy(z, T(DISTRIBUTIONS)),
    ),
    "multiclass_hinge_times_C": (
        losses.multiclass_hinge,
        losses.multiclass_hinge_grad,
        LOGITS,
        (CLASSES,),
        lambda z: z.shape[1] * F.multi_margin_loss(z, T(CLASSES)),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_and_gradient_match_pytorch(name: str) -> None:
    ours, our_grad, first, rest, theirs = CASES[name]
    x = T(first.copy()).requires_grad_()
    value = theirs(x)
    value.backward()
    np.testing.assert_allclose(value.item(), ours(first, *rest), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), our_grad(first, *rest), rtol=1e-10, atol=1e-16)


def test_multi_margin_loss_is_our_hinge_divided_by_classes() -> None:
    ours = losses.multiclass_hinge(LOGITS, CLASSES)
    assert F.multi_margin_loss(T(LOGITS), T(CLASSES)).item() == pytest.approx(ours / 4)


def test_published_values_are_float32_results() -> None:
    logits = np.array([[1.0, -3.0, 10.0]])
    for dtype, expected in ((np.float32, 0.00012564), (np.float64, 0.00012566)):
        ours = losses.softmax_cross_entropy(logits.astype(dtype), np.array([2]))
        theirs = F.cross_entropy(T(logits.astype(dtype)), torch.tensor([2])).item()
        assert abs(ours - expected) < 5e-9 and abs(theirs - expected) < 5e-9
        soft = np.array([[0.1, 0.02, 0.88]], dtype=dtype)
        # 1.1601256 is printed to 8 digits; float32 resolves 1.2e-7 relative: compare at 4e-7
        value = losses.softmax_cross_entropy(logits.astype(dtype), soft)
        assert value == pytest.approx(1.1601256, rel=4e-7)


@pytest.mark.parametrize("layer", [nn.Sigmoid(), nn.Tanh(), nn.ReLU()], ids=repr)
def test_activation_backward_matches_autograd(layer: nn.Layer) -> None:
    x = _rng.standard_normal((5, 4))
    upstream = _rng.standard_normal((5, 4))
    activation = {"Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "ReLU": torch.relu}
    xt = T(x.copy()).requires_grad_()
    out = activation[type(layer).__name__](xt)
    (out * T(upstream)).sum().backward()
    np.testing.assert_allclose(layer.forward(x), out.detach().numpy(), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(layer.backward(upstream), xt.grad.numpy(), rtol=1e-12)


def test_digits_network_follows_pytorch_step_for_step() -> None:
    x_train, x_test, y_train, _ = datasets.load_digits_split(test_fraction=0.25, seed=0)
    ours = nn.mlp([64, 128, 10], activation="relu", weight_decay=1e-3, seed=0)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    ).double()
    with torch.no_grad():
        for linear, index in ((model[0], 0), (model[2], 2)):
            linear.weight.copy_(T(ours.layers[index].params["W"].T.copy()))
            linear.bias.copy_(T(ours.layers[index].params["b"]))
    history = nn.fit(ours, x_train, y_train, epochs=2, batch_size=64, learning_rate=0.2, seed=0)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.2)
    shuffles = np.random.default_rng(0)
    objectives = []
    for _ in range(2):
        order = shuffles.permutation(len(x_train))
        for start in range(0, len(x_train), 64):
            batch = order[start : start + 64]
            loss = F.cross_entropy(model(T(x_train[batch])), T(y_train[batch]))
            loss = loss + 0.5e-3 * (
                model[0].weight.square().sum() + model[2].weight.square().sum()
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            objectives.append(loss.item())
    np.testing.assert_allclose(objectives, history.loss, rtol=1e-10)
    for linear, index in ((model[0], 0), (model[2], 2)):
        params = ours.layers[index].params
        np.testing.assert_allclose(linear.weight.detach().numpy().T, params["W"], atol=1e-10)
        np.testing.assert_allclose(linear.bias.detach().numpy(), params["b"], atol=1e-10)
    with torch.no_grad():
        predictions = model(T(x_test)).argmax(dim=1).numpy()
    np.testing.assert_array_equal(predictions, ours.predict_classes(x_test))


def test_appendix_notebook_passes_nbval_without_pytorch(tmp_path: Path) -> None:
    """The stored outputs (made with PyTorch) must reproduce where PyTorch is absent."""
    blocker = tmp_path / "torch"
    blocker.mkdir()
    (blocker / "__init__.py").write_text(
        'raise ModuleNotFoundError("PyTorch blocked for this test")\n'
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    probe = subprocess.run([sys.executable, "-c", "import torch"], env=env, capture_output=True)
    assert probe.returncode != 0 and b"PyTorch blocked" in probe.stderr  # the block works
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:xdist",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(ROOT / "tests" / "nbval_sanitize.cfg"),
        str(ROOT / "chapters" / "appendix_frameworks.ipynb"),
        "-q",
    ]
    result = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "passed" in result.stdout and "failed" not in result.stdout


def test_pytorch_has_no_pseudo_huber_loss() -> None:
    # Appendix B: every loss of the course but pseudo-Huber has a PyTorch function.
    names = {name.lower() for name in dir(F)} | {name.lower() for name in dir(torch.nn)}
    assert not any("pseudo" in name for name in names)
    assert {"huber_loss", "mse_loss", "l1_loss", "soft_margin_loss"} <= set(dir(F))
