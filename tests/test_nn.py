"""convbp.nn: every layer's backward pass against central differences, the whole network's
gradient check, the optimiser and loss formulas, determinism, and a short run that learns."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convbp import nn
from convbp.gradcheck import numerical_gradient, relative_error

TOL = 1e-6  # float64 central differences agree with a correct gradient to ~1e-8


def check_layer(layer, a, seed=0):
    """Back-propagate a random upstream residual g through `layer` and compare ∂(g·z)/∂a and ∂(g·z)/∂θ
    with finite differences of the scalar J = Σ g ⊙ layer.forward(a)."""
    g = np.random.default_rng(seed).standard_normal(layer.forward(a).shape)
    da = layer.backward(g)
    assert da.shape == a.shape
    assert relative_error(da, numerical_gradient(lambda x: np.sum(g * layer.forward(x)), a)) < TOL
    for name, p in layer.params.items():
        def J(theta, p=p):
            saved = p.copy()
            p[...] = theta
            value = np.sum(g * layer.forward(a))
            p[...] = saved
            return value
        assert layer.grads[name].shape == p.shape
        assert relative_error(layer.grads[name], numerical_gradient(J, p)) < TOL, name


def rng(seed=0):
    return np.random.default_rng(seed)


def test_conv2d_layer_backward_matches_finite_differences():
    layer = nn.Conv2d(2, 3, 3, padding=1, rng=rng(), dtype=np.float64)
    check_layer(layer, rng(1).standard_normal((2, 2, 5, 4)))


def test_strided_conv2d_layer_backward_matches_finite_differences():
    layer = nn.Conv2d(1, 2, 2, stride=2, rng=rng(), dtype=np.float64)
    check_layer(layer, rng(1).standard_normal((3, 1, 6, 5)))


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid"])
def test_activation_backward_matches_finite_differences(name):
    z = rng(2).standard_normal((2, 3, 4, 4))
    z[np.abs(z) < 1e-3] = 0.5  # keep finite differences off ReLU's kink at 0
    check_layer(nn.Activation(name), z)


def test_unknown_activation_is_a_clear_error():
    with pytest.raises(ValueError, match="name must be one of"):
        nn.Activation("swish")


def test_max_pool_layer_backward_matches_finite_differences():
    # Distinct values: finite differences are only defined away from ties in a window.
    a = rng(3).permutation(2 * 3 * 6 * 6).reshape(2, 3, 6, 6).astype(np.float64) / 10
    check_layer(nn.MaxPool2d(2), a)
    check_layer(nn.MaxPool2d(3, stride=2), a)


def test_avg_pool_layer_backward_matches_finite_differences():
    a = rng(3).standard_normal((2, 3, 6, 6))
    check_layer(nn.AvgPool2d(2), a)
    check_layer(nn.AvgPool2d(3, stride=2), a)


def test_a_network_with_average_pooling_passes_the_gradient_check(digits):
    # Both pooling kinds of the book can be trained: the digits network with average pooling.
    X_train, _, y_train, _ = digits
    r = rng(0)
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1, rng=r), nn.Activation("tanh"), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(3 * 4 * 4, 10, rng=r),
    )
    errors = nn.gradient_check(model, X_train[:4], y_train[:4], entries=15)
    assert set(errors) == {"0.w", "0.b", "4.w", "4.b"} and max(errors.values()) < TOL


def test_summary_counts_an_nn_network_as_its_description():
    from convbp import models

    model = nn.digits_cnn(channels=(4, 8))
    s = models.summary(model, (1, 8, 8))
    assert s.params == model.n_params() == 40 + 296 + 330
    assert [r.kind for r in s.rows] == ["conv", "relu", "maxpool", "conv", "relu", "maxpool", "flatten", "fc"]
    assert s.output_shape == (10,) and s.rows[2].output_shape == (4, 4, 4)
    # multiply-adds: 4·1·9 per output of the first conv (8×8), 8·4·9 of the second (4×4), 32·10 of fc
    assert s.macs == 4 * 9 * 64 + 8 * 4 * 9 * 16 + 32 * 10
    assert models.summary(model.describe(), (1, 8, 8)).rows == s.rows
    with pytest.raises(ValueError, match="input_shape"):
        models.summary(model, (3, 8, 8))  # the first layer takes one channel


def test_layers_check_their_arguments_when_made():
    with pytest.raises(TypeError, match="stride"):
        nn.Conv2d(1, 2, 3, stride=1.5, rng=rng())
    with pytest.raises(ValueError, match="in_features"):
        nn.Linear(0, 3, rng=rng())
    with pytest.raises(ValueError, match="size"):
        nn.AvgPool2d(0)


def test_flatten_and_linear_backward_match_finite_differences():
    check_layer(nn.Flatten(), rng(4).standard_normal((2, 3, 2, 2)))
    check_layer(nn.Linear(5, 4, rng=rng(), dtype=np.float64), rng(5).standard_normal((3, 5)))


def test_linear_rejects_a_wrong_width():
    layer = nn.Linear(5, 4, rng=rng())
    with pytest.raises(ValueError, match=r"a must have shape \(N, 5\)"):
        layer.forward(np.zeros((2, 6), dtype=np.float32))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 2), c=st.integers(1, 3), k=st.integers(1, 3), size=st.integers(1, 3),
       stride=st.integers(1, 2), padding=st.integers(0, 1), h=st.integers(3, 6), w=st.integers(3, 6),
       seed=st.integers(0, 2**16))
def test_conv2d_layer_backward_property(n, c, k, size, stride, padding, h, w, seed):
    """Any small geometry: the layer's three gradients agree with finite differences."""
    layer = nn.Conv2d(c, k, size, stride=stride, padding=padding, rng=rng(seed), dtype=np.float64)
    check_layer(layer, rng(seed + 1).standard_normal((n, c, h, w)), seed)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 2), c=st.integers(1, 2), size=st.integers(1, 3), stride=st.integers(1, 3),
       h=st.integers(3, 7), w=st.integers(3, 7), seed=st.integers(0, 2**16))
