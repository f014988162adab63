"""The lecture's building blocks, and its recipe equal to the backward kernel on every configuration."""

import numpy as np
import pytest
from hypothesis import assume, given

import convbp
from convbp.blocks import dilate, embed_centre, max_positions, residual_before_conv, restore_positions, rot180, upsample, zero_pad
from strategies import conv_configs, out_shape, pool_configs, pool_input

LECTURE_MAP = np.array([[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]])


@given(conv_configs())
def test_recipe_equals_conv2d_backward_input(cfg):
    rng = np.random.default_rng(cfg["seed"])
    w = rng.standard_normal(cfg["kernel"])
    delta = rng.standard_normal(out_shape(cfg["shape"], cfg["kernel"][2:], cfg["stride"], cfg["padding"], cfg["kernel"][0]))
    kw = dict(stride=cfg["stride"], padding=cfg["padding"])
    np.testing.assert_allclose(residual_before_conv(delta, w, cfg["shape"], **kw),
                               convbp.conv2d_backward_input(delta, w, cfg["shape"], **kw), atol=1e-12)


@given(pool_configs())
def test_restore_positions_is_max_pool_backward_for_non_overlapping_windows(cfg):
    a = pool_input(cfg)
    size = cfg["size"]
    assume(a.shape[2] >= size[0] and a.shape[3] >= size[1])
    delta = np.random.default_rng(cfg["seed"]).standard_normal(out_shape(a.shape, size, size, (0, 0)))
    np.testing.assert_array_equal(restore_positions(delta, a, size), convbp.max_pool2d_backward(delta, a, size))


@given(pool_configs())
def test_upsample_over_window_size_is_avg_pool_backward_for_non_overlapping_windows(cfg):
    size = cfg["size"]
    assume(cfg["shape"][2] >= size[0] and cfg["shape"][3] >= size[1])
    shape = out_shape(cfg["shape"], size, size, (0, 0))
    delta = np.random.default_rng(cfg["seed"]).standard_normal(shape)
    expected = convbp.avg_pool2d_backward(delta, cfg["shape"], size)
    up = upsample(delta, size) / (size[0] * size[1])
    np.testing.assert_allclose(up, expected[..., : up.shape[-2], : up.shape[-1]])


def test_lecture_upsample_then_restore_positions():
    delta = np.array([[7, 3], [1, 4]])
    np.testing.assert_array_equal(embed_centre(delta, (4, 4)), [[0, 0, 0, 0], [0, 7, 3, 0], [0, 1, 4, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(restore_positions(delta, LECTURE_MAP, 2), [[0, 7, 0, 0], [0, 0, 0, 3], [0, 0, 0, 0], [1, 0, 4, 0]])
    np.testing.assert_array_equal(max_positions(LECTURE_MAP, 2), [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0], [1, 0, 1, 0]])


def test_rot180_zero_pad_dilate():
    w = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(rot180(w), [[5, 4, 3], [2, 1, 0]])
    np.testing.assert_array_equal(rot180(rot180(w)), w)
    np.testing.assert_array_equal(zero_pad(np.ones((1, 1)), 1), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    assert zero_pad(np.ones((2, 2)), ((0, 1), (2, 0))).shape == (3, 4)
    np.testing.assert_array_equal(dilate(np.array([[1, 2], [3, 4]]), 2), [[1, 0, 2], [0, 0, 0], [3, 0, 4]])
    assert dilate(np.ones((2, 3, 2, 2)), (3, 1)).shape == (2, 3, 4, 2)


def test_blocks_reject_bad_arguments():
    with pytest.raises(ValueError, match="stride"):
        dilate(np.ones((2, 2)), 0)
    with pytest.raises(ValueError, match="padding"):
        zero_pad(np.ones((2, 2)), -1)
    with pytest.raises(ValueError, match="w must"):
        rot180(np.ones(3))
    with pytest.raises(ValueError, match="delta must"):
        residual_before_conv(np.ones((3, 3)), np.ones((2, 2)), (3, 3))
