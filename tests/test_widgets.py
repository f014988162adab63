"""The widgets driven as a reader drives them: set a box's value (the observer fires), read the frame on screen.

Every number checked here is compared with convbp's kernels or with the lecture's printed grids.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

import convbp
from convbp import blocks, filters
from convbp.widgets import ConvStepper, KernelEditor, PoolingStepper
from convbp.widgets._frames import TARGET, WINDOW, parse_grid


class _Tables(HTMLParser):
    """Collect every <table data-grid=…> of a frame as rows of (text, style)."""

    def __init__(self):
        super().__init__()
        self.tables, self._name, self._cell = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._name = attrs["data-grid"]
            self.tables[self._name] = []
        elif tag == "tr" and self._name:
            self.tables[self._name].append([])
        elif tag == "td" and self._name:
            self._cell = ["", attrs.get("style") or ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.tables[self._name][-1].append(tuple(self._cell))
            self._cell = None
        elif tag == "table":
            self._name = None


def tables(frame: str) -> dict:
    parser = _Tables()
    parser.feed(frame)
    return parser.tables


def numbers(frame: str, name: str) -> np.ndarray:
    return np.array([[float(text.replace("−", "-")) for text, _ in row] for row in tables(frame)[name]])


def styled(frame: str, name: str, style: str) -> set:
    return {(i, j) for i, row in enumerate(tables(frame)[name]) for j, (_, s) in enumerate(row) if style in s}


def caption(frame: str) -> str:
    text = frame.split("convbp-caption", 1)[1]
    return re.sub(r"<[^>]+>", "", text.split(">", 1)[1])


def shown(widget) -> str:
    """The frame the reader sees: the Stack's selected child, which must be the slider's frame."""
    assert widget.stack.selected_index == widget.slider.value
    frame = widget.stack.children[widget.stack.selected_index].value
    assert frame == widget.frames[widget.slider.value]
    return frame


LECTURE_A = np.array([[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]], dtype=float)


# -- PoolingStepper ------------------------------------------------------------------------------


def test_pooling_default_is_the_lecture_max_example():
    p = PoolingStepper()
    np.testing.assert_array_equal(p.result, [[8, 9], [8, 6]])
    np.testing.assert_array_equal(p.grad, [[0, 7, 0, 0], [0, 0, 0, 3], [0, 0, 0, 0], [1, 0, 4, 0]])
    assert len(p.frames) == 2 * 4 + 1
    assert p.slider.max == p.play.max == len(p.frames) - 1
    # The final frame shows the lecture's restored grid, and it is what restore_positions draws.
    np.testing.assert_array_equal(numbers(p.frames[-1], "grad"), blocks.restore_positions([[7, 3], [1, 4]], LECTURE_A, 2))


def test_pooling_forward_frames_show_each_window_and_its_max():
    p = PoolingStepper()
    expected_windows = [{(0, 0), (0, 1), (1, 0), (1, 1)}, {(0, 2), (0, 3), (1, 2), (1, 3)}, {(2, 0), (2, 1), (3, 0), (3, 1)}, {(2, 2), (2, 3), (3, 2), (3, 3)}]
    argmax = [(0, 1), (1, 3), (3, 0), (3, 2)]
    for k in range(4):
        p.slider.value = k
        p.stack.selected_index = k  # jslink does this in the browser
        f = shown(p)
        assert styled(f, "a", WINDOW) | styled(f, "a", TARGET) == expected_windows[k]
        assert styled(f, "a", TARGET) == {argmax[k]}  # the max, marked inside its window
        u, v = divmod(k, 2)
        assert styled(f, "z", TARGET) == {(u, v)}
        assert caption(f).endswith(f"= {int(p.result[u, v])}")
    assert "max(1, 8, 7, 2) = 8" in caption(p.frames[0])


def test_pooling_backward_frames_accumulate_the_kernel_gradient():
    p = PoolingStepper()
    delta = np.array([[7, 3], [1, 4]], dtype=float)
    done = np.zeros((2, 2))
    for k, uv in enumerate(np.ndindex(2, 2)):
        done[uv] = 1
        f = p.frames[4 + k]
        np.testing.assert_array_equal(numbers(f, "grad"), convbp.max_pool2d_backward(delta * done, LECTURE_A, 2))
        np.testing.assert_array_equal(numbers(f, "delta"), delta)
    assert "δ₁₂ = 3 goes back to the window's maximum, a₂₄ = 9" in caption(p.frames[5])


def test_pooling_average_mode_gives_the_lecture_grids():
    p = PoolingStepper(mode="avg")
    np.testing.assert_array_equal(p.result, [[4.5, 4.25], [5.5, 3]])
    np.testing.assert_array_equal(p.grad, [[2, 2, 1, 1], [2, 2, 1, 1], [4, 4, 1, 1], [4, 4, 1, 1]])
    assert "(4 + 3 + 1 + 9) / 4 = 4.25" in caption(p.frames[1])
    np.testing.assert_array_equal(numbers(p.frames[-1], "grad"), p.grad)


def test_pooling_mode_switch_in_the_dropdown_swaps_to_the_lecture_residual():
    p = PoolingStepper()
    p.mode_box.value = "avg"
    assert p.delta_box.value == "8 4; 16 4"
    np.testing.assert_array_equal(p.grad, [[2, 2, 1, 1], [2, 2, 1, 1], [4, 4, 1, 1], [4, 4, 1, 1]])
    p.mode_box.value = "max"
    assert p.delta_box.value == "7 3; 1 4"


def test_pooling_editing_the_input_recomputes_every_frame():
    p = PoolingStepper()
    p.slider.value = 3
    p.a_box.value = "1 8 4 3; 7 2 1 9; 6 1 2 4; 8 7 6 50"
    assert p.error == ""
    np.testing.assert_array_equal(p.result, [[8, 9], [8, 50]])
    f = shown(p)  # the reader stays on the step they were looking at
    assert p.slider.value == 3
    np.testing.assert_array_equal(numbers(f, "z")[1, 1], 50)
    assert "max(2, 4, 6, 50) = 50" in caption(f)


def test_pooling_overlapping_windows_add_up():
    a = np.arange(25, dtype=float).reshape(5, 5) % 7
    delta = np.array([[1, 2], [3, 4]], dtype=float)
    p = PoolingStepper(a=a, delta=delta, mode="avg", size=3, stride=2)
    np.testing.assert_allclose(p.grad, convbp.avg_pool2d_backward(delta, a.shape, 3, stride=2))
    # The centre cell (2, 2) lies in all four windows: the last backward step adds the fourth share.
    assert "Windows overlap, so residuals add up" in caption(p.frames[4 + 3])
    np.testing.assert_allclose(numbers(p.frames[-1], "grad"), np.round(p.grad, 4), atol=1e-3)
    q = PoolingStepper(a=a, delta=delta, mode="max", size=3, stride=2)
    np.testing.assert_array_equal(q.grad, convbp.max_pool2d_backward(delta, a, 3, stride=2))


def test_pooling_size_change_refits_the_residual():
    p = PoolingStepper()
    p.size_box.value = 3
    p.stride_box.value = 1
    assert p.error == ""
    assert p.result.shape == (2, 2)
    np.testing.assert_array_equal(p.result, convbp.max_pool2d(LECTURE_A, 3, stride=1))
    p.size_box.value = 2
    assert p.result.shape == (3, 3) and p.delta.shape == (3, 3)
    assert "reset" in p.message.value
    assert len(p.frames) == 2 * 9 + 1


@pytest.mark.parametrize(
    "box, value, words",
    [
        ("a_box", "1 8 x 3; 7 2 1 9", "'x' is not a number"),
        ("a_box", "1 2 3; 4 5", "a must be an array of numbers"),
        ("a_box", "", "a is empty"),
        ("a_box", "1 2; 3 4; 5 6; 7 8; 1 2; 3 4; 5 6; 7 8; 9 9", "at most 8×8"),
        ("delta_box", "1 2 3; 4 5 6", "delta must have shape (2, 2)"),
        ("stride_box", 0, "stride must be positive"),
        ("size_box", 5, "larger than the padded input"),
    ],
)
def test_pooling_bad_entry_shows_a_message_and_keeps_the_last_good_frames(box, value, words):
    p = PoolingStepper()
    frames, result = list(p.frames), p.result.copy()
    getattr(p, box).value = value
    assert words in p.error
    assert "⚠" in p.message.value
    assert p.frames == frames
    np.testing.assert_array_equal(p.result, result)
    assert [c.value for c in p.stack.children] == frames
    # Fixing the entry recovers.
    getattr(p, box).value = {"a_box": "1 8 4 3; 7 2 1 9; 6 1 2 4; 8 7 6 0", "delta_box": "7 3; 1 4", "stride_box": 2, "size_box": 2}[box]
    assert p.error == "" and p.message.value == ""
    np.testing.assert_array_equal(p.result, [[8, 9], [8, 6]])


def test_pooling_constructor_rejects_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        PoolingStepper(mode="min")
    with pytest.raises(ValueError, match="stride"):
        PoolingStepper(stride=0)


def test_live_note_says_live():
    assert "Live" in PoolingStepper().note.value


# -- ConvStepper -----------------------------------------------------------------------------------


def test_conv_default_frames_match_the_kernels():
    c = ConvStepper()
    a, w, delta = c.a, c.w, c.delta
    assert a.shape == (3, 3) and w.shape == (2, 2) and delta.shape == (2, 2)
    np.testing.assert_array_equal(c.result, convbp.conv2d(a, w))
    np.testing.assert_array_equal(c.grad_a, convbp.conv2d_backward_input(delta, w, a.shape))
    np.testing.assert_array_equal(c.grad_w, convbp.conv2d_backward_weight(delta, a, w.shape))
    assert c.grad_b == convbp.conv2d_backward_bias(delta)
    assert len(c.frames) == 4 + 9 + 4
    for k, uv in enumerate(np.ndindex(2, 2)):
        f = c.frames[k]
        assert numbers(f, "z")[uv] == c.result[uv]
        assert styled(f, "z", TARGET) == {uv}
        assert caption(f).endswith(f"= {int(c.result[uv])}".replace("-", "−"))
    assert caption(c.frames[0]).startswith("z₁₁ = w₁₁·a₁₁ + w₁₂·a₁₂ + w₂₁·a₂₁ + w₂₂·a₂₂")


def test_conv_residual_frames_follow_the_rot180_recipe():
    c = ConvStepper()
    rot = blocks.rot180(c.w)
    d_pad = blocks.zero_pad(c.delta, 1)
    for k, (i, j) in enumerate(np.ndindex(3, 3)):
        f = c.frames[4 + k]
        np.testing.assert_array_equal(numbers(f, "rot"), rot)
        np.testing.assert_array_equal(numbers(f, "delta_pad"), d_pad)
        window = styled(f, "delta_pad", WINDOW)
        assert window == {(i + p, j + q) for p in range(2) for q in range(2)}
        # The recipe on screen: rot180(w) ⊙ the highlighted window, summed, is the cell written.
        patch = d_pad[i : i + 2, j : j + 2]
        assert numbers(f, "grad_a")[i, j] == (rot * patch).sum() == c.grad_a[i, j]
    # The lecture's δ12^(l−1) = δ11·w12 + δ12·w11.
    assert "∂J/∂a₁₂ = Σ rot180(w) ⊙ window = w₁₂·δ₁₁ + w₁₁·δ₁₂" in caption(c.frames[5])


def test_conv_kernel_gradient_accumulates_window_by_window():
    c = ConvStepper()
    done = np.zeros(c.delta.shape)
    for k, uv in enumerate(np.ndindex(c.delta.shape)):
        done[uv] = 1
        f = c.frames[13 + k]
        np.testing.assert_array_equal(numbers(f, "grad_w"), convbp.conv2d_backward_weight(c.delta * done, c.a, c.w.shape))
    np.testing.assert_array_equal(numbers(c.frames[-1], "grad_w"), c.grad_w)
    assert f"∂J/∂b = Σ δ = {int(c.grad_b)}" in caption(c.frames[-1])


def test_conv_stride_and_padding_edits():
    c = ConvStepper()
    c.a_box.value = "1 2 3 4 5; 5 4 3 2 1; 1 1 1 1 1; 0 1 0 1 0; 2 2 2 2 2"
    c.stride_box.value = 2
    c.padding_box.value = 1
    assert c.error == ""
    a = parse_grid(c.a_box.value, "a")
    assert c.result.shape == (3, 3) and c.delta.shape == (3, 3)
    np.testing.assert_array_equal(c.result, convbp.conv2d(a, c.w, stride=2, padding=1))
    np.testing.assert_array_equal(c.grad_a, convbp.conv2d_backward_input(c.delta, c.w, a.shape, stride=2, padding=1))
    np.testing.assert_array_equal(c.grad_w, convbp.conv2d_backward_weight(c.delta, a, c.w.shape, stride=2, padding=1))
    assert len(c.frames) == 9 + 25 + 9
    # Padded input: the first window reads three padding zeros, printed as 0.
    assert caption(c.frames[0]).startswith("z₁₁ = w₁₁·0 + w₁₂·0 + w₂₁·0 + w₂₂·a₁₁")
    for k, (i, j) in enumerate(np.ndindex(a.shape)):
        assert numbers(c.frames[9 + k], "grad_a")[i, j] == c.grad_a[i, j]


def test_conv_kernel_edit_keeps_the_step():
    c = ConvStepper()
    c.slider.value = 2
    c.w_box.value = "0 1; 1 0"
    assert c.slider.value == 2
    f = shown(c)
    np.testing.assert_array_equal(numbers(f, "w"), [[0, 1], [1, 0]])
    np.testing.assert_array_equal(c.result, convbp.conv2d(c.a, [[0, 1], [1, 0]]))


@pytest.mark.parametrize(
    "box, value, words",
    [
        ("w_box", "1 two; 3 4", "'two' is not a number"),
        ("w_box", "1 2 3 4 5; 1 2 3 4 5", "at most 4×4"),
        ("w_box", "1 2; 3", "w must be an array of numbers"),
        ("a_box", "1 2; 3 4; 5 6; 7 8; 1 2; 3 4; 5 6", "at most 6×6"),
        ("w_box", "1 2 3 4", "larger than the padded input"),
        ("delta_box", "1 2 3", "delta must end in (2, 2)"),
        ("stride_box", 0, "stride must be positive"),
        ("padding_box", -1, "padding must be non-negative"),
    ],
)
def test_conv_bad_entry_shows_a_message_and_keeps_the_last_good_frames(box, value, words):
    c = ConvStepper()
    frames = list(c.frames)
    getattr(c, box).value = value
    assert words in c.error
    assert "⚠" in c.message.value
    assert c.frames == frames and [v.value for v in c.stack.children] == frames
    np.testing.assert_array_equal(c.result, convbp.conv2d(c.a, c.w))


# -- KernelEditor ----------------------------------------------------------------------------------


def centre(z):
    r, c = z.shape[0] // 2 - 1, z.shape[1] // 2 - 1
    return z[r : r + 3, c : c + 3]


def test_kernel_editor_default_is_sobel_x_on_the_photo():
    k = KernelEditor()
    photo = filters.sample_photo()
    np.testing.assert_array_equal(k.image, photo)
    np.testing.assert_array_equal(k.kernel, filters.SOBEL_X)
    np.testing.assert_array_equal(k.result, convbp.conv2d(photo, filters.SOBEL_X))
    np.testing.assert_allclose(numbers(k.numbers.value, "z_centre"), centre(k.result), rtol=1e-3, atol=1e-6)
    np.testing.assert_array_equal(numbers(k.kernel_view.value, "w"), filters.SOBEL_X)
    for view in (k.output_view, k.input_view):
        assert "src='data:image/png;base64,iVBORw0KGgo" in view.value and "alt='The " in view.value


def test_kernel_editor_typing_sobel_values_selects_the_preset_and_recomputes():
    k = KernelEditor(preset="identity")
    np.testing.assert_array_equal(k.result, k.image[1:-1, 1:-1])
    before = k.output_view.value
    for entry, v in zip(k.entries, filters.SOBEL_Y.ravel()):
        entry.value = str(int(v))
    assert k.preset_box.value == "sobel_y"
    np.testing.assert_array_equal(k.result, convbp.conv2d(k.image, filters.SOBEL_Y))
    np.testing.assert_allclose(numbers(k.numbers.value, "z_centre"), centre(k.result), rtol=1e-3, atol=1e-6)
    assert k.output_view.value != before


@pytest.mark.parametrize("name", list(filters.PRESETS))
def test_kernel_editor_presets(name):
    k = KernelEditor(preset="sobel_x" if name != "sobel_x" else "identity")
    k.preset_box.value = name
    np.testing.assert_array_equal(k.kernel, filters.PRESETS[name][1])
    np.testing.assert_allclose(k.result, convbp.conv2d(k.image, filters.PRESETS[name][1]))
    np.testing.assert_allclose([float(e.value) for e in k.entries], filters.PRESETS[name][1].ravel(), atol=1e-4)


def test_kernel_editor_custom_entry_and_bad_entry():
    k = KernelEditor()
    k.entries[4].value = "1"
    assert k.preset_box.value == "custom"
    kernel = filters.SOBEL_X.copy()
    kernel[1, 1] = 1
    np.testing.assert_array_equal(k.result, convbp.conv2d(k.image, kernel))
    good, png = k.result.copy(), k.output_view.value
    k.entries[0].value = "one"
    assert "w₁₁" in k.error and "not a number" in k.error and "⚠" in k.message.value
    np.testing.assert_array_equal(k.result, good)
    assert k.output_view.value == png
    k.entries[0].value = "-1"
    assert k.error == "" and k.message.value == ""


def test_kernel_editor_takes_any_grayscale_image():
    image = np.arange(30, dtype=float).reshape(5, 6)
    k = KernelEditor(image=image, preset="laplacian")
    np.testing.assert_array_equal(k.result, convbp.conv2d(image, filters.LAPLACIAN))
    with pytest.raises(ValueError, match="image must be a 2-D"):
        KernelEditor(image=np.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match="preset must be one of"):
        KernelEditor(preset="emboss")
