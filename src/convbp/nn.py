"""A small neural-network library on top of the convbp kernels: layers, a loss, Adam, a training loop.

Every layer has `forward(a) -> z` (remembering what its backward pass needs) and
`backward(delta) -> ∂J/∂a`, where delta = ∂J/∂(its output). Layers with parameters
store them in `params` and, after a backward pass, their gradients in `grads`
(same names, same shapes). Nothing here differentiates by itself: each backward
is one of the lecture's formulas, computed by `convbp.conv` and `convbp.pool`.

Arrays are NCHW: a batch of N images with C channels of H×W pixels. Labels y are
integers 0 … classes−1 of shape (N,). Everything is deterministic given a seed.

The layers carry the names of `convbp.models`, which describes networks without weights:
Conv2d, Linear (weight "w", bias "b", as in every layer), MaxPool2d, AvgPool2d, Flatten.
Each layer's `describe()` is its `convbp.models` description, so `models.summary(network,
input_shape)` counts a network of this module as it counts ResNet.
"""

from __future__ import annotations

import copy
import time
from typing import Callable

import numpy as np

from . import _validate as V
from . import models
from .activations import ACTIVATIONS
from .conv import conv2d, conv2d_backward_bias, conv2d_backward_input, conv2d_backward_weight
from .gradcheck import numerical_gradient, relative_error
from .i18n import tr
from ._unfold import one_blas_thread  # the kernels' guard: safe when several threads train at once
from .pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward


class Layer:
    """A step of the network: z = f(a; params). Layers without parameters leave `params` empty."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, a: np.ndarray) -> np.ndarray:  # pragma: no cover - every layer overrides
        raise NotImplementedError

    def backward(self, delta: np.ndarray) -> np.ndarray:  # pragma: no cover - every layer overrides
        raise NotImplementedError

    def describe(self):  # pragma: no cover - every layer overrides
        """The layer as a `convbp.models` description (no weights), for models.summary."""
        raise NotImplementedError

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}{tuple(v.shape)}" for k, v in self.params.items())
        return f"{type(self).__name__}({shapes})"


# Biases start slightly positive, not at 0: where an image is blank (most of a digit's 8×8 grid)
# a zero bias puts the pre-activation exactly on ReLU's kink z = 0, where ReLU has no derivative
# and a finite-difference check disagrees with back-propagation.
BIAS_INIT = 0.01


def _he_normal(rng: np.random.Generator, shape, fan_in: int, dtype) -> np.ndarray:
    """Weights ~ N(0, 2/fan_in) (He et al., 2015): keeps the variance of ReLU activations steady layer to layer."""
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


class Conv2d(Layer):
    """z = a ⋆ w + b (cross-correlation).

    a: (N, C, H, W) → z: (N, K, Ho, Wo); w: (K, C, k, k); b: (K,).
    Backward:  ∂J/∂w = a ⋆ δ,  ∂J/∂b = Σ_{n,u,v} δ,  ∂J/∂a = δ correlated with rot180(w) ("full").
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, *, stride=1, padding=0,
                 rng: np.random.Generator, bias: float = BIAS_INIT, dtype=np.float32):
        super().__init__()
        in_channels, out_channels = V.count(in_channels, "in_channels"), V.count(out_channels, "out_channels")
        kernel_size = V.count(kernel_size, "kernel_size")
        shape = (out_channels, in_channels, kernel_size, kernel_size)
        self.params = {"w": _he_normal(rng, shape, in_channels * kernel_size**2, dtype),
                       "b": np.full(out_channels, bias, dtype=dtype)}
        self.stride, self.padding = V.pair(stride, "stride"), V.pair(padding, "padding", minimum=0)

    def forward(self, a):
        self.a = a
        return conv2d(a, self.params["w"], self.params["b"], stride=self.stride, padding=self.padding)

    def backward(self, delta):
        w, geometry = self.params["w"], dict(stride=self.stride, padding=self.padding)
        self.grads = {"w": conv2d_backward_weight(delta, self.a, w.shape, **geometry),
                      "b": conv2d_backward_bias(delta)}
        return conv2d_backward_input(delta, w, self.a.shape, **geometry)

    def describe(self):
        k, c, kh, kw = self.params["w"].shape
        return models.Conv2d(c, k, (kh, kw), self.stride, self.padding)


