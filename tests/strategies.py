"""Hypothesis strategies for kernel configurations: every shape, stride and padding that is valid."""

import numpy as np
from hypothesis import strategies as st


@st.composite
def conv_configs(draw, max_side=9, max_channels=3):
    n = draw(st.integers(1, 3))
    c = draw(st.integers(1, max_channels))
    k = draw(st.integers(1, max_channels))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))  # stride may exceed the kernel
    ph, pw = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, kh - 2 * ph), max_side))
    w = draw(st.integers(max(1, kw - 2 * pw), max_side))
    seed = draw(st.integers(0, 2**31 - 1))
    return dict(shape=(n, c, h, w), kernel=(k, c, kh, kw), stride=(sh, sw), padding=(ph, pw), seed=seed)


@st.composite
def pool_configs(draw, max_side=9):
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    ph, pw = draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))
    h = draw(st.integers(max(1, kh - 2 * ph), max_side))
    w = draw(st.integers(max(1, kw - 2 * pw), max_side))
    # Small integers make ties common, which is the case worth testing.
    ties = draw(st.booleans())
    seed = draw(st.integers(0, 2**31 - 1))
    return dict(shape=(n, c, h, w), size=(kh, kw), stride=(sh, sw), padding=(ph, pw), ties=ties, seed=seed)


def out_shape(shape, size, stride, padding, k=None):
    n, c, h, w = shape
    ho = (h + 2 * padding[0] - size[0]) // stride[0] + 1
    wo = (w + 2 * padding[1] - size[1]) // stride[1] + 1
    return (n, c if k is None else k, ho, wo)


def pool_input(cfg):
    rng = np.random.default_rng(cfg["seed"])
    if cfg["ties"]:
        return rng.integers(0, 3, size=cfg["shape"]).astype(np.float64)
    return rng.standard_normal(cfg["shape"])
