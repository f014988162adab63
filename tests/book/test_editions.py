"""The two editions, English (_build/html/en/) and Chinese (_build/html/zh/), from one source.

- Every catalogue entry (locale/zh_CN/LC_MESSAGES/book/*.po) is translated and none is
  fuzzy: a new or changed English paragraph must come with its translation, or the Chinese
  page would show it in English. (The strict zh build fails on the same thing, page by page:
  book/_ext/convbp_book.py, EveryMessageIsTranslated.)
- The Chinese configuration is _config.yml with only the settings an edition must change;
  its toc is the English toc (scripts/editions.py generates both).
- Every page has a visible, named, keyboard-reachable switch to the same page in the other
  edition, and it leads to a page that exists; _build/html/index.html sends a reader to the
  edition in the browser's language and links to both (without JavaScript too).
- The numbers in the Chinese pages' outputs are the English pages' numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from _book import EDITIONS, HTML, LOCALE, ROOT, block_outside, chromium, edition_html, toc_files

sys.path.insert(0, str(ROOT / "scripts"))
import editions  # noqa: E402  (scripts/editions.py)

PAGES = [doc + ".html" for doc in toc_files()] + ["genindex.html", "search.html"]
TRANSLATED = [language for language in EDITIONS.values() if language != "en"]


# --- The catalogues: nothing untranslated, nothing fuzzy -----------------------------------


def catalogue_problems(po: Path) -> list[str]:
    """Each entry of a .po file that a reader of the translated edition would see in English."""
    with po.open("rb") as f:
        catalogue = read_po(f)
    problems = []
    for message in catalogue:
        if not message.id:
            continue  # the header
        text = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            problems.append(f"{po.name}: fuzzy (the English changed; check the translation): {text[:80]!r}")
        elif not all(s and s.strip() for s in strings):
            problems.append(f"{po.name}: not translated: {text[:80]!r}")
    return problems


def catalogues(language: str) -> list[Path]:
    return sorted((LOCALE / language / "LC_MESSAGES").rglob("*.po"))


def test_catalogue_problems_finds_untranslated_and_fuzzy_entries(tmp_path):
    """The check itself, on a made-up catalogue: one good, one empty, one fuzzy entry."""
    po = tmp_path / "page.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Pooling"\nmsgstr "池化"\n\n'
        'msgid "The residual"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "The kernel, flipped"\nmsgstr "卷积核"\n',
        encoding="utf-8",
    )
    problems = catalogue_problems(po)
    assert len(problems) == 2
    assert "not translated" in problems[0] and "The residual" in problems[0]
    assert "fuzzy" in problems[1] and "The kernel, flipped" in problems[1]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_page_has_a_catalogue(language):
    have = {str(p.relative_to(LOCALE / language / "LC_MESSAGES").with_suffix("")) for p in catalogues(language)}
    assert set(toc_files()) <= have, f"pages without a catalogue: {set(toc_files()) - have} (run `make translations`)"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalogue_entry_is_untranslated_or_fuzzy(language):
    problems = [p for po in catalogues(language) for p in catalogue_problems(po)]
    assert problems == [], (
        f"{len(problems)} entries of locale/{language}/ would show English in that edition "
        "(translate them; `make translations` brings the catalogues up to date first):\n"
        + "\n".join(problems[:40])
    )


# --- The Chinese configuration: only what must differ --------------------------------------


@pytest.mark.parametrize("language", TRANSLATED)
def test_edition_config_differs_only_where_it_must(language):
    english = editions.leaves(editions.edition_config("en"))
    translated = editions.leaves(editions.edition_config(language))
    differ = {k for k in english.keys() | translated.keys() if english.get(k) != translated.get(k)}
    assert differ <= editions.EDITION_KEYS, f"settings that differ but need not: {differ - editions.EDITION_KEYS}"
    assert translated[("sphinx", "config", "language")] == language
    assert ("title",) in differ, "the edition has its own title"


def test_an_edition_may_not_change_other_settings(tmp_path, monkeypatch):
    """edition.yml cannot slip in another setting (e.g. turn warnings off or execution off)."""
    (tmp_path / "locale" / "zh_CN").mkdir(parents=True)
    (tmp_path / "locale" / "zh_CN" / "edition.yml").write_text(
        "sphinx:\n  config:\n    language: zh_CN\nexecute:\n  execute_notebooks: 'off'\n", encoding="utf-8")
    (tmp_path / "_config.yml").write_text((ROOT / "_config.yml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(editions, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match="execute.execute_notebooks"):
        editions.edition_config("zh_CN")


@pytest.mark.parametrize("folder", list(EDITIONS))
def test_generated_config_and_toc_are_the_sources(folder, tmp_path, monkeypatch):
    """What `make book` builds each edition from: the edition's config, the English toc, and
    the local extension (its path made absolute) found where _config.yml says."""
    monkeypatch.setattr(editions, "BUILD", tmp_path)
    config_path, toc_path = editions.write_config(folder)
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    toc, english_toc = (yaml.safe_load(p.read_text(encoding="utf-8")) for p in (toc_path, ROOT / "_toc.yml"))
    captions = editions.caption_translations(EDITIONS[folder]) if folder != "en" else {}
    for part in english_toc.get("parts", []):
        part["caption"] = captions.get(part["caption"], part["caption"])
    assert toc == english_toc, "the edition's toc is _toc.yml (the same files, the same order), captions translated"
    english = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    for name, path in english["sphinx"]["local_extensions"].items():
        assert Path(config["sphinx"]["local_extensions"][name]) == (ROOT / path).resolve()
    config["sphinx"]["local_extensions"] = english["sphinx"]["local_extensions"]
    assert editions.leaves(config) == editions.leaves(editions.edition_config(EDITIONS[folder]))


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_toc_captions_are_in_the_catalogue(language):
    """The toc's part captions are translated in the root page's catalogue (gettext puts them
    there; scripts/editions.py takes them from there into the edition's toc)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    po = LOCALE / language / "LC_MESSAGES" / (toc["root"] + ".po")
    with po.open("rb") as f:
        ids = {m.id for m in read_po(f)}
    assert {part["caption"] for part in toc["parts"]} <= ids


def test_the_makefile_builds_every_edition():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    listed = re.search(r"^EDITIONS := (.*)$", makefile, re.MULTILINE).group(1).split()
    assert listed == list(EDITIONS)


# --- Both editions built: the switch, the chooser, the same numbers -------------------------


def page_of(path: Path) -> tuple[str, str]:
    """(edition folder, page path inside it) of a built page."""
    relative = path.resolve().relative_to(HTML.resolve())
    return relative.parts[0], "/".join(relative.parts[1:])


def test_every_page_links_to_its_counterpart(built_book, edition):
    """The switch on each page leads to the same page in the other edition, which exists."""
    other = next(f for f in EDITIONS if f != edition.folder)
    for path in PAGES:
        soup = BeautifulSoup((built_book / path).read_text(encoding="utf-8"), "html.parser")
        switches = soup.select("a.convbp-language-switch")
        assert len(switches) == 1, f"{path}: {len(switches)} language switches"
        target = (built_book / path).parent / switches[0]["href"]
        assert target.exists(), f"{path}: the switch leads to {switches[0]['href']}, which was not built"
        assert page_of(target) == (other, path)
        assert switches[0].get("aria-label", "").startswith(switches[0].get_text(strip=True))
        tag = editions.EDITIONS[EDITIONS[other]]["tag"]
        assert switches[0]["hreflang"] == tag
        html_tag = soup.find("html")
        assert html_tag.get("lang") == editions.EDITIONS[edition.language]["tag"], f"{path}: <html lang>"


def output_numbers(page: Path) -> list[list[str]]:
    """Per code-cell output of a page, the numbers a reader sees in it (widget state excluded),
    in sorted order: a Chinese sentence may name the same numbers in another order."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = []
    for output in soup.select("article div.cell_output"):
        for script in output.select("script, style"):
            script.decompose()
        text = output.get_text(" ").replace("−", "-")
        found.append(sorted(re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)))
    return found


@pytest.mark.parametrize("path", PAGES)
def test_the_chinese_pages_show_the_english_numbers(whole_book, path):
    """The same code ran for both editions: every output has the same numbers, and the same
    figures (the words around them and in the figures are the edition's language)."""
    en, zh = edition_html("en") / path, edition_html("zh") / path
    assert output_numbers(zh) == output_numbers(en), f"{path}: the outputs' numbers differ between the editions"
    count = lambda p: len(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").select("article .cell_output img"))
    assert count(zh) == count(en)


def test_the_chooser_links_to_both_editions(whole_book):
    soup = BeautifulSoup((whole_book / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.select("main a")]
    assert sorted(urlsplit(h).path.split("/")[0] for h in hrefs) == sorted(EDITIONS)
    for href in hrefs:
        assert (whole_book / href).exists(), href


@pytest.fixture(scope="module")
def browser(site_url):
    with chromium() as b:
        yield b


@pytest.mark.browser
@pytest.mark.parametrize("locale, expected", [("zh-CN", "zh"), ("zh-TW", "zh"), ("en-GB", "en"), ("fr-FR", "en")])
def test_the_chooser_sends_a_reader_to_their_language(browser, site_url, locale, expected):
    context = browser.new_context(locale=locale)
    outside = block_outside(context)
    try:
        page = context.new_page()
        page.goto(site_url, wait_until="load")
        page.wait_for_url(re.compile(rf"/{expected}/book/"), timeout=10_000)
        assert page.evaluate("document.documentElement.lang").lower().startswith(expected)
    finally:
        context.close()
    assert outside == []


@pytest.mark.browser
def test_the_chooser_works_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    block_outside(context)
    try:
        page = context.new_page()
        page.goto(site_url, wait_until="load")
        links = page.locator("main a")
        assert links.count() == len(EDITIONS)
        assert all(links.nth(i).is_visible() for i in range(links.count()))
        links.nth(1).click()
        page.wait_for_load_state("load")
        assert f"/{list(EDITIONS)[1]}/" in page.url
    finally:
        context.close()


SWITCH_PAGES = ["book/glossary.html", "search.html"]  # a page in book/ and one at the top


@pytest.mark.browser
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_switch_is_visible_and_works_from_the_keyboard(browser, book_url, edition, width, mode):
    """At 1280 and 390 px, light and dark: the switch is on screen, readable, reached with Tab,
    and Enter opens the same page in the other edition."""
    other = next(f for f in EDITIONS if f != edition.folder)
    for path in SWITCH_PAGES:
        context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=mode)
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        outside = block_outside(context)
        try:
            page = context.new_page()
            page.goto(book_url + path, wait_until="load")
            switch = page.locator("a.convbp-language-switch")
            assert switch.count() == 1 and switch.is_visible(), f"{path} at {width} px: the switch is not shown"
            box = switch.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{path} at {width} px: the switch is cut off"
            colours = switch.evaluate("""e => { const s = getComputedStyle(e.querySelector('.convbp-language-switch__name'));
                                                 return [s.color, s.visibility, s.display]; }""")
            assert colours[1] == "visible" and colours[2] != "none"
            beyond = page.evaluate("""w => Array.from(document.querySelectorAll(
                  '.header-article-items__end a, .header-article-items__end button'))
                .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > w + 1)
                .map(e => e.className)""", width)
            assert beyond == [], f"{path} at {width} px: header buttons pushed off the screen"
            for _ in range(60):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.classList.contains('convbp-language-switch')"):
                    break
            else:
                pytest.fail(f"{path}: Tab never reaches the language switch", pytrace=False)
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(rf"/{other}/{re.escape(path)}$"), timeout=10_000)
            assert page.locator("a.convbp-language-switch").count() == 1
        finally:
            context.close()
        assert outside == []


# The theme's controls whose names its catalogues or book-setup.js put in Chinese.
THEME_CONTROLS = [
    ".theme-switch-button", ".primary-toggle", ".secondary-toggle", "nav.bd-docs-nav",
    ".dropdown-launch-buttons .dropdown-toggle", ".search-button-field", "a.convbp-language-switch",
]
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.browser
def test_the_chinese_theme_names_its_controls_in_chinese(browser, site_url):
    context = browser.new_context()
    block_outside(context)
    try:
        page = context.new_page()
        page.goto(site_url + "zh/book/03_1_pooling_residual.html", wait_until="load")
        page.wait_for_timeout(500)
        names = {
            selector: page.locator(selector).first.evaluate(
                "e => [e.getAttribute('aria-label'), e.getAttribute('title'), e.innerText].filter(Boolean).join(' | ')")
            for selector in THEME_CONTROLS
        }
    finally:
        context.close()
    english = {s: n for s, n in names.items() if not HAN.search(n)}
    assert english == {}, f"theme controls named in English on a Chinese page: {english}"


@pytest.mark.parametrize("path", [doc + ".html" for doc in toc_files() if (ROOT / (doc + ".ipynb")).exists()])
def test_launch_buttons_open_the_same_notebook_from_either_edition(whole_book, path):
    """Binder and the download button serve the one notebook both editions are built from."""
    def launch_links(page: Path) -> list[str]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        return [a["href"] for a in soup.select(".dropdown-launch-buttons a[href]")]

    en, zh = launch_links(edition_html("en") / path), launch_links(edition_html("zh") / path)
    assert any("mybinder.org/v2/gh/" in h and path.replace(".html", ".ipynb") in h for h in en), en
    assert zh == en
