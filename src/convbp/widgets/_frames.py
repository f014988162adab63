"""What the widgets share: reading a grid the reader typed, drawing grids as HTML tables, and the stepper frame.

Frames are plain HTML with inline styles and Unicode maths (δ, σ′, ⊙): the static book shows
widget outputs without typesetting LaTeX and without the notebook's CSS.
"""

from __future__ import annotations

import html
from contextlib import contextmanager

import ipywidgets as W
from ipywidgets.widgets.widget_string import HTMLStyle
import numpy as np

from ._views import chosen, switch
from ._where import static_book
from ..i18n import N_, tr

# Colours: the window being read and the cell being written differ in hue (amber / blue, told apart
# by colour-blind readers too) AND in outline (dashed / solid), and set their own dark text so they
# stay readable when the page is in dark mode.
WINDOW = "background:#fde68a;color:#1f2937;outline:2px dashed #b45309;outline-offset:-2px"  # the cells being read
TARGET = "background:#bfdbfe;color:#1f2937;outline:3px solid #1d4ed8;outline-offset:-3px;font-weight:700"  # the cell being written
PAD = "color:#4b5563;background:#e5e7eb;font-style:italic"  # padding zeros
LATER = "color:transparent"  # cells not computed yet

# Notes and messages take their colours from classes, so dark mode (pydata-sphinx-theme's
# html[data-theme=dark]) gets colours with enough contrast on a dark page.
_NOTE_CSS = (
    "<style>.convbp-note{font-size:0.85em;margin:2px 0;line-height:1.4}"
    ".convbp-error{color:#b91c1c;font-size:0.9em}.convbp-info{color:#1d4ed8;font-size:0.9em}"
    "html[data-theme=dark] .convbp-error{color:#fca5a5}html[data-theme=dark] .convbp-info{color:#93c5fd}"
    "@media (prefers-color-scheme: dark){html:not([data-theme=light]) .convbp-error{color:#fca5a5}"
    "html:not([data-theme=light]) .convbp-info{color:#93c5fd}}</style>"
)
LIVE_WAY = N_(
    "open this page on Binder or with <b>Live Code</b> from the rocket (🚀) button at the top of the page, "
    "or run the notebook in Jupyter"
)


def static_note(works: str, needs_kernel: str) -> str:
    """The one line under a widget in the static book: which of ITS controls work here, which need a kernel and how to get one."""
    return (
        f"<div class='convbp-note'>{_NOTE_CSS}"
        + tr("✓ Here: {works}. ✎ {needs_kernel} greyed out: they need a live Python kernel to recompute — {way}.",
             works=works, needs_kernel=needs_kernel, way=tr(LIVE_WAY))
        + "</div>"
    )


def live_note(what: str) -> str:
    return f"<div class='convbp-note'>{_NOTE_CSS}" + tr("✎ Live: {what}.", what=what) + "</div>"


_SUB = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


@contextmanager
def quietly(widget):
    """While inside, widget._quiet is True: its observers ignore the values Python itself sets,
    so refitting a box after an edit does not start a second recompute."""
    widget._quiet = True
    try:
        yield
    finally:
        widget._quiet = False


def onehot(shape, index) -> np.ndarray:
    """Zeros with a single one at `index`: a residual sent back from one window alone."""
    e = np.zeros(shape)
    e[index] = 1.0
    return e


def numbered(shape) -> np.ndarray:
    """1, 2, …, n in a grid: a fresh residual that fits a new shape, and, pushed through rot180 / dilate /
    zero_pad, a tag telling which entry lands where (0 = a zero that was added)."""
    return np.arange(1, int(np.prod(shape)) + 1, dtype=float).reshape(shape)


def fit_delta(delta: np.ndarray, shape) -> tuple[np.ndarray, str]:
    """δ kept if it has z's new `shape`, else 1, 2, … in that shape, with the note that says so ('' if kept)."""
    if delta.shape == tuple(shape):
        return delta, ""
    fresh = numbered(shape)
    return fresh, tr("z is now {shape}, so δ was reset to {delta} (edit it above).",
                     shape=f"{shape[0]}×{shape[1]}", delta=grid_text(fresh))


