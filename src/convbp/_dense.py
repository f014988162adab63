"""Small maps: the convolution as the dense matrix of lecture section 2.2.

For maps of a few dozen pixels, im2col's time goes into many short copies, not into
arithmetic. The layer's dense matrix M (K·Ho·Wo, C·H·W) — the weight-shared, mostly zero
matrix that section 2.2 draws — turns each product into one matrix product over the whole
batch: z = a·Mᵀ, ∂J/∂a = δ·M, and ∂J/∂w collects the kernel's entries back out of δᵀ·a.
That is H·W/(kh·kw) times im2col's arithmetic, so it is used only while that ratio is small.

NaN and ±inf: the matrix's zeros meet every input (0 · NaN = NaN), and the padding's zeros,
which the formula multiplies by w, are not in it. So with NaN or ±inf in the operands the
dense answer can differ from the formula's (and PyTorch's) in where NaN and ±inf land. Each
function returns None then, and conv2d asks im2col instead. Each checks the cheapest thing
that tells: the small operands, or its own small result where any NaN or ±inf operand
is bound to show (a legitimate overflow to inf only sends the call to im2col, which gives
the same answer).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ._validate import all_finite
from ._windows import window, zeros

# Largest dense matrix (entries) and largest H·W/(kh·kw) for which the dense product wins here.
_MAX_ENTRIES = 1 << 18
_MAX_RATIO = 8


def worth_it(hw, khw, channels, kernels, out_hw) -> bool:
    """Whether the dense route is the faster one. It depends on sizes only, so symbols and
    numbers of the same sizes always go through the same code."""
    pixels, taps = hw[0] * hw[1], khw[0] * khw[1]
    return pixels <= _MAX_RATIO * taps and kernels * out_hw[0] * out_hw[1] * channels * pixels <= _MAX_ENTRIES


@functools.lru_cache(maxsize=64)
def _pairs(win):
    """Every (output pixel, kernel offset) whose input pixel is inside the map, grouped by offset.

    Read from the Window's parts (the same slices im2col copies). Returns flat indices out
    (u·Wo + v), inp (i·W + j), tap (p·kw + q) in tap order; the taps that have pairs and where
    each one's pairs start; and whether every output reads at least one input pixel.
    """
    (h, width), kw, (ho, wo) = win.hw, win.khw[1], win.out_hw
    u, v, i, j = np.arange(ho), np.arange(wo), np.arange(h), np.arange(width)
    out, inp, tap = [np.zeros(0, dtype=np.intp)], [np.zeros(0, dtype=np.intp)], [np.zeros(0, dtype=np.intp)]
    for p, q, (rows, cols), (in_rows, in_cols) in win.parts:
        out.append((u[rows, None] * wo + v[cols]).ravel())
        inp.append((i[in_rows, None] * width + j[in_cols]).ravel())
        tap.append(np.full(out[-1].size, p * kw + q, dtype=np.intp))
    out, inp, tap = np.concatenate(out), np.concatenate(inp), np.concatenate(tap)
    taps, starts = np.unique(tap, return_index=True)
    every_out_reads = np.unique(out).size == ho * wo
    return out, inp, tap, taps, starts, every_out_reads


def _rows(x):
    """x (N, ...) as (N, one row per sample); spelled out, since reshape cannot infer −1 for N = 0."""
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


def matrix(w, hw, stride, padding):
    """M with M[k, u·Wo + v, c, i·W + j] = w[k, c, p, q] where output (u, v) reads input (i, j) through (p, q)."""
    return _matrix(w, window(tuple(hw), tuple(w.shape[2:]), tuple(stride), tuple(padding)))


def _matrix(w, win):
    k, c, kh, kw = w.shape
    out, inp, tap, *_ = _pairs(win)
    (h, width), (ho, wo) = win.hw, win.out_hw
    m = np.zeros((k, ho * wo, c, h * width), dtype=w.dtype)
    m[:, out, :, inp] = w.reshape(k, c, kh * kw)[:, :, tap].transpose(2, 0, 1)
    return m.reshape(k * ho * wo, c * h * width)


def forward(a, w, b, win):
    """z = M · a (+ b) for every sample at once: a (N, C, H, W), w (K, C, kh, kw) → (N, K, Ho, Wo).

    None if a or w holds NaN or ±inf (b is added as the formula adds it)."""
    if not all_finite(a, w):
        return None
    z = (_rows(a) @ _matrix(w, win).T).reshape((a.shape[0], w.shape[0]) + win.out_hw)
    if b is not None:
        z += b[:, None, None]
    return z


def backward_input(delta, w, win):
    """∂J/∂a = Mᵀ · δ for every sample at once: delta (N, K, Ho, Wo) → (N, C, H, W).

    None if the result holds NaN or ±inf. A NaN or ±inf in δ_n meets every column of M, so
    it makes all of sample n's row non-finite; one in w is either in M, where it meets a whole
    column of δ, or on a tap that reads only padding, which the formula crops away too. So a
    finite result means finite operands (or none that matter)."""
    grad = _rows(delta) @ _matrix(w, win)
    if not all_finite(grad):
        return None
    return grad.reshape((delta.shape[0], w.shape[1]) + win.hw)


def backward_weight(delta, a, win):
    """∂J/∂w[k, c, tap] = Σ over that tap's pairs of (δᵀ·a)[k, out, c, inp].

    (δᵀ·a)[k, out, c, inp] holds the formula's products δ·a, and only pairs, where a window
    reads a pixel, are added up (by segments, never through a 0/1 matrix whose zeros would
    meet NaN); so NaN and ±inf in a land as the formula puts them. The formula also multiplies
    δ by the padding's zeros, which the pairs leave out: None if δ holds NaN or ±inf. Such a δ
    shows in the result whenever every output reads an input pixel, so the small result is
    checked, and δ itself only when some window lies wholly in the padding."""
    c, k, (kh, kw) = a.shape[1], delta.shape[1], win.khw
    out, inp, _, taps, starts, every_out_reads = _pairs(win)
    grid = (_rows(delta).T @ _rows(a)).reshape(k, -1, c, a.shape[2] * a.shape[3])
    picked = grid[:, out, :, inp]  # (pairs, K, C), in tap order
    dw = zeros((kh * kw, k, c), picked.dtype)
    if out.size:
        dw[taps] = np.add.reduceat(picked, starts, axis=0)
    if not all_finite(dw) or not (every_out_reads or all_finite(delta)):
        return None
    return np.ascontiguousarray(dw.transpose(1, 2, 0)).reshape((k, c) + win.khw)