def test_max_pool_layer_backward_property(n, c, size, stride, h, w, seed):
    a = rng(seed).permutation(n * c * h * w).reshape(n, c, h, w).astype(np.float64)
    check_layer(nn.MaxPool2d(size, stride=stride), a, seed)


def test_softmax_cross_entropy_value_and_residual():
    z = np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]])
    y = np.array([0, 2])
    loss, delta = nn.softmax_cross_entropy(z, y)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[[0, 1], y])))
    assert np.allclose(delta, (p - np.eye(3)[y]) / 2)
    assert relative_error(delta, numerical_gradient(lambda t: nn.softmax_cross_entropy(t, y)[0], z)) < TOL


def test_softmax_does_not_overflow():
    p = nn.softmax(np.array([[1000.0, 0.0], [-1000.0, 0.0]]))
    assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=1), 1)


def test_softmax_cross_entropy_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="z must be"):
        nn.softmax_cross_entropy(np.zeros((3, 4)), np.zeros(2, dtype=int))


def test_adam_first_step_moves_each_entry_by_lr_against_its_gradient_sign():
    # With bias correction, m̂ = g and v̂ = g² after one step, so the step is lr·g/|g|.
    p = np.array([1.0, -2.0, 0.5])
    opt = nn.Adam([p], lr=0.1)
    opt.step([np.array([3.0, -0.01, 0.0])])
    assert np.allclose(p, [0.9, -1.9, 0.5])


def test_adam_rejects_a_non_positive_step():
    with pytest.raises(ValueError, match="lr must be positive"):
        nn.Adam([np.zeros(2)], lr=0)


def test_cosine_schedule_starts_at_lr_and_decreases():
    rates = [nn.cosine_lr(0.01, e, 10) for e in range(1, 11)]
    assert rates[0] == pytest.approx(0.01)
    assert all(a > b > 0 for a, b in zip(rates, rates[1:]))


@pytest.fixture(scope="module")
def digits():
    return nn.load_digits_split()


