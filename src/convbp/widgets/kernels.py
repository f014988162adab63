"""KernelEditor: a 3×3 kernel (a preset or the reader's own numbers) applied with convbp.conv2d to a photograph (section 1)."""

from __future__ import annotations

import html
import io

import ipywidgets as W
import numpy as np

from .. import conv, filters
from . import _frames as F
from ..i18n import tr
from ._views import switch
from ._where import static_book

CUSTOM = "custom"


def _img(grid: np.ndarray, alt: str) -> str:
    """An <img> of the grid with its alt text (a W.Image cannot carry one), as a data URL: no file, no server."""
    import base64

    data = base64.b64encode(_png(grid, signed=bool(grid.min() < 0))).decode("ascii")
    return f"<img src='data:image/png;base64,{data}' alt='{html.escape(alt, quote=True)}' style='width:240px;height:auto;image-rendering:pixelated'>"


def _png(grid: np.ndarray, signed: bool) -> bytes:
    """A grid as PNG bytes: gray from 0 to its max, or red/blue around 0 when it has negative values.

    Colour-mapping the array and encoding it directly takes a few milliseconds; drawing a
    matplotlib figure per edit would take most of the 100 ms budget.
    """
    import matplotlib
    from PIL import Image

    top = float(np.abs(grid).max()) or 1.0
    if signed:
        rgba = matplotlib.colormaps["RdBu_r"]((grid / top + 1) / 2)
    else:
        rgba = matplotlib.colormaps["gray"](np.clip(grid / top, 0, 1))
    out = io.BytesIO()
    Image.fromarray((rgba[..., :3] * 255).astype(np.uint8)).save(out, format="png")
    return out.getvalue()


