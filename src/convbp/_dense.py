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
from ._windows import zeros

# Largest dense matrix (entries) and largest H·W/(kh·kw) for which the dense product wins here.
_MAX_ENTRIES = 1 << 18
_MAX_RATIO = 8


def worth_it(hw, khw, channels, kernels, out_hw) -> bool:
    """Whether the dense route is the faster one. It depends on sizes only, so symbols and
    numbers of the same sizes always go through the same code."""
    pixels, taps = hw[0] * hw[1], khw[0] * khw[1]
    return pixels <= _MAX_RATIO * taps and kernels * out_hw[0] * out_hw[1] * channels * pixels <= _MAX_ENTRIES


@functools.lru_cache(maxsize=64)
def _pairs(hw, khw, stride, padding):
    """Every (output pixel, kernel offset) whose input pixel is inside the map, grouped by offset.

    Returns flat indices out (u·Wo + v), inp (i·W + j), tap (p·kw + q) in tap order; the taps
    that have pairs and where each one's pairs start; whether every output reads at least one
    input pixel; and (Ho, Wo).
    """
    (h, w), (kh, kw), (sh, sw), (ph, pw) = hw, khw, stride, padding
    ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    p, q, u, v = np.meshgrid(np.arange(kh), np.arange(kw), np.arange(ho), np.arange(wo), indexing="ij")
    i, j = sh * u + p - ph, sw * v + q - pw
    inside = (i >= 0) & (i < h) & (j >= 0) & (j < w)
    out, inp, tap = (u * wo + v)[inside], (i * w + j)[inside], (p * kw + q)[inside]
    taps, starts = np.unique(tap, return_index=True)
    every_out_reads = np.unique(out).size == ho * wo
    return out, inp, tap, taps, starts, every_out_reads, (ho, wo)


def _rows(x):
    """x (N, ...) as (N, one row per sample); spelled out, since reshape cannot infer −1 for N = 0."""
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


def matrix(w, hw, stride, padding):
    """M with M[k, u·Wo + v, c, i·W + j] = w[k, c, p, q] where output (u, v) reads input (i, j) through (p, q)."""
    k, c, kh, kw = w.shape
    out, inp, tap, *_, (ho, wo) = _pairs(hw, (kh, kw), stride, padding)
    m = np.zeros((k, ho * wo, c, hw[0] * hw[1]), dtype=w.dtype)
    m[:, out, :, inp] = w.reshape(k, c, kh * kw)[:, :, tap].transpose(2, 0, 1)
    return m.reshape(k * ho * wo, c * hw[0] * hw[1])


def forward(a, w, b, stride, padding):
    """z = M · a (+ b) for every sample at once: a (N, C, H, W), w (K, C, kh, kw) → (N, K, Ho, Wo).

    None if a or w holds NaN or ±inf (b is added as the formula adds it)."""
    if not all_finite(a, w):
        return None
    n = a.shape[0]
    k, _, kh, kw = w.shape
    *_, (ho, wo) = _pairs(tuple(a.shape[2:]), (kh, kw), stride, padding)
    z = (_rows(a) @ matrix(w, tuple(a.shape[2:]), stride, padding).T).reshape(n, k, ho, wo)
    if b is not None:
        z += b[:, None, None]
    return z


def backward_input(d, w, hw, stride, padding):
    """∂J/∂a = Mᵀ · δ for every sample at once: d (N, K, Ho, Wo) → (N, C, H, W).

    None if the result holds NaN or ±inf. A NaN or ±inf in δ_n meets every column of M, so
    it makes all of sample n's row non-finite; one in w is either in M, where it meets a whole
    column of δ, or on a tap that reads only padding, which the formula crops away too. So a
    finite result means finite operands (or none that matter)."""
    n = d.shape[0]
    grad = _rows(d) @ matrix(w, tuple(hw), stride, padding)
    if not all_finite(grad):
        return None
    return grad.reshape((n, w.shape[1]) + tuple(hw))


def backward_weight(d, a, khw, stride, padding):
    """∂J/∂w[k, c, tap] = Σ over that tap's pairs of (δᵀ·a)[k, out, c, inp].

    (δᵀ·a)[k, out, c, inp] holds the formula's products δ·a, and only pairs, where a window
    reads a pixel, are added up (by segments, never through a 0/1 matrix whose zeros would
    meet NaN); so NaN and ±inf in a land as the formula puts them. The formula also multiplies
    δ by the padding's zeros, which the pairs leave out: None if δ holds NaN or ±inf. Such a δ
    shows in the result whenever every output reads an input pixel, so the small result is
    checked, and δ itself only when some window lies wholly in the padding."""
    n, c = a.shape[:2]
    k = d.shape[1]
    out, inp, _, taps, starts, every_out_reads, _ = _pairs(tuple(a.shape[2:]), tuple(khw), stride, padding)
    grid = (_rows(d).T @ _rows(a)).reshape(k, -1, c, a.shape[2] * a.shape[3])
    picked = grid[:, out, :, inp]  # (pairs, K, C), in tap order
    dw = zeros((khw[0] * khw[1], k, c), picked.dtype)
    if out.size:
        dw[taps] = np.add.reduceat(picked, starts, axis=0)
    if not all_finite(dw) or not (every_out_reads or all_finite(d)):
        return None
    return np.ascontiguousarray(dw.transpose(1, 2, 0)).reshape((k, c) + tuple(khw))
