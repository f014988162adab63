"""Finite-difference gradients: the independent check on every backward pass.

Central differences, (f(x + ε·e_i) − f(x − ε·e_i)) / 2ε, have error O(ε²), so in float64
with ε = 1e-6 an analytic gradient should agree to about 1e-8 relative error.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x by central differences, one entry at a time; f maps an array like x to a scalar.

    x is copied to float64; f sees the perturbed copy and must not keep it.
    """
    if not eps > 0:
        raise ValueError(f"eps must be positive; got {eps!r}")
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    flat, g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = float(f(x))
        flat[i] = old - eps
        down = float(f(x))
        flat[i] = old
        g[i] = (up - down) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """max |a − b| / max(max |a|, max |b|): 0 for equal arrays, scale-free otherwise."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape; got {a.shape} and {b.shape}")
    scale = max(np.abs(a).max(initial=0.0), np.abs(b).max(initial=0.0))
    return 0.0 if scale == 0 else float(np.abs(a - b).max() / scale)


def check_gradient(f: Callable[[np.ndarray], float], grad, x, eps: float = 1e-6) -> float:
    """Relative error between an analytic gradient `grad` of f at x and the finite-difference one."""
    return relative_error(grad, numerical_gradient(f, x, eps))


def check_backward(forward: Callable[[np.ndarray], np.ndarray], x, delta, grad, eps: float = 1e-6) -> float:
    """Relative error of a backward pass: `grad` should be ∂J/∂x for J = Σ δ ⊙ forward(x).

    This is how every backward kernel is tested: any residual δ coming from the layer above,
    pushed back through `forward`, must match central differences of that linear loss.
    """
    delta = np.asarray(delta, dtype=np.float64)
    return check_gradient(lambda t: float(np.sum(delta * forward(t))), grad, x, eps)
