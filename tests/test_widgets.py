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


# -- The static book: discrete choices are precomputed views, free boxes are disabled ------------------


@pytest.fixture
def static(monkeypatch):
    monkeypatch.setenv("CONVBP_STATIC_BOOK", "1")


def free_boxes(widget):
    """Every text or number box anywhere inside the widget."""
    import ipywidgets as W

    found, todo = [], [widget]
    while todo:
        w = todo.pop()
        if isinstance(w, (W.Text, W.IntText, W.FloatText)):
            found.append(w)
        todo.extend(getattr(w, "children", ()))
    return found


def linked(control, stack) -> bool:
    """True when a browser-side jslink ties control.index to stack.selected_index."""
    from ipywidgets.widgets.widget import _instances
    from ipywidgets.widgets.widget_link import Link

    return any(
        isinstance(w, Link) and w.source == (control, "index") and w.target == (stack, "selected_index")
        for w in list(_instances.values())
    )


def test_static_pooling_views_are_convbps_numbers_and_boxes_are_disabled(static):
    p = PoolingStepper()
    boxes = free_boxes(p)
    assert len(boxes) == 4 * 6 and all(b.disabled for b in boxes)  # a, δ, size, stride in each of the 6 views
    assert "greyed out" in p.note.value and "🚀" in p.note.value and "Binder" in p.note.value
    assert "slider" in p.note.value and "kernel editor" not in p.note.value
    assert not any(o[1] == "custom" for o in p.window_box.options)
    assert linked(p.mode_box, p.views)
    assert all(linked(p.window_box, s) for s in p.views.children)
    for m, mode in enumerate(["max", "avg"]):
        for s, (size, stride) in enumerate(p.settings):
            p.mode_box.index, p.window_box.index = m, s
            state = p.view_states[(mode, (size, stride))]
            pooled = convbp.max_pool2d if mode == "max" else convbp.avg_pool2d
            z = pooled(LECTURE_A, size, stride=stride)
            np.testing.assert_allclose(numbers(p.frames[len(z.flat) - 1], "z"), z, atol=5e-4)
            grad = (convbp.max_pool2d_backward(state["delta"], LECTURE_A, size, stride=stride) if mode == "max"
                    else convbp.avg_pool2d_backward(state["delta"], LECTURE_A.shape, size, stride=stride))
            np.testing.assert_allclose(numbers(p.frames[-1], "grad"), grad, atol=5e-4)
            assert len(p.frames) == 2 * z.size + 1 and p.slider.max == len(p.frames) - 1
            shown(p)
    # The lecture's own residual for each mode on its 2×2 setting.
    np.testing.assert_array_equal(p.view_states[("avg", (2, 2))]["delta"], [[8, 4], [16, 4]])


def test_static_conv_views_cover_stride_and_padding(static):
    a = [[1, 2, 0, 1], [3, 1, 2, 0], [0, 1, 3, 2], [2, 0, 1, 1]]
    c = ConvStepper(a=a, w=[[1, 2], [-1, 0]], delta=[[1, -1], [2, 1]], stride=2)
    assert all(b.disabled for b in free_boxes(c)) and len(free_boxes(c)) == 5 * 4
    assert all(linked(c.padding_choice, s) for s in c.views.children) and linked(c.stride_choice, c.views)
    for s, stride in enumerate(c.strides):
        for q, padding in enumerate(c.paddings):
            c.stride_choice.index, c.padding_choice.index = s, q
            d = c.view_states[(stride, padding)]["delta"]
            z = convbp.conv2d(np.array(a, float), [[1, 2], [-1, 0]], stride=stride, padding=padding)
            assert len(c.frames) == 2 * z.size + 16
            np.testing.assert_array_equal(numbers(c.frames[z.size - 1], "z"), z)
            np.testing.assert_array_equal(numbers(c.frames[-1], "grad_w"),
                                          convbp.conv2d_backward_weight(d, np.array(a, float), (2, 2), stride=stride, padding=padding))
            np.testing.assert_array_equal(numbers(c.frames[z.size + 15], "grad_a"),
                                          convbp.conv2d_backward_input(d, [[1, 2], [-1, 0]], (4, 4), stride=stride, padding=padding))
            shown(c)
    c.stride_choice.index, c.padding_choice.index = 1, 0
    assert "a<sub>2(u−1)+p, 2(v−1)+q</sub>" in c.frames[-1]  # the strided formula, not a_(u+p−1, v+q−1)
    c.stride_choice.index = 0
    assert "a<sub>u+p−1, v+q−1</sub>" in c.frames[-1]


def test_static_kernel_editor_presets_switch_every_part_together(static):
    from convbp.widgets._views import chosen

    k = KernelEditor()
    assert [o[1] for o in k.preset_box.options] == list(filters.PRESETS)  # no 'custom' without Python
    assert all(b.disabled for b in free_boxes(k)) and len(free_boxes(k)) == 9 * len(filters.PRESETS)
    assert "preset list" in k.note.value and "slider" not in k.note.value and "▶" not in k.note.value
    assert linked(k.preset_box, k.views)
    for key, (_, kernel) in filters.PRESETS.items():
        k.preset_box.value = key
        view = chosen(k.views)
        boxes, panels, numbers_view = view.children
        np.testing.assert_allclose([float(e.value) for e in boxes.children], kernel.ravel(), atol=1e-4)
        z = convbp.conv2d(k.image, kernel)
        np.testing.assert_allclose(numbers(numbers_view.value, "z_centre"), centre(z), rtol=1e-3, atol=1e-4)
        np.testing.assert_allclose(numbers(panels.children[1].children[1].value, "w"), kernel, atol=1e-4)
        assert "alt='The feature map z" in panels.children[2].children[1].value


