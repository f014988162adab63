"""Notebooks are committed clean, and the toc is exactly the book.

A notebook's outputs belong to the build, not to git: committed outputs go stale the
moment the package changes, and make diffs unreadable.
"""

from __future__ import annotations

import re
import subprocess

import nbformat
import pytest

from _book import ROOT, toc_files, toc_paths, toc_source


def committed_notebooks() -> list[str]:
    """Every .ipynb git tracks (or, outside a git checkout, every one under book/ and tests/)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
    if not out:
        out = [str(p.relative_to(ROOT)) for d in ("book", "tests") for p in (ROOT / d).rglob("*.ipynb")]
    return sorted(p for p in out if ".ipynb_checkpoints" not in p and (ROOT / p).exists())


NOTEBOOKS = committed_notebooks()


def test_there_are_notebooks():
    assert any(p.startswith("book/") for p in NOTEBOOKS), "no notebook found under book/"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(ROOT / path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        f"cell {i}: {len(cell.outputs)} outputs, execution_count={cell.execution_count}"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path} has outputs; strip them before committing:\n" + "\n".join(dirty)
    assert "widgets" not in nb.metadata, f"{path} carries saved widget state in its metadata"


# The book's pages come from the toc (tests/book/_book.py reads it): adding a chapter means
# adding it to _toc.yml, and these tests then check it like every other page.
TOCS = [str(p.relative_to(ROOT)) for p in toc_paths()]


def _number(doc: str) -> tuple[int, ...] | None:
    """A lecture chapter's or section's number, from its file name (03_backprop → (3,), 03_1_… → (3, 1)); else None."""
    found = re.match(r"\d+(?:_\d+)*(?=_|$)", doc.rsplit("/", 1)[-1])
    return tuple(int(n) for n in found.group().split("_")) if found else None


def _numbered(doc: str) -> bool:
    return _number(doc) is not None


@pytest.mark.parametrize("toc", TOCS)
def test_toc_keeps_the_lectures_order(toc):
    """The root page first, then the numbered pages in the order of their numbers (the lecture's),
    then the reference pages; no page twice."""
    docs = toc_files(toc)
    assert docs[0] == "book/intro"
    assert len(set(docs)) == len(docs), f"{toc} lists a page twice"
    numbered = [d for d in docs[1:] if _numbered(d)]
    assert numbered and numbered == sorted(numbered, key=_number), f"{toc}: numbered pages out of their order: {numbered}"
    first_reference = next((i for i, d in enumerate(docs[1:]) if not _numbered(d)), len(docs) - 1)
    assert all(not _numbered(d) for d in docs[1 + first_reference :]), f"{toc}: a numbered page after the reference pages"


@pytest.mark.parametrize("doc", sorted({doc for toc in TOCS for doc in toc_files(toc)}))
def test_every_toc_entry_has_a_source(doc):
    assert toc_source(doc).stat().st_size > 0


def test_no_page_in_book_is_left_out_of_the_toc():
    listed = {str(toc_source(doc).relative_to(ROOT)) for doc in toc_files()}
    pages = {
        str(p.relative_to(ROOT))
        for suffix in ("*.ipynb", "*.md")
        for p in (ROOT / "book").glob(suffix)
    }
    assert pages - listed == set(), "pages in book/ that the toc does not list"


# The book's code column holds about 76 characters at 1280 px; a longer line hides its end
# behind a scroll bar.
CODE_COLUMN = 76


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.startswith("book/")])
def test_code_lines_fit_the_code_column(path):
    nb = nbformat.read(ROOT / path, as_version=4)
    long = [
        f"cell {i} ({cell.get('id', '?')}), {len(line)} characters: {line.strip()[:60]}"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if len(line) > CODE_COLUMN
    ]
    assert not long, f"{path}: code lines over {CODE_COLUMN} characters:\n" + "\n".join(long)
