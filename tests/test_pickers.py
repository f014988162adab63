"""The pickers (issue 11) against sympy: what a view highlights for a cell is exactly the terms of
sympy's derivative of the loss with respect to that cell, and every number it prints is convbp's.

The expected terms are derived here independently of the views: sympy differentiates the stand-in
loss J = Σ δ ⊙ z, where z is conv2d on symbols (convolution) or the windows' max / mean built by
slicing (pooling); the views get theirs from the backward kernels run on symbols.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest
import sympy

import convbp
from convbp import blocks
from convbp.symbolic import linear_loss, symbol_grid
from convbp.widgets import ConvInputPicker, KernelEntryPicker, PoolingPicker
from convbp.widgets import _where
from convbp.widgets.paths import PALETTE


class _View(HTMLParser):
    """Per data-section: highlighted terms (data-term, by data-path), grids (text and data-path per cell), the printed total."""

    def __init__(self):
        super().__init__()
        self.sections: dict = {}
        self._section = None
        self._grid = None
        self._cell = None
        self._term = None
        self._total = False
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-section" in attrs:
            self._section = attrs["data-section"]
            self.sections[self._section] = {"terms": [], "grids": {}, "total": None}
        sec = self.sections.get(self._section)
        if tag == "table" and sec is not None:
            self._grid = attrs["data-grid"]
            sec["grids"][self._grid] = []
        elif tag == "tr" and self._grid:
            sec["grids"][self._grid].append([])
        elif tag == "td" and self._grid:
            self._cell = ["", attrs.get("data-path"), attrs.get("style") or ""]
        elif tag == "span" and "data-path" in attrs and sec is not None:
            self._term = [attrs.get("data-term"), int(attrs["data-path"]), ""]
        elif tag == "b" and "data-total" in attrs:
            self._total = True

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data
        if self._term is not None:
            self._term[2] += data
        if self._total:
            self.sections[self._section]["total"] = data

    def handle_endtag(self, tag):
        sec = self.sections.get(self._section)
        if tag == "td" and self._cell is not None:
            sec["grids"][self._grid][-1].append(tuple(self._cell))
            self._cell = None
        elif tag == "table":
            self._grid = None
        elif tag == "span" and self._term is not None:
            sec["terms"].append(tuple(self._term))
            self._term = None
        elif tag == "b":
            self._total = False


def parse(view: str) -> dict:
    p = _View()
    p.feed(view)
    return p.sections


def value(text: str) -> float:
    """A printed number: '−2', '1.5', '10/9', with a leading path badge (①) dropped."""
    text = re.sub(r"^[\u2460-\u2473]\s*", "", text.strip().replace("\u202f", " ")).strip().replace("−", "-")
    if "/" in text:
        num, den = text.split("/")
        return float(num) / float(den)
    return float(text)


def numbers(section: dict, name: str) -> np.ndarray:
    return np.array([[value(t) for t, _, _ in row] for row in section["grids"][name]])


def marked(section: dict, name: str) -> dict:
    """(i, j) -> path number of every highlighted cell of a grid."""
    return {(i, j): int(k) for i, row in enumerate(section["grids"][name]) for j, (_, k, _) in enumerate(row) if k is not None}


def picked(section: dict, name: str) -> set:
    return {(i, j) for i, row in enumerate(section["grids"][name]) for j, (_, _, s) in enumerate(row) if "outline:3px" in s}


def term_set(expr) -> set:
    expr = sympy.expand(expr)
    return set() if expr == 0 else {str(t) for t in sympy.Add.make_args(expr)}


def highlighted(section: dict) -> set:
    return {t for t, _, _ in section["terms"] if t is not None}


# -- the examples the chapters embed, and a few more --------------------------------------------

A6 = np.arange(36).reshape(6, 6) % 4
W3 = [[1, 2, -1], [2, 1, 1], [-1, 1, 2]]
CONV_EXAMPLES = {
    "3.2 lecture 3×3": dict(),
    "3.2 stride 2, 6×6": dict(a=A6, w=W3, delta=[[1, -1], [2, 1]], stride=2),
    "4×5 input, 3×2 kernel": dict(a=np.arange(20).reshape(4, 5) % 3 - 1, w=[[1, -2], [0, 3], [2, 1]], delta=np.arange(8).reshape(2, 4) - 3),
    "5×5 input, 2×2 kernel, stride 2 (a row and column unread)": dict(a=np.arange(25).reshape(5, 5) % 5, w=[[2, -1], [1, 3]], delta=[[1, 2], [-1, 0.5]], stride=2),
}


def symbolic_loss(layer):
    """sympy's own J = Σ δ ⊙ (a ⋆ w + b), from fresh symbols and conv2d on them."""
    a = symbol_grid("a", *layer.a.shape)
    w = symbol_grid("w", *layer.w.shape)
    d = symbol_grid("delta", *layer.delta.shape)
    b = sympy.Symbol("b")
    return linear_loss(d, convbp.conv2d(a, w, b, stride=layer.stride)), a, w, d, b