class Activation(Layer):
    """a = σ(z) element-wise; backward: ∂J/∂z = ∂J/∂a ⊙ σ′(z). Shapes unchanged.

    name: "relu", "tanh" or "sigmoid" (the pairs σ, σ′ of `convbp.activations`).
    """

    def __init__(self, name: str = "relu"):
        super().__init__()
        self.name = V.one_of(name, sorted(ACTIVATIONS), "name")
        self.sigma, self.sigma_prime = ACTIVATIONS[name]

    def forward(self, z):
        self.z = z
        return self.sigma(z)

    def backward(self, delta):
        return delta * self.sigma_prime(self.z)

    def describe(self):
        return models.Activation(self.name)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class _Pool(Layer):
    """What both pooling layers share: a size×size window, stride defaulting to size, no parameters."""

    def __init__(self, size: int = 2, *, stride=None):
        super().__init__()
        V.pair(size, "size")  # checked here, not at the first forward pass
        if stride is not None:
            V.pair(stride, "stride")
        self.size, self.stride = size, stride

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.size})"


class MaxPool2d(_Pool):
    """z = max over each size×size window (stride defaults to size); backward routes δ to each window's arg-max.

    a: (N, C, H, W) → z: (N, C, Ho, Wo). No parameters.
    """

    def forward(self, a):
        self.a = a
        return max_pool2d(a, self.size, stride=self.stride)

    def backward(self, delta):
        return max_pool2d_backward(delta, self.a, self.size, stride=self.stride)

    def describe(self):
        return models.MaxPool2d(self.size, self.stride)


class AvgPool2d(_Pool):
    """z = the mean of each size×size window (stride defaults to size); backward shares δ equally over its window.

    a: (N, C, H, W) → z: (N, C, Ho, Wo). No parameters.
    """

    def forward(self, a):
        self.shape = a.shape
        return avg_pool2d(a, self.size, stride=self.stride)

    def backward(self, delta):
        return avg_pool2d_backward(delta, self.shape, self.size, stride=self.stride)

    def describe(self):
        return models.AvgPool2d(self.size, self.stride)


class Flatten(Layer):
    """(N, C, H, W) → (N, C·H·W): the bridge from feature maps to a fully connected layer; backward reshapes back."""

    def forward(self, a):
        self.shape = a.shape
        return a.reshape(a.shape[0], -1)

    def backward(self, delta):
        return delta.reshape(self.shape)

    def describe(self):
        return models.Flatten()

    def __repr__(self) -> str:
        return "Flatten()"


class Linear(Layer):
    """Fully connected: z = a·w + b with a: (N, D), w: (D, M), b: (M,) → z: (N, M).

    Backward: ∂J/∂w = aᵀ·δ,  ∂J/∂b = Σ_n δ,  ∂J/∂a = δ·wᵀ.
    """

    def __init__(self, in_features: int, out_features: int, *, rng: np.random.Generator,
                 bias: float = BIAS_INIT, dtype=np.float32):
        super().__init__()
        in_features, out_features = V.count(in_features, "in_features"), V.count(out_features, "out_features")
        self.params = {"w": _he_normal(rng, (in_features, out_features), in_features, dtype),
                       "b": np.full(out_features, bias, dtype=dtype)}

    def forward(self, a):
        if a.ndim != 2 or a.shape[1] != self.params["w"].shape[0]:
            raise ValueError(f"a must have shape (N, {self.params['w'].shape[0]}); got {a.shape}")
        self.a = a
        return a @ self.params["w"] + self.params["b"]

    def backward(self, delta):
        self.grads = {"w": self.a.T @ delta, "b": delta.sum(axis=0)}
        return delta @ self.params["w"].T

    def describe(self):
        return models.Linear(*self.params["w"].shape)


