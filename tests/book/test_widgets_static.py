"""The steppers with NO kernel, in headless Chromium with the network blocked: static HTML, as the book ships it.

Two pages are checked:
- a page made here from tests/book/widgets_live.ipynb the way MyST-NB makes the book's pages (the saved widget
  state plus the book's vendored require.js and html-manager), so the widgets' own static behaviour is tested
  even before the chapters embed them;
- the built book's chapter pages (book/03_1_pooling_residual.html, 03_2_conv_residual.html,
  03_3_kernel_gradients.html), served on 127.0.0.1 from the build that tests/book/conftest.py makes.
In each, the slider steps with the keyboard (focus it, ArrowRight) and with ▶ Play, and the visible frame's
numbers are the frames Python computed with convbp. The chapter pages are checked in both editions; what a
test expects in words (captions, notes, button names) Python makes in the edition's language.
"""

from __future__ import annotations

import html
import json
import os
import time
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from test_widgets import caption, numbers  # tests/ is on sys.path (tests/conftest.py)

from _book import block_outside, chromium, package_language, pages_calling, wait_for
from test_accessibility import alt_problem
import convbp
from convbp import filters
from convbp.widgets import ConvStepper, PoolingStepper
from convbp.widgets._where import STATIC_BOOK_ENV

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
    os.environ[STATIC_BOOK_ENV] = "1"  # the kernel inherits it: save the static widget state, as `make book` does
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True, resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        del os.environ[STATIC_BOOK_ENV]
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
    return int(root.locator(".widget-slider .widget-readout >> visible=true").inner_text().strip())


def assert_frame(root, expected_frames, k):
    """The visible frame is frame k: same grids, same numbers, same sentence."""
    assert step_shown(root) == k
    shown = visible_frame(root)
    want = expected_frames[k]
    for name in re.findall(r"data-grid='(\w+)'", want):
        np.testing.assert_array_equal(numbers(shown.replace('"', "'"), name), numbers(want, name))
    assert html.unescape(caption(shown.replace('"', "'"))).split() == html.unescape(caption(want)).split()


def static_note_words(language: str) -> list[str]:
    """The fixed words of every stepper's and editor's note in the static book (_frames.static_note),
    in that language: the parts around what each widget fills in."""
    from convbp.widgets import _frames

    with package_language(language):
        note = _frames.static_note("\0", "\0")
    text = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", "", note, flags=re.DOTALL))
    return [" ".join(part.split()) for part in text.split("\0") if part.strip()]


def assert_static_note(root, language: str) -> None:
    note = " ".join(root.locator(".convbp-note").first.inner_text().split())
    words = static_note_words(language)
    assert words and all(w in note for w in words), f"the note does not say why boxes are off and how to get a kernel: {note!r}"
    assert "🚀" in note


def drive(page, widget_class, frames=None, index=0, language="en"):
    """Step the index-th widget of that class on the page and compare with the frames Python made."""
    root = page.locator(f".{widget_class}").nth(index)
    root.wait_for(timeout=30_000)
    if frames is None:
        with package_language(language):
            frames = STEPPERS[widget_class]().frames
    wait_for(lambda: assert_frame(root, frames, 0))
    assert_static_note(root, language)
    # Keyboard: focus the slider's handle and step right.
    handle = root.locator(".widget-slider [role=slider] >> visible=true").first
    handle.focus()
    for k in (1, 2, 3):
        handle.press("ArrowRight")
        wait_for(lambda: assert_frame(root, frames, k))
    # Play: it steps on by itself, one frame per interval, and the shown frame follows the slider.
    root.locator(".widget-play button >> visible=true").first.click()

    def played_on():
        assert step_shown(root) >= 5, "Play has not advanced"

    wait_for(played_on, timeout=20)
    root.locator(".widget-play button:has(.fa-pause) >> visible=true").click()  # pause, so the frame stays put while it is read
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
def test_built_book_steps_without_a_kernel(browser, book_url, edition, which):
    name, widget_class, index, make = BOOK_STEPPERS[which]
    with package_language(edition.language):
        frames = make().frames
    context, page = open_offline(browser, f"{book_url}book/{name}")
    try:
        drive(page, widget_class, frames, index, edition.language)
    finally:
        context.close()


