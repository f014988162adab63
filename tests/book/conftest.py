"""Fixtures for the book's own tests: the built HTML and a loopback server for it.

The book is built once per session with `make book` (strict: warnings are errors),
unless the last build is fresh, i.e. newer than every file it is made from.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from pathlib import Path

import pytest

from _book import HTML, ROOT, stale_sources


@pytest.fixture(scope="session")
def built_book() -> Path:
    """_build/html, rebuilt with `make book` unless the last build is newer than every source."""
    stale = stale_sources()
    if stale:
        result = subprocess.run(
            ["make", "book"], cwd=ROOT, capture_output=True, text=True, timeout=1800
        )
        if result.returncode != 0:
            log = (result.stdout + result.stderr)[-6000:]
            pytest.fail(f"`make book` failed (warnings are errors):\n{log}", pytrace=False)
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="session")
def book_url(built_book: Path):
    """Base URL of the built book, served on 127.0.0.1 by a thread of this process."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
