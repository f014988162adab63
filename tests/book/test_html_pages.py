"""Every page of the built book, opened in headless Chromium as a reader would, offline.

Each page is served on 127.0.0.1; any request for another host is aborted and fails
the test (the book must not need the network). On every page: no uncaught errors, no
console errors, no failed loads; MathJax has typeset every formula (no raw TeX left);
no Markdown reached the reader unrendered (table pipes, `#` headings); no output,
table or formula reaches past the content column at 1280 px or at 390 px (a wide one
must scroll in its own box, with a visible cue); and where the page embeds widgets, each one is drawn exactly once.
Every test runs on both editions (the `built_book` and `book_url` fixtures are
parametrized by edition, see conftest.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from _book import LOOPBACK, chromium, toc_files

pytestmark = pytest.mark.browser


# Pages Sphinx writes besides the toc's documents.
EXTRA_PAGES = ["genindex", "search"]
PAGES = [doc + ".html" for doc in toc_files()] + [p + ".html" for p in EXTRA_PAGES]

# A TeX control word or a display-math fence left in the reading text means MathJax did not run.
RAW_TEX = re.compile(r"\\[A-Za-z]{2,}|\$\$|\\\(|\\\[")

TEXT_OUTSIDE_CODE_AND_MATH = """() => {
  const root = (document.querySelector('article') || document.body).cloneNode(true);
  root.querySelectorAll('pre, code, script, style, mjx-container, .MathJax, textarea, .highlight')
      .forEach(e => e.remove());
  return root.textContent;
}"""

# A table's delimiter row or an ATX heading in the reading text is Markdown that was never parsed.
RAW_MARKDOWN = re.compile(r"\|\s*:?-{3,}:?\s*\||^[ \t]*#{1,6}[ \t]+\S", re.MULTILINE)

# Outputs, formulas and tables whose box ends right of the article's: the reader cannot see
# their end. One that scrolls inside its own box (overflow-x: auto) ends at the column, and
# that box must show that more is hidden (book.css draws shadows at its edges as a
# background gradient). At 390 px the article itself must fit the screen, too.
WIDER_THAN_COLUMN = """() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('article');
  if (!article) return [];
  const right = article.getBoundingClientRect().right + 1;
  const box = e => {  // the box that scrolls e sideways and itself fits the column, if any
    for (let p = e.parentElement; p && p !== article; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)
          && p.getBoundingClientRect().right <= right) return p;
    }
    return null;
  };
  const name = e => `${e.tagName.toLowerCase()}.${e.className}`;
  const wide = Array.from(article.querySelectorAll(
      '.cell_output, .cell_output > *, div.math, mjx-container[display], table, .widget-subarea'))
    .filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > right);
  const report = wide.filter(e => !box(e))
    .map(e => `${name(e)} ends at ${Math.round(e.getBoundingClientRect().right)} px, `
              + `column at ${Math.round(right)} px: ${e.textContent.trim().slice(0, 60)}`);
  const uncued = new Set(wide.map(box).filter(b => b && !getComputedStyle(b).backgroundImage.includes('gradient')));
  uncued.forEach(b => report.push(`${name(b)} scrolls with no cue that more is hidden: `
                                  + b.textContent.trim().slice(0, 60)));
  if (article.getBoundingClientRect().right > window.innerWidth + 1)
    report.push(`the article ends at ${Math.round(right)} px, past the ${window.innerWidth} px screen`);
  return report;
}"""

WIDGET_REPORT = """() => Array.from(
  document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')
).map(s => {
  const drawn = Array.from(s.parentElement.children).filter(e => e.classList.contains('widget-subarea'));
  return {
    model: JSON.parse(s.textContent).model_id,
    copies: drawn.length,
    rendered: drawn.filter(e => e.querySelector('.jupyter-widgets')).length,
  };
})"""


@dataclass
class Visit:
    """What happened while a page loaded."""

    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser(book_url):
    with chromium() as b:
        yield b


def load(context, url: str):
    """Open url in a new page of context with the network cut off at loopback; wait for MathJax."""
    page = context.new_page()
    visit = Visit()

    def route(r):
        target = r.request.url
        if target.startswith(("data:", "blob:", "about:")) or urlsplit(target).hostname in LOOPBACK:
            r.continue_()
        else:
            visit.external.append(target)
            r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda e: visit.errors.append(f"uncaught: {e}"))
    page.on("console", lambda m: visit.errors.append(f"console.{m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("response", lambda r: visit.errors.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    page.on("requestfailed", lambda r: visit.errors.append(f"failed: {r.url} {r.failure}")
            if urlsplit(r.url).hostname in LOOPBACK else None)
    page.goto(url, wait_until="load")
    # MathJax 3 typesets after load; its startup promise settles when it is done.
    page.evaluate("""async () => { const mj = window.MathJax;
                       if (mj && mj.startup && mj.startup.promise) await mj.startup.promise; }""")
    return page, visit


@pytest.fixture
def open_page(browser, book_url):
    """open_page(path) -> (page, visit), in a fresh browser context closed after the test."""
    contexts = []

    def _open(path: str):
        contexts.append(browser.new_context())
        return load(contexts[-1], book_url + path)

    yield _open
    for context in contexts:
        context.close()


def test_every_built_page_is_tested(built_book):
    built = {
        str(p.relative_to(built_book))
        for p in built_book.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.relative_to(built_book).parts)
    }
    assert built - {"index.html"} == set(PAGES)


def inspect(page) -> dict:
    """Everything the per-page tests assert on, gathered in one visit."""
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        page.wait_for_function(
            """n => document.querySelectorAll('.widget-subarea .jupyter-widgets').length > 0
                  && document.querySelectorAll('.widget-subarea').length >= n""",
            arg=views,
            timeout=30_000,
        )
    page.wait_for_timeout(500)  # late errors, and a duplicate widget render, would arrive by now
    return {
        "math": page.locator(".math").count(),
        "mjx": page.locator("mjx-container").count(),
        "untypeset": page.evaluate(
            "() => Array.from(document.querySelectorAll('.math'))"
            ".filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80))"
        ),
        "tex_errors": page.locator("mjx-merror").count(),
        "text": page.evaluate(TEXT_OUTSIDE_CODE_AND_MATH),
        "wide": page.evaluate(WIDER_THAN_COLUMN),
        "views": views,
        "widgets": page.evaluate(WIDGET_REPORT),
        "subareas": page.locator(".widget-subarea").count(),
        "stray_widgets": page.locator(".jupyter-widgets").count() if not views else 0,
        "loader_scripts": {
            s: page.locator(f'script[src*="{s}"]').count()
            for s in ("requirejs/require.js", "html-manager/embed-amd.js")
        },
    }


@pytest.fixture(scope="module")
def visited(browser, book_url):
    """path -> (Visit, inspect(page)); each page is loaded once for the three tests below."""
    cache: dict[str, tuple[Visit, dict]] = {}

    def _visit(path: str):
        if path not in cache:
            context = browser.new_context()
            try:
                page, visit = load(context, book_url + path)
                cache[path] = (visit, inspect(page))
            finally:
                context.close()
        return cache[path]

    return _visit


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_errors(visited, path):
    visit, _ = visited(path)
    assert visit.external == [], f"{path} tried to leave the machine"
    assert visit.errors == [], f"{path} reported errors"


@pytest.mark.parametrize("path", PAGES)
def test_maths_is_typeset(visited, path):
    _, seen = visited(path)
    assert seen["untypeset"] == [], f"{path}: formulas left as raw TeX"
    assert seen["tex_errors"] == 0, f"{path}: MathJax reported a TeX error"
    leftovers = [m.string[max(0, m.start() - 40): m.end() + 40] for m in RAW_TEX.finditer(seen["text"])]
    assert leftovers == [], f"{path}: raw TeX visible in the text"
    assert seen["mjx"] >= seen["math"]


@pytest.mark.parametrize("path", PAGES)
def test_no_markdown_left_unrendered(visited, path):
    _, seen = visited(path)
    leftovers = [m.string[max(0, m.start() - 40): m.end() + 40] for m in RAW_MARKDOWN.finditer(seen["text"])]
    assert leftovers == [], f"{path}: Markdown shown as text (not parsed)"


@pytest.mark.parametrize("path", PAGES)
def test_nothing_reaches_past_the_content_column(visited, path):
    _, seen = visited(path)
    assert seen["wide"] == [], f"{path}: outputs wider than the content column at 1280 px"


@pytest.mark.parametrize("path", PAGES)
def test_nothing_reaches_past_the_content_column_on_a_phone(browser, book_url, path):
    """The same at 390 px, a phone held upright: a wide table, formula or output scrolls in its own box."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page, _ = load(context, book_url + path)
        page.wait_for_timeout(300)
        wide = page.evaluate(WIDER_THAN_COLUMN)
    finally:
        context.close()
    assert wide == [], f"{path}: wider than the content column at 390 px"