# -- Every control a reader can reach, on every page of the built book that embeds widgets -----------

# The pages that embed a stepper or the kernel editor, found in the toc's notebooks (a new chapter with one is tested too).
WIDGET_PAGES = [doc.removeprefix("book/") + ".html" for doc in pages_calling("PoolingStepper(", "ConvStepper(", "KernelEditor(")]
WIDGETS = ".convbp-pooling-stepper, .convbp-conv-stepper, .convbp-kernel-editor"
PAGE_BUDGET = 3_000_000  # bytes, widget state included (issue 10)
RENDER_LOG = ROOT / "_build" / "widget-render-ms.json"  # what the last run measured, for the report


def shown_state(root) -> str:
    """What the reader sees of a widget: its visible text and the images it shows (hidden Stack children excluded)."""
    return root.evaluate(
        """e => e.innerText + '|' + [...e.querySelectorAll('img')].filter(i => i.offsetParent !== null)
               .map(i => i.src.length + ':' + i.src.slice(-40)).join(',')"""
    )


def visible_numbers(root, name: str) -> np.ndarray:
    table = root.locator(f"table[data-grid='{name}'] >> visible=true").first
    rows = table.locator("tr").all_inner_texts()
    try:
        return np.array([[float(x.replace("−", "-")) for x in re.split(r"\s+", r.strip())] for r in rows])
    except ValueError as exc:  # read while the view was switching: wait_for tries again
        raise AssertionError(f"grid {name} not readable yet: {rows}") from exc


def changes(root, act, what: str) -> None:
    before = shown_state(root)
    act()
    def changed():
        assert shown_state(root) != before, f"{what} accepted a change and left its widget as it was"
    wait_for(changed, timeout=10)


def check_slider_steps(root, what: str) -> None:
    """The step slider of the view on show steps with the keyboard and changes the frame."""
    handle = root.locator(".widget-slider [role=slider] >> visible=true")
    if handle.count() == 0:
        return  # the kernel editor has no slider
    assert handle.count() == 1, f"{what}: one slider on show"
    assert handle.get_attribute("aria-label"), f"{what}: the slider's handle has no accessible name"
    handle.focus()
    changes(root, lambda: handle.press("ArrowRight"), f"{what}: the step slider")
    handle.press("Home")


@pytest.fixture(scope="module")
def render_log():
    log: dict = {}
    yield log
    RENDER_LOG.write_text(json.dumps(log, indent=1), encoding="utf-8")
    print("\nwidget pages (bytes, ms until every widget is drawn):", json.dumps(log))


@pytest.mark.parametrize("name", WIDGET_PAGES)
def test_every_control_changes_its_widget_or_is_disabled(browser, book_url, built_book, edition, render_log, name):
    size = (built_book / "book" / name).stat().st_size
    assert size < PAGE_BUDGET, f"{name} is {size / 1e6:.2f} MB with its widget state; the budget is 3 MB"
    context = browser.new_context()
    block_outside(context)
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(f"{book_url}book/{name}", wait_until="domcontentloaded")
        roots = page.locator(WIDGETS)
        roots.first.wait_for(timeout=60_000)
        page.wait_for_function(
            f"() => [...document.querySelectorAll({json.dumps(WIDGETS)})].every(w => w.querySelector('.convbp-frame, img'))",
            timeout=60_000,
        )
        render_log[name] = {"bytes": size, "render_ms": round(1000 * (time.perf_counter() - start))}
        assert roots.count() >= 1
        for n in range(roots.count()):
            root = roots.nth(n)
            what = f"{name} widget {n + 1}"
            root.scroll_into_view_if_needed()
            # Free boxes: every one disabled (greyed, not focusable for typing), with the reason in the note.
            boxes = root.locator("input[type=text], input[type=number], textarea")
            assert boxes.count() > 0
            for k in range(boxes.count()):
                assert boxes.nth(k).is_disabled(), f"{what}: a free box is enabled with no kernel behind the page"
            assert_static_note(root, edition.language)
            check_slider_steps(root, what)
            # Dropdowns: every option changes what the widget shows.
            selects = root.locator("select >> visible=true")
            for s in range(selects.count()):
                select = selects.nth(s)
                count = select.locator("option").count()
                assert count >= 2
                first = select.evaluate("s => s.selectedIndex")
                for k in [k for k in range(count) if k != first] + [first]:
                    changes(root, lambda: select.select_option(index=k), f"{what}: option {k + 1} of its list")
                    check_slider_steps(root, f"{what}, option {k + 1}")
            # Toggle buttons: every button changes what the widget shows (and the slider still steps).
            groups = root.locator(".widget-toggle-buttons >> visible=true")
            for g in range(groups.count()):
                buttons = groups.nth(g).locator("button")
                for k in list(range(1, buttons.count())) + [0]:
                    button = buttons.nth(k)
                    if "mod-active" in (button.get_attribute("class") or ""):
                        continue
                    button.focus()
                    changes(root, lambda: button.press("Enter"), f"{what}: toggle '{button.inner_text()}'")
                    check_slider_steps(root, f"{what}, toggle '{button.inner_text()}'")
            # Play: its buttons are named and ▶ steps on by itself.
            play = root.locator(".widget-play >> visible=true")
            if play.count():
                for b in range(play.locator("button").count()):
                    assert play.locator("button").nth(b).get_attribute("aria-label")
                changes(root, lambda: play.locator("button").first.click(), f"{what}: ▶")
                play.locator("button").first.click()
            for img in root.locator("img").all():
                alt = img.get_attribute("alt") or ""
                assert alt_problem(alt) is None and (alt.startswith("The ") or not edition.english), f"{what}: an image without alt text"
    finally:
        context.close()