def sub(*indices: int) -> str:
    """1-based lecture indices as subscripts: (1, 2) -> '₁₂' (with a comma when an index has two digits)."""
    parts = [str(i).translate(_SUB) for i in indices]
    return ("," if any(i >= 10 for i in indices) else "").join(parts)


def fmt(v) -> str:
    """A number as the lecture writes it: 8, 4.5, −0.25 (no trailing zeros, no −0)."""
    f = float(v)
    if f == 0:
        return "0"
    if not np.isfinite(f):  # an overflowing entry: show it, as the kernels computed it
        return "NaN" if np.isnan(f) else ("∞" if f > 0 else "−∞")
    text = f"{int(round(f))}" if abs(f - round(f)) < 1e-9 and abs(f) < 1e15 else format(f, ".4g")
    return text.replace("-", "−")


def paren(v) -> str:
    """fmt, in parentheses when negative, for products like 2·(−1)."""
    text = fmt(v)
    return f"({text})" if text.startswith("−") else text


def typed(v) -> str:
    """A number as the reader types it into a box (ASCII minus)."""
    return fmt(v).replace("−", "-")


def grid_text(grid) -> str:
    """A 2-D grid as the reader types it: rows separated by ';'."""
    return "; ".join(" ".join(typed(v) for v in row) for row in np.asarray(grid))


def grid_box(grid, label: str, width: str = "300px", *, live: bool = True) -> W.Text:
    """A text box holding a grid as rows "1 8 4 3; 7 2 1 9"; edits arrive when the reader presses Enter or leaves it.

    live=False (the static book): disabled, since no Python is there to recompute.
    """
    return W.Text(grid_text(grid), description=label, tooltip=tr("{label}: rows separated by ';'", label=label), continuous_update=False,
                  disabled=not live, layout=W.Layout(width=width))


def int_box(value: int, label: str, *, live: bool = True) -> W.IntText:
    return W.IntText(value=value, description=label, tooltip=label, disabled=not live, layout=W.Layout(width="130px"))


def parse_grid(text: str, name: str, *, max_shape=(8, 8)) -> np.ndarray:
    """Read rows separated by ';' or new lines, entries by spaces or commas, into a float grid.

    Ragged rows are left for convbp to reject (its message names the argument); a word that is not
    a number, an empty grid or one larger than max_shape is rejected here, in the reader's language
    (the widgets show these messages; convbp's own stay English).
    """
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    if not rows:
        raise ValueError(tr("{name} is empty: type rows separated by ';', e.g. '1 2; 3 4'", name=name))
    values = []
    for r in rows:
        row = []
        for token in r.replace(",", " ").split():
            try:
                row.append(float(token.replace("−", "-")))
            except ValueError:
                raise ValueError(tr("{name}: {token} is not a number", name=name, token=repr(token))) from None
        values.append(row)
    from .. import _validate

    grid = _validate.array(values, name)  # a ragged grid fails here, with convbp's own message
    if grid.ndim != 2:
        raise ValueError(tr("{name} must be a 2-D grid (rows separated by ';'); got shape {shape}", name=name, shape=grid.shape))
    if not np.all(np.isfinite(grid)):
        raise ValueError(tr("{name} must hold finite numbers", name=name))
    if grid.shape[0] > max_shape[0] or grid.shape[1] > max_shape[1]:
        raise ValueError(tr("{name} may be at most {most} here (every window is a step); got {got}", name=name,
                            most=f"{max_shape[0]}×{max_shape[1]}", got=f"{grid.shape[0]}×{grid.shape[1]}"))
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
    shown = tr("⚠ {message} — showing the last valid example.", message=html.escape(text))
    return f"{_NOTE_CSS}<div class='convbp-error' role='alert'>{shown}</div>"


