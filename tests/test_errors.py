"""Bad input gets a ValueError/TypeError that names the argument — never a broadcast error or a wrong answer."""

import numpy as np
import pytest

import convbp

A = np.ones((2, 3, 6, 6))
W = np.ones((4, 3, 3, 3))
D = np.ones((2, 4, 4, 4))


@pytest.mark.parametrize("call,exc,words", [
    (lambda: convbp.conv2d(A, W, stride=0), ValueError, "stride must be positive"),
    (lambda: convbp.conv2d(A, W, stride=1.5), TypeError, "stride"),
    (lambda: convbp.conv2d(A, W, stride=True), TypeError, "stride"),
    (lambda: convbp.conv2d(A, W, stride=(1, 2, 3)), ValueError, "stride must be an int or a pair"),
    (lambda: convbp.conv2d(A, W, padding=-1), ValueError, "padding must be non-negative"),
    (lambda: convbp.conv2d(A, W, padding="1"), TypeError, "padding"),
    (lambda: convbp.conv2d(A[0], W), ValueError, "a must be 2-D"),
    (lambda: convbp.conv2d(A, W[:, :2]), ValueError, "input channel"),
    (lambda: convbp.conv2d(A, np.ones((1, 3, 9, 9))), ValueError, "larger than the padded input"),
    (lambda: convbp.conv2d(A, W, np.ones(3)), ValueError, "b must have shape"),
    (lambda: convbp.conv2d(A[0, 0], W), ValueError, "both be 2-D"),
    (lambda: convbp.conv2d(np.array([["x"]]), np.ones((1, 1))), TypeError, "a must be a real numeric array"),
    (lambda: convbp.conv2d(np.ones((3, 3), dtype=complex), np.ones((1, 1))), TypeError, "a must be a real numeric"),
    (lambda: convbp.conv2d(np.array([[None]]), np.ones((1, 1))), TypeError, "a must hold numbers"),
    (lambda: convbp.conv2d([[1, 2], [3]], np.ones((1, 1))), TypeError, "a must be an array"),
    (lambda: convbp.conv2d_backward_input(D, W, (2, 3, 5, 5)), ValueError, "delta must have shape"),
    (lambda: convbp.conv2d_backward_input(D, W, (2, 3, 6)), ValueError, "input_shape must be a tuple of 4"),
    (lambda: convbp.conv2d_backward_input(D, W, (2, 2, 6, 6)), ValueError, "input channel"),
    (lambda: convbp.conv2d_backward_input(D[:, :3], W, A.shape), ValueError, "delta must have shape"),
    (lambda: convbp.conv2d_backward_weight(D, A, (4, 3, 2, 2)), ValueError, "delta must have shape"),
    (lambda: convbp.conv2d_backward_weight(D, A, (4, 2, 3, 3)), ValueError, "input channel"),
    (lambda: convbp.conv2d_backward_weight(D, A, (4, 3, 0, 3)), ValueError, "kernel_shape must hold positive"),
    (lambda: convbp.conv2d_backward_bias(np.ones(3)), ValueError, "delta must be 2-D"),
    (lambda: convbp.max_pool2d(A, 0), ValueError, "size must be positive"),
    (lambda: convbp.max_pool2d(A, 2, stride=0), ValueError, "stride must be positive"),
    (lambda: convbp.max_pool2d(A, 2, padding=2), ValueError, "padding must be at most half"),
    (lambda: convbp.max_pool2d(A, 7), ValueError, "window"),
    (lambda: convbp.max_pool2d(A, (2, 2, 2)), ValueError, "size must be an int or a pair"),
    (lambda: convbp.max_pool2d_backward(np.ones((2, 3, 2, 2)), A, 2), ValueError, "delta must have shape"),
    (lambda: convbp.max_pool2d_backward(np.ones((3, 3)), A, 2), ValueError, "both be 2-D"),
    (lambda: convbp.avg_pool2d(A, 2, padding=-1), ValueError, "padding must be non-negative"),
    (lambda: convbp.avg_pool2d_backward(np.ones((2, 3, 2, 2)), A.shape, 2), ValueError, "delta must have shape (2, 3, 3, 3)"),
    (lambda: convbp.avg_pool2d_backward(np.ones((3, 3)), (6, 6, 1), 2), ValueError, "input_shape must be a tuple of 2"),
])
def test_bad_input_is_named(call, exc, words):
    with pytest.raises(exc, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_max_pool_refuses_symbols_with_a_reason():
    from convbp.symbolic import symbol_grid

    with pytest.raises(TypeError, match="max pooling"):
        convbp.max_pool2d(symbol_grid("a", 2, 2), 2)
