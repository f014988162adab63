"""ConvStepper: a convolution forward term by term, its residual by the lecture's rot180 recipe, its kernel gradient (3.2, 3.3)."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import blocks, conv
from .. import _validate as V
from . import _frames as F
from ..i18n import N_, tr

DEFAULT_A = [[1, 2, 0], [3, 1, 2], [0, 1, 3]]
DEFAULT_W = [[1, 2], [-1, 0]]
DEFAULT_DELTA = [[1, -1], [2, 1]]
STRIDES = [1, 2]  # the choices 3.2 and 3.3 discuss; each is a precomputed view in the static book
PADDINGS = [0, 1]
MAX_STEPS = 120  # every step is embedded in the static page; more would not be read anyway


def _window_entry(stride: int, padding: int) -> str:
    """The input entry w_pq meets in window (u, v), 1-based: a_(u+p−1, v+q−1) at stride 1, a_(s(u−1)+p, s(v−1)+q) at stride s."""
    where = "u+p−1, v+q−1" if stride == 1 else f"{stride}(u−1)+p, {stride}(v−1)+q"
    return f"a<sub>{where}</sub>" + (tr(" (a zero-padded)") if padding else "")


def _name(letter: str, flat: int, shape) -> str:
    i, j = np.unravel_index(flat, shape)
    return f"{letter}{F.sub(i + 1, j + 1)}"


class ConvStepper(F.Stepper):
    """Step through one convolution layer (single channel, cross-correlation as in a CNN).

    ConvStepper(a=3×3, w=2×2, delta=2×2, stride=1, padding=0). Three parts, one frame per step:
    forward z_uv = Σ w_pq · a_(s(u−1)+p, s(v−1)+q) term by term; the residual ∂J/∂a by the lecture's recipe
    (rot180(w) sliding over the dilated, zero-padded δ, from convbp.blocks.residual_before_conv);
    the kernel gradient ∂J/∂w accumulating window by window (convbp.conv2d_backward_weight).

    Controls: 'stride' (1 | 2) and 'padding' (0 | 1), plus the constructor's values if they are others, are
    discrete choices; the a, w, δ, stride and padding boxes are free entries. Static book: every (stride, padding)
    pair is a precomputed view with its own disabled boxes and steps (.views; .view_states[(stride, padding)]).
    Live: one view, recomputed on every change.
    State after each good (re)computation: .a .w .delta .stride .padding .result (z) .grad_a .grad_w .grad_b .frames;
    .error on a bad edit (and nothing else changes).
    """

    INPUTS = ("a", "w", "delta")

    def __init__(self, a=None, w=None, delta=None, stride: int = 1, padding: int = 0):
        a = np.asarray(DEFAULT_A if a is None else a, dtype=float)
        w = np.asarray(DEFAULT_W if w is None else w, dtype=float)
        delta = np.asarray(DEFAULT_DELTA if delta is None else delta, dtype=float)
        frames, state = self._compute(a, w, delta, stride, padding)  # a bad argument raises here
        self._first = (a.shape, w.shape, stride, padding)
        self.strides = sorted({*STRIDES, stride})
        self.paddings = sorted({*PADDINGS, padding})
        self.stride_choice = W.ToggleButtons(options=[(str(s), s) for s in self.strides], value=stride, description=tr("stride"), tooltip=tr("stride: how far the window moves"),
                                             tooltips=[tr("stride {s}", s=s) for s in self.strides], style={"button_width": "3.5em", "description_width": "initial"},
                                             layout=W.Layout(display="flex", align_items="center", margin="0 2em 0 0"))
        self.padding_choice = W.ToggleButtons(options=[(str(p), p) for p in self.paddings], value=padding, description=tr("padding"), tooltip=tr("padding: zeros around the input"),
                                              tooltips=[tr("padding {p}", p=p) for p in self.paddings], style={"button_width": "3.5em", "description_width": "initial"},
                                             layout=W.Layout(display="flex", align_items="center"))
        choices = W.HBox([self.stride_choice, self.padding_choice], layout=W.Layout(flex_flow="row wrap"))

        def live_rows():
            self.a_box = F.grid_box(a, tr("a (input)"))
            self.w_box = F.grid_box(w, tr("w (kernel)"))
            self.delta_box = F.grid_box(delta, tr("δ (residual)"))
            self.stride_box = F.int_box(stride, tr("stride"))
            self.padding_box = F.int_box(padding, tr("padding"))
            rows = [W.HBox([self.a_box, self.w_box]), W.HBox([self.delta_box, self.stride_box, self.padding_box]), choices]
            return rows, (self.a_box, self.w_box, self.delta_box, self.stride_box, self.padding_box)

        super().__init__(
            frames, state, [(self.stride_choice, self.strides), (self.padding_choice, self.paddings)],
            static_rows=[choices], live_rows=live_rows,
            view=lambda s, p: self._static_view(a, w, delta, (stride, padding), s, p), what=N_("convolution example"),
            works=N_("the stride and padding choices, the step slider and ▶ (each choice has its own steps)"),
            greyed=N_("The a, w, δ, stride and padding boxes are"),
        )
        self.add_class("convbp-conv-stepper")  # lets a page (and the browser tests) find this widget

    def example(self) -> dict:
        return {"a_shape": self._first[0], "w_shape": self._first[1], "stride": self._first[2], "padding": self._first[3]}

    # -- the static book: one precomputed view per choice ----------------------------------------
    def _static_view(self, a, w, delta, given, s, p) -> W.Widget:
        try:
            shape = self._output_shape(a, w, s, p)
            d = delta if (s, p) == given or delta.shape == shape else F.numbered(shape)
            frames, state = self._compute(a, w, d, s, p)
        except (ValueError, TypeError) as exc:  # a choice that does not fit this example: say so in its view
            return W.HTML(F.error_html(tr("stride {s}, padding {p} does not fit this example: {error}", s=s, p=p, error=exc)))
        self.view_states[(s, p)] = state
        boxes = W.HBox([F.grid_box(a, tr("a (input)"), live=False), F.grid_box(w, tr("w (kernel)"), live=False),
                        F.grid_box(d, tr("δ (residual)"), live=False), F.int_box(s, tr("stride"), live=False),
                        F.int_box(p, tr("padding"), live=False)], layout=W.Layout(flex_flow="row wrap"))
        return W.VBox([boxes, F.Steps(frames, N_("convolution example"))])

    # -- computing ---------------------------------------------------------------------------
    @staticmethod
    def _output_shape(a, w, stride, padding) -> tuple[int, int]:
        """z's shape from the sizes alone, after checking stride, padding and the step count: nothing is allocated yet.

        padding=10000 must give its message at once, not build a 20000×20000 padded input first.
        """
        for name, grid, most in (("a", a, 6), ("w", w, 4)):
            if grid.ndim != 2 or grid.shape[0] > most or grid.shape[1] > most:
                raise ValueError(tr("{name} must be a 2-D grid of at most {most} here; got shape {shape}",
                                    name=name, most=f"{most}×{most}", shape=grid.shape))
        shape = V.window(a.shape, w.shape, stride, padding).out_hw
        steps = 2 * shape[0] * shape[1] + a.size
        if steps > MAX_STEPS:
            raise ValueError(tr("stride {stride} and padding {padding} would make this example take {steps} steps; "
                                "keep it under {most} (a smaller input, a larger stride or less padding)",
                                stride=stride, padding=padding, steps=steps, most=MAX_STEPS))
        return shape

    def _compute(self, a, w, delta, stride, padding):
        """(frames, state) for one example; assigns nothing, so a failure leaves the widget as it was."""
        self._output_shape(a, w, stride, padding)  # sizes first, before anything is allocated
        z = conv.conv2d(a, w, stride=stride, padding=padding)
        grad_a = blocks.residual_before_conv(delta, w, a.shape, stride=stride, padding=padding)  # checks δ's shape
        grad_w = conv.conv2d_backward_weight(delta, a, w.shape, stride=stride, padding=padding)
        grad_b = conv.conv2d_backward_bias(delta)
        a_pad = blocks.zero_pad(a, padding)
        pad = {ij: F.PAD for ij in F.cells(blocks.zero_pad(np.ones(a.shape), padding) == 0)}
        # Window (u, v) in the padded input: a one at z_uv, sent back through a kernel of ones, covers exactly it.
        windows = [conv.conv2d_backward_input(F.onehot(z.shape, uv), np.ones(w.shape), a_pad.shape, stride=stride) != 0 for uv in np.ndindex(z.shape)]
        frames = self._forward(a, w, z, a_pad, pad, padding, windows)
        frames += self._residual(a, w, delta, grad_a, stride, padding)
        frames += self._kernel_gradient(a, w, delta, a_pad, pad, grad_w, grad_b, stride, padding, windows)
        state = dict(a=a, w=w, delta=delta, stride=stride, padding=padding, result=z, grad_a=grad_a, grad_w=grad_w, grad_b=grad_b)
        return frames, state

    @staticmethod
    def _a_name(ij, padding, shape) -> str:
        i, j = ij[0] - padding, ij[1] - padding
        return f"a{F.sub(i + 1, j + 1)}" if 0 <= i < shape[0] and 0 <= j < shape[1] else "0"

    def _forward(self, a, w, z, a_pad, pad, padding, windows) -> list[str]:
        steps = list(np.ndindex(z.shape))
        frames = []
        for k, (uv, win) in enumerate(zip(steps, windows)):
            pairs = list(zip(np.ndindex(w.shape), F.cells(win)))  # offsets (p, q) and cells, both row-major
            symbols = " + ".join(f"w{F.sub(p + 1, q + 1)}·{self._a_name(ij, padding, a.shape)}" for (p, q), ij in pairs)
            numbers = " + ".join(f"{F.paren(w[pq])}·{F.paren(a_pad[ij])}" for pq, ij in pairs)
            out = {ij: F.LATER for n, ij in enumerate(steps) if n > k}
            out[uv] = F.TARGET
            tables = [
                F.table(a_pad, "a", "a<sup>(l−1)</sup>" + (tr(" (zero-padded)") if padding else ""), styles={**pad, **{ij: F.WINDOW for ij in F.cells(win)}}),
                F.table(w, "w", tr("kernel w")),
                F.table(z, "z", "z<sup>(l)</sup> = a ⋆ w", styles=out),
            ]
            caption = f"z{F.sub(uv[0] + 1, uv[1] + 1)} = {symbols}<br>= {numbers} = <b>{F.fmt(z[uv])}</b>"
            frames.append(F.frame(tr("Forward · z term by term · {k} of {n}", k=k + 1, n=len(steps)), tables, caption))
        return frames

    def _residual(self, a, w, delta, grad_a, stride, padding) -> list[str]:
        kh, kw = w.shape
        # The recipe's picture: δ dilated by the stride, padded by kernel size − 1 (plus rows/columns a strided pass never reached).
        widths = V.window(a.shape, w.shape, stride, padding).residual_padding
        d_pad = blocks.zero_pad(blocks.dilate(delta, stride), widths)
        which_d = blocks.zero_pad(blocks.dilate(F.numbered(delta.shape), stride), widths).astype(int)
        rot = blocks.rot180(w)
        which_w = blocks.rot180(F.numbered(w.shape)).astype(int)
        added = {ij: F.PAD for ij in F.cells(which_d == 0)}
        steps = list(np.ndindex(a.shape))
        frames = []
        for k, (i, j) in enumerate(steps):
            rows, cols = slice(i + padding, i + padding + kh), slice(j + padding, j + padding + kw)
            win = np.zeros(d_pad.shape, dtype=bool)
            win[rows, cols] = True
            terms = [(which_w[pq], which_d[rows, cols][pq], pq) for pq in np.ndindex(w.shape) if which_d[rows, cols][pq]]
            name = f"∂J/∂a{F.sub(i + 1, j + 1)}"
            if terms:
                symbols = " + ".join(f"{_name('w', iw - 1, w.shape)}·{_name('δ', idd - 1, delta.shape)}" for iw, idd, _ in terms)
                numbers = " + ".join(f"{F.paren(rot[pq])}·{F.paren(d_pad[rows, cols][pq])}" for _, _, pq in terms)
                caption = f"{name} = Σ rot180(w) ⊙ {tr('window')} = {symbols}<br>= {numbers} = <b>{F.fmt(grad_a[i, j])}</b>"
                if len(terms) < w.size:
                    caption += tr(" (the added zeros contribute nothing)")
            else:
                caption = tr("{name} = <b>{value}</b>: the window holds only added zeros — no output used this input",
                             name=name, value=F.fmt(grad_a[i, j]))
            if k == len(steps) - 1:
                caption += "<br>" + tr("Then δ<sup>(l−1)</sup> = ∂J/∂a<sup>(l−1)</sup> ⊙ σ′(z<sup>(l−1)</sup>).")
            out = {ij: F.LATER for n, ij in enumerate(steps) if n > k}
            out[(i, j)] = F.TARGET
            tables = [
                F.table(d_pad, "delta_pad", tr("δ<sup>(l)</sup>, dilated, zero-padded") if stride > 1 else tr("δ<sup>(l)</sup> zero-padded"), styles={**added, **{ij: F.WINDOW for ij in F.cells(win)}}),
                F.table(rot, "rot", "rot180(w)"),
                F.table(grad_a, "grad_a", "∂J/∂a<sup>(l−1)</sup>", styles=out),
            ]
            frames.append(F.frame(tr("Backward · residual by the rot180 recipe · {k} of {n}", k=k + 1, n=len(steps)), tables, caption))
        return frames

    def _kernel_gradient(self, a, w, delta, a_pad, pad, grad_w, grad_b, stride, padding, windows) -> list[str]:
        steps = list(np.ndindex(delta.shape))
        done = np.zeros(delta.shape)
        frames = []
        for k, (uv, win) in enumerate(zip(steps, windows)):
            done[uv] = 1.0
            so_far = conv.conv2d_backward_weight(delta * done, a, w.shape, stride=stride, padding=padding)
            window = " ".join(F.fmt(a_pad[ij]) for ij in F.cells(win))
            caption = tr(
                "∂J/∂w<sub>pq</sub> = Σ<sub>uv</sub> δ<sub>uv</sub> · {entry}: this step adds {d} = {value} times the window ({window}).",
                entry=_window_entry(stride, padding), d=f"δ{F.sub(uv[0] + 1, uv[1] + 1)}", value=F.fmt(delta[uv]), window=window,
            )
            if k == len(steps) - 1:
                caption += "<br>" + tr("And the bias: ∂J/∂b = Σ δ = <b>{value}</b>.", value=F.fmt(grad_b))
            tables = [
                F.table(a_pad, "a", "a<sup>(l−1)</sup>", styles={**pad, **{ij: F.WINDOW for ij in F.cells(win)}}),
                F.table(delta, "delta", "δ<sup>(l)</sup>", styles={uv: F.TARGET}),
                F.table(so_far, "grad_w", tr("∂J/∂w so far"), styles={pq: F.TARGET for pq in np.ndindex(w.shape)}),
            ]
            frames.append(F.frame(tr("Backward · kernel gradient · {k} of {n}", k=k + 1, n=len(steps)), tables, caption))
        return frames

    # -- editing (live kernel only) --------------------------------------------------------------
    def _on_edit(self, change) -> None:
        if self._quiet:
            return
        owner = change["owner"]
        if owner in (self.stride_choice, self.padding_choice) and change["new"] is None:
            return  # the boxes hold a value the choices do not have
        fitted = {}

        def compute():
            a = F.parse_grid(self.a_box.value, "a", max_shape=(6, 6))
            w = F.parse_grid(self.w_box.value, "w", max_shape=(4, 4))
            delta = F.parse_grid(self.delta_box.value, "delta", max_shape=(8, 8))
            stride = self.stride_choice.value if owner is self.stride_choice else self.stride_box.value
            padding = self.padding_choice.value if owner is self.padding_choice else self.padding_box.value
            note = ""
            if owner is not self.delta_box:
                delta, note = F.fit_delta(delta, self._output_shape(a, w, stride, padding))
            fitted.update(delta=delta, note=note, stride=stride, padding=padding)
            return self._compute(a, w, delta, stride, padding)

        if self._update(compute):
            with F.quietly(self):
                self.delta_box.value = F.grid_text(fitted["delta"])
                self.stride_box.value, self.padding_box.value = fitted["stride"], fitted["padding"]
                self.stride_choice.index = self.strides.index(fitted["stride"]) if fitted["stride"] in self.strides else None
                self.padding_choice.index = self.paddings.index(fitted["padding"]) if fitted["padding"] in self.paddings else None
            if fitted["note"]:
                self.message.value = F.info_html(fitted["note"])