def info_html(text: str) -> str:
    return f"{_NOTE_CSS}<div class='convbp-info' role='status'>{html.escape(text)}</div>"


def unexpected(exc: BaseException) -> str:
    """The message for an error no check foresaw: an observer must never let it escape (the widget would freeze silently)."""
    return tr("this entry could not be computed ({error})", error=f"{type(exc).__name__}: {exc}")


def overflow_note(state: dict, inputs) -> str:
    """An info line when a result holds ∞ or NaN, naming the largest entry the reader typed; '' otherwise."""
    results = [k for k, v in state.items() if k not in inputs and isinstance(v, (np.ndarray, float)) and not np.all(np.isfinite(v))]
    if not results:
        return ""
    name, flat = max(((k, int(np.argmax(np.abs(state[k])))) for k in inputs), key=lambda kf: abs(state[kf[0]].flat[kf[1]]))
    i, j = np.unravel_index(flat, state[name].shape)
    letter = "δ" if name == "delta" else name
    return info_html(tr(
        "{entry} = {value} is too large for floating point (at most about 1.8e308): "
        "the results show ∞ or NaN where it overflowed.",
        entry=f"{letter}{sub(i + 1, j + 1)}", value=fmt(state[name][i, j]),
    ))


class Steps(W.VBox):
    """▶ and a step slider linked in the browser (jslink) to a Stack of precomputed frames: one example, stepped.

    Because the links live in the browser, stepping works in the static book with no kernel.
    show(frames) swaps in new frames (live edits) and keeps the reader's step when it still exists.
    """

    def __init__(self, frames: list[str], what: str = N_("example")):  # what: shown through tr
        # Every widget is made with its final values: each later change is one more message from the kernel,
        # and a cell with several hundred widgets can overrun the kernel's IOPub queue (1000 messages), which
        # silently drops the last widgets from the state `make book` saves.
        self.frames = list(frames)
        # The frames share one Layout and one style model: three models per frame would be two too many.
        self._frame_layout, self._frame_style = W.Layout(), HTMLStyle()
        self._views = [self._frame(text) for text in frames]
        self.stack = W.Stack(self._views, selected_index=0)
        last = len(frames) - 1
        what = tr(what)
        self.slider = W.IntSlider(value=0, min=0, max=last, description=tr("step"), tooltip=tr("step through the {what} (arrow keys)", what=what),
                                  readout=True, layout=W.Layout(width="380px"))
        self.play = W.Play(value=0, min=0, max=last, interval=1200, description=tr("play"), tooltip=tr("play the {what}'s steps", what=what))
        W.jslink((self.play, "value"), (self.slider, "value"))
        W.jslink((self.slider, "value"), (self.stack, "selected_index"))
        super().__init__([W.HBox([self.play, self.slider]), self.stack])
        self.add_class("convbp-steps")

    def _frame(self, text: str) -> W.HTML:
        return W.HTML(text, layout=self._frame_layout, style=self._frame_style)

    @property
    def current(self) -> str:
        """The frame the slider points at (what the reader sees)."""
        return self.frames[self.slider.value]

    def show(self, frames: list[str]) -> None:
        while len(self._views) < len(frames):
            self._views.append(self._frame(""))
        for view, text in zip(self._views, frames):
            if view.value != text:
                view.value = text
        n, old = len(frames), len(self.stack.children)
        step = min(self.slider.value, n - 1)  # the step count follows the frames: never an out-of-range frame
        if n >= old:
            self.stack.children = tuple(self._views[:n])
        self.play.max = self.slider.max = n - 1
        self.play.value = self.slider.value = step
        self.stack.selected_index = step  # jslink syncs it in the browser; keep Python's copy in step too
        if n < old:
            self.stack.children = tuple(self._views[:n])
        self.frames = list(frames)


