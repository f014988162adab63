"""Chapters 3.1–3.3 and the errata page: their key numbers and formulas, computed by the same
convbp calls the notebooks make, so a kernel change that breaks a derivation fails here too.

Also checks the notebooks' structure that other pages rely on: the MyST labels the summary links
to, one "Try it" heading per chapter for the widget, at least three exercises with hidden
solutions, and no committed outputs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import sympy

import convbp
from convbp import blocks, gradcheck, models, unroll
from convbp.plotting import show_sliding, window_masks
from convbp.symbolic import (
    assert_grids_equal,
    coloured_equations,
    derivative_grid,
    equations,
    feeds_table,
    linear_loss,
    symbol_grid,
    symbol_tensor,
)

BOOK = Path(__file__).resolve().parents[1] / "book"

# The lecture's worked example for pooling (section 3.1).
A = np.array([[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]], dtype=float)
MAX_RESIDUAL = np.array([[7.0, 3.0], [1.0, 4.0]])
AVG_RESIDUAL = np.array([[8.0, 4.0], [16.0, 4.0]])
MAX_GRAD = np.array([[0, 7, 0, 0], [0, 0, 0, 3], [0, 0, 0, 0], [1, 0, 4, 0]], dtype=float)
AVG_GRAD = np.array([[2, 2, 1, 1], [2, 2, 1, 1], [4, 4, 1, 1], [4, 4, 1, 1]], dtype=float)


# ---------------------------------------------------------------- 3.1 pooling


def test_lecture_pooling_forward():
    assert np.array_equal(convbp.max_pool2d(A, 2), [[8, 9], [8, 6]])
    assert np.array_equal(convbp.avg_pool2d(A, 2), [[4.5, 4.25], [5.5, 3]])


def test_max_derivative_is_one_at_the_maximum_only():
    a = symbol_grid("a", 2, 2)
    dz = derivative_grid(sympy.Max(*a.ravel()), a)
    at = dict(zip(a.ravel(), [1, 8, 7, 2]))  # the lecture's first window
    assert [int(d.subs(at)) for d in dz.ravel()] == [0, 1, 0, 0]


@pytest.mark.parametrize("m, n", [(2, 2), (3, 3), (2, 3)])
def test_max_derivative_any_window(m, n):
    a = symbol_grid("a", m, n)
    values = np.random.default_rng(0).permutation(m * n).reshape(m, n)
    dz = derivative_grid(sympy.Max(*a.ravel()), a)
    got = np.array([[int(d.subs(dict(zip(a.ravel(), values.ravel().tolist())))) for d in row] for row in dz])
    assert np.array_equal(got, values == values.max())


@pytest.mark.parametrize("m, n", [(2, 2), (3, 2), (1, 4)])
def test_avg_derivative_is_one_over_mn(m, n):
    a = symbol_grid("a", m, n)
    dz = derivative_grid(convbp.avg_pool2d(a, (m, n))[0, 0], a)
    assert all(d == sympy.Rational(1, m * n) for d in dz.ravel())


def test_max_pool_backward_lecture_grid_by_sympy_and_by_kernel():
    a = symbol_grid("a", 4, 4)
    windows = a.reshape(2, 2, 2, 2).transpose(0, 2, 1, 3)
    z = np.array([[sympy.Max(*windows[p, q].ravel()) for q in range(2)] for p in range(2)])
    grad = derivative_grid(linear_loss(MAX_RESIDUAL.astype(int), z), a)
    at = dict(zip(a.ravel(), A.ravel().tolist()))
    assert np.array_equal(np.array([[float(g.subs(at)) for g in row] for row in grad]), MAX_GRAD)
    assert np.array_equal(convbp.max_pool2d_backward(MAX_RESIDUAL, A, 2), MAX_GRAD)


def test_max_pool_backward_lecture_steps():
    centre = blocks.embed_centre(MAX_RESIDUAL, (4, 4))
    assert np.array_equal(centre, [[0, 0, 0, 0], [0, 7, 3, 0], [0, 1, 4, 0], [0, 0, 0, 0]])
    assert np.array_equal(blocks.upsample(MAX_RESIDUAL, 2)[:2, :2], [[7, 7], [7, 7]])
    assert np.array_equal(blocks.restore_positions(MAX_RESIDUAL, A, 2), MAX_GRAD)


def test_avg_pool_backward_lecture_grid_by_sympy_and_by_kernel():
    a = symbol_grid("a", 4, 4)
    grad = derivative_grid(linear_loss(AVG_RESIDUAL.astype(int), convbp.avg_pool2d(a, 2)), a)
    assert np.array_equal(grad.astype(float), AVG_GRAD)
    assert np.array_equal(convbp.avg_pool2d_backward(AVG_RESIDUAL, (4, 4), 2), AVG_GRAD)
    assert np.array_equal(blocks.upsample(AVG_RESIDUAL, 2) / 4, AVG_GRAD)


def test_pooling_residual_times_sigma_prime_matches_finite_differences():
    z_prev = np.random.default_rng(0).normal(size=(4, 4))
    for pool, back, delta in [
        (convbp.max_pool2d, lambda d, a: convbp.max_pool2d_backward(d, a, 2), MAX_RESIDUAL),
        (convbp.avg_pool2d, lambda d, a: convbp.avg_pool2d_backward(d, a.shape, 2), AVG_RESIDUAL),
    ]:
        analytic = back(delta, convbp.sigmoid(z_prev)) * convbp.sigmoid_prime(z_prev)
        assert gradcheck.check_backward(lambda z: pool(convbp.sigmoid(z), 2), z_prev, delta, analytic) < 1e-6


def test_overlapping_windows_add():
    x = np.array([[1, 2, 0, 3, 1], [4, 0, 5, 1, 2], [2, 6, 9, 0, 7], [1, 0, 3, 2, 1], [3, 8, 2, 4, 0]], dtype=float)
    d = np.array([[1.0, 2.0], [3.0, 4.0]])
    g = convbp.max_pool2d_backward(d, x, 3, stride=2)
    assert g[2, 2] == 10 and g.sum() == 10
    assert gradcheck.check_backward(lambda t: convbp.max_pool2d(t, 3, stride=2), x, d, g) < 1e-6
    ga = convbp.avg_pool2d_backward(d, x.shape, 3, stride=2)
    assert ga[2, 2] == pytest.approx(10 / 9)
    assert gradcheck.check_backward(lambda t: convbp.avg_pool2d(t, 3, stride=2), x, d, ga) < 1e-6


def test_tie_goes_to_first_maximum_and_central_difference_splits_it():
    t = np.array([[5.0, 5.0], [1.0, 2.0]])
    assert np.array_equal(convbp.max_pool2d_backward(np.ones((1, 1)), t, 2), [[1, 0], [0, 0]])
    numeric = gradcheck.numerical_gradient(lambda x: convbp.max_pool2d(x, 2)[0, 0], t)
    assert np.allclose(numeric, [[0.5, 0.5], [0, 0]])


def test_sizes_that_do_not_divide():
    x = np.random.default_rng(0).permutation(25).reshape(5, 5).astype(float)
    d = np.arange(1.0, 5.0).reshape(2, 2)
    g = convbp.max_pool2d_backward(d, x, 2)
    assert not g[4].any() and not g[:, 4].any()
    assert gradcheck.check_backward(lambda t: convbp.max_pool2d(t, 2), x, d, g) < 1e-6
    d3 = np.arange(1.0, 10.0).reshape(3, 3)
    g3 = convbp.max_pool2d_backward(d3, x, 2, padding=1)
    assert g3.sum() == d3.sum()
    assert gradcheck.check_backward(lambda t: convbp.max_pool2d(t, 2, padding=1), x, d3, g3) < 1e-6


def test_exercise_3_1_stride_one():
    g = convbp.max_pool2d_backward(np.ones((3, 3)), A, 2, stride=1)
    assert np.array_equal(g, [[0, 2, 0, 0], [1, 1, 0, 2], [0, 0, 0, 0], [1, 1, 1, 0]])


# ---------------------------------------------------------------- 3.2 residual before a convolution


def test_fully_connected_rule_derived():
    sigma = sympy.Function("sigma")
    z = sympy.Matrix(sympy.symbols("z1:4"))
    w = sympy.Matrix(symbol_grid("w", 2, 3).tolist())
    d = sympy.Matrix(sympy.symbols("delta1:3"))
    loss = linear_loss(d, w * z.applyfunc(sigma))
    derived = sympy.Matrix([sympy.diff(loss, zj) for zj in z])
    rule = (w.T * d).multiply_elementwise(z.applyfunc(lambda t: sympy.diff(sigma(t), t)))
    assert sympy.simplify(derived - rule) == sympy.zeros(3, 1)


def test_lecture_z_equations():
    a, w, b = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2), sympy.Symbol("b")
    A_, W_ = a, w
    expected = [
        A_[0, 0] * W_[0, 0] + A_[0, 1] * W_[0, 1] + A_[1, 0] * W_[1, 0] + A_[1, 1] * W_[1, 1] + b,
        A_[0, 1] * W_[0, 0] + A_[0, 2] * W_[0, 1] + A_[1, 1] * W_[1, 0] + A_[1, 2] * W_[1, 1] + b,
        A_[1, 0] * W_[0, 0] + A_[1, 1] * W_[0, 1] + A_[2, 0] * W_[1, 0] + A_[2, 1] * W_[1, 1] + b,
        A_[1, 1] * W_[0, 0] + A_[1, 2] * W_[0, 1] + A_[2, 1] * W_[1, 0] + A_[2, 2] * W_[1, 1] + b,
    ]
    eqs = equations("z", convbp.conv2d(a, w, b))
    assert [str(e.lhs) for e in eqs] == ["z11", "z12", "z21", "z22"]
    assert [sympy.expand(e.rhs - x) for e, x in zip(eqs, expected)] == [0, 0, 0, 0]


def test_lecture_delta_prev_formulas():
    sigma = sympy.Function("sigma")
    zp = symbol_grid("zp", 3, 3)
    w, delta = symbol_grid("w", 2, 2), symbol_grid("delta", 2, 2)
    loss = linear_loss(delta, convbp.conv2d(np.frompyfunc(sigma, 1, 1)(zp), w))
    dp = derivative_grid(loss, zp)
    sp = lambda i, j: sympy.diff(sigma(zp[i, j]), zp[i, j])  # noqa: E731
    assert sympy.expand(dp[0, 0] - delta[0, 0] * w[0, 0] * sp(0, 0)) == 0
    assert sympy.expand(dp[0, 1] - (delta[0, 0] * w[0, 1] + delta[0, 1] * w[0, 0]) * sp(0, 1)) == 0
    centre = delta[0, 0] * w[1, 1] + delta[0, 1] * w[1, 0] + delta[1, 0] * w[0, 1] + delta[1, 1] * w[0, 0]
    assert sympy.expand(dp[1, 1] - centre * sp(1, 1)) == 0


def test_feeds_table_and_colours():
    a, w = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2)
    z = convbp.conv2d(a, w)
    table = feeds_table(z, a, colours={a[0, 1]: "blue"})
    assert r"a_{12} & \color{blue}{w_{12}} & \color{blue}{w_{11}} & 0 & 0" in table
    assert r"a_{22} & w_{22} & w_{21} & w_{12} & w_{11}" in table
    tex = coloured_equations("z", z, {a[1, 1]: "green"})
    assert tex.count(r"\color{green}") == 4  # a22 feeds all four outputs
    with pytest.raises(ValueError, match="2-D"):
        feeds_table(np.empty((1, 1, 2, 2), dtype=object), a)


@pytest.mark.parametrize("h, w_, kh, kw", [(3, 3, 2, 2), (4, 5, 3, 2), (5, 4, 1, 3)])
def test_rotate_pad_correlate_equals_sympy(h, w_, kh, kw):
    a, w = symbol_grid("a", h, w_), symbol_grid("w", kh, kw)
    d = symbol_grid("delta", h - kh + 1, w_ - kw + 1)
    derived = derivative_grid(linear_loss(d, convbp.conv2d(a, w)), a)
    recipe = convbp.conv2d(blocks.zero_pad(d, (kh - 1, kw - 1)), blocks.rot180(w))
    assert_grids_equal(derived, recipe)
    assert_grids_equal(derived, convbp.conv2d_backward_input(d, w, (h, w_)))
    assert_grids_equal(derived, blocks.residual_before_conv(d, w, (h, w_)))


def test_stride_two_by_dilation():
    a, w, d = symbol_grid("a", 5, 5), symbol_grid("w", 3, 3), symbol_grid("delta", 2, 2)
    derived = derivative_grid(linear_loss(d, convbp.conv2d(a, w, stride=2)), a)
    recipe = convbp.conv2d(blocks.zero_pad(blocks.dilate(d, 2), 2), blocks.rot180(w))
    assert_grids_equal(derived, recipe)
    assert_grids_equal(derived, blocks.residual_before_conv(d, w, (5, 5), stride=2))
    assert len(sympy.Add.make_args(derived[2, 2])) == 4


def test_several_channels_and_kernels_and_padding():
    a2, w2 = symbol_tensor("a", (1, 2, 3, 3)), symbol_tensor("w", (1, 2, 2, 2))
    d1 = symbol_tensor("delta", (1, 1, 2, 2))
    derived = derivative_grid(linear_loss(d1, convbp.conv2d(a2, w2)), a2)
    for c in range(2):
        assert_grids_equal(derived[0, c], convbp.conv2d_backward_input(d1[0, 0], w2[0, c], (3, 3)))
    a1, wk = symbol_tensor("a", (1, 1, 3, 3)), symbol_tensor("w", (2, 1, 2, 2))
    dk = symbol_tensor("delta", (1, 2, 2, 2))
    derived = derivative_grid(linear_loss(dk, convbp.conv2d(a1, wk)), a1)[0, 0]
    assert_grids_equal(derived, sum(convbp.conv2d_backward_input(dk[0, k], wk[k, 0], (3, 3)) for k in range(2)))
    a, w, d4 = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2), symbol_grid("delta", 4, 4)
    derived = derivative_grid(linear_loss(d4, convbp.conv2d(a, w, padding=1)), a)
    full = convbp.conv2d(blocks.zero_pad(d4, 1), blocks.rot180(w))
    assert full.shape == (5, 5)
    assert_grids_equal(derived, full[1:4, 1:4])


def test_residual_matches_finite_differences_on_a_real_layer():
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(2, 3, 7, 7)), rng.normal(size=(4, 3, 3, 3))
    forward = lambda t: convbp.conv2d(t, k, stride=2, padding=1)  # noqa: E731
    d = rng.normal(size=forward(x).shape)
    g = blocks.residual_before_conv(d, k, x.shape, stride=2, padding=1)
    assert gradcheck.check_backward(forward, x, d, g) < 1e-6


def test_forward_is_correlation_backward_is_convolution():
    rng = np.random.default_rng(0)
    a, w, d = rng.normal(size=7), rng.normal(size=3), rng.normal(size=5)
    assert np.allclose(convbp.conv2d(a[None], w[None])[0], np.correlate(a, w, "valid"))
    assert np.allclose(convbp.conv2d_backward_input(d[None], w[None], (1, 7))[0], np.convolve(d, w, "full"))


def test_exercises_3_2():
    assert np.array_equal(convbp.conv2d_backward_input(np.ones((3, 3)), np.ones((2, 2)), (4, 4)),
                          [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]])
    k, d = np.array([[1.0, 2.0], [2.0, 1.0]]), np.random.default_rng(0).normal(size=(2, 2))
    assert np.allclose(convbp.conv2d(blocks.zero_pad(d, 1), k), convbp.conv2d_backward_input(d, k, (3, 3)))
    rng = np.random.default_rng(0)
    k5, d5 = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    full = convbp.conv2d(blocks.zero_pad(d5, 4), blocks.rot180(k5))
    assert full.shape == (9, 9)
    assert np.allclose(full[2:7, 2:7], convbp.conv2d_backward_input(d5, k5, (5, 5), padding=2))


# ---------------------------------------------------------------- 3.3 kernel and bias gradients


def test_lecture_weight_and_bias_gradients():
    a, w, b = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2), sympy.Symbol("b")
    delta = symbol_grid("delta", 2, 2)
    loss = linear_loss(delta, convbp.conv2d(a, w, b))
    dw = derivative_grid(loss, w)
    assert sympy.expand(dw[0, 0] - sum(delta[u, v] * a[u, v] for u in range(2) for v in range(2))) == 0
    assert sympy.expand(dw[1, 1] - sum(delta[u, v] * a[u + 1, v + 1] for u in range(2) for v in range(2))) == 0
    assert_grids_equal(dw, convbp.conv2d_backward_weight(delta, a, (2, 2)))
    assert_grids_equal(dw, convbp.conv2d(a, delta))  # correlate the input with the residual
    db = sympy.diff(loss, b)
    assert sympy.expand(db - delta.sum()) == 0
    assert sympy.expand(db - convbp.conv2d_backward_bias(delta)) == 0


def test_weight_gradient_with_stride_is_correlation_with_dilated_residual():
    a, w, d = symbol_grid("a", 5, 5), symbol_grid("w", 3, 3), symbol_grid("delta", 2, 2)
    dw = derivative_grid(linear_loss(d, convbp.conv2d(a, w, stride=2)), w)
    assert_grids_equal(dw, convbp.conv2d(a, blocks.dilate(d, 2)))


def test_weight_and_bias_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    x, k, bias = rng.normal(size=(2, 3, 7, 7)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    d = rng.normal(size=convbp.conv2d(x, k, bias, stride=2, padding=1).shape)
    dw = convbp.conv2d_backward_weight(d, x, k.shape, stride=2, padding=1)
    assert gradcheck.check_backward(lambda t: convbp.conv2d(x, t, bias, stride=2, padding=1), k, d, dw) < 1e-6
    db = convbp.conv2d_backward_bias(d)
    assert db.shape == (4,)
    assert gradcheck.check_backward(lambda t: convbp.conv2d(x, k, t, stride=2, padding=1), bias, d, db) < 1e-6
    xp, dd = blocks.zero_pad(x, 1), blocks.dilate(d, 2)
    rule = np.array([[sum(convbp.conv2d(xp[n, c], dd[n, kk]) for n in range(2))[:3, :3]
                      for c in range(3)] for kk in range(4)])
    assert np.allclose(rule, dw)


def test_one_bias_per_map():
    a, w, delta = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2), symbol_grid("delta", 2, 2)
    b_untied = symbol_grid("b", 2, 2)
    assert np.array_equal(derivative_grid(linear_loss(delta, convbp.conv2d(a, w) + b_untied), b_untied), delta)
    with pytest.raises(ValueError, match="one bias per kernel"):
        convbp.conv2d(np.zeros((1, 1, 3, 3)), np.zeros((2, 1, 2, 2)), np.zeros(4))
    counts = unroll.layer_counts((3, 7, 7), 3, 4, stride=2, padding=1)
    assert counts["conv_params"] - 4 * 3 * 3 * 3 == 4
    assert unroll.layer_counts((32, 58, 58), 3, 64)["conv_params"] == 18_496


def test_exercises_3_3():
    a = np.arange(1.0, 10.0).reshape(3, 3)
    assert np.array_equal(convbp.conv2d_backward_weight(np.ones((2, 2)), a, (2, 2)), [[12, 16], [24, 28]])
    assert convbp.conv2d_backward_bias(np.ones((2, 2))) == 4
    rng = np.random.default_rng(0)
    x6, d = rng.normal(size=(6, 6)), rng.normal(size=(2, 2))
    x6b = x6.copy()
    x6b[5, :] = 100.0
    x6b[:, 5] = 100.0
    assert np.allclose(convbp.conv2d_backward_weight(d, x6, (3, 3), stride=2),
                       convbp.conv2d_backward_weight(d, x6b, (3, 3), stride=2))


# ---------------------------------------------------------------- errata


def test_errata_resnet_figures_are_multiply_adds():
    paper = {18: 1.8, 34: 3.6, 50: 3.8, 101: 7.6, 152: 11.3}
    for depth, printed in paper.items():
        macs = models.summary(models.resnet(depth, shortcut="A" if depth == 34 else "B")).macs / 1e9
        assert abs(macs - printed) < 0.06, (depth, macs)  # 3.858 is printed as 3.8
        assert abs(2 * macs - printed) > 1.5  # the FLOPs would be twice as many
    assert models.conv_macs(3, 64, 7, 7, 112, 112) == 64 * 112 * 112 * 3 * 7 * 7


def test_errata_chain_rule_for_channels():
    x1, x2, r = sympy.symbols("x1 x2 r")
    J = sympy.Function("J")
    dJ_dr = sympy.diff(J(r), r).subs(r, x1 + x2)
    assert all(sympy.simplify(sympy.diff(J(x1 + x2), x) - dJ_dr) == 0 for x in (x1, x2))


def test_errata_delta12_depends_on_z11_and_z12():
    a, w = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2)
    feeds = [str(eq.lhs) for eq in equations("z", convbp.conv2d(a, w)) if eq.rhs.has(a[0, 1])]
    assert feeds == ["z11", "z12"]


def test_errata_the_bias_gradient_is_the_sum_of_residuals():
    a, w, delta = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2), symbol_grid("delta", 2, 2)
    b = sympy.Symbol("b")
    dJ_db = sympy.diff(linear_loss(delta, convbp.conv2d(a, w, b)), b)
    assert sympy.expand(dJ_db - convbp.conv2d_backward_bias(delta)) == 0
    assert dJ_db == sum(delta.ravel())


# ---------------------------------------------------------------- helpers added for chapter 3


def test_linear_loss_and_window_masks():
    d, z = symbol_grid("delta", 2, 2), symbol_grid("z", 2, 2)
    assert derivative_grid(linear_loss(d, z), z).tolist() == d.tolist()
    with pytest.raises(ValueError, match="same shape"):
        linear_loss(d, symbol_grid("z", 2, 3))
    masks = window_masks((4, 5), (2, 3), stride=(2, 1))
    assert len(masks) == 2 * 3 and all(m.sum() == 6 for m in masks)
    assert masks[-1][2:4, 2:5].all()
    with pytest.raises(ValueError, match="fit"):
        window_masks((2, 2), (3, 1))


def test_show_sliding_titles():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = show_sliding(np.zeros((3, 3)), (2, 2))
    assert len(fig.axes) == 4
    plt.close(fig)
    with pytest.raises(ValueError, match="one entry per window position"):
        show_sliding(np.zeros((3, 3)), (2, 2), titles=["only one"])


def test_symbol_tensor_prints_greek_as_latex():
    t = symbol_tensor("delta", (1, 2, 2, 2))
    assert sympy.latex(t[0, 1, 0, 0]) == r"\delta^{(2)}_{11}"


# ---------------------------------------------------------------- notebook structure

CHAPTERS = {
    "03_1_pooling_residual.ipynb": ["sec-max-pool-backward", "sec-avg-pool-backward"],
    "03_2_conv_residual.ipynb": ["sec-conv-residual-rule", "sec-correlation-vs-convolution"],
    "03_3_kernel_gradients.ipynb": ["sec-kernel-gradient", "sec-bias-gradient"],
    "errata.ipynb": ["sec-errata"],
}


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_notebook_structure(name):
    nb = json.loads((BOOK / name).read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    for label in CHAPTERS[name]:
        assert f"({label})=" in text, label
    first = "".join(nb["cells"][0]["source"])
    assert re.search(r"^# .*\([^\x00-\x7f]+\)", first, re.M), "title with its Chinese name"
    if name.startswith("03_"):
        try_cells = [c for c in nb["cells"] if "".join(c["source"]).lstrip().startswith("## Try it:")]
        assert len(try_cells) == 1
        assert "".join(try_cells[0]["source"]).count("\n#") == 0  # the heading and its sentence only
        exercises = re.findall(r"```\{exercise\}\n:label: (ex-[\w-]+)", text)
        solutions = re.findall(r"```\{solution\} (ex-[\w-]+)\n:class: dropdown", text)
        assert len(exercises) >= 3 and sorted(exercises) == sorted(solutions)
