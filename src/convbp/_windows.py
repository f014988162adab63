"""Where each kernel offset (p, q) lands in the padded input.

Every kernel here loops over the kh·kw offsets of a window, never over pixels:
for offset (p, q) the entries a_pad[.., p + s·i, q + s·j] for all output
positions (i, j) form one strided slice, so each step is one vectorised copy or add.
"""

from __future__ import annotations

import functools
from typing import Iterator

import numpy as np


def offsets(kh: int, kw: int, stride: tuple[int, int], out_hw: tuple[int, int]) -> Iterator[tuple[int, int, tuple[slice, slice]]]:
    """Yield (p, q, (rows, cols)) with rows = p, p+s, …, p+s·(Ho−1) (likewise cols)."""
    sh, sw = stride
    ho, wo = out_hw
    for p in range(kh):
        for q in range(kw):
            yield p, q, (slice(p, p + sh * (ho - 1) + 1, sh), slice(q, q + sw * (wo - 1) + 1, sw))


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