def test_live_widgets_have_enabled_boxes():
    for widget in (PoolingStepper(), ConvStepper(), KernelEditor()):
        assert free_boxes(widget) and not any(b.disabled for b in free_boxes(widget))
        assert getattr(widget, "views", None) is None  # live: one view, recomputed; no precomputed Stack


def test_live_discrete_choices_recompute():
    p = PoolingStepper()
    p.window_box.value = (3, 1)
    assert (p.size_box.value, p.stride_box.value) == (3, 1)
    np.testing.assert_array_equal(p.result, convbp.max_pool2d(LECTURE_A, 3, stride=1))
    p.size_box.value = 4  # a setting the list does not have: the list shows none
    assert p.window_box.index is None and p.result.shape == (1, 1)
    c = ConvStepper()
    c.padding_choice.value = 1
    assert c.padding_box.value == 1 and c.result.shape == (4, 4) and len(c.frames) == 16 + 9 + 16
    c.padding_box.value = 2
    assert c.padding_choice.index is None and c.error == ""


def test_every_control_has_an_accessible_name():
    import ipywidgets as W

    for make in (PoolingStepper, ConvStepper, KernelEditor):
        for live in ("", "1"):
            import os

            os.environ["CONVBP_STATIC_BOOK"] = live
            try:
                widget = make()
            finally:
                del os.environ["CONVBP_STATIC_BOOK"]
            todo = [widget]
            while todo:
                w = todo.pop()
                todo.extend(getattr(w, "children", ()))
                if isinstance(w, (W.Text, W.IntText, W.Dropdown, W.ToggleButtons, W.IntSlider, W.Play)):
                    assert w.description and w.tooltip, f"{type(w).__name__} without a name in {make.__name__}"


# -- Bad entries never escape an observer (issue 14) -------------------------------------------------


def test_fmt_shows_infinities_and_nan():
    from convbp.widgets._frames import fmt

    assert (fmt(float("inf")), fmt(-float("inf")), fmt(float("nan")), fmt(1e308)) == ("∞", "−∞", "NaN", "1e+308")


def test_huge_pooling_entries_show_infinity_with_a_note_naming_the_entry():
    p = PoolingStepper(mode="avg")
    p.a_box.value = "1e308 1e308 1 1; 1e308 1e308 1 1; 1 1 1 1; 1 1 1 1"
    assert p.error == ""
    assert p.result[0, 0] == np.inf and "∞" in p.frames[0]
    assert "a₁₁ = 1e+308" in p.message.value


def test_huge_conv_entries_show_infinity():
    c = ConvStepper()
    c.w_box.value = "1e308 1e308; 1 1"
    assert c.error == "" and "∞" in c.frames[0] and "w₁₁ = 1e+308" in c.message.value


def test_conv_huge_padding_is_rejected_before_computing():
    import time

    c = ConvStepper()
    frames = list(c.frames)
    t = time.perf_counter()
    c.padding_box.value = 10000
    assert time.perf_counter() - t < 1.0  # the check comes before any allocation (it took 21 s and 3 GB at 3000)
    assert "padding 10000" in c.error and "steps" in c.error
    assert c.frames == frames and c.padding == 0 and c.delta.shape == (2, 2)


def test_kernel_editor_overflow_is_rejected_whole():
    k = KernelEditor(image=np.ones((5, 5)), preset="identity")
    k.entries[0].value = "1e308"  # still finite: 1e308 + 1
    assert k.error == "" and k.preset_box.value == "custom"
    before = (k.result.copy(), k.output_view.value, k.numbers.value, k.kernel_view.value, k.preset_box.value)
    k.entries[1].value = "1e308"  # 2e308 overflows
    assert "w₁₁ = 1e+308" in k.error and "∞" in k.error and "⚠" in k.message.value
    np.testing.assert_array_equal(k.result, before[0])
    assert (k.output_view.value, k.numbers.value, k.kernel_view.value, k.preset_box.value) == before[1:]


def test_an_unforeseen_error_becomes_a_message(monkeypatch):
    p = PoolingStepper()
    frames = list(p.frames)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(convbp.pool, "max_pool2d", broken)
    p.a_box.value = "1 2; 3 4"
    assert "RuntimeError: boom" in p.error and p.frames == frames


def test_plain_text_output_is_the_same_static_and_live(monkeypatch):
    """A notebook's text/plain output must not depend on where it ran (tests/book/test_binder_env.py compares them)."""
    def texts():
        return [w._repr_mimebundle_()["text/plain"] for w in (PoolingStepper(size=3, stride=1), ConvStepper(), KernelEditor())]

    live = texts()
    monkeypatch.setenv("CONVBP_STATIC_BOOK", "1")
    assert texts() == live
    assert live[0] == "PoolingStepper(mode='max', size=3, stride=1)"