@pytest.mark.parametrize("which", list(CONV_EXAMPLES))
def test_input_picker_highlights_exactly_sympys_terms(which):
    picker = ConvInputPicker(**CONV_EXAMPLES[which])
    layer = picker.layer
    J, a, w, d, b = symbolic_loss(layer)
    z_num = convbp.conv2d(layer.a, layer.w, stride=layer.stride)
    grad_num = convbp.conv2d_backward_input(layer.delta, layer.w, layer.a.shape, stride=layer.stride)
    views = picker.views()
    assert len(views) == layer.a.size
    for cell, html_view in zip(np.ndindex(*layer.a.shape), views):
        v = parse(html_view)
        want = term_set(sympy.diff(J, a[cell]))
        fwd, back, recipe = v["forward"], v["backward"], v["recipe"]
        assert highlighted(back) == want, cell
        assert highlighted(recipe) == want, cell  # the recipe's window holds exactly the same products
        # Forward: path k is the term a_cell·w_mn of z_pq, and it turns into the backward term δ_pq·w_mn.
        out_of = {k: pq for pq, k in marked(fwd, "z").items()}
        back_of = {k: t for t, k, _ in back["terms"] if t is not None}
        fwd_terms = [(t, k) for t, k, _ in fwd["terms"]]
        assert sorted(k for _, k in fwd_terms) == sorted(back_of) == sorted(out_of)
        for t, k in fwd_terms:
            assert sympy.sympify(t).has(a[cell])
            assert str(sympy.diff(sympy.sympify(t, locals={str(s): s for s in a.ravel()}), a[cell]) * d[out_of[k]]) == back_of[k]
        # The residual and kernel cells coloured for path k are that term's δ and w.
        for (i, j), k in marked(back, "delta").items():
            assert f"delta{i + 1}{j + 1}" in back_of[k]
        for (i, j), k in marked(back, "w_back").items():
            assert f"w{i + 1}{j + 1}" in back_of[k]
        assert picked(fwd, "a") == {cell} and picked(back, "grad_a") == {cell}
        # Numbers: convbp's.
        np.testing.assert_array_equal(numbers(fwd, "z"), z_num)
        np.testing.assert_array_equal(numbers(back, "grad_a"), grad_num)
        assert value(back["total"]) == grad_num[cell]
        d_tilde = numbers(recipe, "delta_tilde")
        np.testing.assert_array_equal(convbp.conv2d(d_tilde, numbers(recipe, "rot")), grad_num)
        np.testing.assert_array_equal(numbers(recipe, "rot"), blocks.rot180(layer.w))
        # Colour and number both name a path: no two paths share either in one view.
        ks = [k for t, k, _ in back["terms"] if t is not None]
        assert len(set(ks)) == len(ks) and all(k < len(PALETTE) for k in ks)


def test_stride_two_inputs_no_window_reads_get_nothing():
    picker = ConvInputPicker(**CONV_EXAMPLES["3.2 stride 2, 6×6"])
    for cell, html_view in zip(np.ndindex(6, 6), picker.views()):
        unread = cell[0] == 5 or cell[1] == 5
        v = parse(html_view)
        assert (highlighted(v["backward"]) == set()) == unread, cell
        if unread:
            assert value(v["backward"]["total"]) == 0 and "feeds no output" in html_view
    centre = parse(picker.views()[2 * 6 + 2])  # a33 sits under all four windows
    assert len(highlighted(centre["backward"])) == 4
    # The dilated residual: a zero between neighbours, so δ11 and δ12 are two columns apart.
    d_tilde = numbers(centre["recipe"], "delta_tilde")
    np.testing.assert_array_equal(d_tilde[2:5, 2:5], blocks.dilate(np.array([[1, -1], [2, 1]]), 2))


