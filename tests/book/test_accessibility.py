"""The built book as a screen-reader, keyboard-only or colour-blind reader meets it.

axe-core (pinned in tests/book/axe/package-lock.json, installed there by `npm ci`) is
injected into every page of the built book, offline, once in light and once in dark
mode, and no serious or critical violation may remain. Every image a page shows,
including those widgets draw, must carry alt text that describes it, not a file name.
The theme's buttons, the exercises' solution toggles and the launch menu must work from
the keyboard alone.

The tests enumerate the pages from _toc.yml and the images from the HTML, so pages and
figures added later are checked without editing this file. Every test that opens the
book runs on both editions (conftest.py parametrizes `built_book` and `book_url`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

from _book import ROOT, block_outside, chromium, toc_files, wait_for

pytestmark = pytest.mark.browser

AXE_DIR = ROOT / "tests" / "book" / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"

PAGES = [doc + ".html" for doc in toc_files()] + ["genindex.html", "search.html"]
MODES = ["light", "dark"]
FAILING_IMPACTS = {"serious", "critical"}

# (rule id, substring of the offending element's CSS target) -> why it is accepted.
# Keep it empty; an entry needs a reason a reviewer can check (e.g. an upstream issue).
ACCEPTED: dict[tuple[str, str], str] = {}

# Alt text that is really a file name, a path or a hash rather than a description.
# (A slash alone is fine: "∂J/∂a" is notation, not a path.)
FILE_LIKE = re.compile(
    r"\.(png|jpe?g|gif|svg|webp)\b|\.\./|_images|^\s*/|\b[0-9a-f]{8,}\b"
    r"|^(image|figure|img|output)\s*\d*$",
    re.IGNORECASE,
)
MIN_ALT_WORDS = 3  # "Heat map" alone does not say what it shows
# Chinese is written without spaces: count two characters as a word ("热图" is one).
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def alt_words(alt: str) -> int:
    cjk = len(CJK.findall(alt))
    return len(CJK.sub(" ", alt).split()) + cjk // 2


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe.min.js at the pinned version, installed with `npm ci` if it is not there yet."""
    lock = json.loads((AXE_DIR / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/axe-core"]["version"]
    installed = AXE_DIR / "node_modules" / "axe-core" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != pinned:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install the pinned axe-core (tests/book/axe/)", pytrace=False)
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--silent"],
            cwd=AXE_DIR, capture_output=True, text=True, timeout=600,
        )
        if result.returncode != 0:
            pytest.fail(f"`npm ci` in {AXE_DIR} failed:\n{result.stderr[-3000:]}", pytrace=False)
    assert json.loads(installed.read_text())["version"] == pinned
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser(book_url):
    with chromium() as b:
        yield b


def open_in_mode(browser, url: str, mode: str):
    """(context, page, outside) with the theme's mode set as its switch stores it, and the
    system preference matching, once MathJax has typeset and any widgets have drawn."""
    context = browser.new_context(color_scheme=mode, viewport={"width": 1280, "height": 900})
    outside = block_outside(context)
    # The theme's switch keeps the reader's choice in localStorage ("mode", "theme").
    context.add_init_script(
        f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
    )
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("""async () => { const mj = window.MathJax;
                       if (mj && mj.startup && mj.startup.promise) await mj.startup.promise; }""")
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        page.wait_for_function(
            "n => document.querySelectorAll('.widget-subarea .jupyter-widgets').length >= n",
            arg=views, timeout=30_000,
        )
    wait_for(lambda: _assert_theme(page, mode))
    page.wait_for_timeout(300)  # FontAwesome and the theme's tooltips settle after load
    return context, page, outside


def _assert_theme(page, mode: str) -> None:
    assert page.evaluate("document.documentElement.dataset.theme") == mode


def axe_violations(page, axe_source: str) -> list[dict]:
    """axe-core's violations on the whole page, one dict per (rule, element)."""
    page.add_script_tag(content=axe_source)
    results = page.evaluate(
        """async () => {
             const r = await axe.run(document, {resultTypes: ['violations']});
             return r.violations.flatMap(v => v.nodes.map(n => ({
               rule: v.id, impact: n.impact || v.impact, help: v.help,
               target: n.target.map(String).join(' '),
               summary: (n.failureSummary || '').split('\\n').slice(0, 3).join(' | '),
             })));
           }"""
    )
    return results


def accepted(violation: dict) -> bool:
    return any(
        rule == violation["rule"] and part in violation["target"] for rule, part in ACCEPTED
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_axe_violations(browser, book_url, axe_source, path, mode):
    context, page, outside = open_in_mode(browser, book_url + path, mode)
    try:
        found = axe_violations(page, axe_source)
    finally:
        context.close()
    assert outside == [], f"{path} tried to leave the machine"
    serious = [v for v in found if v["impact"] in FAILING_IMPACTS and not accepted(v)]
    report = "\n".join(
        f"  {v['impact']:8} {v['rule']}: {v['target']}  ({v['summary']})" for v in serious
    )
    assert not serious, f"{path} ({mode} mode): {len(serious)} serious/critical axe violations\n{report}"


def test_accepted_exceptions_have_reasons():
    assert all(reason.strip() for reason in ACCEPTED.values())


def alt_problem(alt: str | None) -> str | None:
    """Why an image's alt text does not describe it, or None if it does."""
    if alt is None or not alt.strip():
        return "no alt text"
    if FILE_LIKE.search(alt):
        return f"alt text is a file name, path or hash: {alt!r}"
    if alt_words(alt) < MIN_ALT_WORDS:
        return f"alt text too short to say what the image shows: {alt!r}"
    return None


def test_alt_problem_catches_file_names():
    """The check itself: what MyST-NB writes by default fails, a description passes."""
    assert alt_problem(None) and alt_problem("  ")
    assert alt_problem("../_images/e1879e0b5c2a.png")
    assert alt_problem("e1879e0b5c2a41d7")
    assert alt_problem("Heat map")
    assert alt_problem("Heat maps: the 4×4 feature map and its 2×2 max pooling") is None
    assert alt_problem("the gradient ∂J/∂a, zero except at the maxima") is None
    assert alt_problem("热图") and alt_problem("特征图")
    assert alt_problem("热图：4×4 特征图及其 2×2 最大池化") is None


def test_every_image_in_the_html_is_described(built_book):
    """Every <img> Sphinx wrote (notebook figures, images in prose) has descriptive alt text."""
    bad = []
    for path in PAGES:
        soup = BeautifulSoup((built_book / path).read_text(encoding="utf-8"), "html.parser")
        for img in soup.select("article img"):
            problem = alt_problem(img.get("alt"))
            if problem:
                bad.append(f"{path}: {img.get('src')}: {problem}")
    assert bad == [], "images without a description:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", PAGES)
def test_every_rendered_image_is_described(browser, book_url, path):
    """Images that only exist once widgets draw (e.g. the kernel editor's photo) too."""
    context, page, _ = open_in_mode(browser, book_url + path, "light")
    try:
        images = page.evaluate(
            """() => Array.from(document.querySelectorAll("article img"))
                 .filter(i => i.getAttribute('aria-hidden') !== 'true'
                              && i.getAttribute('role') !== 'presentation')
                 .map(i => ({src: (i.getAttribute('src') || '').slice(0, 60),
                             alt: i.getAttribute('alt'),
                             label: i.getAttribute('aria-label')}))"""
        )
    finally:
        context.close()
    bad = [
        f"{i['src']}: {problem}"
        for i in images
        if (problem := alt_problem(i["label"] or i["alt"]))
    ]
    assert bad == [], f"{path}: images without a description:\n" + "\n".join(bad)


# --- Colour: the heat maps' numbers readable on every cell, highlights not by hue alone ---


def _contrast(a, b) -> float:
    from convbp.plotting import _relative_luminance

    hi, lo = sorted([_relative_luminance(a), _relative_luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("cmap", ["Blues", "Oranges", "RdBu_r", "bwr", "Greys"])
def test_heat_map_numbers_meet_wcag_aa(cmap):
    """Every value written in a cell has at least 4.5:1 contrast with that cell's colour."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_rgba

    from convbp import plotting

    grid = np.linspace(-1.0, 1.0, 64).reshape(8, 8) if cmap in ("RdBu_r", "bwr") else np.arange(64.0).reshape(8, 8)
    fig, ax = plt.subplots()
    try:
        plotting.show_grid(ax, grid, cmap=cmap)
        fills = ax.images[0].to_rgba(grid)
        worst = min(
            _contrast(to_rgba(t.get_color()), fills[round(t.get_position()[1]), round(t.get_position()[0])])
            for t in ax.texts
        )
    finally:
        plt.close(fig)
    assert len(ax.texts) == grid.size
    assert worst >= 4.5, f"{cmap}: a cell's number has contrast {worst:.2f}:1 with its cell"


def test_highlights_are_drawn_in_black_and_white():
    """Window and maximum outlines carry meaning by shape and lightness, not by a hue."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    from convbp import plotting

    fig, ax = plt.subplots()
    try:
        plotting.show_grid(ax, np.arange(4.0).reshape(2, 2), highlight=np.eye(2, dtype=bool))
        edges = {to_hex(p.get_edgecolor()) for p in ax.patches}
    finally:
        plt.close(fig)
    assert len(ax.patches) == 4 and edges == {"#000000", "#ffffff"}


# Machado, Oliveira & Fernandes (2009) full-severity simulation matrices, on linear RGB.
COLOUR_BLINDNESS = {
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
}


def _closest_pair_as_seen(palette, matrix) -> float:
    """Smallest sRGB distance between two palette colours as a colour-blind reader sees them."""
    from itertools import combinations

    from matplotlib.colors import to_rgb

    def seen(colour):
        c = np.asarray(to_rgb(colour))
        linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        out = np.clip(np.asarray(matrix) @ linear, 0, 1)
        return np.where(out <= 0.0031308, 12.92 * out, 1.055 * out ** (1 / 2.4) - 0.055)

    return min(np.linalg.norm(seen(a) - seen(b)) for a, b in combinations(palette, 2))


@pytest.mark.parametrize("kind", list(COLOUR_BLINDNESS))
def test_weight_colours_stay_apart_for_colour_blind_readers(kind):
    """show_weight_sharing's nine weight colours stay distinct under red-green colour blindness
    (matplotlib's tab10, used before, has two that nearly merge under protanopia: 0.05)."""
    from convbp import plotting

    assert len(set(plotting.TOL_MUTED)) == 9
    assert _closest_pair_as_seen(plotting.TOL_MUTED, COLOUR_BLINDNESS[kind]) >= 0.14


# --- Keyboard: the theme's buttons, the solutions and the launch menu without a mouse ---

KEYBOARD_PAGE = "book/01_where_kernels_come_from.html"  # has exercises with hidden solutions
MAX_TABS = 200


def tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches selector, as a keyboard reader would."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached in {MAX_TABS} presses of Tab", pytrace=False)


@pytest.fixture
def keyboard_page(browser, book_url):
    context, page, outside = open_in_mode(browser, book_url + KEYBOARD_PAGE, "light")
    yield page
    context.close()
    assert outside == []


# What book-setup.js's colour-mode label says for each mode, per edition.
MODE_WORDS = {
    "en": {"light": "light", "dark": "dark", "auto": "system setting"},
    "zh_CN": {"light": "亮色", "dark": "暗色", "auto": "跟随系统设置"},
}


def test_colour_mode_switch_works_from_the_keyboard(keyboard_page, edition):
    page = keyboard_page
    tab_to(page, ".theme-switch-button")
    before = page.evaluate("document.documentElement.dataset.mode")
    page.keyboard.press("Enter")
    wait_for(lambda: _assert_changed(page, "document.documentElement.dataset.mode", before))
    mode = page.evaluate("document.documentElement.dataset.mode")
    label = page.locator(".theme-switch-button").first.get_attribute("aria-label") or ""
    assert MODE_WORDS[edition.language][mode] in label, "the switch's name says the mode it is in"


def _assert_changed(page, expression: str, before) -> None:
    assert page.evaluate(expression) != before


def test_solutions_open_from_the_keyboard(keyboard_page):
    page = keyboard_page
    tab_to(page, ".solution .toggle-button")
    button_id = page.evaluate("document.activeElement.id")
    assert page.evaluate("document.activeElement.getAttribute('aria-expanded')") == "false"
    page.keyboard.press("Enter")
    expanded = f"document.getElementById({button_id!r}).getAttribute('aria-expanded')"
    wait_for(lambda: _assert_changed(page, expanded, "false"))
    solution = page.locator(".solution").first
    assert "toggle-hidden" not in (solution.get_attribute("class") or "")
    assert solution.locator("p").nth(1).is_visible(), "the solution's text is shown"


def test_launch_menu_opens_from_the_keyboard(keyboard_page):
    page = keyboard_page
    tab_to(page, ".dropdown-launch-buttons .dropdown-toggle")
    page.keyboard.press("Enter")
    page.wait_for_selector(".dropdown-launch-buttons .dropdown-menu.show", timeout=5_000)
    page.keyboard.press("ArrowDown")
    in_menu = "document.activeElement.closest('.dropdown-launch-buttons .dropdown-menu') !== null"
    wait_for(lambda: _assert_changed(page, in_menu, False))
    page.keyboard.press("Escape")
    page.wait_for_selector(".dropdown-launch-buttons .dropdown-menu.show", state="detached", timeout=5_000)
