"""Activation functions σ and their derivatives σ′, for floats and for sympy expressions.

The residual of a layer is δ^(l) = ∂J/∂a^(l) ⊙ σ′(z^(l)); these are the σ′ in that product.
Each function keeps float32 as float32 and maps an object array (or a sympy expression)
through sympy, so the book can print the derivative it is about to use.
"""

from __future__ import annotations

import numpy as np

from . import _validate as V


def _symbolic(z) -> bool:
    return hasattr(z, "free_symbols") or (isinstance(z, np.ndarray) and z.dtype == object)


def _map(fn, z):
    """Apply a sympy function to a scalar or to each entry of an object array."""
    if isinstance(z, np.ndarray):
        return np.frompyfunc(fn, 1, 1)(z)
    return fn(z)


def sigmoid(z):
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for large |z|."""
    if _symbolic(z):
        import sympy

        return _map(lambda t: 1 / (1 + sympy.exp(-t)), z)
    z = V.array(z, "z")
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def sigmoid_prime(z):
    """σ′(z) = σ(z)(1 − σ(z)); at most 1/4, at z = 0."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z))."""
    if _symbolic(z):
        import sympy

        return _map(sympy.tanh, z)
    return np.tanh(V.array(z, "z"))


def tanh_prime(z):
    """tanh′(z) = 1 − tanh²(z)."""
    t = tanh(z)
    return 1 - t * t


def relu(z):
    """ReLU(z) = max(z, 0)."""
    if _symbolic(z):
        import sympy

        return _map(lambda t: sympy.Max(t, 0), z)
    z = V.array(z, "z")
    return np.maximum(z, 0).astype(z.dtype, copy=False)


def relu_prime(z):
    """ReLU′(z) = 1 for z > 0, else 0 (0 at z = 0, as PyTorch does)."""
    if _symbolic(z):
        import sympy

        return _map(lambda t: sympy.Heaviside(t, 0), z)
    z = V.array(z, "z")
    return (z > 0).astype(z.dtype)


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
}
