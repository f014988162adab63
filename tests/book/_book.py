"""Paths and helpers shared by the book's tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
HTML = BUILD / "html"
STAMP = BUILD / ".book-built"  # touched by `make book` after a successful build
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


def toc_files() -> list[str]:
    """Every document of _toc.yml (without suffix, relative to the root), in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
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


def toc_source(doc: str) -> Path:
    """The .ipynb or .md file behind a toc entry."""
    for suffix in (".ipynb", ".md"):
        path = ROOT / (doc + suffix)
        if path.exists():
            return path
    raise FileNotFoundError(f"{doc}: neither .ipynb nor .md exists (listed in _toc.yml)")


def book_sources() -> list[Path]:
    roots = [ROOT / "book", ROOT / "src" / "convbp"]
    files = [ROOT / name for name in ("_config.yml", "_toc.yml", "requirements.txt")]
    for root in roots:
        files += [p for p in root.rglob("*") if p.is_file() and not SKIP_PARTS & set(p.parts)]
    return files


def stale_sources() -> list[Path]:
    """Sources newer than the last successful build (all of them if there is none)."""
    if not STAMP.exists() or not (HTML / "index.html").exists():
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
