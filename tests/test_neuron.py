"""Tests for course_utils.neuron against closed forms, numerical gradients and scikit-learn."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from course_utils import neuron
from course_utils.gradcheck import numerical_gradient, relative_error

X = np.array([-1.5, -0.2, 0.4, 1.0, 2.3])
Y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])


def test_output_is_the_logistic_function_of_the_affine_score():
    w, b = 0.7, -0.3
    expected = 1.0 / (1.0 + np.exp(-(w * X + b)))
    np.testing.assert_allclose(neuron.neuron_output(w, b, X), expected, rtol=1e-15)


def test_mse_loss_by_hand():
    p = 1.0 / (1.0 + np.exp(-(0.5 * X + 0.1)))
    assert neuron.neuron_loss(0.5, 0.1, X, Y, "mse") == pytest.approx(np.mean((p - Y) ** 2))


def test_cross_entropy_loss_matches_scikit_learn():
    p = neuron.neuron_output(0.5, 0.1, X)
    assert neuron.neuron_loss(0.5, 0.1, X, Y, "cross_entropy") == pytest.approx(
        log_loss(Y, p), rel=1e-12
    )


@pytest.mark.parametrize("loss", neuron.LOSSES)
@pytest.mark.parametrize("params", [(0.5, 0.1), (2.0, 2.0), (-1.2, 0.8)])
def test_parameter_gradient_matches_numerical_gradient(loss, params):
    theta = np.array(params, dtype=float)
    numerical = numerical_gradient(lambda t: neuron.neuron_loss(t[0], t[1], X, Y, loss), theta)
    analytic = np.array(neuron.neuron_gradient(theta[0], theta[1], X, Y, loss))
    assert relative_error(analytic, numerical) < 1e-7


@pytest.mark.parametrize("loss", neuron.LOSSES)
def test_logit_gradient_matches_numerical_derivative_per_example(loss):
    s = np.linspace(-5, 5, 41)
    for label in (0.0, 1.0):
        y = np.full_like(s, label)
        numerical = np.array(
            [
                numerical_gradient(
                    lambda z, i=i, y=y: neuron.neuron_loss(1.0, 0.0, z, y[i : i + 1], loss),
                    s[i : i + 1].copy(),
                )[0]
                for i in range(s.size)
            ]
        )
        assert relative_error(neuron.neuron_logit_gradient(s, y, loss), numerical) < 1e-7


def test_logit_gradient_closed_forms():
    s = np.array([-2.0, 0.0, 3.0])
    y = np.array([1.0, 0.0, 0.0])
    p = 1.0 / (1.0 + np.exp(-s))
    np.testing.assert_allclose(neuron.neuron_logit_gradient(s, y, "cross_entropy"), p - y)
    np.testing.assert_allclose(
        neuron.neuron_logit_gradient(s, y, "mse"), 2 * (p - y) * p * (1 - p)
    )


def test_training_takes_the_gradient_steps_it_records():
    history = neuron.train_neuron(X, Y, loss="mse", w0=0.3, b0=-0.1, learning_rate=0.5, steps=3)
    assert history.weights.shape == history.biases.shape == history.losses.shape == (4,)
    assert history.outputs.shape == (4, X.size)
    assert history.grad_w.shape == history.grad_b.shape == (3,)
    w, b = 0.3, -0.1
    for k in range(3):
        dw, db = neuron.neuron_gradient(w, b, X, Y, "mse")
        assert history.grad_w[k] == pytest.approx(dw)
        assert history.grad_b[k] == pytest.approx(db)
        w, b = w - 0.5 * dw, b - 0.5 * db
        assert history.weights[k + 1] == pytest.approx(w)
        assert history.biases[k + 1] == pytest.approx(b)
    assert history.losses[-1] == pytest.approx(neuron.neuron_loss(w, b, X, Y, "mse"))
    np.testing.assert_allclose(history.gradient_norms, np.hypot(history.grad_w, history.grad_b))


def test_cross_entropy_training_decreases_the_loss():
    history = neuron.train_neuron(
        X, Y, loss="cross_entropy", w0=0.0, b0=0.0, learning_rate=0.5, steps=200
    )
    assert np.all(np.diff(history.losses) <= 1e-15)


def test_zero_steps_records_only_the_start():
    history = neuron.train_neuron(X, Y, loss="mse", w0=1.0, b0=2.0, learning_rate=0.1, steps=0)
    assert history.weights.tolist() == [1.0] and history.biases.tolist() == [2.0]
    assert history.grad_w.size == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"loss": "hinge"}, ValueError, "loss must be"),
        ({"y": [0.0, 2.0]}, ValueError, "labels 0 or 1"),
        ({"x": [[1.0, 2.0]], "y": [[0.0, 1.0]]}, ValueError, "1-D"),
        ({"y": [0.0]}, ValueError, "same shape"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"steps": -1}, ValueError, "steps"),
        ({"steps": 2.5}, ValueError, "steps"),
        ({"x": [np.nan, 1.0]}, ValueError, "NaN"),
    ],
)
def test_invalid_arguments_raise_clear_errors(kwargs, error, match):
    arguments = {
        "x": [1.0, 2.0],
        "y": [0.0, 1.0],
        "loss": "mse",
        "w0": 0.0,
        "b0": 0.0,
        "learning_rate": 0.1,
        "steps": 5,
    }
    arguments.update(kwargs)
    x, y = arguments.pop("x"), arguments.pop("y")
    with pytest.raises(error, match=match):
        neuron.train_neuron(x, y, **arguments)
