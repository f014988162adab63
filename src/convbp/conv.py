"""Convolution (cross-correlation) forward, and its three gradients.

The lecture's forward formula (1-based indices, stride s, one sample):

    z_{k,u,v} = Σ_c Σ_p Σ_q w_{k,c,p,q} · a_pad_{c, s(u−1)+p, s(v−1)+q} + b_k

Shapes: a (N, C, H, W), w (K, C, kh, kw), b (K,), z and δ = ∂J/∂z (N, K, Ho, Wo)
with Ho = ⌊(H + 2·padding − kh) / stride⌋ + 1. 2-D `a` (H, W) with 2-D `w` (kh, kw)
is the lecture's single-channel case and gives 2-D results.

Each of the three products is im2col and a matrix product: the input is cut into
columns (one column per output pixel, one row per (c, p, q)), so z = W · cols,
∂J/∂W = δ · colsᵀ and ∂J/∂a = col2im(Wᵀ · δ); `convbp._unfold` does it a few samples at
a time. For maps of a few dozen pixels, `convbp._dense` multiplies by the layer's dense
matrix instead (lecture §2.2). The same code runs on float32, float64 and NumPy object
arrays of sympy symbols.
"""

from __future__ import annotations

import numpy as np

from . import _dense, _unfold
from . import _validate as V
from ._windows import ieee


def _engine(hw, khw, channels, kernels, out_hw):
    """Which implementation does the products: the dense matrix of §2.2 for tiny maps, im2col
    otherwise. The choice depends on sizes only, so the symbols of a derivation and the numbers
    of a training step of the same sizes go through the same code; both engines are tested
    against the loops, finite differences and sympy."""
    return _dense if _dense.worth_it(hw, khw, channels, kernels, out_hw) else _unfold


def _products(method: str, win, channels: int, kernels: int, *args):
    """engine.method(*args, win) on the engine the sizes pick (win: the layer's _windows.Window).

    The dense engine returns None when NaN or ±inf in the operands would make its answer differ
    from the formula's (see convbp._dense): im2col, which makes exactly the formula's products,
    answers instead. BLAS runs on one thread meanwhile (see _unfold.one_blas_thread): the bits
    never depend on the cores."""
    with _unfold.one_blas_thread:
        out = getattr(_engine(win.hw, win.khw, channels, kernels, win.out_hw), method)(*args, win)
        return getattr(_unfold, method)(*args, win) if out is None else out


def _backward_operands(delta, x, name: str, layout: str):
    """Validate δ and the other operand of a backward pass; both 4-D, of one dtype, and whether δ came in 2-D."""
    d4, d2d = V.as_nchw(V.array(delta, "delta"), "delta", "(N, K, Ho, Wo)")
    x4, x2d = V.as_nchw(V.array(x, name), name, layout)
    V.same_mode("delta", d2d, name, x2d)
    dtype = np.result_type(d4, x4)  # float32 only when both are; object when either is symbolic
    return d4.astype(dtype, copy=False), x4.astype(dtype, copy=False), d2d


@ieee
def conv2d(a, w, b=None, *, stride=1, padding=0):
    """z = a ⋆ w + b: the forward pass of a convolution layer (cross-correlation).

    z[n, k, u, v] = Σ_{c,p,q} w[k, c, p, q] · a_pad[n, c, s·u + p, s·v + q] + b[k]

    a: (N, C, H, W) or (H, W); w: (K, C, kh, kw) or (kh, kw); b: (K,) or None
    (a scalar or shape (1,) in the 2-D case). Returns z of shape (N, K, Ho, Wo), or (Ho, Wo).
    """
    a = V.array(a, "a")
    w = V.array(w, "w")
    a4, a2d = V.as_nchw(a, "a")
    w4, w2d = V.as_nchw(w, "w", "(K, C, kh, kw)")
    V.same_mode("a", a2d, "w", w2d)
    c, k, cw = a4.shape[1], w4.shape[0], w4.shape[1]
    if cw != c:
        raise ValueError(f"w has {cw} input channel(s) (shape {w4.shape}) but a has {c} (shape {a4.shape}): they must match")
    win = V.window(a4.shape[2:], w4.shape[2:], stride, padding)
    dtype = np.result_type(a4, w4)  # float32 only when every input is; object when any is symbolic
    if b is not None:
        b = V.array(b, "b")
        if b.ndim == 0:
            b = b.reshape(1)
        if b.shape != (k,):
            raise ValueError(f"b must have shape ({k},), one bias per kernel; got {b.shape}")
        dtype = np.result_type(a4, w4, b)
    a4, w4 = a4.astype(dtype, copy=False), w4.astype(dtype, copy=False)
    b = None if b is None else b.astype(dtype, copy=False)
    z = _products("forward", win, c, k, a4, w4, b)
    return z[0, 0] if a2d else z