def test_built_book_choices_show_convbps_numbers(browser, book_url, edition):
    """One view per widget, read from the page: Sobel y's feature map, average pooling, the stride-2 convolution."""
    context = browser.new_context()
    block_outside(context)
    page = context.new_page()
    try:
        page.goto(f"{book_url}book/01_where_kernels_come_from.html", wait_until="load")
        root = page.locator(".convbp-kernel-editor")
        root.wait_for(timeout=60_000)
        root.locator("select").select_option(index=list(filters.PRESETS).index("sobel_y"))
        z = convbp.conv2d(filters.sample_photo(), filters.SOBEL_Y)
        r, c = z.shape[0] // 2 - 1, z.shape[1] // 2 - 1
        wait_for(lambda: np.testing.assert_allclose(visible_numbers(root, "z_centre"), z[r : r + 3, c : c + 3], rtol=1e-3, atol=1e-4))
        np.testing.assert_array_equal(visible_numbers(root, "w"), filters.SOBEL_Y)
        values = root.locator(".widget-gridbox input >> visible=true").evaluate_all("es => es.map(e => Number(e.value))")
        np.testing.assert_array_equal(values, filters.SOBEL_Y.ravel())

        page.goto(f"{book_url}book/03_1_pooling_residual.html", wait_until="load")
        root = page.locator(".convbp-pooling-stepper").first
        root.wait_for(timeout=60_000)
        with package_language(edition.language):
            average = dict((v, k) for k, v in PoolingStepper().mode_box.options)["avg"]  # its label in this edition
        root.locator(".widget-toggle-buttons button", has_text=average).first.click()
        lecture = np.array([[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]], dtype=float)
        wait_for(lambda: np.testing.assert_array_equal(visible_numbers(root, "z"), convbp.avg_pool2d(lecture, 2)))
        root.locator("select").select_option(index=2)  # 3×3, stride 1
        wait_for(lambda: np.testing.assert_allclose(visible_numbers(root, "z"), np.round(convbp.avg_pool2d(lecture, 3, stride=1), 4), atol=1e-3))

        page.goto(f"{book_url}book/03_2_conv_residual.html", wait_until="load")
        root = page.locator(".convbp-conv-stepper").first
        root.wait_for(timeout=60_000)
        root.locator(".widget-toggle-buttons").first.locator("button", has_text="2").click()
        root.locator(".widget-toggle-buttons").nth(1).locator("button", has_text="1").click()
        a = np.array([[1, 2, 0], [3, 1, 2], [0, 1, 3]], dtype=float)
        wait_for(lambda: np.testing.assert_array_equal(visible_numbers(root, "z"), convbp.conv2d(a, [[1, 2], [-1, 0]], stride=2, padding=1)))
        assert root.locator(".widget-slider .widget-readout >> visible=true").inner_text().strip() == "0"
    finally:
        context.close()
