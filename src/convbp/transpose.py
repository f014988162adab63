"""The backward pass of a convolution is a transposed convolution ("deconvolution").

A convolution is z = M·a with the sparse matrix M of section 2.2 (`unroll.conv_matrix`), so
the residual it hands back is ∂J/∂a = Mᵀ·δ: the transpose of the convolution, applied to δ.
Frameworks run the same operation forward to make maps larger (decoders, GAN generators) and
call it `conv_transpose2d` or, misleadingly, "deconvolution" (it is not an inverse).

Three ways to compute it, equal on every configuration (tests/test_transpose.py), each built
from functions the book already has:

- the lecture's recipe: rotate w, dilate δ, pad, correlate (`blocks.residual_before_conv`);
- Mᵀ·δ with the unrolled matrix (`transpose_by_matrix`);
- scattering: every δ_uv times the whole kernel, added onto the window (u, v) came from
  (`transpose_by_scatter`). Column (u, v) of Mᵀ is exactly that placed kernel, so Mᵀ·δ and
  the scatter are one sum written two ways.

`conv_transpose2d` is the framework-facing name, with PyTorch's argument layout, computed by
`conv2d_backward_input`. `coverage` counts the windows over each input: where it is uneven
(kernel size not a multiple of the stride) a constant δ comes back as a checkerboard.
"""

from __future__ import annotations

import numpy as np

from . import _validate as V
from ._windows import zeros
from .conv import conv2d, conv2d_backward_input
from .unroll import conv_matrix


def _delta_for(delta, w, input_shape, stride, padding):
    """Validate a 2-D δ, a 2-D kernel and the input shape they belong to; return them with the geometry."""
    delta, w = V.array(delta, "delta"), V.array(w, "w")
    if delta.ndim != 2 or w.ndim != 2:
        raise ValueError(f"delta and w must be 2-D grids (Ho, Wo) and (kh, kw); got shapes {delta.shape} and {w.shape}")
    hw = V.shape(input_shape, "input_shape", 2)
    win = V.window(hw, w.shape, stride, padding)
    if delta.shape != win.out_hw:
        raise ValueError(f"delta must have shape {win.out_hw} (the shape conv2d produces for input_shape and w); got {delta.shape}")
    return delta, w, hw, win.stride, win.padding


def transpose_by_matrix(delta, w, input_shape, *, stride=1, padding=0) -> np.ndarray:
    """∂J/∂a = Mᵀ·δ, reshaped to (H, W), with M = unroll.conv_matrix(w, input_shape, stride, padding).

    conv2d(a, w).ravel() == M @ a.ravel(), M of shape (Ho·Wo, H·W); δ (Ho, Wo), w (kh, kw), float
    or sympy. Builds the dense matrix, so it is for small examples (it is the picture, not the speed).
    """
    delta, w, hw, stride, padding = _delta_for(delta, w, input_shape, stride, padding)
    M = conv_matrix(w, hw, stride=stride, padding=padding)
    return (M.T @ delta.ravel()).reshape(hw)


def transpose_by_scatter(delta, w, input_shape, *, stride=1, padding=0) -> np.ndarray:
    """∂J/∂a = Σ_{u,v} δ_uv · w placed on window (u, v): a_pad[s·u : s·u + kh, s·v : s·v + kw] += δ_uv · w.

    Then the input's padding is cropped. δ (Ho, Wo), w (kh, kw), float or sympy; returns (H, W).
    One vectorised add per output position, Ho·Wo of them: each residual sends the whole kernel back.
    """
    delta, w, (h, width), (sh, sw), (ph, pw) = _delta_for(delta, w, input_shape, stride, padding)
    kh, kw = w.shape
    grad = zeros((h + 2 * ph, width + 2 * pw), np.result_type(delta, w))
    for (u, v), d in np.ndenumerate(delta):
        grad[sh * u : sh * u + kh, sw * v : sw * v + kw] += d * w
    return np.ascontiguousarray(grad[ph : ph + h, pw : pw + width])


def conv_transpose2d(x, w, b=None, *, stride=1, padding=0, output_padding=0) -> np.ndarray:
    """PyTorch's conv_transpose2d: y[n, j] = Σ_i (x[n, i] scattered with stride s through w[i, j]) + b[j], cropped by padding.

    x (N, C_in, H, W); w (C_in, C_out, kh, kw), PyTorch's layout; b (C_out,) or None.
    Returns (N, C_out, Ho, Wo) with Ho = (H − 1)·s − 2·padding + kh + output_padding (likewise Wo);
    output_padding (< stride) adds the rows a strided forward convolution of that size would leave unread.
    It is the input gradient of conv2d(·, w) for an input of that size, with x as δ, so it is computed
    by conv2d_backward_input (w read as (K = C_in, C = C_out, kh, kw)).
    """
    x, w = V.array(x, "x"), V.array(w, "w")
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C_in, H, W) and w 4-D (C_in, C_out, kh, kw); got shapes {x.shape} and {w.shape}")
    n, c_in, h, width = x.shape
    cw, c_out, kh, kw = w.shape
    if cw != c_in:
        raise ValueError(f"w has {cw} input channel(s) on its first axis (shape {w.shape}) but x has {c_in}: they must match")
    (sh, sw), (ph, pw) = V.pair(stride, "stride"), V.pair(padding, "padding", minimum=0)
    oh, ow = V.pair(output_padding, "output_padding", minimum=0)
    if oh >= sh or ow >= sw:
        raise ValueError(f"output_padding must be smaller than the stride {(sh, sw)}; got {(oh, ow)}")
    out_h, out_w = (h - 1) * sh - 2 * ph + kh + oh, (width - 1) * sw - 2 * pw + kw + ow
    if out_h < 1 or out_w < 1:
        raise ValueError(f"padding {(ph, pw)} leaves no output: the size would be {(out_h, out_w)}")
    y = conv2d_backward_input(x, w, (n, c_out, out_h, out_w), stride=(sh, sw), padding=(ph, pw))
    if b is not None:
        b = V.array(b, "b")
        if b.shape != (c_out,):
            raise ValueError(f"b must have shape ({c_out},), one bias per output channel; got {b.shape}")
        y = y + b.astype(y.dtype, copy=False)[None, :, None, None]
    return y


def coverage(input_shape, kernel_size, *, stride=1, padding=0) -> np.ndarray:
    """How many windows of a (kernel_size, stride, padding) convolution read each input: shape input_shape (H, W).

    It is the input gradient of a kernel of ones for a residual of ones (conv2d_backward_input), so it
    is also what a transposed convolution makes of a constant map. Even in the interior exactly when
    the stride divides the kernel size; otherwise it alternates, a checkerboard.
    """
    h, width = V.shape(input_shape, "input_shape", 2)
    kh, kw = V.pair(kernel_size, "kernel_size")
    ones = np.ones((kh, kw))
    out = conv2d(np.zeros((h, width)), ones, stride=stride, padding=padding).shape
    return conv2d_backward_input(np.ones(out), ones, (h, width), stride=stride, padding=padding)
