"""The lecture's building blocks for the backward pass, each its own small function.

rot180, zero_pad and dilate make up the recipe for the residual of the layer before a
convolution (section 3.2); upsample, embed_centre and restore_positions are max
pooling's "upsample and restore positions" (section 3.1). The kernels in conv.py and
pool.py do not call these: they are the lecture's pictures, and the tests check that
the pictures and the kernels agree on every configuration.
"""

from __future__ import annotations

import numpy as np

from . import _validate as V
from .conv import conv2d
from .pool import max_pool2d, max_pool2d_backward
from ._windows import zeros


def rot180(w):
    """Rotate each kernel by 180°: rot180(w)[..., p, q] = w[..., kh−1−p, kw−1−q]."""
    w = V.array(w, "w")
    if w.ndim < 2:
        raise ValueError(f"w must have at least 2 dimensions (kh, kw); got shape {w.shape}")
    return w[..., ::-1, ::-1].copy()


def zero_pad(x, padding):
    """Surround the last two axes with zeros.

    padding: int (all sides), (rows, cols) (top = bottom, left = right), or
    ((top, bottom), (left, right)). Works on sympy object arrays.
    """
    x = V.array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 dimensions (H, W); got shape {x.shape}")
    if isinstance(padding, (tuple, list)) and len(padding) == 2 and all(isinstance(p, (tuple, list)) for p in padding):
        (top, bottom), (left, right) = (V.pair(p, "padding", minimum=0) for p in padding)
    else:
        ph, pw = V.pair(padding, "padding", minimum=0)
        top = bottom = ph
        left = right = pw
    out = zeros(x.shape[:-2] + (x.shape[-2] + top + bottom, x.shape[-1] + left + right), x.dtype)
    out[..., top : top + x.shape[-2], left : left + x.shape[-1]] = x
    return out


def dilate(delta, stride):
    """Insert stride − 1 zeros between neighbouring entries of the last two axes.

    (Ho, Wo) → ((Ho−1)·s + 1, (Wo−1)·s + 1): the residual of a strided convolution, laid out
    as if the convolution had stride 1. Works on sympy object arrays.
    """
    delta = V.array(delta, "delta")
    if delta.ndim < 2:
        raise ValueError(f"delta must have at least 2 dimensions; got shape {delta.shape}")
    sh, sw = V.pair(stride, "stride")
    ho, wo = delta.shape[-2:]
    out = zeros(delta.shape[:-2] + ((ho - 1) * sh + 1, (wo - 1) * sw + 1), delta.dtype)
    out[..., ::sh, ::sw] = delta
    return out


def residual_before_conv(delta, w, input_shape, *, stride=1, padding=0):
    """The lecture's recipe for ∂J/∂a^(l−1) behind a convolution (multiply by σ′(z^(l−1)) for δ^(l−1)).

    1. rotate each kernel by 180° (and swap its K and C axes: the residual flows back);
    2. dilate δ by the stride (stride − 1 zeros between entries);
    3. zero-pad it by kernel size − 1 on every side (plus the rows and columns a strided
       forward pass never reached, on the bottom and right);
    4. correlate ("full convolution") with conv2d, then drop the input's own padding.

    Same arguments and result as conv2d_backward_input, which it equals on every configuration.
    """
    delta = V.array(delta, "delta")
    w = V.array(w, "w")
    twod = delta.ndim == 2
    shp = V.shape(input_shape, "input_shape", 2 if twod else 4)
    win = V.window(shp[-2:], w.shape[-2:], stride, padding)
    if delta.shape[-2:] != win.out_hw:
        raise ValueError(f"delta must end in {win.out_hw}, the output size for input_shape and w; got {delta.shape}")
    rot = rot180(w) if twod else rot180(w).transpose(1, 0, 2, 3)
    padded = zero_pad(dilate(delta, win.stride), win.residual_padding)
    full = conv2d(padded, rot)
    (ph, pw) = win.padding
    return np.ascontiguousarray(full[..., ph : ph + shp[-2], pw : pw + shp[-1]])


def upsample(delta, size):
    """Repeat each residual over its m×n window: upsample(δ)[i, j] = δ[i // m, j // n].

    For non-overlapping average pooling, ∂J/∂a = upsample(δ) / (m·n); for max pooling,
    restore_positions keeps only each window's arg-max.
    """
    delta = V.array(delta, "delta")
    if delta.ndim < 2:
        raise ValueError(f"delta must have at least 2 dimensions; got shape {delta.shape}")
    m, n = V.pair(size, "size")
    return delta.repeat(m, axis=-2).repeat(n, axis=-1)


def embed_centre(delta, shape):
    """The lecture's drawing of "upsample": δ placed in the middle of a zero grid of the input's size.

    Only a picture of the step (the next step, restore_positions, moves each entry to where it
    belongs); shape is (H, W) of the pooling layer's input.
    """
    delta = V.array(delta, "delta")
    h, w = V.shape(shape, "shape", 2)
    ho, wo = delta.shape[-2:]
    if ho > h or wo > w:
        raise ValueError(f"shape {(h, w)} must be at least delta's size {(ho, wo)}")
    top, left = (h - ho) // 2, (w - wo) // 2
    return zero_pad(delta, ((top, h - ho - top), (left, w - wo - left)))


def max_positions(a, size, *, stride=None, padding=0):
    """How many windows choose each input as their maximum (0 or 1 when windows do not overlap).

    Computed by sending a residual of ones back through max_pool2d_backward.
    """
    a = V.array(a, "a")
    ones = np.ones_like(max_pool2d(a, size, stride=stride, padding=padding))
    return max_pool2d_backward(ones, a, size, stride=stride, padding=padding)


def restore_positions(delta, a, size):
    """The lecture's "restore positions": upsample(δ) kept only at each window's maximum.

    For non-overlapping windows (stride = size, no padding) this is ∂J/∂a^(l−1) of max pooling;
    rows and columns that no window covers get zero.
    """
    delta = V.array(delta, "delta")
    a = V.array(a, "a")
    m, n = V.pair(size, "size")
    mask = max_positions(a, (m, n))
    up = upsample(delta, (m, n))
    if up.shape[-2:] != mask.shape[-2:]:
        up = zero_pad(up, ((0, mask.shape[-2] - up.shape[-2]), (0, mask.shape[-1] - up.shape[-1])))
    return up * mask
