"""Max and average pooling, forward and backward: loops, finite differences, ties, overlap, float32."""

import numpy as np
import pytest
from hypothesis import given

import convbp
import reference as ref
from convbp.gradcheck import numerical_gradient, relative_error
from strategies import out_shape, pool_configs, pool_input

LECTURE_MAP = np.array([[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]])


def _kw(cfg):
    return dict(stride=cfg["stride"], padding=cfg["padding"])


def _args(cfg):
    return (*cfg["size"], *cfg["stride"], *cfg["padding"])


def _delta(cfg):
    return np.random.default_rng(cfg["seed"] + 1).standard_normal(out_shape(cfg["shape"], cfg["size"], cfg["stride"], cfg["padding"]))


@given(pool_configs())
def test_max_pool_matches_the_loops_ties_included(cfg):
    a, delta = pool_input(cfg), _delta(cfg)
    z, _ = ref.max_pool2d(a, *_args(cfg))
    np.testing.assert_array_equal(convbp.max_pool2d(a, cfg["size"], **_kw(cfg)), z)
    np.testing.assert_allclose(convbp.max_pool2d_backward(delta, a, cfg["size"], **_kw(cfg)), ref.max_pool2d_backward(delta, a, *_args(cfg)), atol=1e-12)


@given(pool_configs())
def test_avg_pool_matches_the_loops(cfg):
    a, delta = pool_input(cfg), _delta(cfg)
    np.testing.assert_allclose(convbp.avg_pool2d(a, cfg["size"], **_kw(cfg)), ref.avg_pool2d(a, *_args(cfg)), atol=1e-12)
    np.testing.assert_allclose(convbp.avg_pool2d_backward(delta, a.shape, cfg["size"], **_kw(cfg)), ref.avg_pool2d_backward(delta, a.shape, *_args(cfg)), atol=1e-12)


@given(pool_configs(max_side=6))
def test_pool_backward_matches_finite_differences(cfg):
    cfg = dict(cfg, ties=False)  # max is not differentiable at a tie
    a, delta = pool_input(cfg), _delta(cfg)
    for forward, backward in [(convbp.max_pool2d, lambda: convbp.max_pool2d_backward(delta, a, cfg["size"], **_kw(cfg))),
                              (convbp.avg_pool2d, lambda: convbp.avg_pool2d_backward(delta, a.shape, cfg["size"], **_kw(cfg)))]:
        numeric = numerical_gradient(lambda x: np.sum(delta * forward(x, cfg["size"], **_kw(cfg))), a)
        assert relative_error(backward(), numeric) < 1e-7


@given(pool_configs())
def test_pool_float32_stays_float32(cfg):
    a = pool_input(cfg).astype(np.float32)
    delta = _delta(cfg).astype(np.float32)
    for out in [convbp.max_pool2d(a, cfg["size"], **_kw(cfg)), convbp.max_pool2d_backward(delta, a, cfg["size"], **_kw(cfg)),
                convbp.avg_pool2d(a, cfg["size"], **_kw(cfg)), convbp.avg_pool2d_backward(delta, a.shape, cfg["size"], **_kw(cfg))]:
        assert out.dtype == np.float32


def test_lecture_max_pooling_example():
    np.testing.assert_array_equal(convbp.max_pool2d(LECTURE_MAP, 2), [[8, 9], [8, 6]])
    np.testing.assert_array_equal(convbp.max_pool2d_backward([[7, 3], [1, 4]], LECTURE_MAP, 2),
                                  [[0, 7, 0, 0], [0, 0, 0, 3], [0, 0, 0, 0], [1, 0, 4, 0]])


def test_lecture_average_pooling_example():
    np.testing.assert_array_equal(convbp.avg_pool2d(LECTURE_MAP, 2), [[4.5, 4.25], [5.5, 3]])
    np.testing.assert_array_equal(convbp.avg_pool2d_backward([[8, 4], [16, 4]], (4, 4), 2),
                                  [[2, 2, 1, 1], [2, 2, 1, 1], [4, 4, 1, 1], [4, 4, 1, 1]])


def test_tie_goes_to_the_first_maximum_in_row_major_order():
    a = np.array([[5.0, 5.0], [5.0, 5.0]])
    np.testing.assert_array_equal(convbp.max_pool2d_backward([[1.0]], a, 2), [[1, 0], [0, 0]])
    a = np.array([[0.0, 3.0], [3.0, 1.0]])
    np.testing.assert_array_equal(convbp.max_pool2d_backward([[2.0]], a, 2), [[0, 2], [0, 0]])


def test_overlapping_windows_add_their_residuals():
    # AlexNet's 3×3 window with stride 2 on 5×5: the centre 9 is the max of all four windows.
    a = np.zeros((5, 5))
    a[2, 2] = 9
    g = convbp.max_pool2d_backward([[1.0, 2.0], [3.0, 4.0]], a, 3, stride=2)
    assert g[2, 2] == 10 and g.sum() == 10
    g = convbp.avg_pool2d_backward(np.ones((2, 2)), (5, 5), 3, stride=2)
    assert g[2, 2] == pytest.approx(4 / 9) and g[0, 0] == pytest.approx(1 / 9) and g[0, 2] == pytest.approx(2 / 9)


def test_sizes_that_do_not_divide_evenly_drop_the_last_row_and_column():
    a = np.arange(25.0).reshape(5, 5)
    np.testing.assert_array_equal(convbp.max_pool2d(a, 2), [[6, 8], [16, 18]])
    g = convbp.avg_pool2d_backward(np.ones((2, 2)), (5, 5), 2)
    assert np.all(g[4] == 0) and np.all(g[:, 4] == 0) and g[:4, :4].sum() == 4


def test_padding_is_minus_infinity_for_max_and_counts_as_zero_for_average():
    a = -np.ones((2, 2))
    np.testing.assert_array_equal(convbp.max_pool2d(a, 2, stride=1, padding=1), -np.ones((3, 3)))
    np.testing.assert_array_equal(convbp.avg_pool2d(a, 2, stride=2, padding=1), -np.ones((2, 2)) / 4)


def test_avg_pool_runs_on_symbols():
    from convbp.symbolic import symbol_grid
    import sympy

    a = symbol_grid("a", 2, 2)
    z = convbp.avg_pool2d(a, 2)
    assert sympy.expand(z[0, 0] - sum(a.ravel()) / 4) == 0
    g = convbp.avg_pool2d_backward(symbol_grid("delta", 1, 1), (2, 2), 2)
    assert all(e == sympy.Symbol("delta11") / 4 for e in g.ravel())


def test_nan_propagates_and_takes_the_gradient_like_pytorch():
    # PyTorch moves the arg-max to every NaN it meets in row-major order: the last NaN keeps it.
    a = np.array([[1.0, np.nan], [np.nan, 5.0]])
    assert np.isnan(convbp.max_pool2d(a, 2)[0, 0])
    np.testing.assert_array_equal(convbp.max_pool2d_backward([[3.0]], a, 2), [[0, 0], [3, 0]])