class KernelEditor(W.VBox):
    """Pick or type a 3×3 kernel w; see the photo, w and the feature map z = photo ⋆ w side by side.

    KernelEditor(image=None, preset='sobel_x'): image defaults to filters.sample_photo() (Grace Hopper,
    ~128 px wide, grayscale in [0, 1]); presets come from convbp.filters.PRESETS.
    Controls: the 'preset' list (a discrete choice) and the nine weight boxes w₁₁ … w₃₃ (free entries).
    Static book: each preset is a precomputed view (its disabled weight boxes, kernel, feature map and numbers)
    switched by the list in the browser; .views, and .view_states[key] holds each preset's kernel and result.
    Live: choosing a preset fills the boxes; typing in them recomputes (and selects the preset they match).
    State: .image, .kernel, .result (the feature map from convbp.conv2d), .error (last rejected entry, or '').
    A few numbers of z (its 3×3 centre block, min and max) are printed under the images.
    """

    views = None  # static: the Stack of precomputed presets; live: None

    def __init__(self, image=None, preset: str = "sobel_x"):
        kernel = filters.preset(preset)
        image = filters.sample_photo() if image is None else np.asarray(image, dtype=float)
        if image.ndim != 2 or min(image.shape) < 3:
            raise ValueError(f"image must be a 2-D grayscale array of at least 3×3; got shape {image.shape}")
        self.image = image
        self.error = ""
        self._quiet = False
        self._first = preset
        self.live = not static_book()
        options = [(tr(label), key) for key, (label, _) in filters.PRESETS.items()]
        if self.live:
            options.append((tr("custom (your numbers)"), CUSTOM))  # only Python can compute the reader's own kernel
        self.preset_box = W.Dropdown(options=options, value=preset, description=tr("preset"), tooltip=tr("a hand-made 3×3 kernel"),
                                     layout=W.Layout(width="320px"))
        self.message = W.HTML()
        alt = tr("The input photo: a grayscale portrait of Grace Hopper, {shape} pixels.", shape=f"{image.shape[0]}×{image.shape[1]}")
        self.input_view = W.HTML(_img(image, alt))
        if self.live:
            self.entries = self._entries(kernel, live=True)
            view = self._view(kernel, self.entries)
            self.kernel_view, self.output_view, self.numbers = view.convbp_parts
            self._apply(kernel)
            self.preset_box.observe(self._on_preset, names="value")
            for entry in self.entries:
                entry.observe(self._on_entry, names="value")
            self.note = W.HTML(F.live_note(tr("choosing a preset or typing a weight recomputes the feature map with convbp")))
            body = view
        else:
            self.view_states = {}
            views = []
            for key in filters.PRESETS:
                k = filters.preset(key)
                views.append(self._view(k, self._entries(k, live=False)))
                self.view_states[key] = self._computed(k)[0]
            self.views = body = switch([self.preset_box], views)
            self.kernel, self.result = self.view_states[preset]["kernel"], self.view_states[preset]["result"]
            self.note = W.HTML(F.static_note(tr("the preset list (each preset shows its kernel, feature map and numbers)"),
                                             tr("The nine weight boxes are")))
        super().__init__([W.HBox([self.preset_box]), self.message, self.note, body])
        self.add_class("convbp-kernel-editor")  # lets a page (and the browser tests) find this widget

    def __repr__(self) -> str:
        """The same text in the static book and live (a notebook's plain-text output must not depend on where it ran)."""
        return f"KernelEditor(image={self.image.shape}, preset={self._first!r})"

    @staticmethod
    def _entries(kernel, *, live: bool) -> list[W.Text]:
        return [
            W.Text(F.typed(v), description=f"w{F.sub(k // 3 + 1, k % 3 + 1)}", tooltip=tr("kernel weight {w}", w=f"w{F.sub(k // 3 + 1, k % 3 + 1)}"),
                   continuous_update=False, disabled=not live, style={"description_width": "2em"}, layout=W.Layout(width="6em"))
            for k, v in enumerate(kernel.ravel())
        ]

    def _view(self, kernel, entries) -> W.VBox:
        """Weight boxes, then photo | kernel | feature map, then z's centre numbers; .convbp_parts = the three HTML views."""
        shown = self._computed(kernel)[1] if not self.live else ("", "", "")  # made with their values: one message each
        kernel_view, output_view, numbers = (W.HTML(value) for value in shown)
        grid = W.GridBox(entries, layout=W.Layout(grid_template_columns="repeat(3, 6.2em)", grid_gap="2px"))
        panels = W.HBox([self._titled(tr("input a (photo)"), self.input_view), self._titled(tr("kernel w"), kernel_view),
                         self._titled(tr("feature map z = a ⋆ w"), output_view)], layout=W.Layout(flex_flow="row wrap"))
        view = W.VBox([grid, panels, numbers])
        view.convbp_parts = (kernel_view, output_view, numbers)
        return view

    @staticmethod
    def _titled(title: str, view) -> W.VBox:
        return W.VBox([W.HTML(f"<b>{title}</b>"), view], layout=W.Layout(margin="0 12px 0 0"))

    def _computed(self, kernel: np.ndarray):
        """(state, (kernel html, feature-map html, numbers html)) for one kernel; assigns nothing."""
        with np.errstate(over="ignore", invalid="ignore"):
            z = conv.conv2d(self.image, kernel)
        if not np.all(np.isfinite(z)):
            k = int(np.argmax(np.abs(kernel)))
            raise ValueError(tr("kernel entry {w} = {value} is too large: the feature map would hold ∞ (floating point ends near 1.8e308)",
                                w=f"w{F.sub(k // 3 + 1, k % 3 + 1)}", value=F.fmt(kernel.flat[k])))
        r, c = z.shape[0] // 2 - 1, z.shape[1] // 2 - 1
        block = z[r : r + 3, c : c + 3]
        shades = tr("red for negative, blue for positive values") if z.min() < 0 else tr("dark for small, light for large values")
        alt = tr("The feature map z, {shape} pixels, from {low} to {high} ({shades}).", shape=f"{z.shape[0]}×{z.shape[1]}",
                 low=F.fmt(z.min()), high=F.fmt(z.max()), shades=shades)
        kernel_html = F.frame("", [F.table(kernel, "w", "")], "")
        numbers = F.frame(
            "",
            [F.table(block, "z_centre", tr("z at rows {r0}–{r1}, columns {c0}–{c1} (the centre)", r0=r + 1, r1=r + 3, c0=c + 1, c1=c + 3))],
            tr("z is {shape} ({photo} photo, no padding); min {low}, max {high}.", shape=f"{z.shape[0]}×{z.shape[1]}",
               photo=f"{self.image.shape[0]}×{self.image.shape[1]}", low=f"<span data-value='min'>{F.fmt(z.min())}</span>",
               high=f"<span data-value='max'>{F.fmt(z.max())}</span>"),
        )
        return dict(kernel=kernel, result=z), (kernel_html, _img(z, alt), numbers)

    def _apply(self, kernel: np.ndarray) -> None:
        """Compute everything first, then show it: a failure leaves the widget exactly as it was."""
        state, shown = self._computed(kernel)
        for part, value in zip((self.kernel_view, self.output_view, self.numbers), shown):
            part.value = value
        self.kernel, self.result = state["kernel"], state["result"]

    # -- editing (live kernel only) --------------------------------------------------------------
    def _on_preset(self, change) -> None:
        if self._quiet or change["new"] == CUSTOM:
            return
        kernel = filters.preset(change["new"])
        if self._done(kernel):
            with F.quietly(self):
                for entry, v in zip(self.entries, kernel.ravel()):
                    entry.value = F.typed(v)

    def _on_entry(self, change) -> None:
        if self._quiet:
            return
        try:
            kernel = np.array([self._number(e.value, k) for k, e in enumerate(self.entries)]).reshape(3, 3)
        except ValueError as exc:
            self._reject(str(exc))
            return
        if self._done(kernel):
            match = next((key for key, (_, k) in filters.PRESETS.items() if np.allclose(k, kernel, atol=5e-4)), CUSTOM)
            with F.quietly(self):
                self.preset_box.value = match

    @staticmethod
    def _number(text: str, k: int) -> float:
        name = f"w{F.sub(k // 3 + 1, k % 3 + 1)}"
        try:
            value = float(text.strip().replace("−", "-"))
        except ValueError:
            raise ValueError(tr("kernel entry {w}: {text} is not a number", w=name, text=repr(text))) from None
        if not np.isfinite(value):
            raise ValueError(tr("kernel entry {w} must be finite; got {text}", w=name, text=repr(text)))
        return value

    def _reject(self, text: str) -> None:
        self.error = text
        self.message.value = F.error_html(text)

    def _done(self, kernel) -> bool:
        try:
            self._apply(kernel)
        except (ValueError, TypeError) as exc:
            self._reject(str(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - an observer must not raise into the kernel's event loop
            self._reject(F.unexpected(exc))
            return False
        self.error = ""
        self.message.value = ""
        return True
