"""The hand-set kernels, the sample photo, and learning a kernel by gradient descent (chapter 1)."""

import numpy as np
import pytest

import convbp
from convbp import filters as F
from convbp.gradcheck import numerical_gradient, relative_error


def _ramp(rows=5, cols=6):
    """Brighter to the right by 1 per column, brighter downward by 10 per row."""
    return np.add.outer(10.0 * np.arange(rows), np.arange(cols))


def test_presets_are_the_named_constants_and_3x3():
    assert set(F.PRESETS) == {"sobel_x", "sobel_y", "prewitt_x", "prewitt_y", "identity", "box_blur", "sharpen", "laplacian"}
    assert F.PRESETS["sobel_x"][1] is F.SOBEL_X and F.PRESETS["prewitt_y"][1] is F.PREWITT_Y
    for label, k in F.PRESETS.values():
        assert isinstance(label, str) and k.shape == (3, 3) and k.dtype == np.float64


def test_edge_operators_measure_the_slope_without_flipping():
    # conv2d is cross-correlation, so the x operators see +1 per column and the y operators +10 per row.
    z = lambda k: convbp.conv2d(_ramp(), k)
    np.testing.assert_allclose(z(F.SOBEL_X), 8.0)  # (1 + 2 + 1) · (right − left = 2)
    np.testing.assert_allclose(z(F.PREWITT_X), 6.0)
    np.testing.assert_allclose(z(F.SOBEL_Y), 80.0)
    np.testing.assert_allclose(z(F.PREWITT_Y), 60.0)
    np.testing.assert_allclose(z(F.LAPLACIAN), 0.0)  # a plane has no curvature


def test_smoothing_and_identity_presets():
    img = np.random.default_rng(0).random((6, 7))
    np.testing.assert_allclose(convbp.conv2d(img, F.IDENTITY), img[1:-1, 1:-1])
    np.testing.assert_allclose(convbp.conv2d(img, F.BOX_BLUR), convbp.avg_pool2d(img, 3, stride=1))
    assert F.SHARPEN.sum() == 1 and F.BOX_BLUR.sum() == pytest.approx(1)


def test_presets_cannot_be_changed_by_accident_but_copies_can():
    with pytest.raises(ValueError):
        F.SOBEL_X[0, 0] = 5
    k = F.preset("sobel_x")
    k[0, 0] = 5
    assert F.SOBEL_X[0, 0] == -1
    with pytest.raises(ValueError, match="preset must be one of"):
        F.preset("emboss")


def test_sample_photo_shape_range_and_determinism():
    photo = F.sample_photo()
    assert photo.shape == (150, 128) and photo.dtype == np.float64
    assert 0.0 <= photo.min() < 0.2 and 0.8 < photo.max() <= 1.0
    assert photo.std() > 0.1  # a real picture, not a constant
    np.testing.assert_array_equal(photo, F.sample_photo(128))
    assert F.sample_photo(64).shape == (75, 64)
    photo[0, 0] = -1  # the cached original is not shared
    assert F.sample_photo()[0, 0] >= 0
    with pytest.raises(ValueError, match="width"):
        F.sample_photo(0)


def test_kernel_loss_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    image, target, w = rng.normal(size=(9, 8)), rng.normal(size=(7, 6)), rng.normal(size=(3, 3))
    analytic = F.kernel_loss_gradient(w, image, target)
    numeric = numerical_gradient(lambda v: F.kernel_loss(v, image, target), w)
    assert relative_error(analytic, numeric) < 1e-7


def test_kernel_loss_is_zero_at_the_kernel_that_made_the_target():
    image = np.random.default_rng(2).random((10, 10))
    target = convbp.conv2d(image, F.SOBEL_X)
    assert F.kernel_loss(F.SOBEL_X, image, target) == 0.0
    np.testing.assert_array_equal(F.kernel_loss_gradient(F.SOBEL_X, image, target), 0.0)
    assert F.kernel_loss(F.PREWITT_X, image, target) > 0


def test_learn_kernel_finds_sobel_x_on_the_photo():
    # The chapter's experiment, same arguments: the learned kernel ends within 0.01 of Sobel's entries.
    photo = F.sample_photo()
    target = convbp.conv2d(photo, F.SOBEL_X)
    hist = F.learn_kernel(photo, target, steps=2500, lr=0.6, seed=0)
    assert hist.kernels.shape == (2501, 3, 3) and hist.losses.shape == (2501,)
    assert np.abs(hist.kernels[0] - F.SOBEL_X).max() > 1  # it really started far away
    assert np.abs(hist.kernels[-1] - F.SOBEL_X).max() < 0.01
    reached = F.steps_to_reach(hist.kernels, F.SOBEL_X, 0.01)
    assert reached is not None and 1500 < reached <= 2500
    # Gradient descent on a quadratic with lr below 2/(largest curvature) never goes uphill.
    assert np.all(np.diff(hist.losses) <= 1e-15)
    assert hist.losses[-1] < 1e-6 * hist.losses[0]


def test_learn_kernel_takes_plain_gradient_steps():
    rng = np.random.default_rng(3)
    image, target = rng.random((8, 8)), rng.random((6, 6))
    hist = F.learn_kernel(image, target, steps=2, lr=0.1, seed=4)
    np.testing.assert_array_equal(hist.kernels[0], np.random.default_rng(4).normal(0.0, 0.5, (3, 3)))
    step = hist.kernels[0] - 0.1 * F.kernel_loss_gradient(hist.kernels[0], image, target)
    np.testing.assert_allclose(hist.kernels[1], step)
    assert hist.losses[0] == F.kernel_loss(hist.kernels[0], image, target)


def test_steps_to_reach():
    ks = np.stack([np.full((3, 3), v) for v in (1.0, 0.5, 0.05, 0.001)])
    assert F.steps_to_reach(ks, np.zeros((3, 3)), 0.01) == 3
    assert F.steps_to_reach(ks, np.zeros((3, 3)), 1e-6) is None


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(steps=0), ValueError, "steps"),
        (dict(steps=2.5), TypeError, "steps"),
        (dict(lr=-0.1), ValueError, "lr"),
        (dict(lr=float("nan")), ValueError, "lr"),
        (dict(kernel_size=0), ValueError, "kernel_size"),
    ],
)
def test_learn_kernel_rejects_bad_settings(kwargs, error, match):
    image = np.zeros((6, 6))
    with pytest.raises(error, match=match):
        F.learn_kernel(image, np.zeros((4, 4)), **kwargs)


def test_learn_kernel_rejects_a_target_of_the_wrong_shape_and_reports_divergence():
    image = np.random.default_rng(5).random((6, 6))
    with pytest.raises(ValueError, match="target must have the shape"):
        F.learn_kernel(image, np.zeros((6, 6)), steps=3)
    with pytest.raises(ValueError, match="image must be a 2-D"):
        F.learn_kernel(np.zeros((1, 1, 6, 6)), np.zeros((4, 4)), steps=3)
    with pytest.raises(FloatingPointError, match="smaller learning rate"):
        F.learn_kernel(100 * image, np.zeros((4, 4)), steps=400, lr=10.0)
