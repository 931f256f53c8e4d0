"""A small neural-network library in NumPy: layers, losses, a network, and a training loop.

Every layer follows one contract, for a batch of N samples at once (no loop over samples):

- ``out = layer.forward(x)`` computes the layer's output and remembers what its backward pass
  needs;
- ``dx = layer.backward(dout)`` takes dL/d(out), the gradient of the loss with respect to the
  layer's output, stores dL/d(parameter) in ``layer.grads`` and returns dL/dx.

A loss layer has ``forward(pred, target) -> float`` and ``backward() -> dL/dpred``. A
:class:`Network` chains layers and a loss; backpropagation is its layers' ``backward`` calls in
reverse order, which is the chain rule applied one layer at a time.

Inputs are checked once where they enter a :class:`Network` (:meth:`Network.forward`,
:meth:`Network.objective`, :func:`fit`); the layers themselves trust what they are given, so a
training step does no per-layer checking. Networks compute in float64 or float32, chosen when
the :class:`Dense` layers are made.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from course_utils._validation import as_class_labels, as_float_array, check_positive_scalar
from course_utils.gradcheck import GradientReport, check_gradient

__all__ = [
    "MSE",
    "Dense",
    "History",
    "Layer",
    "Loss",
    "Network",
    "ReLU",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "classic_network",
    "fit",
    "gradient_check_layer",
    "gradient_check_loss",
    "gradient_check_network",
    "mlp",
]

_DTYPES = (np.float32, np.float64)
_INITS = ("glorot", "he", "normal")


def _check_dtype(dtype: Any) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in _DTYPES:
        raise TypeError(f"dtype must be np.float32 or np.float64; got {dtype}.")
    return dtype


def _rng(rng: np.random.Generator | int) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a np.random.Generator or an int seed; got {rng!r}.")


# --------------------------------------------------------------------------- layers
class Layer:
    """Base class: a layer with no parameters unless it fills ``params``.

    Attributes
    ----------
    params : dict of str → ndarray
        The trainable arrays (updated in place by training).
    grads : dict of str → ndarray
        dL/d(param) for each entry of ``params``, set by :meth:`backward`.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        """out = layer(x); remembers what :meth:`backward` needs."""
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        """dL/dx from dL/dout (same shape as the last forward's output)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Dense(Layer):
    """Fully connected (affine) layer: out = x W + b.

    Shapes: x (N, D) → out (N, M), with W (D, M) and b (M,).

    Backward, from dout = dL/dout of shape (N, M):

        dL/dW = xᵀ · dout  (D, M),    dL/db = Σ_n dout_n  (M,),    dL/dx = dout · Wᵀ  (N, D).

    Parameters
    ----------
    in_features : int
        D, the width of the input.
    out_features : int
        M, the number of units (the width of the output).
    bias : bool
        Add the bias b (initialised to zero). Without it, out = x W.
    init : {"glorot", "he", "normal"}
        Initial weights: "glorot" (Glorot & Bengio, 2010) uniform in ±√(6 / (D + M)), suited to
        sigmoid and tanh; "he" (He et al., 2015) normal with standard deviation √(2 / D),
        suited to ReLU; "normal" standard normal N(0, 1).
    rng : np.random.Generator or int
        Random generator, or a seed for one.
    dtype : np.float32 or np.float64
        Precision of the parameters; inputs are converted to it at the network's entry.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        bias: bool = True,
        init: str = "glorot",
        rng: np.random.Generator | int = 0,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        if init not in _INITS:
            raise ValueError(f"init must be one of {_INITS}; got {init!r}.")
        self.dtype = _check_dtype(dtype)
        self.in_features, self.out_features = int(in_features), int(out_features)
        generator = _rng(rng)
        shape = (self.in_features, self.out_features)
        if init == "glorot":
            limit = np.sqrt(6.0 / (self.in_features + self.out_features))
            weights = generator.uniform(-limit, limit, size=shape)
        elif init == "he":
            weights = generator.normal(0.0, np.sqrt(2.0 / self.in_features), size=shape)
        else:
            weights = generator.standard_normal(shape)
        self.params["W"] = weights.astype(self.dtype)
        self.grads["W"] = np.zeros(shape, dtype=self.dtype)
        if bias:
            self.params["b"] = np.zeros(self.out_features, dtype=self.dtype)
            self.grads["b"] = np.zeros(self.out_features, dtype=self.dtype)
        #: False for a network's first layer: nobody needs dL/dx there, so it is not computed.
        self.needs_input_grad = True
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x (N, D) → x W + b (N, M)."""
        self._x = x
        out = x @ self.params["W"]
        if "b" in self.params:
            out += self.params["b"]
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        """dout (N, M) → dL/dx (N, D); fills ``grads["W"]`` (D, M) and ``grads["b"]`` (M,).

        Returns None instead of dL/dx when ``needs_input_grad`` is False.
        """
        np.matmul(self._x.T, dout, out=self.grads["W"])
        if "b" in self.params:
            np.sum(dout, axis=0, out=self.grads["b"])
        return dout @ self.params["W"].T if self.needs_input_grad else None

    def __repr__(self) -> str:
        bias = "" if "b" in self.params else ", bias=False"
        return f"Dense({self.in_features}, {self.out_features}{bias})"


class Sigmoid(Layer):
    """Logistic sigmoid, elementwise: out = σ(x) = 1 / (1 + e^(−x)).

    Shapes: x (N, D) → out (N, D). Backward: dL/dx = dout · σ(x)(1 − σ(x)), from the output
    alone. With e = e^(−|x|) ≤ 1, σ(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0: the
    exponential never overflows and small outputs keep their full relative precision.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x (N, D) → σ(x) (N, D)."""
        e = np.exp(-np.abs(x))
        self._out = np.where(x >= 0, 1.0, e) / (1.0 + e)
        return self._out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout (N, D) → dout · σ(1 − σ) (N, D)."""
        return dout * self._out * (1.0 - self._out)


class Tanh(Layer):
    """Hyperbolic tangent, elementwise: out = tanh(x), in (−1, 1).

    Shapes: x (N, D) → out (N, D). Backward: dL/dx = dout · (1 − tanh(x)²).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x (N, D) → tanh(x) (N, D)."""
        self._out = np.tanh(x)
        return self._out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout (N, D) → dout · (1 − tanh²) (N, D)."""
        return dout * (1.0 - self._out * self._out)


class ReLU(Layer):
    """Rectified linear unit, elementwise: out = max(x, 0).

    Shapes: x (N, D) → out (N, D). Backward: dL/dx = dout where x > 0, else 0 (at x = 0,
    where ReLU has a kink, the gradient is taken as 0).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x (N, D) → max(x, 0) (N, D)."""
        self._out = np.maximum(x, 0.0)
        return self._out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout (N, D) → dout · 1[x > 0] (N, D)."""
        return np.where(self._out > 0.0, dout, 0.0)


# --------------------------------------------------------------------------- losses
class Loss:
    """Base class of the loss layers: ``forward(pred, target) -> float``, ``backward()``."""

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:  # pragma: no cover
        """The loss, a number."""
        raise NotImplementedError

    def backward(self) -> np.ndarray:  # pragma: no cover - interface
        """dL/dpred for the last forward call, shape of ``pred``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSE(Loss):
    """Squared error between predictions and targets.

    Shapes: pred (N, K), target (N, K) → a number,

        L = (1/(N K)) Σ (pred − target)²   (reduction="mean"),
        L = Σ (pred − target)²             (reduction="sum", the "sum of squares").

    Backward: dL/dpred = 2 (pred − target), divided by N K under "mean". The same values as
    :func:`course_utils.losses.mse`.
    """

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum'; got {reduction!r}.")
        self.reduction = reduction

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        """pred (N, K), target (N, K) → L."""
        self._diff = pred - target
        total = float(np.vdot(self._diff, self._diff))
        return total / self._diff.size if self.reduction == "mean" else total

    def backward(self) -> np.ndarray:
        """dL/dpred, shape (N, K)."""
        scale = 2.0 / self._diff.size if self.reduction == "mean" else 2.0
        return scale * self._diff

    def __repr__(self) -> str:
        return f"MSE(reduction={self.reduction!r})"


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy, as one layer: the mean over the batch of

        L_n = −log softmax(z_n)_(y_n) = log Σ_k e^(z_nk) − z_(n, y_n).

    Shapes: logits z (N, C), labels y (N,) of int in 0 … C − 1 → a number.

    Backward: dL/dz = (softmax(z) − onehot(y)) / N, shape (N, C). Fusing the two steps gives
    this simple gradient and lets the forward pass use the log-sum-exp trick (subtract each
    row's maximum before exponentiating), so no logit overflows. The same values as
    :func:`course_utils.losses.softmax_cross_entropy`.
    """

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        """logits (N, C), labels (N,) → the mean cross-entropy."""
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        sums = exp.sum(axis=1)
        exp /= sums[:, None]
        self._probs, self._labels = exp, labels
        rows = np.arange(labels.shape[0])
        return float(np.mean(np.log(sums) - shifted[rows, labels]))

    def backward(self) -> np.ndarray:
        """dL/dlogits = (softmax − onehot) / N, shape (N, C)."""
        grad = self._probs.copy()
        grad[np.arange(self._labels.shape[0]), self._labels] -= 1.0
        grad /= self._labels.shape[0]
        return grad


# --------------------------------------------------------------------------- the network
class Network:
    """Layers applied in order, a loss on the last output, and L2 weight decay.

    The objective is

        J = L(f(x), y) + (λ/2) Σ_layers ‖W‖²,

    with the penalty on the weight matrices of the :class:`Dense` layers only (biases are
    not decayed: they shift a unit's output and do not make the function more complex). Its
    gradient adds λW to each dL/dW, so a gradient-descent step W ← W − η(dL/dW + λW) also
    shrinks every weight by the factor (1 − ηλ): hence the name *weight decay*.

    Parameters
    ----------
    layers : sequence of Layer
        Applied in order; the first must be a :class:`Dense` layer (it fixes the input width).
    loss : Loss
        :class:`SoftmaxCrossEntropy` (targets are class indices) or :class:`MSE` (targets have
        the output's shape).
    weight_decay : float ≥ 0
        λ.
    """

    def __init__(self, layers: list[Layer], loss: Loss, *, weight_decay: float = 0.0) -> None:
        layers = list(layers)
        if not layers or not all(isinstance(layer, Layer) for layer in layers):
            raise TypeError("layers must be a non-empty list of Layer objects (Dense, ReLU, …).")
        if not isinstance(layers[0], Dense):
            raise TypeError(f"the first layer must be Dense; got {layers[0]!r}.")
        if not isinstance(loss, Loss):
            raise TypeError(f"loss must be a Loss such as SoftmaxCrossEntropy(); got {loss!r}.")
        dense = [layer for layer in layers if isinstance(layer, Dense)]
        dtypes = {layer.dtype for layer in dense}
        if len(dtypes) != 1:
            raise TypeError(
                f"all Dense layers must share one dtype; got {sorted(map(str, dtypes))}."
            )
        for before, after in pairwise(dense):
            if before.out_features != after.in_features:
                raise ValueError(
                    f"{before!r} gives {before.out_features} features but the next {after!r}"
                    f" expects {after.in_features}."
                )
        if isinstance(weight_decay, bool) or not np.isscalar(weight_decay) or weight_decay < 0:
            raise ValueError(f"weight_decay must be a number ≥ 0; got {weight_decay!r}.")
        layers[0].needs_input_grad = False
        self.layers, self.loss, self.weight_decay = layers, loss, float(weight_decay)
        self.dtype = dtypes.pop()
        self.in_features = layers[0].in_features
        self.out_features = dense[-1].out_features
        self._dense = dense

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.layers))
        return f"Network([{inner}], {self.loss!r}, weight_decay={self.weight_decay:g})"

    # ---------------------------------------------------------------- checked entry points
    def as_inputs(self, x: Any) -> np.ndarray:
        """Check ``x`` (finite, shape (N, D)) and return it in the network's dtype."""
        x = as_float_array(x, "x")
        if x.ndim != 2 or x.shape[1] != self.in_features or x.shape[0] == 0:
            raise ValueError(
                f"x must have shape (N, {self.in_features}), one row per sample; got {x.shape}."
            )
        return x.astype(self.dtype, copy=False)

    def as_targets(self, y: Any, n: int) -> np.ndarray:
        """Check ``y`` against the loss: class indices (N,) or values (N, K)."""
        if isinstance(self.loss, SoftmaxCrossEntropy):
            return as_class_labels(y, n, self.out_features, "y")
        y = as_float_array(y, "y")
        if y.shape != (n, self.out_features):
            raise ValueError(
                f"y must have shape (N, K) = ({n}, {self.out_features}) for an MSE loss;"
                f" got {y.shape}. A vector of targets becomes a column with y.reshape(-1, 1)."
            )
        return y.astype(self.dtype, copy=False)

    def forward(self, x: Any) -> np.ndarray:
        """The network's output f(x): x (N, D) → (N, K) (logits for a softmax loss)."""
        return self._forward(self.as_inputs(x))

    def objective(self, x: Any, y: Any) -> float:
        """J(x, y) = data loss + (λ/2) Σ‖W‖², for samples x (N, D) and targets y."""
        x = self.as_inputs(x)
        return self.loss.forward(self._forward(x), self.as_targets(y, x.shape[0])) + self.penalty()

    def loss_and_gradients(self, x: Any, y: Any) -> float:
        """Forward and backward pass: returns J and fills every layer's ``grads``."""
        x = self.as_inputs(x)
        return self._loss_and_gradients(x, self.as_targets(y, x.shape[0]))

    def train_step(self, x: np.ndarray, y: np.ndarray, learning_rate: float) -> float:
        """One gradient-descent step on the batch (x, y); returns J before the step.

        The lean inner step of :func:`fit`: ``x`` must already be an array of the network's
        dtype with shape (N, D) and ``y`` valid targets (see :meth:`as_inputs` and
        :meth:`as_targets`); only the dtype and width are checked here.
        """
        if (
            getattr(x, "dtype", None) != self.dtype
            or x.ndim != 2
            or x.shape[1] != self.in_features
        ):
            raise TypeError(
                f"train_step needs x as a {self.dtype} array of shape (N, {self.in_features});"
                f" convert it once with network.as_inputs(x)."
            )
        value = self._loss_and_gradients(x, y)
        for layer in self._dense:
            for name, param in layer.params.items():
                param -= learning_rate * layer.grads[name]
        return value

    def predict_classes(self, x: Any) -> np.ndarray:
        """The most likely class of each sample: argmax of the output, shape (N,)."""
        return np.argmax(self.forward(x), axis=1)

    def accuracy(self, x: Any, labels: Any) -> float:
        """Fraction of samples whose predicted class equals ``labels`` (N,)."""
        x = self.as_inputs(x)
        labels = as_class_labels(labels, x.shape[0], self.out_features)
        return float(np.mean(np.argmax(self._forward(x), axis=1) == labels))

    def parameters(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(name, value, gradient) of every trainable array, e.g. ("layer0.W", W, dW)."""
        return [
            (f"layer{i}.{name}", param, layer.grads[name])
            for i, layer in enumerate(self.layers)
            for name, param in layer.params.items()
        ]

    def penalty(self) -> float:
        """(λ/2) Σ‖W‖² over the Dense layers' weight matrices."""
        if self.weight_decay == 0.0:
            return 0.0
        total = sum(float(np.vdot(d.params["W"], d.params["W"])) for d in self._dense)
        return 0.5 * self.weight_decay * total

    # ---------------------------------------------------------------- unchecked internals
    def _forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def _loss_and_gradients(self, x: np.ndarray, y: np.ndarray) -> float:
        value = self.loss.forward(self._forward(x), y)
        grad = self.loss.backward()
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        if self.weight_decay:
            for layer in self._dense:
                layer.grads["W"] += self.weight_decay * layer.params["W"]
        return value + self.penalty()


def mlp(
    sizes: list[int],
    *,
    activation: str = "relu",
    loss: str = "softmax",
    weight_decay: float = 0.0,
    seed: int = 0,
    dtype: Any = np.float64,
) -> Network:
    """A multilayer perceptron: Dense layers of the given widths with activations between.

    ``mlp([64, 128, 10])`` is Dense(64, 128) → ReLU → Dense(128, 10) with a softmax
    cross-entropy loss: a 2-layer network (the input is not counted as a layer).

    Parameters
    ----------
    sizes : list of int
        Input width, hidden widths…, output width (at least two numbers).
    activation : {"relu", "sigmoid", "tanh"}
        After every Dense layer but the last. ReLU layers get He initialisation, the others
        Glorot.
    loss : {"softmax", "mse"}
        :class:`SoftmaxCrossEntropy` on the last layer's logits, or :class:`MSE` on its
        output.
    weight_decay : float ≥ 0
    seed : int
        Seeds the initial weights.
    dtype : np.float32 or np.float64
    """
    activations = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}
    if activation not in activations:
        raise ValueError(f"activation must be one of {sorted(activations)}; got {activation!r}.")
    losses = {"softmax": SoftmaxCrossEntropy, "mse": MSE}
    if loss not in losses:
        raise ValueError(f"loss must be 'softmax' or 'mse'; got {loss!r}.")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs the input and output widths at least; got {sizes!r}.")
    rng = np.random.default_rng(seed)
    init = "he" if activation == "relu" else "glorot"
    layers: list[Layer] = []
    for i, (d_in, d_out) in enumerate(pairwise(sizes)):
        last = i == len(sizes) - 2
        layers.append(Dense(d_in, d_out, init="glorot" if last else init, rng=rng, dtype=dtype))
        if not last:
            layers.append(activations[activation]())
    return Network(layers, losses[loss](), weight_decay=weight_decay)


