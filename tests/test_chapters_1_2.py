"""The numbers chapters 1 and 2 state in their prose, recomputed with the calls the chapters make.

If a kernel changes and a sentence in the book becomes false, one of these fails.
"""

import json
import pathlib
import re

import numpy as np
import pytest
import sympy as sp

import convbp
from convbp import blocks, filters, unroll
from convbp.gradcheck import numerical_gradient, relative_error
from convbp.symbolic import symbol_grid, symbol_tensor

BOOK = pathlib.Path(__file__).resolve().parents[1] / "book"


@pytest.fixture(scope="module")
def photo():
    return filters.sample_photo(width=128)


@pytest.fixture(scope="module")
def target(photo):
    return convbp.conv2d(photo, filters.SOBEL_X)


@pytest.fixture(scope="module")
def history(photo, target):
    return filters.learn_kernel(photo, target, steps=2500, lr=0.6, seed=0)


# ---------------------------------------------------------------- chapter 1


def test_ch1_edge_maps_are_148_by_126_and_sobel_prewitt_agree(photo, target):
    assert photo.shape == (150, 128)
    assert target.shape == (148, 126)
    prewitt = convbp.conv2d(photo, filters.PREWITT_X)
    r = np.corrcoef(target.ravel(), prewitt.ravel())[0, 1]
    assert 0.99 < r < 1  # "almost perfectly correlated" (0.9963)


def test_ch1_one_hand_written_step_is_the_library_gradient_and_passes_gradcheck(photo, target):
    w = np.random.default_rng(0).normal(0.0, 0.5, size=(3, 3))
    z = convbp.conv2d(photo, w)
    grad = convbp.conv2d_backward_weight(2 * (z - target) / z.size, photo, w.shape)
    np.testing.assert_allclose(grad, filters.kernel_loss_gradient(w, photo, target), rtol=1e-12)
    numeric = numerical_gradient(lambda v: filters.kernel_loss(v, photo, target), w)
    assert relative_error(grad, numeric) < 1e-8  # "about ten digits"
    np.testing.assert_array_equal(w, filters.learn_kernel(photo, target, steps=1, seed=0).kernels[0])


def test_ch1_learned_kernel_is_sobel_within_001(history):
    gap = np.abs(history.kernels[-1] - filters.SOBEL_X).max()
    assert gap < 0.01
    reached = filters.steps_to_reach(history.kernels, filters.SOBEL_X, tol=0.01)
    assert 2000 <= reached <= 2300  # "about 2,100", "more than two thousand steps"
    assert 300 < history.losses[0] / history.losses[100] < 1000  # "a few hundred in the first hundred steps"
    assert np.abs(history.kernels[200] - filters.SOBEL_X).max() < 0.3  # "by step 200 ... looks like Sobel"


def test_ch1_curvature_explains_the_learning_rate_limit_and_the_slow_direction(photo, target):
    H, W = photo.shape
    X = np.stack([photo[p : H - 2 + p, q : W - 2 + q].ravel() for p in range(3) for q in range(3)], axis=1)
    eig, vec = np.linalg.eigh(2 * X.T @ X / len(X))
    assert 2.6 < eig[-1] < 2.8 and 0.0019 < eig[0] < 0.0023  # "from about 0.002 to about 2.7"
    assert 0.73 < 2 / eig[-1] < 0.75  # "above about 0.74 this run diverges"
    np.testing.assert_allclose(np.abs(vec[:, -1]), 1 / 3, atol=0.02)  # steepest: all weights together
    slow = vec[:, 0].reshape(3, 3)
    signs = np.sign(slow)
    assert np.all(signs == signs[1, 1] * np.array([[1, -1, 1], [-1, 1, -1], [1, -1, 1]]))  # a checkerboard
    assert 3600 < np.log(100) / (0.6 * eig[0]) < 3800  # "about 3700 steps"
    with pytest.raises(FloatingPointError):
        filters.learn_kernel(photo, target, lr=0.8)
    centred = photo - photo.mean()
    run = filters.learn_kernel(centred, target, lr=1.5)
    assert 800 <= filters.steps_to_reach(run.kernels, filters.SOBEL_X, 0.01) <= 900  # "about 850"


def test_ch1_exercise_answers(photo, target):
    np.testing.assert_allclose(convbp.conv2d(photo, blocks.rot180(filters.SOBEL_X)), -target)
    flat = np.full((5, 5), 0.7)
    outs = [convbp.conv2d(flat, k)[0, 0] for k in (filters.SOBEL_X, filters.BOX_BLUR, filters.SHARPEN)]
    np.testing.assert_allclose(outs, [0.0, 0.7, 0.7], atol=1e-12)
    blank = np.full((20, 20), 0.5)
    run = filters.learn_kernel(blank, convbp.conv2d(blank, filters.SOBEL_X), steps=200, lr=0.1)
    w0 = run.kernels[0]
    assert run.losses[-1] < 1e-30
    np.testing.assert_allclose(run.kernels[-1], w0 - w0.mean(), atol=1e-12)
    assert np.abs(run.kernels[-1] - filters.SOBEL_X).max() > 1


# ---------------------------------------------------------------- chapter 2


def test_ch2_forward_formula_is_the_lectures_and_has_kh_kw_plus_one_parameters():
    a, w, b = symbol_grid("a", 3, 3), symbol_grid("w", 2, 2), sp.Symbol("b")
    z = convbp.conv2d(a, w, b)
    A, Wt = sp.symbols("a11 a12 a21 a22"), sp.symbols("w11 w12 w21 w22")
    assert sp.expand(z[0, 0] - (sum(x * y for x, y in zip(A, Wt)) + b)) == 0
    for H, W in [(3, 3), (6, 5)]:
        a = symbol_grid("a", H, W)
        z = convbp.conv2d(a, w, b)
        params = set().union(*(e.free_symbols for e in z.ravel())) - set(a.ravel())
        assert params == set(w.ravel()) | {b}  # 5, whatever the input size
    s = convbp.sigmoid(z[0, 0])
    assert sp.simplify(s - 1 / (1 + sp.exp(-z[0, 0]))) == 0


