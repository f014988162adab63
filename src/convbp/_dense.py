"""Small maps: the convolution as the dense matrix of lecture section 2.2.

For maps of a few dozen pixels, im2col's time goes into many short copies, not into
arithmetic. The layer's dense matrix M (K·Ho·Wo, C·H·W) — the weight-shared, mostly zero
matrix that section 2.2 draws — turns each product into one matrix product over the whole
batch: z = a·Mᵀ, ∂J/∂a = δ·M, and ∂J/∂w collects the kernel's entries back out of δᵀ·a.
That is H·W/(kh·kw) times im2col's arithmetic, so it is used only while that ratio is small.
"""

from __future__ import annotations

import functools

import numpy as np

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
    """Every (output pixel, kernel offset) whose input pixel is inside the map.

    Returns flat indices out (u·Wo + v), inp (i·W + j), tap (p·kw + q), and the (taps, pairs)
    0/1 matrix that sums the pairs of each tap.
    """
    (h, w), (kh, kw), (sh, sw), (ph, pw) = hw, khw, stride, padding
    ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    u, v, p, q = np.meshgrid(np.arange(ho), np.arange(wo), np.arange(kh), np.arange(kw), indexing="ij")
    i, j = sh * u + p - ph, sw * v + q - pw
    inside = (i >= 0) & (i < h) & (j >= 0) & (j < w)
    out, inp, tap = (u * wo + v)[inside], (i * w + j)[inside], (p * kw + q)[inside]
    per_tap = np.zeros((kh * kw, tap.size), dtype=int)  # ints, so sympy sums stay exact
    per_tap[tap, np.arange(tap.size)] = 1
    return out, inp, tap, per_tap, (ho, wo)


def matrix(w, hw, stride, padding):
    """M with M[k, u·Wo + v, c, i·W + j] = w[k, c, p, q] where output (u, v) reads input (i, j) through (p, q)."""
    k, c, kh, kw = w.shape
    out, inp, tap, _, (ho, wo) = _pairs(hw, (kh, kw), stride, padding)
    m = np.zeros((k, ho * wo, c, hw[0] * hw[1]), dtype=w.dtype)
    m[:, out, :, inp] = w.reshape(k, c, kh * kw)[:, :, tap].transpose(2, 0, 1)
    return m.reshape(k * ho * wo, c * hw[0] * hw[1])


def forward(a, w, b, stride, padding):
    """z = M · a (+ b) for every sample at once: a (N, C, H, W), w (K, C, kh, kw) → (N, K, Ho, Wo)."""
    n = a.shape[0]
    k, _, kh, kw = w.shape
    *_, (ho, wo) = _pairs(tuple(a.shape[2:]), (kh, kw), stride, padding)
    z = (a.reshape(n, -1) @ matrix(w, tuple(a.shape[2:]), stride, padding).T).reshape(n, k, ho, wo)
    if b is not None:
        z += b[:, None, None]
    return z


def backward_input(d, w, hw, stride, padding):
    """∂J/∂a = Mᵀ · δ for every sample at once: d (N, K, Ho, Wo) → (N, C, H, W)."""
    n = d.shape[0]
    return (d.reshape(n, -1) @ matrix(w, tuple(hw), stride, padding)).reshape((n, w.shape[1]) + tuple(hw))


def backward_weight(d, a, khw, stride, padding):
    """∂J/∂w[k, c, tap] = Σ over that tap's pairs of (δᵀ·a)[k, out, c, inp]."""
    n, c = a.shape[:2]
    k = d.shape[1]
    out, inp, _, per_tap, _ = _pairs(tuple(a.shape[2:]), tuple(khw), stride, padding)
    grid = (d.reshape(n, -1).T @ a.reshape(n, -1)).reshape(k, -1, c, a.shape[2] * a.shape[3])
    picked = grid[:, out, :, inp]  # (pairs, K, C)
    if picked.dtype != object:
        per_tap = per_tap.astype(picked.dtype)
    dw = per_tap @ picked.reshape(out.size, k * c)  # (taps, K·C)
    return np.ascontiguousarray(dw.reshape(-1, k, c).transpose(1, 2, 0)).reshape((k, c) + tuple(khw))
