"""convbp.transpose: the input gradient of a convolution computed three ways (the lecture's recipe,
Mᵀ·δ, scattering δ_uv·w), conv_transpose2d against conv2d_backward_input, finite differences and
PyTorch, and the window coverage behind checkerboard patterns."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import convbp
from convbp import blocks, gradcheck, transpose
from convbp.symbolic import simplify_grid, symbol_grid


def geometry():
    """(H, W, kh, kw, stride, padding) with the kernel fitting the padded input."""
    return st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(0, 2),
                     st.integers(0, 4), st.integers(0, 4)).map(
        lambda t: (t[2] + t[4], t[2] + t[5], t[2], max(1, t[2] - t[3] % 2), t[0] % 3 + 1, min(t[3], t[2] - 1)))


def routes(d, w, shape, stride, padding):
    return {
        "kernel": convbp.conv2d_backward_input(d, w, shape, stride=stride, padding=padding),
        "recipe": blocks.residual_before_conv(d, w, shape, stride=stride, padding=padding),
        "matrix": transpose.transpose_by_matrix(d, w, shape, stride=stride, padding=padding),
        "scatter": transpose.transpose_by_scatter(d, w, shape, stride=stride, padding=padding),
    }


@settings(max_examples=60, deadline=None)
@given(geometry(), st.integers(0, 2**16))
def test_three_routes_agree_with_the_kernel_and_finite_differences(geo, seed):
    h, wd, kh, kw, s, p = geo
    rng = np.random.default_rng(seed)
    x, w = rng.normal(size=(h, wd)), rng.normal(size=(kh, kw))
    forward = lambda t: convbp.conv2d(t, w, stride=s, padding=p)  # noqa: E731
    d = rng.normal(size=forward(x).shape)
    got = routes(d, w, (h, wd), s, p)
    for name, g in got.items():
        assert g.shape == (h, wd), name
        assert np.allclose(g, got["kernel"]), name
    assert gradcheck.check_backward(forward, x, d, got["scatter"]) < 1e-7


@pytest.mark.parametrize("shape, k, s, p", [((5, 5), 3, 2, 0), ((6, 6), 3, 2, 0), ((4, 5), 2, 1, 1)])
def test_three_routes_agree_symbolically(shape, k, s, p):
    w = symbol_grid("w", k, k)
    ho = (shape[0] + 2 * p - k) // s + 1
    wo = (shape[1] + 2 * p - k) // s + 1
    d = symbol_grid("delta", ho, wo)
    got = routes(d, w, shape, s, p)
    for name, g in got.items():
        assert np.all(simplify_grid(g - got["kernel"]) == 0), name


def test_conv_transpose2d_is_the_input_gradient_with_channels_bias_and_output_padding():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=2)
    y = transpose.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    assert y.shape == (2, 2, (4 - 1) * 2 - 2 + 3 + 1, (5 - 1) * 2 - 2 + 3 + 1)
    grad = convbp.conv2d_backward_input(x, w, y.shape, stride=2, padding=1)
    assert np.allclose(y, grad + b[None, :, None, None])
    # the transposed convolution is linear in x: its own gradient is the forward convolution
    d = rng.normal(size=y.shape)
    J = lambda t: np.sum(d * transpose.conv_transpose2d(t, w, stride=2, padding=1, output_padding=1))  # noqa: E731
    assert gradcheck.check_gradient(J, convbp.conv2d(d, w, stride=2, padding=1), x) < 1e-7


def test_conv_transpose2d_keeps_float32():
    x, w = np.ones((1, 1, 2, 2), np.float32), np.ones((1, 1, 3, 3), np.float32)
    assert transpose.conv_transpose2d(x, w, stride=2).dtype == np.float32


def test_conv_transpose2d_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    for (n, ci, co, h, wd, k, s, p, op) in [(2, 3, 4, 5, 6, 3, 2, 1, 1), (1, 1, 1, 4, 4, 3, 2, 0, 0),
                                             (3, 2, 5, 3, 7, 4, 3, 2, 2), (1, 2, 2, 6, 6, 2, 1, 0, 0)]:
        x, w, b = rng.normal(size=(n, ci, h, wd)), rng.normal(size=(ci, co, k, k)), rng.normal(size=co)
        ours = transpose.conv_transpose2d(x, w, b, stride=s, padding=p, output_padding=op)
        theirs = torch.nn.functional.conv_transpose2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b),
                                                      stride=s, padding=p, output_padding=op).numpy()
        assert ours.shape == theirs.shape and np.allclose(ours, theirs, atol=1e-10)


@pytest.mark.parametrize("call, message", [
    (lambda: transpose.conv_transpose2d(np.ones((2, 2)), np.ones((3, 3))), "x must be 4-D"),
    (lambda: transpose.conv_transpose2d(np.ones((1, 2, 2, 2)), np.ones((1, 1, 3, 3))), "input channel"),
    (lambda: transpose.conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), stride=2, output_padding=2),
     "output_padding must be smaller than the stride"),
    (lambda: transpose.conv_transpose2d(np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 1)), padding=1), "leaves no output"),
    (lambda: transpose.conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 2, 3, 3)), np.ones(3)), "b must have shape"),
    (lambda: transpose.transpose_by_scatter(np.ones((3, 3)), np.ones((3, 3)), (5, 5), stride=2), "delta must have shape"),
    (lambda: transpose.transpose_by_matrix(np.ones((1, 1, 2, 2)), np.ones((2, 2)), (3, 3)), "must be 2-D"),
    (lambda: transpose.coverage((2, 2), 3), "larger than the padded input"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_coverage_is_a_checkerboard_exactly_when_the_stride_does_not_divide_the_kernel():
    odd = transpose.coverage((9, 9), 3, stride=2)
    assert set(np.unique(odd[2:7, 2:7])) == {1.0, 2.0, 4.0}
    assert odd[2, 2] == 4 and odd[2, 3] == 2 and odd[3, 3] == 1
    even = transpose.coverage((10, 10), 4, stride=2)
    assert np.all(even[2:8, 2:8] == 4)
    assert np.array_equal(transpose.coverage((4, 4), 2), convbp.conv2d_backward_input(np.ones((3, 3)), np.ones((2, 2)), (4, 4)))
