"""The widgets with a live kernel, driven in headless Chromium: voila on 127.0.0.1 serves tests/book/widgets_live.ipynb.

A reader types into the boxes; the kernel recomputes with convbp; the page must show the new numbers.
Every request that leaves the machine is aborted (voila asks CDNs for fonts; the page must not wait on them).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import convbp
from _book import block_outside, chromium, wait_for
from convbp import filters

pytestmark = pytest.mark.browser

playwright = pytest.importorskip("playwright.sync_api")

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url():
    port = _free_port()
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}  # the kernel is the venv's python
    env.pop("CONVBP_STATIC_BOOK", None)  # live: every box enabled
    proc = subprocess.Popen(
        [str(bindir / "voila"), str(HERE / "widgets_live.ipynb"), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(url + "voila/static/", timeout=2)
            break
        except urllib.error.HTTPError:
            break  # any HTTP answer means the server is up
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"voila did not start on {url}: {proc.stderr.read()[-2000:]}")
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def page(voila_url):
    with chromium() as browser:
        context = browser.new_context()
        block_outside(context)
        page = context.new_page()
        page.goto(voila_url, wait_until="domcontentloaded", timeout=120_000)
        # voila runs the notebook before it renders: wait for the last widget to appear.
        page.locator(".convbp-kernel-editor").wait_for(timeout=120_000)
        yield page


def visible_grid(root, name: str) -> np.ndarray:
    """The numbers of grid `name` in the frame the reader sees inside widget `root`."""
    table = root.locator(f"table[data-grid='{name}'] >> visible=true")
    rows = table.locator("tr").all_inner_texts()
    try:
        return np.array([[float(x.replace("−", "-")) for x in re.split(r"\s+", r.strip())] for r in rows])
    except ValueError as exc:  # read while the kernel's new frame was being drawn: wait_for tries again
        raise AssertionError(f"grid {name} not readable yet: {rows}") from exc


def text_box(root, label: str):
    return root.locator(".widget-text", has_text=label).locator("input")


def test_editing_a_pooling_input_recomputes_the_result(page):
    root = page.locator(".convbp-pooling-stepper")
    np.testing.assert_array_equal(visible_grid(root, "z"), [[8, 9], [8, 6]])
    box = text_box(root, "a (input)")
    box.fill("1 8 4 3; 7 2 1 9; 6 1 2 4; 8 7 6 50")
    box.press("Enter")
    expected = convbp.max_pool2d(np.array([[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 50]], dtype=float), 2)
    wait_for(lambda: np.testing.assert_array_equal(visible_grid(root, "z"), expected))
    assert "Live" in root.locator(".convbp-note").inner_text()


def test_a_bad_pooling_entry_shows_a_message_and_keeps_the_result(page):
    root = page.locator(".convbp-pooling-stepper")
    before = visible_grid(root, "z")
    box = text_box(root, "a (input)")
    box.fill("1 8 4 3; 7 2 one 9")
    box.press("Enter")

    def message_shown():
        assert "'one' is not a number" in root.locator(".widget-html", has_text="⚠").inner_text(timeout=1000)

    wait_for(message_shown)
    np.testing.assert_array_equal(visible_grid(root, "z"), before)


def test_typing_sobel_into_the_kernel_editor_shows_sobels_feature_map(page):
    root = page.locator(".convbp-kernel-editor")
    photo = filters.sample_photo()
    z = convbp.conv2d(photo, filters.SOBEL_X)
    r, c = z.shape[0] // 2 - 1, z.shape[1] // 2 - 1
    identity = convbp.conv2d(photo, filters.IDENTITY)[r : r + 3, c : c + 3]
    np.testing.assert_allclose(visible_grid(root, "z_centre"), identity, rtol=1e-3)
    entries = root.locator(".widget-gridbox input")
    assert entries.count() == 9
    for k, v in enumerate(filters.SOBEL_X.ravel()):
        entries.nth(k).fill(str(int(v)))
        entries.nth(k).press("Enter")
    wait_for(lambda: np.testing.assert_allclose(visible_grid(root, "z_centre"), z[r : r + 3, c : c + 3], rtol=1e-3))
    wait_for(lambda: np.testing.assert_array_equal(visible_grid(root, "w"), filters.SOBEL_X))
    assert root.locator("select").evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ").startswith("Sobel x")


def test_conv_kernel_edit_updates_the_frame_on_screen(page):
    root = page.locator(".convbp-conv-stepper")
    box = text_box(root, "w (kernel)")
    box.fill("-1 0; 0 1")
    box.press("Enter")
    a = np.array([[1, 2, 0], [3, 1, 2], [0, 1, 3]], dtype=float)
    wait_for(lambda: np.testing.assert_array_equal(visible_grid(root, "z"), convbp.conv2d(a, [[-1, 0], [0, 1]])))


def test_live_boxes_are_enabled(page):
    for widget in (".convbp-pooling-stepper", ".convbp-conv-stepper", ".convbp-kernel-editor"):
        boxes = page.locator(f"{widget} input[type=text], {widget} input[type=number]")
        assert boxes.count() > 0
        assert all(boxes.nth(k).is_enabled() for k in range(boxes.count()))
        assert "Live" in page.locator(f"{widget} .convbp-note").inner_text()


def test_switching_the_pooling_mode_recomputes(page):
    root = page.locator(".convbp-pooling-stepper")
    box = text_box(root, "a (input)")
    box.fill("1 8 4 3; 7 2 1 9; 6 1 2 4; 8 7 6 0")
    box.press("Enter")
    root.locator(".widget-toggle-buttons button", has_text="average").click()
    lecture = np.array([[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]], dtype=float)
    wait_for(lambda: np.testing.assert_array_equal(visible_grid(root, "z"), convbp.avg_pool2d(lecture, 2)))
    wait_for(lambda: assert_value(text_box(root, "δ (next)"), "8 4; 16 4"))  # the lecture's residual for average pooling
    root.locator("select").select_option(index=2)  # 3×3, stride 1
    wait_for(lambda: np.testing.assert_allclose(visible_grid(root, "z"), convbp.avg_pool2d(lecture, 3, stride=1), atol=1e-3))
    wait_for(lambda: assert_value(text_box(root, "size"), "3"))


def test_switching_the_conv_padding_recomputes(page):
    root = page.locator(".convbp-conv-stepper")
    w = text_box(root, "w (kernel)")
    w.fill("1 2; -1 0")
    w.press("Enter")
    root.locator(".widget-toggle-buttons").nth(1).locator("button", has_text="1").click()
    a = np.array([[1, 2, 0], [3, 1, 2], [0, 1, 3]], dtype=float)
    wait_for(lambda: np.testing.assert_array_equal(visible_grid(root, "z"), convbp.conv2d(a, [[1, 2], [-1, 0]], padding=1)))


def assert_value(locator, value: str) -> None:
    assert locator.input_value() == value