def softmax(z: np.ndarray) -> np.ndarray:
    """p_{n,j} = e^{z_{n,j}} / Σ_i e^{z_{n,i}}, row by row; z: (N, classes). Shifted by the row max so e^z never overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """J = −(1/N) Σ_n log p_{n, y_n} with p = softmax(z), and its residual ∂J/∂z = (p − onehot(y)) / N.

    z: (N, classes) scores (logits); y: (N,) integer labels. Returns (J, ∂J/∂z of shape (N, classes)).
    """
    y = np.asarray(y)
    if z.ndim != 2 or y.shape != (z.shape[0],):
        raise ValueError(f"z must be (N, classes) and y (N,); got z {z.shape} and y {y.shape}")
    n = z.shape[0]
    p = softmax(z)
    loss = -np.mean(np.log(p[np.arange(n), y] + np.finfo(p.dtype).tiny))
    delta = p.copy()
    delta[np.arange(n), y] -= 1
    return float(loss), delta / n


class Sequential:
    """A stack of layers: forward runs them in order, backward in reverse, passing the residual down."""

    def __init__(self, *layers: Layer):
        self.layers = list(layers)

    def forward(self, a: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            a = layer.forward(a)
        return a

    def backward(self, delta: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            delta = layer.backward(delta)
        return delta

    def params(self) -> list[np.ndarray]:
        """Every parameter array, in layer order (the optimiser updates them in place)."""
        return [p for layer in self.layers for p in layer.params.values()]

    def grads(self) -> list[np.ndarray]:
        """The gradients from the last backward pass, in the same order as params()."""
        return [layer.grads[k] for layer in self.layers for k in layer.params]

    def loss(self, X: np.ndarray, y: np.ndarray) -> float:
        """J(X, y): softmax cross-entropy of the network's scores; forward only."""
        return softmax_cross_entropy(self.forward(X), y)[0]

    def loss_and_grads(self, X: np.ndarray, y: np.ndarray) -> float:
        """One forward and one backward pass; afterwards grads() holds ∂J/∂θ for every parameter θ."""
        loss, delta = softmax_cross_entropy(self.forward(X), y)
        self.backward(delta)
        return loss

    def predict(self, X: np.ndarray, batch_size: int = 512) -> np.ndarray:
        """The class with the highest score for each sample, shape (N,)."""
        return np.concatenate([self.forward(X[i:i + batch_size]).argmax(axis=1) for i in range(0, len(X), batch_size)])

    def astype(self, dtype) -> "Sequential":
        """A deep copy with every parameter in `dtype` (float64 for gradient checks)."""
        model = copy.deepcopy(self)
        for layer in model.layers:
            layer.params = {k: v.astype(dtype) for k, v in layer.params.items()}
        return model

    def n_params(self) -> int:
        return sum(p.size for p in self.params())

    def describe(self, name: str = "Sequential"):
        """The network as a `convbp.models.Sequential` description: models.summary(network.describe(), shape)
        (or models.summary(network, shape)) lists its output shapes, parameters and multiply-adds."""
        return models.Sequential(name, [layer.describe() for layer in self.layers])

    def __repr__(self) -> str:
        return "Sequential(\n" + "\n".join(f"  {layer!r}" for layer in self.layers) + "\n)"


class Adam:
    """Adam (Kingma & Ba, 2015): per-parameter steps scaled by running moments of the gradient.

    m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr · m̂ / (√v̂ + ε)
    with the bias corrections m̂ = m / (1−β₁ᵗ), v̂ = v / (1−β₂ᵗ). Parameters are updated in place.
    """

    def __init__(self, params: list[np.ndarray], lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        lr = V.positive_number(lr, "lr")
        self.params, self.lr, (self.beta1, self.beta2), self.eps = params, lr, betas, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[np.ndarray]) -> None:
        self.t += 1
        c1, c2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= (self.lr / c1 * m / (np.sqrt(v / c2) + self.eps)).astype(p.dtype, copy=False)