# --------------------------------------------------------------------------- training
def _blas_threads(limit: int | None) -> contextlib.AbstractContextManager:
    """A context limiting NumPy's BLAS to ``limit`` threads, if threadpoolctl is installed."""
    if limit is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings it
        return contextlib.nullcontext()
    return threadpool_limits(limits=limit, user_api="blas")


@dataclass
class History:
    """What :func:`fit` records.

    Attributes
    ----------
    loss : ndarray, shape (steps,)
        The objective J on each mini-batch, before that batch's step.
    epoch_loss : ndarray, shape (epochs,)
        The mean of ``loss`` over each epoch.
    train_accuracy, val_accuracy : ndarray, shape (epochs,)
        Accuracy after each epoch (classification only; empty otherwise, or without
        validation data).
    """

    loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    epoch_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    train_accuracy: np.ndarray = field(default_factory=lambda: np.zeros(0))
    val_accuracy: np.ndarray = field(default_factory=lambda: np.zeros(0))


def fit(
    network: Network,
    x: Any,
    y: Any,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    seed: int = 0,
    x_val: Any = None,
    y_val: Any = None,
    blas_threads: int | None = 1,
    drop_last: bool = False,
) -> History:
    """Mini-batch gradient descent: each epoch shuffles the samples and steps once per batch.

    The data are checked and converted once, here; the steps then run unchecked. With
    ``batch_size ≥ N`` every step uses all the data (full-batch gradient descent).

    The matrices of a mini-batch step are small, so splitting a product across threads costs
    more than it saves, and on a busy machine a thread that waits for a core can make a step
    tens of times slower. By default training therefore runs NumPy's BLAS on one thread
    (through ``threadpoolctl``, installed with scikit-learn; without it, nothing is changed).

    Parameters
    ----------
    network : Network
        Trained in place.
    x : array_like, shape (N, D)
    y : array_like, shape (N,) of int (softmax loss) or (N, K) (MSE loss)
    epochs : int ≥ 1
    batch_size : int ≥ 1
        The last batch of an epoch may be smaller (N mod batch_size samples), unless
        ``drop_last``.
    learning_rate : float > 0
        η.
    seed : int
        Seeds the shuffling: the same seed gives the same batches, hence the same run.
    x_val, y_val : array_like, optional
        Held-out data whose accuracy is recorded after each epoch (classification only).
    blas_threads : int or None
        Threads for NumPy's BLAS during training; None leaves the setting alone.
    drop_last : bool
        Skip each epoch's last, smaller batch (as PyTorch's ``DataLoader(drop_last=True)``):
        every step then averages ``batch_size`` samples. The data are reshuffled every epoch,
        so the samples left out differ from epoch to epoch.

    Returns
    -------
    History
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network; got {type(network).__name__}.")
    x = network.as_inputs(x)
    y = network.as_targets(y, x.shape[0])
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    learning_rate = check_positive_scalar(learning_rate, "learning_rate")
    classify = isinstance(network.loss, SoftmaxCrossEntropy)
    validate = classify and x_val is not None
    if validate:
        x_val = network.as_inputs(x_val)
        y_val = as_class_labels(y_val, x_val.shape[0], network.out_features, "y_val")
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    if drop_last and batch_size > n:
        raise ValueError(
            f"drop_last=True with batch_size {batch_size} > N = {n} would take no step at all."
        )
    steps_per_epoch = n // batch_size if drop_last else -(-n // batch_size)
    last_start = steps_per_epoch * batch_size if drop_last else n
    losses = np.empty(epochs * steps_per_epoch)
    train_acc, val_acc = [], []
    step = 0
    with _blas_threads(blas_threads):
        for _ in range(epochs):
            order = rng.permutation(n)
            for start in range(0, last_start, batch_size):
                batch = order[start : start + batch_size]
                losses[step] = network.train_step(x[batch], y[batch], learning_rate)
                step += 1
            if classify:
                train_acc.append(np.mean(np.argmax(network._forward(x), axis=1) == y))
            if validate:
                val_acc.append(np.mean(np.argmax(network._forward(x_val), axis=1) == y_val))
    return History(
        loss=losses,
        epoch_loss=losses.reshape(epochs, steps_per_epoch).mean(axis=1),
        train_accuracy=np.array(train_acc),
        val_accuracy=np.array(val_acc),
    )


# --------------------------------------------------------------------------- gradient checks
def gradient_check_layer(
    layer: Layer, x: np.ndarray, *, seed: int = 0, tolerance: float = 1e-6
) -> dict[str, GradientReport]:
    """Check a layer's backward pass against centred differences.

    With a fixed random upstream gradient G (the shape of the output), the scalar
    f = Σ G ⊙ layer.forward(x) has df/dx = layer.backward(G) and df/dθ = layer.grads[θ]; each
    is compared with a numerical gradient.

    Parameters
    ----------
    layer : Layer
        A float64 layer (float32 is too coarse for a finite-difference check).
    x : ndarray of float64, shape (N, D)
        Where to check; keep it away from kinks (ReLU at 0).
    seed : int
        Seeds G.
    tolerance : float
        Largest relative error that passes.

    Returns
    -------
    dict of str → GradientReport
        One report for "x" and one per parameter.
    """
    upstream = np.random.default_rng(seed).standard_normal(layer.forward(x).shape)

    def f(_: np.ndarray) -> float:
        return float(np.sum(upstream * layer.forward(x)))

    def backward() -> np.ndarray:
        layer.forward(x)
        return layer.backward(upstream)

    needs = getattr(layer, "needs_input_grad", True)
    if isinstance(layer, Dense):
        layer.needs_input_grad = True
    try:
        reports = {"x": check_gradient(f, lambda _: backward(), x, tolerance=tolerance, name="x")}
        for name, param in layer.params.items():
            reports[name] = check_gradient(
                f,
                lambda _, name=name: (backward(), layer.grads[name].copy())[1],
                param,
                tolerance=tolerance,
                name=name,
            )
    finally:
        if isinstance(layer, Dense):
            layer.needs_input_grad = needs
    return reports


def gradient_check_loss(
    loss: Loss, pred: np.ndarray, target: np.ndarray, *, tolerance: float = 1e-6
) -> GradientReport:
    """Check ``loss.backward()`` = dL/dpred against centred differences at (pred, target)."""

    def f(p: np.ndarray) -> float:
        return loss.forward(p, target)

    def grad(p: np.ndarray) -> np.ndarray:
        loss.forward(p, target)
        return loss.backward()

    return check_gradient(f, grad, pred, tolerance=tolerance, name="pred")


def gradient_check_network(
    network: Network,
    x: Any,
    y: Any,
    *,
    tolerance: float = 1e-6,
    samples: int | None = None,
    seed: int = 0,
) -> dict[str, GradientReport]:
    """Check dJ/dθ for every parameter θ of a float64 network (weight decay included).

    Parameters
    ----------
    network : Network
        A float64 network.
    x : array_like, shape (N, D)
    y : array_like, targets for the network's loss
    tolerance : float
        Largest relative error that passes.
    samples : int, optional
        Check only this many seeded random entries of each parameter (a spot check of a large
        weight matrix); all entries by default.
    seed : int

    Returns
    -------
    dict of str → GradientReport
        One report per parameter, keyed as in :meth:`Network.parameters`.
    """
    x = network.as_inputs(x)
    y = network.as_targets(y, x.shape[0])
    reports = {}
    for name, param, grad in network.parameters():

        def analytic(_: np.ndarray, grad: np.ndarray = grad) -> np.ndarray:
            network._loss_and_gradients(x, y)
            return grad.copy()

        reports[name] = check_gradient(
            lambda _: network.loss.forward(network._forward(x), y) + network.penalty(),
            analytic,
            param,
            tolerance=tolerance,
            samples=samples,
            seed=seed,
            name=name,
        )
    return reports


def classic_network(hidden: int = 4, *, seed: int = 0, dtype: Any = np.float64) -> Network:
    """The classic first network: 3 inputs → ``hidden`` sigmoid units → 1 sigmoid output.

    Dense(3, hidden) → Sigmoid → Dense(hidden, 1) → Sigmoid, no biases, standard-normal
    initial weights, and the sum-of-squares loss Σ (ŷ − y)²: a 2-layer network (the input is
    not a layer). The constant third input of the classic toy data plays the part of a bias.
    """
    rng = np.random.default_rng(seed)
    layers: list[Layer] = [
        Dense(3, hidden, bias=False, init="normal", rng=rng, dtype=dtype),
        Sigmoid(),
        Dense(hidden, 1, bias=False, init="normal", rng=rng, dtype=dtype),
        Sigmoid(),
    ]
    return Network(layers, MSE(reduction="sum"))