@pytest.mark.parametrize("path", PAGES)
def test_widgets_render_once_each(visited, path):
    _, seen = visited(path)
    if seen["views"] == 0:
        assert seen["stray_widgets"] == 0
        return
    wrong = [w for w in seen["widgets"] if w["copies"] != 1 or w["rendered"] != 1]
    assert wrong == [], f"{path}: widgets missing or drawn twice"
    assert seen["subareas"] == seen["views"]
    assert seen["loader_scripts"] == {"requirejs/require.js": 1, "html-manager/embed-amd.js": 1}


# --- What a reader does on the pages the machinery owns -----------------------------------


def test_jslinked_widgets_move_together_without_a_kernel(open_page):
    """How-to-read: Play drives the slider, the slider drives the text box, in static HTML."""
    page, visit = open_page("book/00_how_to_read.html")
    page.wait_for_selector(".widget-subarea .widget-slider .noUi-handle", timeout=30_000)
    typed = page.locator(".widget-subarea input[type=number]")
    handle = page.locator(".widget-subarea .widget-slider .noUi-handle")
    assert typed.input_value() == "1"
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.widget-subarea input[type=number]').value === '2'",
        timeout=5_000,
    )
    # Play (an icon button the theme's FontAwesome must leave alone) steps on from 2 to 4.
    page.locator(".widget-subarea .widget-play button").first.click()
    page.wait_for_function(
        "() => document.querySelector('.widget-subarea input[type=number]').value === '4'",
        timeout=10_000,
    )
    assert visit.errors == [] and visit.external == []