@ieee
def conv2d_backward_input(delta, w, input_shape, *, stride=1, padding=0):
    """∂J/∂a = Σ_{k,p,q} w[k, c, p, q] · δ[n, k, u, v] scattered to a[n, c, s·u + p − pad, s·v + q − pad].

    This is the residual passed to the layer before (still to be multiplied by σ′(z^(l−1))).
    It equals the lecture's recipe (rotate w by 180°, dilate and zero-pad δ, correlate),
    see `convbp.blocks.residual_before_conv`; here it is one matrix product Wᵀ·δ
    followed by adding each window's column back onto the pixels it came from (col2im).

    delta: (N, K, Ho, Wo) or (Ho, Wo); w: (K, C, kh, kw) or (kh, kw);
    input_shape: (N, C, H, W) or (H, W). Returns an array of shape input_shape.
    Input pixels no window reaches get zero.
    """
    d4, w4, d2d = _backward_operands(delta, w, "w", "(K, C, kh, kw)")
    shp = V.shape(input_shape, "input_shape", 2 if d2d else 4, batch=not d2d)
    n, c, *hw = (1, 1) + shp if d2d else shp
    k, cw = w4.shape[:2]
    if cw != c:
        raise ValueError(f"w has {cw} input channel(s) but input_shape {tuple(input_shape)} has {c}: they must match")
    win = V.window(hw, w4.shape[2:], stride, padding)
    V.delta_shape(d4, d2d, (n, k) + win.out_hw, "the shape conv2d produces for input_shape and w")
    grad = _products("backward_input", win, c, k, d4, w4)
    return grad[0, 0] if d2d else grad


@ieee
def conv2d_backward_weight(delta, a, kernel_shape, *, stride=1, padding=0):
    """∂J/∂w[k, c, p, q] = Σ_{n,u,v} δ[n, k, u, v] · a_pad[n, c, s·u + p, s·v + q].

    The lecture's rule: correlate the previous layer's output a^(l−1) with the residual δ^(l).
    delta: (N, K, Ho, Wo) or (Ho, Wo); a: (N, C, H, W) or (H, W);
    kernel_shape: (K, C, kh, kw) or (kh, kw). Returns an array of shape kernel_shape.
    """
    d4, a4, d2d = _backward_operands(delta, a, "a", "(N, C, H, W)")
    shp = V.shape(kernel_shape, "kernel_shape", 2 if d2d else 4)
    k, c, *khw = (1, 1) + shp if d2d else shp
    n, ca = a4.shape[:2]
    if ca != c:
        raise ValueError(f"kernel_shape {tuple(kernel_shape)} has {c} input channel(s) but a has {ca}: they must match")
    win = V.window(a4.shape[2:], khw, stride, padding)
    V.delta_shape(d4, d2d, (n, k) + win.out_hw, "the shape conv2d produces for a and kernel_shape")
    dw = _products("backward_weight", win, c, k, d4, a4)
    return dw[0, 0] if d2d else dw


@ieee
def conv2d_backward_bias(delta):
    """∂J/∂b[k] = Σ_{n,u,v} δ[n, k, u, v]: one bias per output feature map, so its gradient is the sum of that map's residuals.

    delta: (N, K, Ho, Wo) → shape (K,); delta (Ho, Wo) → a scalar.
    """
    delta = V.array(delta, "delta")
    d4, d2d = V.as_nchw(delta, "delta", "(N, K, Ho, Wo)")
    # einsum reduces in one pass; object arrays (sympy) take the plain sum.
    total = d4.sum(axis=(0, 2, 3)) if d4.dtype == object else np.einsum("nkhw->k", d4)
    return total[0] if d2d else total
