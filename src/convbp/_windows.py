"""The geometry of a sliding window, written once: pooling, both conv engines, the blocks and the widgets ask here.

A kh×kw window slides with stride (sh, sw) over an H×W map padded by (ph, pw) on each side.
Output (u, v) (0-based) reads the padded map at rows s·u + p, columns s·v + q, for the window
offsets (p, q); output_size is the number of positions along one axis. Window holds, for one
geometry, everything the kernels need: the output size, one strided slice per offset (so that a
kernel loops over the kh·kw offsets, never over pixels), the part of each slice that lies inside
the map, and the rows and columns at the bottom and right that no window reaches.

Also here: padding and cropping the last two axes, zeros that sympy can add to, and the IEEE
quiet mode every kernel runs in.
"""

from __future__ import annotations

import functools

import numpy as np


def output_size(n: int, k: int, stride: int, pad: int) -> int:
    """⌊(n + 2·pad − k) / stride⌋ + 1: how many positions a window of k takes along an axis of n (< 1: it does not fit)."""
    return (n + 2 * pad - k) // stride + 1


class Window:
    """The geometry of one layer: hw (H, W) map, khw (kh, kw) window, stride and padding pairs.

    out_hw: (Ho, Wo). taps: for each offset (p, q), row-major, the (rows, cols) slices of the padded
    map it reads for every output at once (rows = p, p+s, …, p+s·(Ho−1)). parts: for each offset
    whose reads are not all padding, (p, q, (output rows, output cols), (input rows, input cols)) —
    the outputs that read inside the unpadded map and the slices of the map they read.
    unreached: the rows and columns of the padded map past the last window, at the bottom and right.
    """

    def __init__(self, hw, khw, stride, padding):
        self.hw, self.khw, self.stride, self.padding = tuple(hw), tuple(khw), tuple(stride), tuple(padding)
        (h, width), (kh, kw), (sh, sw), (ph, pw) = self.hw, self.khw, self.stride, self.padding
        self.out_hw = ho, wo = output_size(h, kh, sh, ph), output_size(width, kw, sw, pw)
        self.unreached = (h + 2 * ph - ((ho - 1) * sh + kh), width + 2 * pw - ((wo - 1) * sw + kw))
        self.taps = [(slice(p, p + sh * (ho - 1) + 1, sh), slice(q, q + sw * (wo - 1) + 1, sw)) for p in range(kh) for q in range(kw)]
        self.parts = []
        for p in range(kh):
            rows = _inside(p, h, ho, sh, ph)
            for q in range(kw):
                cols = _inside(q, width, wo, sw, pw)
                if rows and cols:
                    self.parts.append((p, q, (rows[0], cols[0]), (rows[1], cols[1])))

    @functools.cached_property
    def reads_input(self) -> list[np.ndarray]:
        """For each tap, the (Ho, Wo) mask of the outputs whose read at that offset is inside the map, not padding."""
        masks = [np.zeros(self.out_hw, dtype=bool) for _ in self.taps]
        for p, q, out, _ in self.parts:
            masks[p * self.khw[1] + q][out] = True
        return masks

    @property
    def residual_padding(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The zeros the lecture's recipe puts around the dilated δ: kernel size − 1 on every side,
        plus the unreached rows and columns on the bottom and right, as ((top, bottom), (left, right))."""
        (kh, kw), (ur, uc) = self.khw, self.unreached
        return (kh - 1, kh - 1 + ur), (kw - 1, kw - 1 + uc)


def _inside(p, n, n_out, s, pad):
    """Outputs u with 0 ≤ s·u + p − pad < n, as (output slice, input slice), or None if there are none."""
    u0 = max(0, -(-(pad - p) // s))
    u1 = min(n_out, -(-(n + pad - p) // s))
    if u1 <= u0:
        return None
    first = s * u0 + p - pad
    return slice(u0, u1), slice(first, first + s * (u1 - u0 - 1) + 1, s)


@functools.lru_cache(maxsize=64)
def window(hw, khw, stride, padding) -> Window:
    """The Window of one geometry (all four pairs of ints), made once: a training loop asks for the same few again and again.

    No checks: `convbp._validate.window` checks the arguments and the fit, then asks here.
    """
    return Window(hw, khw, stride, padding)


def pad_hw(x: np.ndarray, padding: tuple[int, int], value=0) -> np.ndarray:
    """Pad the last two axes with `value`; works for object arrays (the pad is a plain int 0).

    Allocating and assigning is several times faster than np.pad on the small maps of a CNN.
    """
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    shape = x.shape[:-2] + (x.shape[-2] + 2 * ph, x.shape[-1] + 2 * pw)
    out = zeros(shape, x.dtype) if value == 0 else np.full(shape, value, dtype=x.dtype)
    out[..., ph : ph + x.shape[-2], pw : pw + x.shape[-1]] = x
    return out


def crop_hw(x: np.ndarray, padding: tuple[int, int], hw: tuple[int, int]) -> np.ndarray:
    """Undo pad_hw: keep the H×W block that started at (ph, pw)."""
    ph, pw = padding
    return x[..., ph : ph + hw[0], pw : pw + hw[1]]


def zeros(shape, dtype) -> np.ndarray:
    """Zeros that sympy can add to (int 0 in an object array)."""
    if np.dtype(dtype) == object:
        out = np.empty(shape, dtype=object)
        out.fill(0)
        return out
    return np.zeros(shape, dtype=dtype)


def ieee(kernel):
    """Run `kernel` with NumPy's warnings on invalid results and overflow off.

    NaN and ±inf in the inputs are part of the contract (their positions in every output
    match PyTorch's); 0 · inf = NaN and inf − inf = NaN are the IEEE answers, not mistakes
    to warn about, and PyTorch makes them silently too.
    """

    @functools.wraps(kernel)
    def quietly(*args, **kwargs):
        with np.errstate(invalid="ignore", over="ignore"):
            return kernel(*args, **kwargs)

    return quietly