def test_digits_split_shapes_and_scale(digits):
    X_train, X_test, y_train, y_test = digits
    assert X_train.shape == (1347, 1, 8, 8) and X_test.shape == (450, 1, 8, 8)
    assert X_train.dtype == np.float32 and 0 <= X_train.min() and X_train.max() <= 1
    assert set(np.unique(y_test)) == set(range(10))


def test_whole_network_gradient_check(digits):
    X_train, _, y_train, _ = digits
    model = nn.digits_cnn(seed=0, channels=(4, 8))
    errors = nn.gradient_check(model, X_train[:4], y_train[:4], entries=15)
    assert set(errors) == {"0.w", "0.b", "3.w", "3.b", "7.w", "7.b"}
    assert max(errors.values()) < TOL


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_whole_network_gradient_check_other_activations(digits, activation):
    X_train, _, y_train, _ = digits
    model = nn.digits_cnn(seed=1, channels=(2, 3), activation=activation)
    assert max(nn.gradient_check(model, X_train[:3], y_train[:3], entries=10).values()) < TOL


def test_gradient_check_catches_a_wrong_backward(digits, monkeypatch):
    """The check is not vacuous: a dense layer whose weight gradient is off by 10 % fails it."""
    X_train, _, y_train, _ = digits
    model = nn.digits_cnn(seed=0, channels=(2, 3))
    right = nn.Linear.backward

    def wrong(self, delta):
        out = right(self, delta)
        self.grads["w"] = 1.1 * self.grads["w"]
        return out

    monkeypatch.setattr(nn.Linear, "backward", wrong)
    errors = nn.gradient_check(model, X_train[:3], y_train[:3], entries=10)
    assert errors["7.w"] > 0.01 and errors["3.w"] < TOL


def test_gradient_check_leaves_the_model_unchanged(digits):
    X_train, _, y_train, _ = digits
    model = nn.digits_cnn(seed=0, channels=(2, 3))
    before = [p.copy() for p in model.params()]
    nn.gradient_check(model, X_train[:2], y_train[:2], entries=5)
    assert all(np.array_equal(a, b) and a.dtype == np.float32 for a, b in zip(model.params(), before))


def test_training_on_a_subset_learns_and_reports_each_epoch(digits):
    X_train, X_test, y_train, y_test = digits
    model = nn.digits_cnn(seed=0, channels=(4, 8))
    chance_loss = np.log(10)
    seen = []
    history = nn.train(model, X_train[:400], y_train[:400], X_test=X_test, y_test=y_test,
                       epochs=6, batch_size=32, lr=0.01, seed=0, callback=seen.append)
    assert seen == history and [r["epoch"] for r in history] == list(range(1, 7))
    losses = [r["loss"] for r in history]
    assert losses[-1] < 0.5 * losses[0] and losses[0] < 1.2 * chance_loss
    assert history[-1]["test_acc"] > 0.7  # chance is 0.1
    assert history[-1]["test_acc"] == nn.accuracy(model, X_test, y_test)


def test_training_is_deterministic_given_a_seed(digits):
    X_train, _, y_train, _ = digits

    def run(seed):
        model = nn.digits_cnn(seed=seed, channels=(2, 3))
        nn.train(model, X_train[:96], y_train[:96], epochs=2, batch_size=32, lr=0.01, seed=seed)
        return model.params()

    assert all(np.array_equal(a, b) for a, b in zip(run(0), run(0)))
    assert not all(np.array_equal(a, b) for a, b in zip(run(0), run(1)))


def test_print_progress_is_one_line_per_epoch(capsys):
    nn.print_progress({"epoch": 3, "loss": 0.12345, "train_acc": 0.9, "test_acc": 0.85, "seconds": 1.0})
    assert capsys.readouterr().out == "epoch  3  loss 0.1235  train acc 0.900  test acc 0.850\n"


def test_train_rejects_bad_arguments(digits):
    X_train, _, y_train, _ = digits
    model = nn.digits_cnn(seed=0, channels=(2, 3))
    with pytest.raises(ValueError, match=r"y must have shape \(10,\), one label per sample of X"):
        nn.train(model, X_train[:10], y_train[:9])  # y has 9 labels for 10 samples
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        nn.train(model, X_train[:10], y_train[:10], epochs=0)