def test_ch2_multichannel_entry_and_count():
    a4, w4 = symbol_tensor("a", (1, 2, 3, 3)), symbol_tensor("w", (2, 2, 2, 2))
    z4 = convbp.conv2d(a4, w4, np.array(sp.symbols("b1 b2")))
    assert len(sp.Add.make_args(sp.expand(z4[0, 0, 0, 0]))) == 2 * 2 * 2 + 1
    assert w4.size + 2 == 18


def test_ch2_unrolled_matrices():
    w = symbol_grid("w", 2, 2)
    M = unroll.conv_matrix(w, (3, 3))
    assert M.shape == (4, 9) and (M != 0).sum() == 16
    assert all((M == s).sum() == 4 for s in w.ravel())
    assert list(M[0]) == [w[0, 0], w[0, 1], 0, w[1, 0], w[1, 1], 0, 0, 0, 0]
    w3 = symbol_grid("w", 3, 3)
    M3 = unroll.conv_matrix(w3, (5, 5))
    assert M3.shape == (9, 25) and (M3 != 0).sum() == 81
    assert all((M3 == s).sum() == 9 for s in w3.ravel())
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(12, 10)), rng.normal(size=(3, 3))
    dense = unroll.conv_matrix(kernel, image.shape, stride=2, padding=1)
    assert dense.shape == (30, 120)
    np.testing.assert_allclose(dense @ image.ravel(), convbp.conv2d(image, kernel, stride=2, padding=1).ravel(), atol=1e-12)


def test_ch2_table_numbers():
    vgg = unroll.layer_counts((3, 224, 224), 3, 64, padding=1)
    assert vgg["dense_params"] == 483_388_358_656  # "about 4.8 × 10^11", "some two terabytes"
    assert 1.9e12 < 4 * vgg["dense_params"] < 2.0e12
    local = vgg["conv_connections"] + 64 * 224 * 224
    assert 89e6 < local < 91e6  # "about 90 million"
    assert vgg["conv_params"] == 1792 and 86e6 < vgg["conv_connections"] < 88e6
    assert unroll.layer_counts((1, 28, 28), 5, 32)["conv_params"] == 832
    alex = unroll.layer_counts((3, 227, 227), 11, 96, stride=4)
    assert alex["output_shape"] == (96, 55, 55) and alex["conv_params"] == 34_944
    # local connection divides the weights by H·W / (kh·kw); sharing by Ho·Wo
    mnist = unroll.layer_counts((1, 28, 28), 5, 32, bias=False)
    assert mnist["dense_params"] * 25 == mnist["conv_connections"] * 28 * 28
    assert mnist["conv_connections"] == mnist["conv_params"] * 24 * 24


def test_ch2_exercise_answers():
    c = unroll.layer_counts((3, 32, 32), 5, 16)
    assert c["output_shape"] == (16, 28, 28) and c["conv_params"] == 1216
    assert c["conv_connections"] == 940_800 and c["dense_connections"] == 38_535_168
    k = symbol_grid("w", 3, 2)
    Mk = unroll.conv_matrix(k, (6, 8))
    assert set((Mk != 0).sum(axis=1)) == {6} and {int((Mk == s).sum()) for s in k.ravel()} == {28}
    assert (Mk != 0).mean() == 0.125
    w = symbol_grid("w", 2, 2)
    Ms = unroll.conv_matrix(w, (4, 4), stride=2)
    assert Ms.shape == (4, 16) and set((Ms != 0).sum(axis=0)) == {1}
    d = symbol_grid("delta", 2, 2)
    back = (unroll.conv_matrix(w, (3, 3)).T @ d.ravel()).reshape(3, 3)
    assert sp.expand(back[0, 0] - d[0, 0] * w[0, 0]) == 0
    assert sp.expand(back[1, 1] - sum(d.ravel() * blocks.rot180(w).ravel())) == 0


# ---------------------------------------------------------------- the notebooks themselves


def _cells(name):
    nb = json.loads((BOOK / name).read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    return nb["cells"]


@pytest.mark.parametrize("name, labels", [
    ("01_where_kernels_come_from.ipynb", ["sec-kernel-sources", "sec-learned-kernel", "sec-set-vs-learned"]),
    ("02_parameters.ipynb", ["sec-local-connection", "sec-unrolled-matrix", "sec-kernel-parameter"]),
])
def test_chapters_are_stripped_labelled_and_have_exercises(name, labels):
    cells = _cells(name)
    for c in cells:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None
            assert len("".join(c["source"]).splitlines()) <= 11
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for label in labels:
        assert f"({label})=" in text
    exercises = re.findall(r"```\{exercise\}\n:label: (ex-\d-[\w-]+)", text)
    assert len(exercises) >= 3
    for ex in exercises:
        # a solution with executed code cells is gated: solution-start … solution-end
        assert re.search(r"(````\{solution\}|```\{solution-start\}) " + ex + r"\n:class: dropdown",
                         text), ex


def test_chapter_1_leaves_the_try_it_heading_for_the_kernel_editor():
    cells = _cells("01_where_kernels_come_from.ipynb")
    heading = [i for i, c in enumerate(cells) if "".join(c["source"]).startswith("## Try it: edit the kernel")]
    assert len(heading) == 1
