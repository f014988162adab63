"""Paths and helpers shared by the book's tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
HTML = BUILD / "html"  # both editions side by side (en/, zh/) and the language chooser index.html
STAMP = BUILD / ".book-built"  # touched by `make book` after a successful build

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from convbp_book import EDITIONS as _EDITIONS  # noqa: E402  (the one table of the book's editions)

# folder under _build/html/ -> the Sphinx language (and CONVBP_LANG) it is built with
EDITIONS = {e["folder"]: language for language, e in _EDITIONS.items()}
LOCALE = ROOT / "locale"


def edition_html(folder: str) -> Path:
    """_build/html/<folder>: one edition's pages."""
    return HTML / folder


def execution_cache(folder: str) -> Path:
    """One edition's jupyter-cache (outputs differ by language, so each edition has its own)."""
    return BUILD / folder / "_build" / ".jupyter_cache"


@contextmanager
def package_language(language: str):
    """The package's language setting (CONVBP_LANG) while Python makes what a test expects,
    so that it says what the edition's executed notebooks said."""
    old = os.environ.get("CONVBP_LANG")
    os.environ["CONVBP_LANG"] = language
    try:
        yield
    finally:
        if old is None:
            del os.environ["CONVBP_LANG"]
        else:
            os.environ["CONVBP_LANG"] = old
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Whatever the book is made from: a change to any of these makes the build stale.
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", "node_modules", ".pytest_cache"}


def toc_paths() -> list[Path]:
    """Every table of contents at the root: _toc.yml first, then any other edition's (_toc.zh.yml, …)."""
    main = ROOT / "_toc.yml"
    return [main] + sorted(p for p in ROOT.glob("_toc*.yml") if p != main)


def toc_files(toc: Path | str = "_toc.yml") -> list[str]:
    """Every document of a table of contents (without suffix, relative to the root), in reading order.

    Read from the file itself, whatever its shape (parts, chapters, sections, at any depth), so a
    chapter added to the toc is tested everywhere without touching a test.
    """
    toc = yaml.safe_load((ROOT / toc).read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return found


def pages_calling(*names: str) -> list[str]:
    """The notebooks of _toc.yml (as doc names, in reading order) whose code cells call one of `names`, e.g. 'PoolingStepper('."""
    import nbformat

    pages = []
    for doc in toc_files():
        path = toc_source(doc)
        if path.suffix != ".ipynb":
            continue
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        if any(name in code for name in names):
            pages.append(doc)
    return pages


def toc_source(doc: str) -> Path:
    """The .ipynb or .md file behind a toc entry."""
    for suffix in (".ipynb", ".md"):
        path = ROOT / (doc + suffix)
        if path.exists():
            return path
    raise FileNotFoundError(f"{doc}: neither .ipynb nor .md exists (listed in _toc.yml)")


def book_sources() -> list[Path]:
    roots = [ROOT / "book", ROOT / "src" / "convbp"]
    roots.append(LOCALE)  # the translations and the Chinese edition's settings
    files = [ROOT / name for name in ("_config.yml", "_toc.yml", "requirements.txt", "scripts/editions.py")]
    for root in roots:
        files += [p for p in root.rglob("*") if p.is_file() and not SKIP_PARTS & set(p.parts)
                  and p.suffix != ".mo"]  # Sphinx compiles .mo from .po while it builds
    return files


def stale_sources() -> list[Path]:
    """Sources newer than the last successful build (all of them if there is none)."""
    pages = [HTML / "index.html"] + [edition_html(f) / "index.html" for f in EDITIONS]
    if not STAMP.exists() or not all(p.exists() for p in pages):
        return book_sources()
    built = STAMP.stat().st_mtime
    return [p for p in book_sources() if p.stat().st_mtime > built]


def require_chromium() -> None:
    """Skip on a developer machine without Chromium; fail in CI, where it must be installed."""
    if Path(CHROMIUM).exists():
        return
    message = f"{CHROMIUM} is missing: `apt-get install chromium` (.ci/run does it)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (its own browser download cannot run here)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def block_outside(context) -> list[str]:
    """Abort every request of `context` that would leave the machine; returns the list they are noted in."""
    outside: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:", "file:")) or (urlparse(url).hostname or "") in LOOPBACK:
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    return outside


def wait_for(check, timeout: float = 20.0):
    """Poll until check() stops raising: widgets and kernels answer asynchronously."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.time() + timeout
    while True:
        try:
            return check()
        except (AssertionError, PlaywrightError):
            if time.time() > deadline:
                raise
            time.sleep(0.2)
