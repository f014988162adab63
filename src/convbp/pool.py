"""Max and average pooling, forward and backward.

Window m×n (`size`), stride s (default: the window, the lecture's non-overlapping
case), optional padding of at most half the window. Shapes: a (N, C, H, W) or (H, W);
pooled and δ (N, C, Ho, Wo) or (Ho, Wo) with Ho = ⌊(H + 2·padding − m) / s⌋ + 1.

Pooling has nothing to learn: its backward pass only routes each residual δ_{p,q}
back to the window it came from. Overlapping windows (AlexNet's 3×3, stride 2) send
several residuals to one input, and they add up.
"""

from __future__ import annotations

import numpy as np

from . import _validate as V
from ._windows import crop_hw, ieee, pad_hw, zeros


def _setup(a_shape_hw, size, stride, padding):
    """The Window of a pooling layer: stride defaults to the window; padding at most half the window."""
    kh, kw = V.pair(size, "size")
    stride = (kh, kw) if stride is None else V.pair(stride, "stride")
    ph, pw = V.pair(padding, "padding", minimum=0)
    if ph > kh // 2 or pw > kw // 2:
        raise ValueError(f"padding must be at most half the window (size {kh}×{kw} allows {kh // 2}, {kw // 2}); got {(ph, pw)}")
    return V.window(a_shape_hw, (kh, kw), stride, (ph, pw), "window")


def _numeric(a: np.ndarray, name: str) -> np.ndarray:
    if a.dtype == object:
        raise TypeError(f"{name} must be numeric for max pooling (max has no derivative to route through symbols); got an object array")
    return a


def _window_max(a_pad, win):
    """The max of each window: an elementwise maximum over the kh·kw offset slices (NaN propagates)."""
    best = None
    for tap in win.taps:
        x = a_pad[(Ellipsis,) + tap]
        best = x.copy() if best is None else np.maximum(best, x, out=best)
    return best


@ieee
def max_pool2d(a, size, *, stride=None, padding=0):
    """Max pooling: z[n, c, u, v] = max over the window a_pad[n, c, s·u : s·u + m, s·v : s·v + n].

    Padding counts as −∞, so a padded position is never the maximum.
    a: (N, C, H, W) or (H, W). Returns (N, C, Ho, Wo) or (Ho, Wo).
    """
    a = _numeric(V.array(a, "a"), "a")
    a4, a2d = V.as_nchw(a, "a")
    win = _setup(a4.shape[2:], size, stride, padding)
    z = _window_max(pad_hw(a4, win.padding, value=-np.inf), win)
    return z[0, 0] if a2d else z


@ieee
def max_pool2d_backward(delta, a, size, *, stride=None, padding=0):
    """∂J/∂a for max pooling: each δ[n, c, u, v] goes to the position of its window's maximum.

    ∂z_{u,v}/∂a_{i,j} is 1 for the window's arg-max and 0 elsewhere; overlapping windows that
    share an arg-max add their residuals there. This is the lecture's "upsample and restore
    positions", before multiplying by σ′(z^(l−1)). The arg-max is PyTorch's (CPU): the first
    maximum in row-major order on a tie; the last NaN if the window holds NaN; the first
    input position (never padding) if every input of the window is −inf.
    delta: (N, C, Ho, Wo) or (Ho, Wo); a: the pooling layer's input. Returns the shape of a.
    """
    delta = _numeric(V.array(delta, "delta"), "delta")
    a = _numeric(V.array(a, "a"), "a")
    a4, a2d = V.as_nchw(a, "a")
    d4, d2d = V.as_nchw(delta, "delta", "(N, C, Ho, Wo)")
    V.same_mode("delta", d2d, "a", a2d)
    win = _setup(a4.shape[2:], size, stride, padding)
    V.delta_shape(d4, d2d, a4.shape[:2] + win.out_hw, "the shape max_pool2d produces for a")
    dtype = np.result_type(a4, d4)
    d4 = d4.astype(dtype, copy=False)
    a_pad = pad_hw(a4, win.padding, value=-np.inf)
    z = _window_max(a_pad, win)
    grad = np.zeros(a_pad.shape, dtype=dtype)
    taps = list(range(len(win.taps)))
    # Offsets in row-major order; a window takes the first one equal to its maximum (never
    # padding) and stops. NaN equals nothing, so NaN windows take none here ...
    if win.padding == (0, 0):
        _route(grad, a_pad, d4, win, taps, lambda t, x: x == z)
    else:
        _route(grad, a_pad, d4, win, taps, lambda t, x: (x == z) & win.reads_input[t])
    if np.isnan(z).any():  # ... and take their last NaN: the first going backwards.
        _route(grad, a_pad, d4, win, taps[::-1], lambda t, x: np.isnan(x))
    grad = np.ascontiguousarray(crop_hw(grad, win.padding, a4.shape[2:]))
    return grad[0, 0] if a2d else grad


def _route(grad, a_pad, delta, win, order, candidate):
    """grad[position] += δ at the first offset, in `order` (indices into win.taps), where candidate(t, x) holds.

    One vectorised pass per offset: x is offset t's slice of every window at once.
    """
    taken = np.zeros(delta.shape, dtype=bool)
    for t in order:
        tap = (Ellipsis,) + win.taps[t]
        hit = candidate(t, a_pad[tap])
        hit &= ~taken
        taken |= hit
        grad[tap] += np.where(hit, delta, 0)


@ieee
def avg_pool2d(a, size, *, stride=None, padding=0):
    """Average pooling: z[n, c, u, v] = (1 / (m·n)) Σ_{p,q} a_pad[n, c, s·u + p, s·v + q].

    The mean of the window (the lecture writes avg(sum(…)); it is just the mean).
    Padded zeros count in the divisor m·n (PyTorch's default). Runs on sympy object arrays.
    """
    a = V.array(a, "a")
    a4, a2d = V.as_nchw(a, "a")
    win = _setup(a4.shape[2:], size, stride, padding)
    a_pad = pad_hw(a4, win.padding)
    total = zeros(a4.shape[:2] + win.out_hw, a4.dtype)
    for tap in win.taps:
        total += a_pad[(Ellipsis,) + tap]
    # Dividing by the int m·n keeps float32 float32 and gives sympy exact fractions.
    z = total / (win.khw[0] * win.khw[1])
    return z[0, 0] if a2d else z


@ieee
def avg_pool2d_backward(delta, input_shape, size, *, stride=None, padding=0):
    """∂J/∂a for average pooling: every position of window (u, v) receives δ[n, c, u, v] / (m·n).

    Overlapping windows add; padded positions are dropped. delta: (N, C, Ho, Wo) or (Ho, Wo);
    input_shape: (N, C, H, W) or (H, W). Runs on sympy object arrays.
    """
    delta = V.array(delta, "delta")
    d4, d2d = V.as_nchw(delta, "delta", "(N, C, Ho, Wo)")
    shp = V.shape(input_shape, "input_shape", 2 if d2d else 4, batch=not d2d)
    full = (1, 1) + shp if d2d else shp
    win = _setup(full[2:], size, stride, padding)
    V.delta_shape(d4, d2d, full[:2] + win.out_hw, "the shape avg_pool2d produces for input_shape")
    share = d4 / (win.khw[0] * win.khw[1])
    (ph, pw) = win.padding
    grad = zeros(full[:2] + (full[2] + 2 * ph, full[3] + 2 * pw), d4.dtype)
    for tap in win.taps:
        grad[(Ellipsis,) + tap] += share
    grad = np.ascontiguousarray(crop_hw(grad, win.padding, full[2:]))
    return grad[0, 0] if d2d else grad
