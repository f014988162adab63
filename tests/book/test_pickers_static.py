"""The pickers (issue 11) in the built static book: no kernel, network blocked, headless Chromium.

On each chapter page, each picker is driven as a reader would: a cell button clicked, another chosen
from the keyboard (Tab to it, Enter), and for pooling the max/average switch. After every choice the
view on screen must be the view Python computed for that cell: the same highlighted terms, the same
total, the same grids' numbers. The typed boxes must be disabled with the reason.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from test_pickers import A6, OVERLAP, W3, highlighted, numbers, parse  # tests/ is on sys.path

from _book import block_outside, chromium, package_language, wait_for
from convbp.widgets import ConvInputPicker, KernelEntryPicker, PoolingPicker

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

# Each picker the chapters embed, with the arguments its cell passes, and two cells to choose:
# one by click, then (Tab from it, Enter) the next one by keyboard.
BOOK_PICKERS = {
    "3.1 lecture's map": ("03_1_pooling_residual.html", "convbp-pooling-picker", 0, lambda: PoolingPicker(), "a₂₁"),
    "3.1 overlapping windows": ("03_1_pooling_residual.html", "convbp-pooling-picker", 1, lambda: PoolingPicker(
        a=OVERLAP, delta_max=[[1, 2], [3, 4]], size=3, stride=2, cell=(2, 2)), "a₃₁"),
    "3.2 an input's paths": ("03_2_conv_residual.html", "convbp-input-picker", 0, lambda: ConvInputPicker(), "a₂₁"),
    "3.2 stride 2": ("03_2_conv_residual.html", "convbp-input-picker", 1, lambda: ConvInputPicker(
        A6, W3, delta=[[1, -1], [2, 1]], stride=2, cell=(2, 2)), "a₅₅"),
    "3.3 a kernel entry": ("03_3_kernel_gradients.html", "convbp-kernel-picker", 0, lambda: KernelEntryPicker(
        a=np.arange(1.0, 10.0).reshape(3, 3), delta=[[1.0, 0.5], [2.0, 1.0]]), "w₂₂"),
}


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def shown(root) -> str:
    """The view the reader sees (the Stack shows one child; the others are hidden)."""
    return root.locator(".convbp-paths >> visible=true").evaluate("e => e.outerHTML")


def same_view(root, want: str) -> None:
    got, exp = parse(shown(root)), parse(want)
    assert got.keys() == exp.keys()
    for key in exp:
        assert highlighted(got[key]) == highlighted(exp[key]), key
        assert got[key]["total"] == exp[key]["total"], key
        for name in exp[key]["grids"]:
            np.testing.assert_array_equal(numbers(got[key], name), numbers(exp[key], name))


@pytest.mark.parametrize("which", list(BOOK_PICKERS))
def test_built_book_picks_cells_without_a_kernel(browser, book_url, edition, which, monkeypatch):
    monkeypatch.setenv("CONVBP_STATIC_BOOK", "1")
    monkeypatch.setenv("CONVBP_LANG", edition.language)  # Python's views in the edition's language
    page_name, cls, index, make, clicked = BOOK_PICKERS[which]
    python = make()
    labels = [label for label, _ in python.picker.options]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside = block_outside(context)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{book_url}book/{page_name}", wait_until="load")
        root = page.locator(f".{cls}").nth(index)
        root.wait_for(timeout=30_000)
        start = python.picker.index
        wait_for(lambda: same_view(root, python.views()[start]))
        # The typed entries are off, and say why and where to go.
        boxes = root.locator("input[type=text], input[type=number]")
        assert boxes.count() == len(python.boxes) and all(boxes.nth(i).is_disabled() for i in range(boxes.count()))
        note = " ".join(root.locator(".convbp-note").inner_text().split())
        said = " ".join(re.sub(r"<style>.*?</style>|<[^>]+>", "", python.note.value, flags=re.DOTALL).split())
        assert said and html.unescape(said) in note, "the note says why the boxes are off and where to go"
        # Every cell button has a name a screen reader can say, and a tooltip.
        buttons = root.locator("button.widget-toggle-button")
        cells = [b for b in range(buttons.count()) if buttons.nth(b).inner_text().strip() in labels]
        assert len(cells) == len(labels) and all(buttons.nth(b).get_attribute("title") for b in cells)
        # Click one cell …
        k = labels.index(clicked)
        root.get_by_role("button", name=clicked, exact=True).click()
        wait_for(lambda: same_view(root, python.views()[k]))
        # … then the next one from the keyboard: Tab moves on to its button, Enter presses it.
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        wait_for(lambda: same_view(root, python.views()[k + 1]))
        assert python.views()[k + 1] != python.views()[k]
        if python.modes:  # pooling: the other kind of pooling, same cell
            # average pooling, by the label the button shows in this edition
            root.get_by_role("button", name=python.mode.options[1][0], exact=True).click()
            wait_for(lambda: same_view(root, python.views(1)[k + 1]))
            root.get_by_role("button", name=labels[start], exact=True).press("Enter")
            wait_for(lambda: same_view(root, python.views(1)[start]))
        assert errors == [] and outside == []
    finally:
        context.close()
