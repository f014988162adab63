"""A convolution is a fully connected layer with a sparse, weight-shared matrix (lecture 2.2).

conv_matrix builds that matrix M, with z.ravel() == M @ a.ravel(), by running conv2d on the
unit images e_1 … e_{H·W}: column j of M is the feature map of e_j. It works on a kernel of
sympy symbols too, and then shows exactly which entries of M share which weight.
"""

from __future__ import annotations

import numpy as np

from . import _validate as V
from .conv import conv2d
from ._windows import zeros


def conv_matrix(w, input_shape, *, stride=1, padding=0) -> np.ndarray:
    """M of shape (Ho·Wo, H·W) with conv2d(a, w, stride, padding).ravel() == M @ a.ravel().

    w: one kernel (kh, kw), float or sympy; input_shape: (H, W). Bias not included.
    """
    w = V.array(w, "w")
    if w.ndim != 2:
        raise ValueError(f"w must be one 2-D kernel (kh, kw); got shape {w.shape}")
    h, width = V.shape(input_shape, "input_shape", 2)
    basis = zeros((h * width, 1, h, width), w.dtype)
    basis.reshape(h * width, -1)[np.arange(h * width), np.arange(h * width)] = 1
    z = conv2d(basis, w[None, None], stride=stride, padding=padding)
    return np.ascontiguousarray(z.reshape(h * width, -1).T)


def layer_counts(input_shape, kernel_size, out_channels, *, stride=1, padding=0, bias=True) -> dict[str, int]:
    """Parameters and connections of a conv layer and of the fully connected layer with the same input and output sizes.

    input_shape (C, H, W); kernel_size k or (kh, kw); K = out_channels.
    conv params = K·C·kh·kw (+ K biases); conv connections (multiply-adds) = K·Ho·Wo·C·kh·kw;
    dense params = (C·H·W)·(K·Ho·Wo) (+ K·Ho·Wo biases); dense connections = (C·H·W)·(K·Ho·Wo).
    """
    c, h, width = V.shape(input_shape, "input_shape", 3)
    kh, kw = V.pair(kernel_size, "kernel_size")
    k = V.count(out_channels, "out_channels")
    ho, wo = V.window((h, width), (kh, kw), stride, padding).out_hw
    n_in, n_out = c * h * width, k * ho * wo
    return {
        "conv_params": k * c * kh * kw + (k if bias else 0),
        "conv_connections": n_out * c * kh * kw,
        "dense_params": n_in * n_out + (n_out if bias else 0),
        "dense_connections": n_in * n_out,
        "output_shape": (k, ho, wo),
    }
