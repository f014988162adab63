"""conv2d and its three gradients, checked against naive loops, finite differences and identities."""

import numpy as np
from hypothesis import given

import convbp
import reference as ref
from convbp.gradcheck import numerical_gradient, relative_error
from strategies import conv_configs, out_shape


def _data(cfg, dtype=np.float64):
    rng = np.random.default_rng(cfg["seed"])
    a = rng.standard_normal(cfg["shape"]).astype(dtype)
    w = rng.standard_normal(cfg["kernel"]).astype(dtype)
    b = rng.standard_normal(cfg["kernel"][0]).astype(dtype)
    delta = rng.standard_normal(out_shape(cfg["shape"], cfg["kernel"][2:], cfg["stride"], cfg["padding"], cfg["kernel"][0])).astype(dtype)
    return a, w, b, delta


def _kw(cfg):
    return dict(stride=cfg["stride"], padding=cfg["padding"])


@given(conv_configs())
def test_forward_matches_the_loops(cfg):
    a, w, b, _ = _data(cfg)
    z = convbp.conv2d(a, w, b, **_kw(cfg))
    np.testing.assert_allclose(z, ref.conv2d(a, w, b, *cfg["stride"], *cfg["padding"]), rtol=1e-10, atol=1e-10)


@given(conv_configs())
def test_backward_matches_the_loops(cfg):
    a, w, _, delta = _data(cfg)
    da, dw, db = ref.conv2d_backward(delta, a, w, *cfg["stride"], *cfg["padding"])
    np.testing.assert_allclose(convbp.conv2d_backward_input(delta, w, a.shape, **_kw(cfg)), da, atol=1e-10)
    np.testing.assert_allclose(convbp.conv2d_backward_weight(delta, a, w.shape, **_kw(cfg)), dw, atol=1e-10)
    np.testing.assert_allclose(convbp.conv2d_backward_bias(delta), db, atol=1e-10)


@given(conv_configs(max_side=6, max_channels=2))
def test_backward_matches_finite_differences(cfg):
    a, w, b, delta = _data(cfg)
    loss = lambda a_, w_, b_: float(np.sum(delta * convbp.conv2d(a_, w_, b_, **_kw(cfg))))
    assert relative_error(convbp.conv2d_backward_input(delta, w, a.shape, **_kw(cfg)), numerical_gradient(lambda x: loss(x, w, b), a)) < 1e-7
    assert relative_error(convbp.conv2d_backward_weight(delta, a, w.shape, **_kw(cfg)), numerical_gradient(lambda x: loss(a, x, b), w)) < 1e-7
    # The loss is linear in b, so central differences carry only rounding, |J|·1e-16/ε ≈ 1e-10
    # absolute: relative to a near-zero bias gradient (a sum of residuals) that can exceed 1e-7.
    np.testing.assert_allclose(convbp.conv2d_backward_bias(delta), numerical_gradient(lambda x: loss(a, w, x), b), rtol=1e-6, atol=1e-8)


@given(conv_configs())
def test_gradients_are_adjoints_of_the_forward_map(cfg):
    # <conv(a, w), δ> = <a, ∂/∂a> = <w, ∂/∂w>: conv is bilinear, so each gradient is its adjoint.
    a, w, _, delta = _data(cfg)
    lhs = np.sum(convbp.conv2d(a, w, **_kw(cfg)) * delta)
    assert np.isclose(lhs, np.sum(a * convbp.conv2d_backward_input(delta, w, a.shape, **_kw(cfg))))
    assert np.isclose(lhs, np.sum(w * convbp.conv2d_backward_weight(delta, a, w.shape, **_kw(cfg))))


@given(conv_configs())
def test_float32_stays_float32_and_close_to_float64(cfg):
    a, w, b, delta = _data(cfg, np.float32)
    outs32 = [convbp.conv2d(a, w, b, **_kw(cfg)), convbp.conv2d_backward_input(delta, w, a.shape, **_kw(cfg)),
              convbp.conv2d_backward_weight(delta, a, w.shape, **_kw(cfg)), convbp.conv2d_backward_bias(delta)]
    a64, w64, b64, d64 = (x.astype(np.float64) for x in (a, w, b, delta))
    outs64 = [convbp.conv2d(a64, w64, b64, **_kw(cfg)), convbp.conv2d_backward_input(d64, w64, a.shape, **_kw(cfg)),
              convbp.conv2d_backward_weight(d64, a64, w.shape, **_kw(cfg)), convbp.conv2d_backward_bias(d64)]
    for o32, o64 in zip(outs32, outs64):
        assert o32.dtype == np.float32
        np.testing.assert_allclose(o32, o64, rtol=1e-4, atol=1e-4)


def test_integers_give_float64():
    a = np.arange(16).reshape(4, 4)
    assert convbp.conv2d(a, np.ones((2, 2), dtype=int)).dtype == np.float64
    assert convbp.conv2d_backward_input(np.ones((3, 3), dtype=int), np.ones((2, 2), dtype=int), (4, 4)).dtype == np.float64


def test_two_d_is_the_single_channel_case():
    rng = np.random.default_rng(1)
    a, w, d = rng.standard_normal((5, 6)), rng.standard_normal((2, 3)), rng.standard_normal((4, 4))
    z = convbp.conv2d(a, w, 0.5)
    assert z.shape == (4, 4)
    np.testing.assert_allclose(z, convbp.conv2d(a[None, None], w[None, None], [0.5])[0, 0])
    np.testing.assert_allclose(convbp.conv2d_backward_input(d, w, (5, 6)), convbp.conv2d_backward_input(d[None, None], w[None, None], (1, 1, 5, 6))[0, 0])
    np.testing.assert_allclose(convbp.conv2d_backward_weight(d, a, (2, 3)), convbp.conv2d_backward_weight(d[None, None], a[None, None], (1, 1, 2, 3))[0, 0])
    assert np.ndim(convbp.conv2d_backward_bias(d)) == 0
    assert np.isclose(convbp.conv2d_backward_bias(d), d.sum())


def test_rows_no_window_reaches_get_zero_gradient():
    # 6×6 input, 3×3 kernel, stride 2: windows start at 0 and 2, so row/column 5 is never read.
    rng = np.random.default_rng(2)
    g = convbp.conv2d_backward_input(rng.standard_normal((2, 2)), rng.standard_normal((3, 3)), (6, 6), stride=2)
    assert np.all(g[5] == 0) and np.all(g[:, 5] == 0)
    assert np.any(g[4] != 0)


def test_stride_larger_than_kernel_and_one_by_one_kernel():
    a = np.arange(25.0).reshape(5, 5)
    np.testing.assert_array_equal(convbp.conv2d(a, np.ones((1, 1)), stride=3), a[::3, ::3])
    g = convbp.conv2d_backward_input(np.ones((2, 2)), np.ones((1, 1)), (5, 5), stride=3)
    assert g.sum() == 4 and g[0, 0] == g[0, 3] == g[3, 0] == g[3, 3] == 1
