"""Where each kernel offset (p, q) lands in the padded input.

Every kernel here loops over the kh·kw offsets of a window, never over pixels:
for offset (p, q) the entries a_pad[.., p + s·i, q + s·j] for all output
positions (i, j) form one strided slice, so each step is one vectorised copy or add.
"""

from __future__ import annotations

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
    """Pad the last two axes; works for object arrays (the pad value is a plain int 0)."""
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    width = [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)]
    return np.pad(x, width, mode="constant", constant_values=value)


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
