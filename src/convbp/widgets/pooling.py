"""PoolingStepper: max or average pooling, forward window by window, then each residual routed back (section 3.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import ipywidgets as W
import numpy as np

from .. import _validate as V
from .. import pool
from . import _frames as F
from ..i18n import N_, tr

LECTURE_MAP = [[1, 8, 4, 3], [7, 2, 1, 9], [6, 1, 2, 4], [8, 7, 6, 0]]
# The window settings chapter 3.1 discusses: the lecture's 2×2 stride 2, AlexNet's overlapping 3×3 stride 2,
# and 3×3 stride 1 (every cell but the border in several windows). Each is a precomputed view in the static book.
SETTINGS = [(2, 2), (3, 2), (3, 1)]


@dataclass(frozen=True)
class _Mode:
    """Everything in which max and average pooling differ, for the stepper: one row per mode."""

    name: str  # what the widget calls it
    lecture_delta: list  # the residual the lecture sends back through it
    forward: Callable  # (a, size, stride) -> z
    backward: Callable  # (delta, a, size, stride) -> ∂J/∂a
    forward_caption: Callable  # (z name, the window's values, z value) -> the forward frame's sentence
    backward_caption: Callable  # (δ name, δ value, the cells it reaches, one cell's share, a) -> the backward frame's sentence
    goes_to: str  # where every residual went, for the last frame
    marks_route: bool  # whether the forward frame marks the cell δ will go back to (the maximum)


def _max_back(dname, d, gets, share, a) -> str:
    (i, j), = gets
    return tr(
        "{d} = {value} goes back to the window's maximum, {a} = {a_value} (∂z/∂a = 1 there); the window's other cells get 0.",
        d=dname, value=F.fmt(d), a=f"a{F.sub(i + 1, j + 1)}", a_value=F.fmt(a[i, j]),
    )


def _avg_back(dname, d, gets, share, a) -> str:
    return tr(
        "{d} = {value} is shared by the window's {n} cells: each gets {value} / {n} = {share}.",
        d=dname, value=F.fmt(d), n=len(gets), share=F.fmt(share),
    )


MODE = {
    "max": _Mode(
        N_("max pooling"), [[7, 3], [1, 4]],
        lambda a, size, stride: pool.max_pool2d(a, size, stride=stride),
        lambda d, a, size, stride: pool.max_pool2d_backward(d, a, size, stride=stride),
        lambda zname, values, z: f"{zname} = max({', '.join(values)}) = <b>{F.fmt(z)}</b>",
        _max_back, N_("its window's maximum"), True,
    ),
    "avg": _Mode(
        N_("average pooling"), [[8, 4], [16, 4]],
        lambda a, size, stride: pool.avg_pool2d(a, size, stride=stride),
        lambda d, a, size, stride: pool.avg_pool2d_backward(d, a.shape, size, stride=stride),
        lambda zname, values, z: f"{zname} = ({' + '.join(values)}) / {len(values)} = <b>{F.fmt(z)}</b>",
        _avg_back, N_("every cell of its window, divided by the window's size"), False,
    ),
}
LECTURE_DELTA = {key: mode.lecture_delta for key, mode in MODE.items()}
MODES = {key: mode.name for key, mode in MODE.items()}


def _setting_label(size: int, stride: int) -> str:
    return tr("{size}×{size}, stride {stride}", size=size, stride=stride) + (tr(" (overlapping)") if stride < size else "")


def _pooled_shape(a, size, stride) -> tuple[int, int]:
    return pool.avg_pool2d(a, size, stride=stride).shape


class PoolingStepper(F.Stepper):
    """Step through pooling forward (which window, its values, its result) and backward (where each δ goes).

    PoolingStepper(a=4×4 lecture map, delta=lecture residual for the mode, mode='max'|'avg', size=2, stride=None)
    stride None means stride = size (the lecture's non-overlapping windows). Every number comes from
    convbp.max_pool2d / avg_pool2d and their backward functions.

    Controls: 'pooling' (max | average) and 'window' (SETTINGS, plus the constructor's if it is another) are
    discrete choices; the a, δ, size and stride boxes are free entries.
    Static book: every (pooling, window) pair is a precomputed view with its own disabled boxes and its own
    steps (.views; .view_states[(mode, (size, stride))] holds each view's numbers). Live: one view, recomputed
    on every change. After each successful (re)computation: .a, .delta, .result (pooled z), .grad (∂J/∂a),
    .mode, .size, .stride, .frames; after a rejected edit .error holds the message and the rest is unchanged.
    """

    INPUTS = ("a", "delta")

    def __init__(self, a=None, delta=None, mode: str = "max", size: int = 2, stride=None):
        V.one_of(mode, MODE, "mode")
        a = np.asarray(LECTURE_MAP if a is None else a, dtype=float)
        delta = np.asarray(LECTURE_DELTA[mode] if delta is None else delta, dtype=float)
        stride = size if stride is None else stride
        frames, state = self._compute(a, delta, mode, size, stride)  # a bad argument raises here, before any widget exists
        self._first = (mode, size, stride)
        self.settings = SETTINGS if (size, stride) in SETTINGS else [(size, stride), *SETTINGS]
        # display:flex: ipywidgets 8 draws ToggleButtons as a block, with the label above the buttons.
        self.mode_box = W.ToggleButtons(options=[(tr("max"), "max"), (tr("average"), "avg")], value=mode, description=tr("pooling"),
                                        tooltip=tr("max or average pooling"), tooltips=[tr(MODES["max"]), tr(MODES["avg"])], style={"button_width": "6em", "description_width": "initial"},
                                             layout=W.Layout(display="flex", align_items="center"))
        self.window_box = W.Dropdown(options=[(_setting_label(*st), st) for st in self.settings], value=(size, stride),
                                     description=tr("window"), tooltip=tr("window size and stride"), layout=W.Layout(width="300px"))

        def live_rows():
            self.a_box = F.grid_box(a, tr("a (input)"), "320px")
            self.delta_box = F.grid_box(delta, tr("δ (next)"), "320px")
            self.size_box = F.int_box(size, tr("size"))
            self.stride_box = F.int_box(stride, tr("stride"))
            rows = [W.HBox([self.a_box, self.delta_box]), W.HBox([self.mode_box]), W.HBox([self.window_box, self.size_box, self.stride_box])]
            return rows, (self.a_box, self.delta_box, self.size_box, self.stride_box)

        super().__init__(
            frames, state, [(self.mode_box, list(MODES)), (self.window_box, self.settings)],
            static_rows=[W.HBox([self.mode_box]), W.HBox([self.window_box])], live_rows=live_rows,
            view=lambda m, st: self._static_view(a, delta, mode, size, stride, m, st), what=N_("pooling example"),
            works=N_("the pooling and window choices, the step slider and ▶ (each choice has its own steps)"),
            greyed=N_("The a, δ, size and stride boxes are"),
        )
        self.add_class("convbp-pooling-stepper")  # lets a page (and the browser tests) find this widget

    def example(self) -> dict:
        return {"mode": self._first[0], "size": self._first[1], "stride": self._first[2]}

    # -- the static book: one precomputed view per choice ----------------------------------------
    def _static_view(self, a, delta, mode, size, stride, m, st) -> W.Widget:
        d = self._delta_for(a, delta, mode, (size, stride), m, st)
        try:
            frames, state = self._compute(a, d, m, *st)
        except (ValueError, TypeError) as exc:  # a window that does not fit this input: say so in its view
            return W.HTML(F.error_html(tr("{setting} does not fit this input: {error}", setting=_setting_label(*st), error=exc)))
        self.view_states[(m, st)] = state
        boxes = W.HBox([F.grid_box(a, tr("a (input)"), "320px", live=False), F.grid_box(d, tr("δ (next)"), "320px", live=False),
                        F.int_box(st[0], tr("size"), live=False), F.int_box(st[1], tr("stride"), live=False)],
                       layout=W.Layout(flex_flow="row wrap"))
        return W.VBox([boxes, F.Steps(frames, tr("{mode} example", mode=tr(MODES[m])))])

    @staticmethod
    def _delta_for(a, delta, mode, setting, m, st) -> np.ndarray:
        """The residual each view uses: the given one where it fits (the lecture's own for each mode), else 1, 2, …"""
        lecture = np.array_equal(a, LECTURE_MAP) and np.array_equal(delta, LECTURE_DELTA[mode])
        try:
            shape = _pooled_shape(a, *st)
        except (ValueError, TypeError):
            return delta
        if lecture and shape == (2, 2):
            return np.asarray(LECTURE_DELTA[m], dtype=float)
        if delta.shape == shape:
            return delta
        return F.numbered(shape)

    # -- computing ---------------------------------------------------------------------------
    def _compute(self, a, delta, mode, size, stride):
        """(frames, state) for one example; assigns nothing, so a failure leaves the widget as it was."""
        kind = MODE[mode]
        z = kind.forward(a, size, stride)
        back = lambda d: kind.backward(d, a, size, stride)  # noqa: E731
        grad = back(delta)  # also checks δ's shape against z's
        steps = list(np.ndindex(z.shape))
        # Which cells window (u, v) covers: a residual of one sent back through average pooling lands on exactly its window;
        # sent back through this layer (max or avg), it lands where this layer routes it.
        windows = [pool.avg_pool2d_backward(F.onehot(z.shape, uv), a.shape, size, stride=stride) != 0 for uv in steps]
        routes = [back(F.onehot(z.shape, uv)) for uv in steps]
        frames = self._forward(a, z, mode, steps, windows, routes)
        frames += self._backward(a, delta, mode, steps, windows, routes, back)
        frames.append(self._final(a, delta, grad, mode, size, stride))
        return frames, dict(a=a, delta=delta, result=z, grad=grad, mode=mode, size=size, stride=stride)

    def _forward(self, a, z, mode, steps, windows, routes) -> list[str]:
        frames = []
        for k, (uv, win, route) in enumerate(zip(steps, windows, routes)):
            styles = {ij: F.WINDOW for ij in F.cells(win)}
            values = [F.fmt(a[ij]) for ij in F.cells(win)]
            zname = f"z{F.sub(uv[0] + 1, uv[1] + 1)}"
            if MODE[mode].marks_route:
                styles.update({ij: F.TARGET for ij in F.cells(route != 0)})
            caption = MODE[mode].forward_caption(zname, values, z[uv])
            out = {ij: F.LATER for n, ij in enumerate(steps) if n > k}
            out[uv] = F.TARGET
            tables = [F.table(a, "a", tr("a<sup>(l−1)</sup>, the input"), styles=styles),
                      F.table(z, "z", tr("z, after {mode}", mode=tr(MODES[mode])), styles=out)]
            frames.append(F.frame(tr("Forward · window {k} of {n}", k=k + 1, n=len(steps)), tables, caption))
        return frames

    def _backward(self, a, delta, mode, steps, windows, routes, back) -> list[str]:
        frames = []
        done = np.zeros(delta.shape)
        before = np.zeros(a.shape)
        for k, (uv, win, route) in enumerate(zip(steps, windows, routes)):
            done[uv] = 1.0
            after = back(delta * done)  # ∂J/∂a from the residuals sent back so far
            share = back(delta * F.onehot(delta.shape, uv))
            dname = f"δ{F.sub(uv[0] + 1, uv[1] + 1)}"
            gets = F.cells(route != 0)
            caption = MODE[mode].backward_caption(dname, delta[uv], gets, share[gets[0]], a)
            added = [ij for ij in gets if before[ij] != 0]
            if added:
                caption += tr(" Windows overlap, so residuals add up: ") + "; ".join(
                    f"a{F.sub(i + 1, j + 1)}: {F.fmt(before[i, j])} + {F.paren(share[i, j])} = <b>{F.fmt(after[i, j])}</b>" for i, j in added
                )
            tables = [
                F.table(a, "a", tr("a<sup>(l−1)</sup>, the input"), styles={ij: F.WINDOW for ij in F.cells(win)}),
                F.table(delta, "delta", tr("δ<sup>(l)</sup>, the next layer's residual"), styles={uv: F.TARGET}),
                F.table(after, "grad", tr("∂J/∂a<sup>(l−1)</sup> so far"), styles={ij: F.TARGET for ij in gets}),
            ]
            frames.append(F.frame(tr("Backward · residual {k} of {n}", k=k + 1, n=len(steps)), tables, caption))
            before = after
        return frames

    def _final(self, a, delta, grad, mode, size, stride) -> str:
        caption = tr(
            "Every residual went back to {how}. This is ∂J/∂a<sup>(l−1)</sup>; the residual of the layer before is "
            "δ<sup>(l−1)</sup> = ∂J/∂a<sup>(l−1)</sup> ⊙ σ′(z<sup>(l−1)</sup>).", how=tr(MODE[mode].goes_to),
        )
        if stride < size:
            caption += tr(" (Stride {stride} &lt; size {size}: windows overlap, as in AlexNet's 3×3 stride-2 pooling.)", stride=stride, size=size)
        tables = [F.table(a, "a", tr("a<sup>(l−1)</sup>, the input")), F.table(delta, "delta", "δ<sup>(l)</sup>"), F.table(grad, "grad", "∂J/∂a<sup>(l−1)</sup>")]
        return F.frame(tr("Result"), tables, caption)

    # -- editing (live kernel only) --------------------------------------------------------------
    def _on_edit(self, change) -> None:
        if self._quiet:
            return
        owner = change["owner"]
        if owner is self.window_box and change["new"] is None:
            return  # the boxes hold a setting the list does not have
        fitted = {}

        def compute():
            a = F.parse_grid(self.a_box.value, "a")
            delta = F.parse_grid(self.delta_box.value, "delta")
            mode = self.mode_box.value
            size, stride = self.window_box.value if owner is self.window_box else (self.size_box.value, self.stride_box.value)
            note = ""
            if owner is self.mode_box and np.array_equal(delta, LECTURE_DELTA[change["old"]]) and np.array_equal(a, LECTURE_MAP):
                delta = np.asarray(LECTURE_DELTA[mode], dtype=float)  # the lecture uses another residual for each mode
            elif owner is not self.delta_box:
                delta, note = self._fit_delta(a, delta, size, stride)
            fitted.update(delta=delta, note=note, size=size, stride=stride)
            return self._compute(a, delta, mode, size, stride)

        if self._update(compute):
            setting = (fitted["size"], fitted["stride"])
            with F.quietly(self):
                self.delta_box.value = F.grid_text(fitted["delta"])
                self.size_box.value, self.stride_box.value = setting
                self.window_box.index = next((k for k, st in enumerate(self.settings) if st == setting), None)
            if fitted["note"]:
                self.message.value = F.info_html(fitted["note"])

    @staticmethod
    def _fit_delta(a, delta, size, stride):
        """After a change of a, size or stride the old δ may no longer match z's shape: give a fresh one that does."""
        try:
            shape = _pooled_shape(a, size, stride)
        except (ValueError, TypeError):
            return delta, ""  # _compute reports it
        return F.fit_delta(delta, shape)