def _poisoned(X, value):
    X = X.copy()
    X[3, 0, 2, 2] = value
    return X


@pytest.mark.parametrize("change,exc,words", [
    (dict(X=lambda X: _poisoned(X, np.nan)), ValueError, "X must hold finite numbers; found 1 NaN"),
    (dict(X=lambda X: _poisoned(X, np.inf)), ValueError, "X must hold finite numbers"),
    (dict(X=lambda X: X[:0], y=lambda y: y[:0]), ValueError, "X must hold at least one sample"),
    (dict(X=lambda X: X[:, 0]), ValueError, r"X must be 4-D \(N, C, H, W\)"),
    (dict(X=lambda X: X.astype(str)), TypeError, "X must be a real numeric array"),
    (dict(y=lambda y: np.where(np.arange(len(y)) == 0, -1, y)), ValueError, r"y must hold labels 0 … 9 .* from -1"),
    (dict(y=lambda y: np.where(np.arange(len(y)) == 0, 10, y)), ValueError, r"y must hold labels 0 … 9 .* to 10"),
    (dict(y=lambda y: y.astype(float)), TypeError, "y must hold integer class labels; got dtype float64"),
    (dict(y=lambda y: y.astype(str)), TypeError, "y must hold integer class labels"),
    (dict(y=lambda y: y[:, None]), ValueError, r"y must have shape \(20,\)"),
    (dict(y=lambda y: y[:19]), ValueError, r"y must have shape \(20,\)"),
    (dict(kw=dict(epochs=2.5)), TypeError, "epochs must be a positive int; got float 2.5"),
    (dict(kw=dict(epochs=0)), ValueError, "epochs must be a positive int; got 0"),
    (dict(kw=dict(batch_size=True)), TypeError, "batch_size must be a positive int"),
    (dict(kw=dict(lr=np.inf)), ValueError, "lr must be positive and finite; got inf"),
    (dict(kw=dict(lr=np.nan)), ValueError, "lr must be positive and finite"),
    (dict(kw=dict(lr=-0.1)), ValueError, "lr must be positive and finite"),
    (dict(kw=dict(lr="0.1")), TypeError, "lr must be a positive number; got str"),
    (dict(kw=dict(seed=1.5)), TypeError, "seed must be an int"),
    (dict(kw=dict(callback=3)), TypeError, "callback must be a function"),
    (dict(kw=dict(X_test=np.zeros((2, 1, 8, 8)))), ValueError, "X_test and y_test go together"),
    (dict(kw=dict(X_test=np.zeros((2, 1, 8, 8)), y_test=np.array([0, 12]))), ValueError, "y_test must hold labels 0 … 9"),
])
def test_train_names_bad_data_and_hyperparameters_before_training(digits, change, exc, words):
    X_train, _, y_train, _ = digits
    X, y = change.get("X", lambda v: v)(X_train[:20]), change.get("y", lambda v: v)(y_train[:20])
    model = nn.digits_cnn(seed=0, channels=(2, 3))
    before = [p.copy() for p in model.params()]
    with pytest.raises(exc, match=words):
        nn.train(model, X, y, **dict(dict(epochs=1), **change.get("kw", {})))
    assert all(np.array_equal(a, b) for a, b in zip(model.params(), before))  # nothing trained


def test_gradient_check_names_bad_data(digits):
    X_train, _, y_train, _ = digits
    model = nn.digits_cnn(seed=0, channels=(2, 3))
    with pytest.raises(ValueError, match="y must hold labels 0 … 9"):
        nn.gradient_check(model, X_train[:2], np.array([0, 10]))
    with pytest.raises(ValueError, match="X must hold finite numbers"):
        nn.gradient_check(model, _poisoned(X_train[:4], np.nan), y_train[:4])


def test_adam_rejects_an_infinite_step():
    with pytest.raises(ValueError, match="lr must be positive and finite"):
        nn.Adam([np.zeros(2)], lr=float("inf"))