def test_sympy_output_is_typeset_maths(open_page):
    page, _ = open_page("book/00_how_to_read.html")
    outputs = page.locator(".cell_output .math mjx-container")
    assert outputs.count() >= 2, "the sympy outputs should be typeset formulas"
    # MathJax keeps a MathML copy for screen readers: the formula is really H_out = ⌊…⌋ + 1.
    assert "⌊" in outputs.first.text_content() and "H" in outputs.first.text_content()


def test_search_finds_the_glossarys_terms(open_page):
    page, visit = open_page("search.html?q=residual")
    page.wait_for_selector("#search-results li a", timeout=20_000)
    hits = page.locator("#search-results li a").evaluate_all("els => els.map(e => e.href)")
    assert any("book/glossary.html" in h for h in hits), hits
    assert visit.external == []


def test_theme_offers_download_fullscreen_dark_mode_and_launch_buttons(open_page):
    page, visit = open_page("book/03_1_pooling_residual.html")
    assert page.locator(".dropdown-download-buttons a[href$='.ipynb']").count() == 1
    assert page.locator("button.btn-fullscreen-button").count() >= 1
    launch = page.locator(".dropdown-launch-buttons a").evaluate_all("els => els.map(e => e.href)")
    assert any("mybinder.org/v2/gh/" in href for href in launch), launch
    assert page.locator(".dropdown-launch-buttons button.thebe-launch-button, "
                        ".dropdown-launch-buttons .btn-launch-thebe").count() == 1
    before = page.evaluate("() => document.documentElement.dataset.theme")
    page.locator("button.theme-switch-button").first.click()
    after = page.evaluate("() => document.documentElement.dataset.theme")
    assert before != after and after in {"light", "dark"}
    assert visit.external == [] and visit.errors == []


def test_chapters_are_numbered(open_page):
    page, _ = open_page("book/03_1_pooling_residual.html")
    assert page.locator("h1 .section-number").first.inner_text().strip().startswith("3.1")
    nav = page.locator("nav.bd-docs-nav").inner_text()
    assert re.search(r"\b1\.\s", nav) and re.search(r"\b6\.\s", nav), nav


def test_references_page_lists_the_four_papers(open_page):
    page, _ = open_page("book/references.html")
    text = page.locator("article").inner_text()
    for needle in ("Krizhevsky", "Going deeper", "Deep residual learning", "convolution arithmetic"):
        assert needle.lower() in text.lower(), needle


def test_solutions_stay_hidden_until_clicked(open_page):
    page, visit = open_page("book/03_1_pooling_residual.html")
    solutions = page.locator("div.solution.dropdown")
    assert solutions.count() >= 1 and page.locator("div.exercise").count() >= 1
    first = solutions.first
    body = first.locator(".solution-content, section").first
    assert not body.is_visible(), "a solution is shown before the reader asks for it"
    first.locator("button.toggle-button").click()
    body.wait_for(state="visible", timeout=5_000)
    assert visit.errors == []
