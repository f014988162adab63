"""Empty batches work as in PyTorch; every other empty axis is a ValueError naming it, in all eight kernels.

The rule: only the batch N may be 0 (results are empty, and a gradient summed over the batch
is zero); channels C, kernels K, rows and columns need at least one entry.
"""

import numpy as np
import pytest

import convbp
from engines import ENGINES, engine


@pytest.mark.parametrize("dtype", [np.float64, np.float32, object])
@pytest.mark.parametrize("name", ENGINES)
def test_an_empty_batch_gives_empty_results_and_zero_sums(name, dtype):
    a, w, b = np.zeros((0, 3, 6, 5), dtype), np.ones((4, 3, 3, 2), dtype), np.ones(4, dtype)
    d = np.zeros((0, 4, 3, 6), dtype)
    kw = dict(stride=(2, 1), padding=1)
    with engine(name):
        z = convbp.conv2d(a, w, b, **kw)
        da = convbp.conv2d_backward_input(d, w, a.shape, **kw)
        dw = convbp.conv2d_backward_weight(d, a, w.shape, **kw)
    assert z.shape == (0, 4, 3, 6) and da.shape == a.shape
    assert dw.shape == w.shape and np.all(dw == 0)
    db = convbp.conv2d_backward_bias(d)
    assert db.shape == (4,) and np.all(db == 0)
    for out in (z, da, dw, db):
        assert out.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_an_empty_batch_pools_to_an_empty_batch(dtype):
    a = np.zeros((0, 2, 5, 5), dtype)
    d = np.zeros((0, 2, 3, 3), dtype)
    kw = dict(stride=2, padding=1)
    assert convbp.max_pool2d(a, 3, **kw).shape == (0, 2, 3, 3)
    assert convbp.avg_pool2d(a, 3, **kw).shape == (0, 2, 3, 3)
    for g in (convbp.max_pool2d_backward(d, a, 3, **kw), convbp.avg_pool2d_backward(d, a.shape, 3, **kw)):
        assert g.shape == a.shape and g.dtype == dtype


A = np.ones((2, 3, 6, 6))
W = np.ones((4, 3, 3, 3))
D = np.ones((2, 4, 4, 4))


@pytest.mark.parametrize("call,words", [
    (lambda: convbp.conv2d(np.ones((2, 0, 6, 6)), np.ones((4, 0, 3, 3))), "a must have at least one entry along C"),
    (lambda: convbp.conv2d(A, np.ones((0, 3, 3, 3))), "w must have at least one entry along K"),
    (lambda: convbp.conv2d(np.ones((2, 3, 0, 6)), W), "a must have at least one entry along H"),
    (lambda: convbp.conv2d(np.ones((0, 6)), np.ones((1, 1))), "a must have at least one entry along H"),
    (lambda: convbp.conv2d_backward_input(np.ones((2, 0, 4, 4)), W, A.shape), "delta must have at least one entry along K"),
    (lambda: convbp.conv2d_backward_input(D, W, (2, 0, 6, 6)), "input_shape must hold"),
    (lambda: convbp.conv2d_backward_weight(D, np.ones((2, 0, 6, 6)), W.shape), "a must have at least one entry along C"),
    (lambda: convbp.conv2d_backward_weight(D, A, (0, 3, 3, 3)), "kernel_shape must hold positive"),
    (lambda: convbp.conv2d_backward_bias(np.ones((2, 0, 4, 4))), "delta must have at least one entry along K"),
    (lambda: convbp.max_pool2d(np.ones((2, 0, 6, 6)), 2), "a must have at least one entry along C"),
    (lambda: convbp.max_pool2d_backward(np.ones((2, 0, 3, 3)), np.ones((2, 0, 6, 6)), 2), "a must have at least one entry along C"),
    (lambda: convbp.avg_pool2d(np.ones((2, 3, 6, 0)), 2), "a must have at least one entry along W"),
    (lambda: convbp.avg_pool2d_backward(np.ones((2, 0, 3, 3)), (2, 0, 6, 6), 2), "delta must have at least one entry along C"),
    (lambda: convbp.avg_pool2d_backward(np.ones((2, 3, 3, 3)), (-1, 3, 6, 6), 2), "input_shape must hold"),
])
def test_other_empty_axes_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