@pytest.mark.parametrize("which", list(CONV_EXAMPLES))
def test_kernel_picker_highlights_exactly_sympys_terms(which):
    picker = KernelEntryPicker(**CONV_EXAMPLES[which])
    layer = picker.layer
    J, a, w, d, b = symbolic_loss(layer)
    grad_w = convbp.conv2d_backward_weight(layer.delta, layer.a, layer.w.shape, stride=layer.stride)
    views = picker.views()
    entries = list(np.ndindex(*layer.w.shape))
    assert len(views) == len(entries) + 1 and picker.picker.options[-1][0] == "b"
    for entry, html_view in zip(entries, views):
        v = parse(html_view)
        back = v["backward"]
        assert highlighted(back) == term_set(sympy.diff(J, w[entry])), entry
        # w_entry is highlighted once in every z sum.
        assert len(v["forward"]["terms"]) == layer.delta.size
        assert all(f"w{entry[0] + 1}{entry[1] + 1}" in t for t, _, _ in v["forward"]["terms"])
        of = {k: t for t, k, _ in back["terms"] if t is not None}
        for (i, j), k in marked(back, "a").items():
            assert f"a{i + 1}{j + 1}" in of[k]
        np.testing.assert_allclose(numbers(back, "grad_w"), grad_w)
        assert value(back["total"]) == pytest.approx(grad_w[entry])
    bias = parse(views[-1])["backward"]
    assert highlighted(bias) == term_set(sympy.diff(J, b))
    assert value(bias["total"]) == pytest.approx(convbp.conv2d_backward_bias(layer.delta))


LECTURE_MAP = [[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]]
OVERLAP = [[1, 2, 0, 3, 1], [4, 0, 5, 1, 2], [2, 6, 9, 0, 7], [1, 0, 3, 2, 1], [3, 8, 2, 4, 0]]
POOL_EXAMPLES = {
    "3.1 lecture 4×4": (dict(), LECTURE_MAP, 2, 2, ([[7, 3], [1, 4]], [[8, 4], [16, 4]])),
    "3.1 overlapping 3×3 stride 2": (dict(a=OVERLAP, delta_max=[[1, 2], [3, 4]], size=3, stride=2), OVERLAP, 3, 2, ([[1, 2], [3, 4]],) * 2),
    "5×5, 2×2 windows (a row and column in none)": (dict(a=np.arange(25).reshape(5, 5) * 7 % 11, delta_max=[[1, 2], [3, 4]], delta_avg=[[4, 8], [-4, 2]], size=2), np.arange(25).reshape(5, 5) * 7 % 11, 2, 2, ([[1, 2], [3, 4]], [[4, 8], [-4, 2]])),
}


def sympy_pool_grad(a_num, size, stride, delta, mode, cell):
    """∂J/∂a_cell by sympy: windows sliced by hand, Max or mean of symbols, J = Σ δ z, differentiated, a's numbers put in."""
    a_num = np.asarray(a_num, dtype=float)
    A = symbol_grid("a", *a_num.shape)
    D = symbol_grid("delta", *np.asarray(delta).shape)
    z = np.empty(D.shape, dtype=object)
    for p, q in np.ndindex(*D.shape):
        win = A[p * stride : p * stride + size, q * stride : q * stride + size].ravel()
        z[p, q] = sympy.Max(*win) if mode == "max" else sympy.Add(*win) / (size * size)
    g = sympy.diff(linear_loss(D, z), A[cell])
    return g.subs({s: int(v) for s, v in zip(A.ravel(), a_num.ravel())}).doit()


@pytest.mark.parametrize("which", list(POOL_EXAMPLES))
def test_pooling_picker_highlights_exactly_sympys_terms(which):
    kwargs, a_num, size, stride, deltas = POOL_EXAMPLES[which]
    picker = PoolingPicker(**kwargs)
    for mode_index, (mode, delta) in enumerate(zip(("max", "avg"), deltas)):
        delta = np.asarray(delta, dtype=float)
        if mode == "max":
            grad = convbp.max_pool2d_backward(delta, np.asarray(a_num, float), size, stride=stride)
        else:
            grad = convbp.avg_pool2d_backward(delta, np.shape(a_num), size, stride=stride)
        views = picker.views(mode_index)
        for cell, html_view in zip(np.ndindex(*np.shape(a_num)), views):
            back = parse(html_view)["backward"]
            assert highlighted(back) == term_set(sympy_pool_grad(a_num, size, stride, delta, mode, cell)), (mode, cell)
            np.testing.assert_allclose(numbers(back, "grad_a"), grad)
            assert value(back["total"]) == pytest.approx(grad[cell])
            for (i, j), k in marked(back, "delta").items():
                assert any(t.startswith(f"delta{i + 1}{j + 1}") and kk == k for t, kk, _ in back["terms"])