def accuracy(model: Sequential, X: np.ndarray, y: np.ndarray) -> float:
    """The fraction of samples whose predicted class equals the label."""
    return float(np.mean(model.predict(X) == np.asarray(y)))


def cosine_lr(lr: float, epoch: int, epochs: int) -> float:
    """The step size for epoch e = 1 … E: lr_e = lr · ½(1 + cos(π(e − 1)/E)), from lr down towards 0.

    Large steps early move fast; small steps late let the weights settle instead of hopping
    between nearby minima, so the final accuracy depends less on the last few batches.
    """
    return lr * 0.5 * (1 + np.cos(np.pi * (epoch - 1) / epochs))


def train(model: Sequential, X: np.ndarray, y: np.ndarray, *, X_test=None, y_test=None, epochs: int = 10,
          batch_size: int = 32, lr: float = 1e-3, seed: int = 0,
          callback: Callable[[dict], None] | None = None) -> list[dict]:
    """Mini-batch training with Adam on softmax cross-entropy, step size following cosine_lr.

    Each epoch visits the training set once in an order drawn from `seed`; after each epoch,
    `callback` (if given) receives a record {"epoch", "loss" (mean over the epoch's batches),
    "train_acc", "test_acc" (None without a test set), "seconds" (wall time so far)}.
    Returns the list of those records. X: (N, C, H, W), y: (N,) integer labels.
    """
    epochs, batch_size = V.count(epochs, "epochs"), V.count(batch_size, "batch_size")
    lr = V.positive_number(lr, "lr")
    V.count(seed, "seed", minimum=0)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function of one record, or None; got {type(callback).__name__}")
    X, y = _data(model, X, y, "X", "y")
    if (X_test is None) != (y_test is None):
        raise ValueError("X_test and y_test go together: give both or neither")
    if X_test is not None:
        X_test, y_test = _data(model, X_test, y_test, "X_test", "y_test")
    rng = np.random.default_rng(seed)
    optimiser = Adam(model.params(), lr=lr)
    history, start = [], time.perf_counter()
    with one_blas_thread:  # small matrices: BLAS threads save little and fight on a busy machine
        for epoch in range(1, epochs + 1):
            optimiser.lr = cosine_lr(lr, epoch, epochs)
            order = rng.permutation(len(X))
            losses = []
            for i in range(0, len(X), batch_size):
                batch = order[i:i + batch_size]
                losses.append(model.loss_and_grads(X[batch], y[batch]))
                optimiser.step(model.grads())
            record = {"epoch": epoch, "loss": float(np.mean(losses)), "train_acc": accuracy(model, X, y),
                      "test_acc": None if X_test is None else accuracy(model, X_test, y_test),
                      "seconds": time.perf_counter() - start}
            history.append(record)
            if callback is not None:
                callback(record)
    return history


def _data(model: Sequential, X, y, x_name: str, y_name: str):
    """(X, y) checked before any training: X (N, C, H, W) finite numbers with N ≥ 1, y (N,) integer
    labels 0 … classes − 1, classes being the width of the model's output."""
    X = V.array(X, x_name)
    if X.dtype == object:
        raise TypeError(f"{x_name} must be a float array (N, C, H, W), not an object array")
    if X.ndim != 4:
        raise ValueError(f"{x_name} must be 4-D (N, C, H, W); got {X.ndim}-D with shape {X.shape}")
    if len(X) == 0:
        raise ValueError(f"{x_name} must hold at least one sample; got shape {X.shape}")
    if not V.all_finite(X):
        bad = int(np.count_nonzero(~np.isfinite(X)))
        raise ValueError(f"{x_name} must hold finite numbers; found {bad} NaN or ±inf entries")
    try:
        y = np.asarray(y)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{y_name} must be an array of integer labels ({exc})") from None
    if y.dtype.kind not in "iu":
        raise TypeError(f"{y_name} must hold integer class labels; got dtype {y.dtype}")
    if y.shape != (len(X),):
        raise ValueError(f"{y_name} must have shape ({len(X)},), one label per sample of {x_name}; got {y.shape}")
    classes = model.forward(X[:1]).shape[1]
    if y.min() < 0 or y.max() >= classes:
        raise ValueError(f"{y_name} must hold labels 0 … {classes - 1} (the model has {classes} outputs); "
                         f"got labels from {y.min()} to {y.max()}")
    return X, y


