"""Argument checks shared by every part of convbp: the kernels, the layers, the models, the widgets.

Each check either returns a clean value or raises a ValueError/TypeError that names
the argument and says what was expected, so that a reader's mistake never turns into
a NumPy broadcasting error from deep inside a kernel, or worse, a silently wrong answer.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

from . import _windows
from ._windows import Window


def _is_int(value) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def pair(value, name: str, *, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints, each at least `minimum`, as a (rows, columns) pair."""
    if _is_int(value):
        items = (value, value)
    elif isinstance(value, (tuple, list, np.ndarray)):
        items = tuple(np.asarray(value).ravel().tolist()) if isinstance(value, np.ndarray) else tuple(value)
        if len(items) != 2:
            raise ValueError(f"{name} must be an int or a pair (rows, columns); got {len(items)} values: {value!r}")
        if not all(_is_int(v) for v in items):
            raise TypeError(f"{name} must hold integers; got {value!r}")
    else:
        raise TypeError(f"{name} must be an int or a pair of ints (rows, columns); got {type(value).__name__} {value!r}")
    items = tuple(operator.index(v) for v in items)
    for v in items:
        if v < minimum:
            what = "positive" if minimum == 1 else "non-negative" if minimum == 0 else f">= {minimum}"
            raise ValueError(f"{name} must be {what}; got {value!r}")
    return items  # type: ignore[return-value]


def count(value, name: str, *, minimum: int = 1) -> int:
    """An int of at least `minimum` (epochs, a batch size, a seed), or a TypeError/ValueError naming it."""
    what = "a positive int" if minimum == 1 else f"an int ≥ {minimum}"
    if not _is_int(value):
        raise TypeError(f"{name} must be {what}; got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {what}; got {value!r}")
    return operator.index(value)


def one_of(value, choices, name: str):
    """`value` if it is one of `choices` (an int among int choices: 50.0 is not the depth 50), else a ValueError naming it."""
    choices = list(choices)
    try:
        found = value in choices and (not all(_is_int(c) for c in choices) or _is_int(value))
    except TypeError:  # an unhashable value among dict keys, say
        found = False
    if not found:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def positive_number(value, name: str) -> float:
    """A finite real number > 0 (a step size), or a TypeError/ValueError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number; got {type(value).__name__} {value!r}")
    if not (np.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be positive and finite; got {value!r}")
    return float(value)


def _is_symbolic_entry(x) -> bool:
    # sympy objects carry free_symbols; checking the attribute avoids importing sympy here.
    return isinstance(x, numbers.Number) or hasattr(x, "free_symbols")


def array(x, name: str) -> np.ndarray:
    """`x` as an ndarray of float32, float64 or sympy objects.

    Integers and booleans become float64 (an integer convolution would silently
    truncate gradients); float16 becomes float32; anything non-numeric is a TypeError.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers; could not convert it ({exc})") from None
    kind = arr.dtype.kind
    if kind in "biu":
        return arr.astype(np.float64)
    if kind == "f":
        return arr if arr.dtype in (np.float32, np.float64) else arr.astype(np.float32 if arr.dtype.itemsize < 4 else np.float64)
    if kind == "O":
        bad = [e for e in arr.ravel() if not _is_symbolic_entry(e)]
        if bad:
            raise TypeError(f"{name} must hold numbers or sympy expressions; found {type(bad[0]).__name__} {bad[0]!r}")
        return arr
    raise TypeError(f"{name} must be a real numeric array (or an object array of sympy expressions); got dtype {arr.dtype}")


def as_nchw(x: np.ndarray, name: str, layout: str = "(N, C, H, W)") -> tuple[np.ndarray, bool]:
    """Return `x` as a 4-D array and whether it came in as a 2-D single-channel grid.

    Sizes: a batch N may be empty (the result is then empty too, as in PyTorch); every
    other axis (channels, kernels, rows, columns) needs at least one entry.
    """
    if x.ndim not in (2, 4):
        raise ValueError(f"{name} must be 2-D (H, W) or 4-D {layout}; got {x.ndim}-D with shape {x.shape}")
    axes = ["H", "W"] if x.ndim == 2 else layout.strip("()").split(", ")
    nonempty(x.shape, axes, name)
    return (x[None, None], True) if x.ndim == 2 else (x, False)


