"""Fixtures for the book's own tests: the built HTML of both editions and a loopback server.

The book is built once per session with `make book` (strict: warnings are errors),
unless the last build is fresh, i.e. newer than every file it is made from.

`built_book` and `book_url` are parametrized by edition ("en", "zh"): every test that
uses them runs on the English and on the Chinese pages. `edition` says which one a test
is on (its folder and its language); `whole_book` is _build/html with both.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from _book import EDITIONS, HTML, ROOT, edition_html, stale_sources


@dataclass(frozen=True)
class Edition:
    folder: str  # under _build/html/
    language: str  # Sphinx's language, and the package's CONVBP_LANG

    @property
    def english(self) -> bool:
        return self.language == "en"


@pytest.fixture(scope="session")
def whole_book() -> Path:
    """_build/html (both editions), rebuilt with `make book` unless newer than every source."""
    stale = stale_sources()
    if stale:
        result = subprocess.run(
            ["make", "book"], cwd=ROOT, capture_output=True, text=True, timeout=1800
        )
        if result.returncode != 0:
            log = (result.stdout + result.stderr)[-6000:]
            pytest.fail(f"`make book` failed (warnings are errors):\n{log}", pytrace=False)
    return HTML


@pytest.fixture(scope="session", params=list(EDITIONS), ids=lambda folder: folder)
def edition(request) -> Edition:
    return Edition(request.param, EDITIONS[request.param])


@pytest.fixture(scope="session")
def built_book(whole_book: Path, edition: Edition) -> Path:
    """One edition's pages: _build/html/en or _build/html/zh."""
    return edition_html(edition.folder)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def site_url(whole_book: Path):
    """Base URL of _build/html (both editions and the chooser), served on 127.0.0.1 by a thread."""
    handler = functools.partial(_QuietHandler, directory=str(whole_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def book_url(site_url: str, built_book: Path, edition: Edition) -> str:
    """Base URL of one edition (its pages have the same paths in both)."""
    return f"{site_url}{edition.folder}/"
