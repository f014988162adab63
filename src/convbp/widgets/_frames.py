"""What the widgets share: reading a grid the reader typed, drawing grids as HTML tables, and the stepper frame.

Frames are plain HTML with inline styles and Unicode maths (δ, σ′, ⊙): the static book shows
widget outputs without typesetting LaTeX and without the notebook's CSS.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

# Shown in every widget: in the static book there is no Python to recompute, so say so.
STATIC_NOTE = (
    "<div class='convbp-note' style='font-size:0.85em;color:#555;margin:2px 0'>"
    "✎ Editing the boxes recomputes everything, but only with a live Python kernel: open this page "
    "on Binder or with <b>Live Code</b> from the rocket (🚀) button at the top of the page (or run the notebook in Jupyter). "
    "In the static book the slider and ▶ still step through the example shown.</div>"
)
LIVE_NOTE = "<div class='convbp-note' style='font-size:0.85em;color:#555;margin:2px 0'>✎ Live: edits recompute every step.</div>"

WINDOW = "background:#fde68a;outline:2px solid #d97706;outline-offset:-2px"  # the cells being read
TARGET = "background:#fecaca;outline:2px solid #dc2626;outline-offset:-2px"  # the cell being written
PAD = "color:#9ca3af;background:#f3f4f6"  # padding zeros
LATER = "color:transparent"  # cells not computed yet

_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


def sub(*indices: int) -> str:
    """1-based lecture indices as subscripts: (1, 2) -> '₁₂' (with a comma when an index has two digits)."""
    parts = [str(i).translate(_SUB) for i in indices]
    return ("," if any(i >= 10 for i in indices) else "").join(parts)


def fmt(v) -> str:
    """A number as the lecture writes it: 8, 4.5, −0.25 (no trailing zeros, no −0)."""
    f = float(v)
    if f == 0:
        return "0"
    text = f"{int(round(f))}" if abs(f - round(f)) < 1e-9 and abs(f) < 1e15 else format(f, ".4g")
    return text.replace("-", "−")


def paren(v) -> str:
    """fmt, in parentheses when negative, for products like 2·(−1)."""
    text = fmt(v)
    return f"({text})" if text.startswith("−") else text


def grid_text(grid) -> str:
    """A 2-D grid as the reader types it: rows separated by ';'."""
    return "; ".join(" ".join(fmt(v).replace("−", "-") for v in row) for row in np.asarray(grid))


def grid_box(grid, label: str, width: str = "300px") -> W.Text:
    """A text box holding a grid as rows "1 8 4 3; 7 2 1 9"; edits arrive when the reader presses Enter or leaves it."""
    return W.Text(grid_text(grid), description=label, continuous_update=False, layout=W.Layout(width=width))


def int_box(value: int, label: str) -> W.IntText:
    return W.IntText(value=value, description=label, layout=W.Layout(width="130px"))


def parse_grid(text: str, name: str, *, max_shape=(8, 8)) -> np.ndarray:
    """Read rows separated by ';' or new lines, entries by spaces or commas, into a float grid.

    Ragged rows are left for convbp to reject (its message names the argument); a word that is not
    a number, an empty grid or one larger than max_shape is rejected here.
    """
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    if not rows:
        raise ValueError(f"{name} is empty: type rows separated by ';', e.g. '1 2; 3 4'")
    values = []
    for r in rows:
        row = []
        for token in r.replace(",", " ").split():
            try:
                row.append(float(token.replace("−", "-")))
            except ValueError:
                raise ValueError(f"{name}: {token!r} is not a number") from None
        values.append(row)
    from .. import _validate

    grid = _validate.array(values, name)  # a ragged grid fails here, with convbp's own message
    if grid.ndim != 2:
        raise ValueError(f"{name} must be a 2-D grid (rows separated by ';'); got shape {grid.shape}")
    if not np.all(np.isfinite(grid)):
        raise ValueError(f"{name} must hold finite numbers")
    if grid.shape[0] > max_shape[0] or grid.shape[1] > max_shape[1]:
        raise ValueError(f"{name} may be at most {max_shape[0]}×{max_shape[1]} here (every window is a step); got {grid.shape[0]}×{grid.shape[1]}")
    return grid


def table(grid, name: str, title: str, *, styles=None, labels=None) -> str:
    """An HTML table of a 2-D grid; `styles` maps (i, j) -> inline CSS, `labels` (i, j) -> text shown instead of the number.

    data-grid=name lets tests (and readers of the page source) find each grid.
    """
    grid = np.asarray(grid)
    styles = styles or {}
    labels = labels or {}
    rows = []
    for i in range(grid.shape[0]):
        cells = []
        for j in range(grid.shape[1]):
            text = labels.get((i, j), fmt(grid[i, j]))
            style = styles.get((i, j))
            cells.append(f"<td style='{style}'>{html.escape(text)}</td>" if style else f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<div style='display:inline-block;vertical-align:top;margin:0 14px 6px 0'>"
        f"<div style='font-size:0.9em;margin-bottom:2px'>{title}</div>"
        f"<table data-grid='{name}' style='border-collapse:collapse;font-family:monospace;font-size:0.95em'>"
        + "".join(rows)
        + "</table></div>"
    )


# One rule per frame instead of a style on every cell: the static book embeds every frame's HTML.
_CELL_CSS = "<style>.convbp-frame td{border:1px solid #cbd5e1;padding:3px 7px;text-align:center;min-width:1.6em}</style>"


def frame(heading: str, tables: list[str], caption: str) -> str:
    """One step: a heading, grids side by side, and a sentence saying what happened (all in HTML)."""
    return (
        f"<div class='convbp-frame' style='line-height:1.4'>{_CELL_CSS}"
        f"<div style='font-weight:600;margin-bottom:4px'>{heading}</div>"
        f"<div>{''.join(tables)}</div>"
        f"<div class='convbp-caption' style='margin-top:2px'>{caption}</div></div>"
    )


def cells(mask) -> list[tuple[int, int]]:
    """The (i, j) of every true cell, in row-major order."""
    return [tuple(int(x) for x in ij) for ij in np.argwhere(np.asarray(mask))]


def error_html(text: str) -> str:
    return f"<div class='convbp-error' style='color:#b91c1c;font-size:0.9em'>⚠ {html.escape(text)} — showing the last valid example.</div>"


def info_html(text: str) -> str:
    return f"<div class='convbp-info' style='color:#1d4ed8;font-size:0.9em'>{html.escape(text)}</div>"


class Stepper(W.VBox):
    """Controls on top, then ▶ and a slider linked in the browser (jslink) to a Stack of precomputed frames.

    Because the links live in the browser, stepping works in the static book with no kernel;
    edits need Python, which rebuilds the frames and swaps them into the Stack.
    """

    def __init__(self, controls, frames: list[str]):
        self.frames: list[str] = []
        self.error = ""
        self._views: list[W.HTML] = []
        self.message = W.HTML()
        self.note = W.HTML(STATIC_NOTE)
        self.stack = W.Stack([])
        self.slider = W.IntSlider(value=0, min=0, max=0, description="step", readout=True, layout=W.Layout(width="380px"))
        self.play = W.Play(value=0, min=0, max=0, interval=1200, description="play")
        W.jslink((self.play, "value"), (self.slider, "value"))
        W.jslink((self.slider, "value"), (self.stack, "selected_index"))
        self._show(frames)
        super().__init__([*controls, self.message, self.note, W.HBox([self.play, self.slider]), self.stack])

    @property
    def current(self) -> str:
        """The frame the slider points at (what the reader sees)."""
        return self.frames[self.slider.value]

    def _show(self, frames: list[str]) -> None:
        while len(self._views) < len(frames):
            self._views.append(W.HTML())
        for view, text in zip(self._views, frames):
            if view.value != text:
                view.value = text
        n, old = len(frames), len(self.stack.children)
        step = min(self.slider.value, n - 1)
        if n >= old:
            self.stack.children = tuple(self._views[:n])
        self.play.max = self.slider.max = n - 1
        self.play.value = self.slider.value = step
        self.stack.selected_index = step  # jslink syncs it in the browser; keep Python's copy in step too
        if n < old:
            self.stack.children = tuple(self._views[:n])
        self.frames = list(frames)

    def _update(self, compute) -> bool:
        """Run compute() -> frames; on a ValueError/TypeError show its message and keep the last good frames."""
        try:
            frames = compute()
        except (ValueError, TypeError) as exc:
            self.error = str(exc)
            self.message.value = error_html(self.error)
            return False
        self.error = ""
        self.message.value = ""
        self._show(frames)
        self.note.value = LIVE_NOTE  # an edit came back from Python, so the kernel is live
        return True
