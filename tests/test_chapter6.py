"""The key facts of chapter 6 (book/06_cnn_that_learns.ipynb), checked by calling the same functions
with the same settings as the notebook."""

import json
from pathlib import Path

import pytest

from convbp import nn

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "06_cnn_that_learns.ipynb"
CHANNELS, SETTINGS = (16, 32), dict(epochs=20, batch_size=32, lr=0.003, seed=0)


def notebook_code() -> str:
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_notebook_uses_the_settings_checked_here():
    code = notebook_code()
    assert "nn.digits_cnn(seed=0, channels=(16, 32))" in code
    assert "epochs=20, batch_size=32, lr=0.003, seed=0" in code
    assert "load_digits_split(test_size=0.25, random_state=0)" in code


@pytest.fixture(scope="module")
def digits():
    return nn.load_digits_split(test_size=0.25, random_state=0)


def test_whole_network_gradient_check_agrees_to_float64_precision(digits):
    X_train, _, y_train, _ = digits
    errors = nn.gradient_check(nn.digits_cnn(seed=0, channels=CHANNELS), X_train[:8], y_train[:8], entries=40)
    assert max(errors.values()) < 1e-6


def test_zero_biases_put_relu_on_its_kink_and_break_the_check(digits):
    """The chapter's reason for BIAS_INIT = 0.01: with zero biases the blank background sits at z = 0."""
    X_train, _, y_train, _ = digits
    model = nn.digits_cnn(seed=0, channels=CHANNELS)
    for layer in model.layers:
        if "b" in layer.params:
            layer.params["b"][:] = 0
    errors = nn.gradient_check(model, X_train[:8], y_train[:8], entries=16)
    assert errors["0.b"] > 0.01


def test_the_chapter_network_reaches_97_percent_on_held_out_digits(digits):
    X_train, X_test, y_train, y_test = digits
    model = nn.digits_cnn(seed=0, channels=CHANNELS)
    assert model.n_params() == 6090
    history = nn.train(model, X_train, y_train, X_test=X_test, y_test=y_test, **SETTINGS)
    assert history[-1]["loss"] < 0.1 * history[0]["loss"]
    assert nn.accuracy(model, X_test, y_test) >= 0.97