def test_overlapping_windows_add_two_or_four_contributions():
    picker = PoolingPicker(a=OVERLAP, delta_max=[[1, 2], [3, 4]], size=3, stride=2)
    windows = lambda i: len(re.findall(r"window of z", picker.views(1)[i]))  # noqa: E731
    assert windows(2 * 5 + 2) == 4 and windows(2 * 5 + 0) == 2 and windows(0) == 1
    centre = parse(picker.views(0)[12])["backward"]
    assert highlighted(centre) == {"delta11", "delta12", "delta21", "delta22"} and value(centre["total"]) == 10
    avg_edge = parse(picker.views(1)[2 * 5 + 0])["backward"]  # a31: on the edge two windows share
    assert highlighted(avg_edge) == {"delta11/9", "delta21/9"} and value(avg_edge["total"]) == pytest.approx(4 / 9)


# -- the widget: picking, static and live ----------------------------------------------------------


def test_pick_switches_the_view_and_every_mode_follows():
    picker = PoolingPicker()
    assert picker.picker.index == 1 and "a₁₂" in picker.current  # the lecture's 8
    picker.pick(7)
    assert picker.stack.children[0].selected_index == picker.stack.children[1].selected_index == 7
    assert "data-view='a₂₄'" in picker.current
    picker.stack.selected_index = 1
    assert "Average pooling" in picker.current and "data-view='a₂₄'" in picker.current


def test_static_book_disables_typing_with_the_reason(monkeypatch):
    monkeypatch.setenv(_where.STATIC_BOOK_ENV, "1")
    for picker in (ConvInputPicker(), KernelEntryPicker(), PoolingPicker()):
        assert all(box.disabled for box in picker.boxes)
        assert "live Python kernel" in picker.note.value and "rocket" in picker.note.value
        assert not picker.picker.disabled
        assert picker.picker.tooltips and all(picker.picker.tooltips)


def test_live_edit_recomputes_any_small_size(monkeypatch):
    monkeypatch.delenv(_where.STATIC_BOOK_ENV, raising=False)
    picker = ConvInputPicker()
    assert not any(box.disabled for box in picker.boxes)
    picker.a_box.value = "1 2 3 4; 5 6 7 8; 9 1 2 3; 4 5 6 7"
    assert picker.error == "" and len(picker.views()) == 16 and len(picker.picker.options) == 16
    assert picker.delta_box.value == "1 2 3; 4 5 6; 7 8 9"  # refitted to the new z
    v = parse(picker.views()[5])  # a22 of a 4×4 input feeds all four windows of a 2×2 kernel
    J, a, *_ = symbolic_loss(picker.layer)
    assert highlighted(v["backward"]) == term_set(sympy.diff(J, a[1, 1])) and len(highlighted(v["backward"])) == 4
    good = picker.views()
    picker.w_box.value = "1 2; 3"  # ragged: a message, the last good views stay
    assert "w" in picker.error and "⚠" in picker.message.value and picker.views() == good
    picker.a_box.value = "1 2; 3 4; 5 6; 7 8; 9 1; 2 3; 4 5"  # 7 rows: too large for a page of views
    assert "at most" in picker.error and picker.views() == good


def test_live_kernel_and_pooling_pickers_follow_edits(monkeypatch):
    monkeypatch.delenv(_where.STATIC_BOOK_ENV, raising=False)
    k = KernelEntryPicker()
    k.w_box.value = "1 0 1; 0 1 0; 1 0 1"
    assert k.error == "" and len(k.views()) == 10 and k.delta_box.value == "1"
    p = PoolingPicker()
    p.stride_box.value = 1
    assert p.error == "" and p.dmax_box.value == "1 2 3; 4 5 6; 7 8 9"
    grad = convbp.max_pool2d_backward(np.arange(1.0, 10).reshape(3, 3), np.array(LECTURE_MAP, float), 2, stride=1)
    assert value(parse(p.views(0)[1])["backward"]["total"]) == grad[0, 1]
    p.size_box.value = 9
    assert "size" in p.error or "window" in p.error
