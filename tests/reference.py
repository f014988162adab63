"""Naive loops written straight from the formulas: the slow, obvious reference.

Independent of convbp's im2col code (no shared helpers), used by the property tests and
by benchmarks/ as the baseline. Loops over every sample, channel and pixel on purpose.

They also fix where NaN and ±inf go, as PyTorch's CPU kernels do: every product of the
formula is made, including the padding's zeros in the forward pass and the weight gradient
(0 · inf = NaN), and none other; the input gradient adds w · δ over the windows that read
a pixel. (PyTorch's oneDNN route for float32 convolution skips the padding's products
instead; its native route, float64 always and float32 with oneDNN off, is the one here.)
"""

import numpy as np


def _pad(a, ph, pw, value=0.0):
    n, c, h, w = a.shape
    out = np.full((n, c, h + 2 * ph, w + 2 * pw), value, dtype=np.float64)
    out[:, :, ph : ph + h, pw : pw + w] = a
    return out


def conv2d(a, w, b, sh, sw, ph, pw):
    n, c, h, wd = a.shape
    k, _, kh, kw = w.shape
    ap = _pad(a, ph, pw)
    ho, wo = (h + 2 * ph - kh) // sh + 1, (wd + 2 * pw - kw) // sw + 1
    z = np.zeros((n, k, ho, wo))
    for i in range(n):
        for o in range(k):
            for u in range(ho):
                for v in range(wo):
                    z[i, o, u, v] = np.sum(w[o] * ap[i, :, u * sh : u * sh + kh, v * sw : v * sw + kw]) + (b[o] if b is not None else 0)
    return z


def conv2d_backward(delta, a, w, sh, sw, ph, pw):
    """(∂J/∂a, ∂J/∂w, ∂J/∂b) for J = Σ δ ⊙ z, by the chain rule applied entry by entry."""
    n, c, h, wd = a.shape
    k, _, kh, kw = w.shape
    ap = _pad(a, ph, pw)
    da = np.zeros_like(ap)
    dw = np.zeros(w.shape)
    for i in range(n):
        for o in range(k):
            for u in range(delta.shape[2]):
                for v in range(delta.shape[3]):
                    rows, cols = slice(u * sh, u * sh + kh), slice(v * sw, v * sw + kw)
                    da[i, :, rows, cols] += w[o] * delta[i, o, u, v]
                    dw[o] += ap[i, :, rows, cols] * delta[i, o, u, v]
    return da[:, :, ph : ph + h, pw : pw + wd], dw, delta.sum(axis=(0, 2, 3))


def max_pool2d(a, kh, kw, sh, sw, ph, pw):
    """(pooled, arg-max positions in padded coordinates), by PyTorch's CPU scan of each window.

    Walk the window's input positions (never padding) in row-major order, starting from the
    first one with max = −inf; move to a position if its value is larger than the max so far
    or is NaN. So a tie goes to the first maximum, a window with NaN to its last NaN, and an
    all −inf window to its first input position.
    """
    n, c, h, w = a.shape
    ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    z = np.zeros((n, c, ho, wo))
    arg = np.zeros((n, c, ho, wo, 2), dtype=int)
    for i in range(n):
        for j in range(c):
            for u in range(ho):
                for v in range(wo):
                    best, at = -np.inf, None
                    for p in range(kh):
                        for q in range(kw):
                            r, s = u * sh + p - ph, v * sw + q - pw
                            if 0 <= r < h and 0 <= s < w:
                                x = a[i, j, r, s]
                                if at is None or x > best or np.isnan(x):
                                    best, at = x, (r + ph, s + pw)
                    z[i, j, u, v] = best
                    arg[i, j, u, v] = at
    return z, arg


def max_pool2d_backward(delta, a, kh, kw, sh, sw, ph, pw):
    _, arg = max_pool2d(a, kh, kw, sh, sw, ph, pw)
    g = np.zeros((a.shape[0], a.shape[1], a.shape[2] + 2 * ph, a.shape[3] + 2 * pw))
    for idx in np.ndindex(*delta.shape):
        r, s = arg[idx]
        g[idx[0], idx[1], r, s] += delta[idx]
    return g[:, :, ph : ph + a.shape[2], pw : pw + a.shape[3]]


def avg_pool2d(a, kh, kw, sh, sw, ph, pw):
    ap = _pad(a, ph, pw)
    n, c = a.shape[:2]
    ho, wo = (a.shape[2] + 2 * ph - kh) // sh + 1, (a.shape[3] + 2 * pw - kw) // sw + 1
    z = np.zeros((n, c, ho, wo))
    for i in range(n):
        for j in range(c):
            for u in range(ho):
                for v in range(wo):
                    z[i, j, u, v] = ap[i, j, u * sh : u * sh + kh, v * sw : v * sw + kw].mean()
    return z


def avg_pool2d_backward(delta, shape, kh, kw, sh, sw, ph, pw):
    g = np.zeros((shape[0], shape[1], shape[2] + 2 * ph, shape[3] + 2 * pw))
    for i, j, u, v in np.ndindex(*delta.shape):
        g[i, j, u * sh : u * sh + kh, v * sw : v * sw + kw] += delta[i, j, u, v] / (kh * kw)
    return g[:, :, ph : ph + shape[2], pw : pw + shape[3]]