def nonempty(sizes, axes, name: str) -> None:
    """Every axis but a batch axis N has at least one entry, or a ValueError naming it."""
    for size, axis in zip(sizes, axes):
        if size < (0 if axis == "N" else 1):
            raise ValueError(
                f"{name} must have at least one entry along {axis} (only the batch N may be empty); got shape {tuple(sizes)}"
            )


def same_mode(name_a: str, twod_a: bool, name_b: str, twod_b: bool) -> None:
    if twod_a != twod_b:
        raise ValueError(
            f"{name_a} and {name_b} must both be 2-D (the lecture's single-channel case) or both 4-D; "
            f"got {name_a} {'2-D' if twod_a else '4-D'} and {name_b} {'2-D' if twod_b else '4-D'}"
        )


def shape(value, name: str, ndim: int, *, batch: bool = False) -> tuple[int, ...]:
    """A shape tuple of `ndim` positive ints; with batch=True the first may be 0 (an empty batch)."""
    try:
        items = tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be a tuple of {ndim} ints; got {value!r}") from None
    if len(items) != ndim or not all(_is_int(v) for v in items):
        raise ValueError(f"{name} must be a tuple of {ndim} ints; got {value!r}")
    items = tuple(operator.index(v) for v in items)
    if any(v < 1 for v in items[1 if batch else 0 :]) or (batch and items[0] < 0):
        what = "a batch size of at least 0 and positive sizes" if batch else "positive sizes"
        raise ValueError(f"{name} must hold {what}; got {value!r}")
    return items


def window(hw, khw, stride, padding=0, what: str = "kernel") -> Window:
    """The geometry of a `what` of khw (kh, kw) sliding over an hw (H, W) map (convbp._windows.Window),
    after checking stride (positive) and padding (non-negative), ints or pairs, and that it fits the padded map."""
    stride, padding = pair(stride, "stride"), pair(padding, "padding", minimum=0)
    for n, k, pad, axis in zip(hw, khw, padding, ("rows", "columns")):
        if k > n + 2 * pad:
            raise ValueError(
                f"the {what} ({k} {axis}) is larger than the padded input ({n} + 2·{pad} = {n + 2 * pad} {axis}): it must fit in it"
            )
    return _windows.window(tuple(hw), tuple(khw), stride, padding)


def delta_shape(d4: np.ndarray, twod: bool, expected4: tuple[int, ...], what: str) -> None:
    """δ must have exactly the shape the forward pass produces; report it in the caller's 2-D or 4-D terms."""
    expected4 = tuple(expected4)
    if d4.shape != expected4:
        want, got = (expected4[2:], d4.shape[2:]) if twod else (expected4, d4.shape)
        raise ValueError(f"delta must have shape {want} ({what}); got {got}")


def all_finite(*arrays: np.ndarray) -> bool:
    """Whether every entry of every array is a finite number (a sympy symbol counts as finite).

    Object arrays are checked entry by entry: a float nan or inf, or a sympy expression
    holding nan, oo, −oo or zoo, is not finite.
    """
    for x in arrays:
        if x is None:
            continue
        if x.dtype != object:
            if not np.isfinite(x).all():
                return False
        elif not all(_finite_entry(e) for e in x.flat):
            return False
    return True


def _finite_entry(e) -> bool:
    if hasattr(e, "free_symbols"):  # sympy is imported if a sympy object is here
        import sympy

        return not e.has(sympy.nan, sympy.oo, -sympy.oo, sympy.zoo)
    try:
        return bool(np.isfinite(float(e)))
    except (TypeError, OverflowError):  # complex entries are rejected elsewhere; huge ints are finite
        return isinstance(e, numbers.Integral)
