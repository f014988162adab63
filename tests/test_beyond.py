"""The additions of issue 12 ("beyond the lecture"): the exercises of chapters 4 and 6, the bugs to
hunt in 3.1–3.3, the stride-2 residual worked with numbers, the backward pass as a transposed
convolution, and one digit's residuals through the trained network.

The exercises' solutions are run straight from the notebooks (their code ends in asserts), so a
solution that stops being true fails here; the numbers the prose states are asserted by calling
the same convbp functions with the same inputs as the chapters' cells.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import convbp
from convbp import blocks, gradcheck, models, nn, unroll

BOOK = Path(__file__).resolve().parents[1] / "book"


def markdown(name: str) -> str:
    cells = json.loads((BOOK / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def solution_code(name: str, label: str) -> str:
    """The ~~~python block inside the hidden solution of exercise `label` in notebook `name`."""
    text = markdown(name)
    found = re.search(r"```\{solution\} " + re.escape(label) + r"\n:class: dropdown\n(.*?)\n```", text, re.S)
    assert found, f"no hidden solution for {label} in {name}"
    code = re.findall(r"~~~python\n(.*?)~~~", found.group(1), re.S)
    assert code, f"the solution of {label} has no code"
    return "\n".join(code)


def run_solution(name: str, label: str, **names) -> dict:
    scope = dict(np=np, convbp=convbp, blocks=blocks, gradcheck=gradcheck, models=models, nn=nn,
                 unroll=unroll, tr=convbp.tr, **names)
    exec(compile(solution_code(name, label), f"{name}:{label}", "exec"), scope)
    return scope


def exercises(name: str) -> list[str]:
    return re.findall(r"```\{exercise\}\n:label: (ex-[\w-]+)", markdown(name))


# ---------------------------------------------------------------- chapters 4 and 6: exercises


@pytest.mark.parametrize("name, prefix", [("04_models", "ex-4-"), ("06_cnn_that_learns", "ex-6-")])
def test_chapters_4_and_6_have_three_exercises_with_hidden_solutions(name, prefix):
    labels = [e for e in exercises(name) if e.startswith(prefix)]
    assert len(labels) >= 3
    for label in labels:
        assert solution_code(name, label)


@pytest.mark.parametrize("label", ["ex-4-alexnet-conv1", "ex-4-reduction", "ex-4-v15",
                                   "ex-4-dropout-backward"])
def test_chapter_4_solutions_hold(label):
    run_solution("04_models", label)


@pytest.fixture(scope="module")
def digits():
    return nn.load_digits_split(test_size=0.25, random_state=0)


@pytest.mark.parametrize("label", ["ex-6-params", "ex-6-top-residual", "ex-6-zero-bias"])
def test_chapter_6_solutions_hold(label, digits):
    X_train, _, y_train, _ = digits
    # The identities of ex-6-top-residual hold for any weights; an untrained network keeps this fast.
    run_solution("06_cnn_that_learns", label, model=nn.digits_cnn(seed=0, channels=(16, 32)),
                 X_train=X_train, y_train=y_train)


def test_chapter_4_exercise_numbers_in_the_prose():
    text = markdown("04_models")
    for number in ("34{,}944", "105{,}415{,}200", "153{,}600", "15{,}872", "12{,}443{,}648", "77,070,336"):
        assert number in text, number


# ---------------------------------------------------------------- 3.1–3.3: bugs to hunt


def run_cells(name: str, prefix: str, scope: dict) -> dict:
    """Execute, in `scope`, the notebook's code cells whose id starts with `prefix` (in order)."""
    cells = json.loads((BOOK / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
    mine = [c for c in cells if c["cell_type"] == "code" and c["id"].startswith(prefix)]
    assert mine, f"no cells {prefix}* in {name}"
    scope.setdefault("tr", convbp.tr)  # every chapter imports it, for the texts it shows
    for c in mine:
        exec(compile("".join(c["source"]), f"{name}:{c['id']}", "exec"), scope)
    return scope


def chapter_scope(**names) -> dict:
    return dict(np=np, convbp=convbp, blocks=blocks, gradcheck=gradcheck, **names)


# The lecture's 4×4 map and its max-pooling residual, as chapter 3.1 defines them.
LECTURE_MAP = np.array([[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]], dtype=float)
LECTURE_DELTA = np.array([[7, 3], [1, 4]])

BUGS = {
    "03_1_pooling_residual": ("beyond-bug-31", ["ex-3-1-bug-overwrite", "ex-3-1-bug-ties"]),
    "03_2_conv_residual": ("beyond-bug-32", ["ex-3-2-bug-dilate"]),
    "03_3_kernel_gradients": ("beyond-bug-33", ["ex-3-3-bug-padding"]),
}


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_bug_fails_its_check_and_each_fix_passes(name):
    """The cells assert that gradcheck fails where the prose says; the solutions assert that the
    fix passes and that the naive test (no overlap, no ties, stride 1, no padding) passes the bug."""
    prefix, labels = BUGS[name]
    scope = run_cells(name, prefix, chapter_scope(A=LECTURE_MAP, delta=LECTURE_DELTA))
    for label in labels:
        assert label in exercises(name)
        exec(compile(solution_code(name, label), f"{name}:{label}", "exec"), scope)


def test_bug_numbers_in_the_prose():
    scope = run_cells("03_1_pooling_residual", "beyond-bug-31", chapter_scope(A=LECTURE_MAP, delta=LECTURE_DELTA))
    assert scope["bug"].tolist() == (4 * scope["d_up"]).tolist()
    over = convbp.max_pool2d_backward(scope["d_ov"], scope["X_ov"], 3, stride=2)
    assert over[2, 2] == 1 + 2 + 3 + 4 == 10
    assert scope["max_pool_backward_overwrite"](scope["d_ov"], scope["X_ov"], 3, 2)[2, 2] == 4
    assert "1 + 2 + 3 + 4 = 10" in markdown("03_1_pooling_residual")
    assert "Of the 25 entries only one is right" in markdown("03_2_conv_residual")
    assert "every one of the nine\nentries is wrong" in markdown("03_3_kernel_gradients")


# ---------------------------------------------------------------- 3.2: a stride-2 residual with numbers


def conv_chapter_scope() -> dict:
    import matplotlib

    matplotlib.use("Agg")
    from convbp.plotting import show_grids

    return chapter_scope(show_grids=show_grids)


def test_stride_2_worked_example():
    import matplotlib.pyplot as plt

    s = run_cells("03_2_conv_residual", "beyond-s2", conv_chapter_scope())
    plt.close("all")
    assert s["grad_s2"][2, 2] == 8 and s["pad_s2"].shape == (7, 7)
    assert [s["grad_s2"][i, j] for i, j in s["picks"]] == [1, 8]
    assert np.array_equal(s["grad_s2"], convbp.conv2d_backward_input(s["d_s2"], s["w_s2"], (5, 5), stride=2))
    assert s["r6"] == 1 and s["pad6"].shape == (8, 8)
    assert not s["grad6"][5].any() and not s["grad6"][:, 5].any()
    text = markdown("03_2_conv_residual")
    assert "= 2 - 2 + 9 - 1 = 8" in text and "r = (6 - 3) \\bmod 2 = 1" in text


@pytest.mark.parametrize("h", range(3, 12))
@pytest.mark.parametrize("k, s, p", [(3, 2, 0), (3, 2, 1), (2, 3, 0), (4, 3, 1), (3, 1, 0)])
def test_the_recipes_extra_padding_is_what_no_window_reaches(h, k, s, p):
    """Bottom/right padding k − 1 + r with r = (H + 2p − k) mod s: the rows past the last window."""
    if h + 2 * p < k:
        return
    ho = (h + 2 * p - k) // s + 1
    r = (h + 2 * p - k) % s
    assert r == h + 2 * p - ((ho - 1) * s + k)
    d = np.random.default_rng(h).normal(size=(ho, ho))
    w = np.random.default_rng(k).normal(size=(k, k))
    padded = blocks.zero_pad(blocks.dilate(d, s), ((k - 1, k - 1 + r), (k - 1, k - 1 + r)))
    full = convbp.conv2d(padded, blocks.rot180(w))
    assert full.shape == (h + 2 * p, h + 2 * p)
    assert np.allclose(full[p:p + h, p:p + h], convbp.conv2d_backward_input(d, w, (h, h), stride=s, padding=p))


# ---------------------------------------------------------------- 3.2: the backward pass is a transposed convolution


def test_transposed_convolution_section():
    import matplotlib.pyplot as plt
    from convbp import transpose
    from convbp.symbolic import (as_matrix, assert_grids_equal, derivative_grid, linear_loss,
                                 simplify_grid, symbol_grid)

    scope = conv_chapter_scope() | dict(as_matrix=as_matrix, assert_grids_equal=assert_grids_equal,
                                        derivative_grid=derivative_grid, linear_loss=linear_loss,
                                        simplify_grid=simplify_grid, symbol_grid=symbol_grid)
    s = run_cells("03_2_conv_residual", "beyond-tc", scope)
    plt.close("all")
    assert len(s["routes_t"]) == 4
    # the prose: a 4×3 map gives 7 rows but 5 columns without output_padding; r = 1
    assert s["d_n"].shape == (4, 3)
    assert ((4 - 1) * 2 - 2 + 3, (3 - 1) * 2 - 2 + 3) == (7, 5) and (6 + 2 - 3) % 2 == 1
    no_pad = transpose.conv_transpose2d(s["d_n"][None, None], s["w_n"][None, None], stride=2, padding=1)
    assert no_pad.shape[2:] == (7, 5)
    # column (u, v) of Mᵀ is the kernel on window (u, v): four weights, at the window's four inputs
    w = symbol_grid("w", 2, 2)
    Mt = unroll.conv_matrix(w, (3, 3)).T
    for j in range(4):
        u, v = divmod(j, 2)
        placed = np.zeros((3, 3), dtype=object)
        placed[u:u + 2, v:v + 2] = w
        assert Mt[:, j].tolist() == placed.ravel().tolist()
    # checkerboard numbers: counts 4, 2, 1 inside for 3×3/2, flat 4 for 4×4/2, bilinear 0.25
    assert set(np.unique(s["cov3"][2:7, 2:7])) == {1, 2, 4}
    assert np.all(s["cov4"][2:8, 2:8] == 4)
    assert np.allclose(s["flat"][1:8, 1:8], 0.25) and len(np.unique(s["checker"][2:7, 2:7].round(12))) == 4
    text = markdown("03_2_conv_residual")
    assert "{cite}`odena2016`" in text and "`output_padding=(0, 1)`" in text
    assert "odena2016" in (BOOK / "references.bib").read_text(encoding="utf-8")


# ---------------------------------------------------------------- chapter 6: one digit, backward


@pytest.fixture(scope="module")
def trained(digits):
    """The chapter's network, trained with the chapter's settings (tests/test_chapter6.py checks them)."""
    X_train, X_test, y_train, y_test = digits
    model = nn.digits_cnn(seed=0, channels=(16, 32))
    nn.train(model, X_train, y_train, epochs=20, batch_size=32, lr=0.003, seed=0)
    return model


def test_one_digit_backward_walk(trained, digits):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _, X_test, _, y_test = digits
    s = run_cells("06_cnn_that_learns", "beyond-walk", dict(np=np, nn=nn, plt=plt, model=trained,
                                                            X_test=X_test, y_test=y_test))
    plt.close("all")
    r = s["r"]
    shapes = {k: v.shape for k, v in r.items()}
    assert shapes == {"fc": (1, 128), "flat": (1, 32, 2, 2), "pool2": (1, 32, 4, 4), "relu2": (1, 32, 4, 4),
                      "conv2": (1, 16, 4, 4), "pool1": (1, 16, 8, 8), "relu1": (1, 16, 8, 8), "conv1": (1, 1, 8, 8)}
    assert s["top"].shape == (1, 10) and s["g2"].shape == (32, 16, 3, 3)
    # the prose: a quarter kept by pooling, fewer after ReLU, dense after each convolution
    assert s["nonzero"]["pool2"] == 128 == r["pool2"].size // 4 and s["nonzero"]["pool1"] == 256 == r["pool1"].size // 4
    assert s["nonzero"]["relu2"] < 128 and s["nonzero"]["relu1"] < 256
    assert s["nonzero"]["conv2"] == 256 and s["nonzero"]["conv1"] == 64
    assert s["ties"].any() and s["err3"] < 1e-6
    # the top residual: negative only at the true digit
    assert s["top"][0, s["y1"][0]] < 0 and np.all(np.delete(s["top"][0], s["y1"][0]) >= 0)
    text = markdown("06_cnn_that_learns")
    assert "exactly a quarter (128 of the 512 numbers, later 256 of 1,024)" in text
    assert "all 256 entries of\nits residual are nonzero again (and all 64 of the image's)" in text


def test_show_backward_pass_rows_and_bad_stages():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from convbp.plotting import show_backward_pass

    fig = show_backward_pass([("scores", np.arange(10.0) - 5), ("maps", np.ones((6, 4, 4)))], columns=4)
    assert len(fig.axes) == 1 + 4  # a strip, then the first four maps
    assert [t.get_text() for t in fig.axes[0].texts][:2] == ["-5.000", "-4.000"]
    plt.close(fig)
    with pytest.raises(ValueError, match="at least one"):
        show_backward_pass([])
    with pytest.raises(ValueError, match="1-D or 3-D"):
        show_backward_pass([("bad", np.ones((2, 2)))])
