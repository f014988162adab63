"""The steppers with NO kernel, in headless Chromium with the network blocked: static HTML, as the book ships it.

Two pages are checked:
- a page made here from tests/book/widgets_live.ipynb the way MyST-NB makes the book's pages (the saved widget
  state plus the book's vendored require.js and html-manager), so the widgets' own static behaviour is tested
  even before the chapters embed them;
- the built book's chapter pages (book/03_1_pooling_residual.html, 03_2_conv_residual.html,
  03_3_kernel_gradients.html), served on 127.0.0.1 from the build that tests/book/conftest.py makes.
In each, the slider steps with the keyboard (focus it, ArrowRight) and with ▶ Play, and the visible frame's
numbers are the frames Python computed with convbp.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from test_widgets import caption, numbers  # tests/ is on sys.path (tests/conftest.py)

from _book import block_outside, chromium, wait_for
from convbp.widgets import ConvStepper, PoolingStepper

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
STATIC = ROOT / "book" / "_assets" / "static"
STEPPERS = {"convbp-pooling-stepper": PoolingStepper, "convbp-conv-stepper": ConvStepper}

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<script src="{static}/requirejs/require.js"></script>
<script src="{static}/html-manager/embed-amd.js" data-jupyter-widgets-cdn="/__no_cdn__/"></script>
</head><body>
<script type="application/vnd.jupyter.widget-state+json">{state}</script>
{views}
</body></html>"""


@pytest.fixture(scope="module")
def made_page(tmp_path_factory) -> str:
    """Execute the notebook, keep its widget state, and write a page that embeds it like MyST-NB does."""
    nb = nbformat.read(HERE / "widgets_live.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True, resources={"metadata": {"path": str(ROOT)}}).execute()
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    views = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                views.append(f"<div><script type='application/vnd.jupyter.widget-view+json'>{json.dumps(view)}</script></div>")
    assert len(views) == 3, "the notebook displays three widgets"
    page = tmp_path_factory.mktemp("static") / "widgets.html"
    page.write_text(PAGE.format(static=STATIC.as_uri(), state=json.dumps(state).replace("</", "<\\/"), views="\n".join(views)), encoding="utf-8")
    return page.as_uri()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def open_offline(browser, url):
    context = browser.new_context()
    block_outside(context)
    page = context.new_page()
    page.goto(url, wait_until="load")
    return context, page


def visible_frame(root) -> str:
    """The HTML of the frame the reader sees (the Stack shows one child; the others are hidden)."""
    return root.locator(".convbp-frame >> visible=true").evaluate("e => e.outerHTML")


def step_shown(root) -> int:
    return int(root.locator(".widget-slider .widget-readout").inner_text().strip())


def assert_frame(root, expected_frames, k):
    """The visible frame is frame k: same grids, same numbers, same sentence."""
    assert step_shown(root) == k
    shown = visible_frame(root)
    want = expected_frames[k]
    for name in re.findall(r"data-grid='(\w+)'", want):
        np.testing.assert_array_equal(numbers(shown.replace('"', "'"), name), numbers(want, name))
    assert html.unescape(caption(shown.replace('"', "'"))).split() == html.unescape(caption(want)).split()


def drive(page, widget_class, frames=None, index=0):
    """Step the index-th widget of that class on the page and compare with the frames Python made."""
    root = page.locator(f".{widget_class}").nth(index)
    root.wait_for(timeout=30_000)
    frames = STEPPERS[widget_class]().frames if frames is None else frames
    wait_for(lambda: assert_frame(root, frames, 0))
    assert "live Python kernel" in root.locator(".convbp-note").inner_text() and "🚀" in root.locator(".convbp-note").inner_text()
    # Keyboard: focus the slider's handle and step right.
    handle = root.locator(".widget-slider [role=slider], .widget-slider .noUi-handle").first
    handle.focus()
    for k in (1, 2, 3):
        handle.press("ArrowRight")
        wait_for(lambda: assert_frame(root, frames, k))
    # Play: it steps on by itself, one frame per interval, and the shown frame follows the slider.
    root.locator(".widget-play button").first.click()

    def played_on():
        assert step_shown(root) >= 5, "Play has not advanced"

    wait_for(played_on, timeout=20)
    root.locator(".widget-play button:has(.fa-pause)").click()  # pause, so the frame stays put while it is read
    k = step_shown(root)
    wait_for(lambda: assert_frame(root, frames, step_shown(root)))
    assert k >= 5


@pytest.mark.parametrize("widget_class", list(STEPPERS))
def test_made_page_steps_without_a_kernel(browser, made_page, widget_class):
    context, page = open_offline(browser, made_page)
    try:
        drive(page, widget_class)
    finally:
        context.close()


# Each stepper the chapters embed, with the arguments its cell passes (see the notebooks' "Try it" cells).
BOOK_STEPPERS = {
    "3.1 max pooling": ("03_1_pooling_residual.html", "convbp-pooling-stepper", 0, lambda: PoolingStepper()),
    "3.1 overlapping windows": ("03_1_pooling_residual.html", "convbp-pooling-stepper", 1, lambda: PoolingStepper(
        a=[[1, 2, 0, 1, 3], [0, 4, 1, 2, 1], [2, 1, 9, 0, 2], [1, 3, 0, 2, 1], [0, 1, 2, 1, 8]], delta=[[1, 2], [3, 4]], size=3, stride=2)),
    "3.2 convolution": ("03_2_conv_residual.html", "convbp-conv-stepper", 0, lambda: ConvStepper()),
    "3.3 stride 2": ("03_3_kernel_gradients.html", "convbp-conv-stepper", 0, lambda: ConvStepper(
        a=[[1, 2, 0, 1], [3, 1, 2, 0], [0, 1, 3, 2], [2, 0, 1, 1]], w=[[1, 2], [-1, 0]], delta=[[1, -1], [2, 1]], stride=2)),
}


@pytest.mark.parametrize("which", list(BOOK_STEPPERS))
def test_built_book_steps_without_a_kernel(browser, book_url, which):
    name, widget_class, index, make = BOOK_STEPPERS[which]
    context, page = open_offline(browser, f"{book_url}book/{name}")
    try:
        drive(page, widget_class, make().frames, index)
    finally:
        context.close()