class Stepper(W.VBox):
    """What both steppers share: discrete choices, free boxes, a message line, a note, and the Steps on show.

    Static book (static_book()): every combination of the discrete choices is a precomputed view (its own
    disabled boxes and its own Steps) in nested Stacks switched by the choices in the browser (_views.switch).
    Live: one set of enabled boxes and one Steps; every change recomputes through convbp (the subclass's
    _on_edit). Subclasses compute their first example and make their choice widgets, then call this with
    them; .steps/.frames/.slider then always mean the view on show.
    """

    views = None  # static: the nested Stack of views; live: None
    INPUTS: tuple[str, ...] = ()  # the state's entries the reader types, named in an overflow note

    def __init__(self, frames, state: dict, choices, *, static_rows, live_rows, view, what: str, works: str, greyed: str):
        """frames, state: the first example, computed; choices: (widget, its option values) for each discrete choice.

        Live: live_rows() -> (rows, boxes) makes the free boxes (only under a kernel); every box and every
        choice is observed by _on_edit, and the body is one Steps of `frames`. Static: view(*values) makes
        the view for each combination of the choices' values (and may fill .view_states); the body is
        _views.switch over them, under static_rows; the note names what works here (`works`) and what is
        `greyed` out. `what`, `works` and `greyed` are English, marked N_ by the caller and translated here.
        """
        self._quiet = False  # set while Python itself refits a box (quietly), so that its observer stays still
        self.live = not static_book()
        for name, value in state.items():
            setattr(self, name, value)
        widgets = [widget for widget, _ in choices]
        if self.live:
            rows, boxes = live_rows()
            for box in (*boxes, *widgets):
                box.observe(self._on_edit, names="value")
            body, note = Steps(frames, what), live_note(tr("every change recomputes every step with convbp"))
        else:
            self.view_states = {}

            def nested(picked):
                if len(picked) == len(choices):
                    return view(*picked)
                return [nested((*picked, value)) for value in choices[len(picked)][1]]

            self.views = body = switch(widgets, nested(()))
            rows, note = static_rows, static_note(tr(works), tr(greyed))
        self.error = ""
        self.message = W.HTML()
        self.note = W.HTML(note)
        self.body = body
        super().__init__([*rows, self.message, self.note, body])

    def __repr__(self) -> str:
        """The example, not the widget tree: the same text in the static book and under a live kernel
        (a notebook's plain-text output must not depend on where it ran)."""
        shown = ", ".join(f"{k}={v!r}" for k, v in self.example().items())
        return f"{type(self).__name__}({shown})"

    def example(self) -> dict:
        """The constructor's arguments that describe what the widget first shows (for repr)."""
        return {}

    # The Steps the reader sees, whichever view is chosen.
    @property
    def steps(self) -> Steps:
        view = chosen(self.views) if self.views is not None else self.body
        return view if isinstance(view, Steps) else next(c for c in view.children if isinstance(c, Steps))

    @property
    def frames(self) -> list[str]:
        return self.steps.frames

    @property
    def slider(self) -> W.IntSlider:
        return self.steps.slider

    @property
    def play(self) -> W.Play:
        return self.steps.play

    @property
    def stack(self) -> W.Stack:
        return self.steps.stack

    @property
    def current(self) -> str:
        return self.steps.current

    def _update(self, compute) -> bool:
        """Run compute() -> (frames, state); on a bad entry show its message and keep the last good frames and state.

        Nothing is assigned until everything is computed, so the state never half-changes; no exception escapes.
        """
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # overflow shows as ∞ / NaN in the frames
                frames, state = compute()
        except (ValueError, TypeError) as exc:
            self._reject(str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - an observer must not raise into the kernel's event loop
            self._reject(unexpected(exc))
            return False
        self.error = ""
        self.message.value = overflow_note(state, self.INPUTS)
        self.steps.show(frames)
        for name, value in state.items():
            setattr(self, name, value)
        return True

    def _reject(self, text: str) -> None:
        self.error = text
        self.message.value = error_html(text)