def print_progress(record: dict) -> None:
    """A callback for train(): one line per epoch (no timings, so the printed text is deterministic)."""
    test = "" if record["test_acc"] is None else tr("  test acc {acc:.3f}", acc=record["test_acc"])
    print(tr("epoch {epoch:2d}  loss {loss:.4f}  train acc {acc:.3f}", epoch=record["epoch"], loss=record["loss"],
             acc=record["train_acc"]) + test)


def gradient_check(model: Sequential, X: np.ndarray, y: np.ndarray, *, entries: int | None = 40,
                   eps: float = 1e-6, seed: int = 0) -> dict[str, float]:
    """Relative error between back-propagation and central differences, for every parameter array.

    For each parameter array θ, compares ∂J/∂θ from backward() with (J(θ + εe_i) − J(θ − εe_i)) / 2ε
    (convbp.gradcheck) on `entries` entries drawn with `seed` (all entries if None or if θ is smaller).
    Runs on a float64 copy of the model (float32 rounding would swamp the O(ε²) difference error),
    so the model itself is untouched. Returns {"<layer index>.<name>": relative error}; a correct
    backward pass gives about 1e-8 or less. Cost: two forward passes per checked entry.
    """
    X, y = _data(model, X, y, "X", "y")
    model64 = model.astype(np.float64)
    X = X.astype(np.float64)
    rng = np.random.default_rng(seed)
    errors = {}
    with one_blas_thread:  # small matrices: BLAS threads save little and fight on a busy machine
        model64.loss_and_grads(X, y)
        for i, layer in enumerate(model64.layers):
            for name, p in layer.params.items():
                flat = p.reshape(-1)  # a view: writing to it moves the layer's parameter
                idx = np.arange(flat.size) if entries is None or entries >= flat.size else \
                    np.sort(rng.choice(flat.size, entries, replace=False))

                def J(theta, flat=flat, idx=idx):
                    saved = flat[idx].copy()
                    flat[idx] = theta
                    loss = model64.loss(X, y)
                    flat[idx] = saved
                    return loss

                numeric = numerical_gradient(J, flat[idx], eps)
                errors[f"{i}.{name}"] = relative_error(layer.grads[name].reshape(-1)[idx], numeric)
    return errors


def digits_cnn(seed: int = 0, *, channels=(8, 16), activation: str = "relu", dtype=np.float32) -> Sequential:
    """The book's network for 8×8 digits (1 channel in, 10 classes out):

    conv 3×3 (pad 1) → σ → max-pool 2 → conv 3×3 (pad 1) → σ → max-pool 2 → flatten → fully connected → softmax.
    Shapes: (N,1,8,8) → (N,c1,8,8) → (N,c1,4,4) → (N,c2,4,4) → (N,c2,2,2) → (N,4·c2) → (N,10).
    The softmax lives in the loss (softmax_cross_entropy); the network outputs scores.
    """
    rng = np.random.default_rng(seed)
    c1, c2 = channels
    return Sequential(
        Conv2d(1, c1, 3, padding=1, rng=rng, dtype=dtype), Activation(activation), MaxPool2d(2),
        Conv2d(c1, c2, 3, padding=1, rng=rng, dtype=dtype), Activation(activation), MaxPool2d(2),
        Flatten(), Linear(4 * c2, 10, rng=rng, dtype=dtype),
    )


def load_digits_split(test_size: float = 0.25, random_state: int = 0, dtype=np.float32):
    """scikit-learn's 8×8 digits as (X_train, X_test, y_train, y_test), X of shape (N, 1, 8, 8) scaled to [0, 1].

    A stratified split with a fixed random_state, so every run sees the same held-out images.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = (digits.images / 16.0).astype(dtype)[:, None]
    return train_test_split(X, digits.target, test_size=test_size, random_state=random_state, stratify=digits.target)
