"""KernelEditor: a 3×3 kernel (a preset or the reader's own numbers) applied with convbp.conv2d to a photograph (section 1)."""

from __future__ import annotations

import io

import ipywidgets as W
import numpy as np

from .. import conv, filters
from . import _frames as F

CUSTOM = "custom"


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
    State: .image, .kernel, .result (the feature map from convbp.conv2d), .error (last rejected entry, or '').
    A few numbers of z (its 3×3 centre block, min and max) are printed under the images.
    """

    def __init__(self, image=None, preset: str = "sobel_x"):
        kernel = filters.preset(preset)
        image = filters.sample_photo() if image is None else np.asarray(image, dtype=float)
        if image.ndim != 2 or min(image.shape) < 3:
            raise ValueError(f"image must be a 2-D grayscale array of at least 3×3; got shape {image.shape}")
        self.image = image
        self.error = ""
        self._quiet = False
        self.preset_box = W.Dropdown(options=[(label, key) for key, (label, _) in filters.PRESETS.items()] + [("custom (your numbers)", CUSTOM)], value=preset, description="preset")
        self.entries = [W.Text(F.fmt(v).replace("−", "-"), continuous_update=False, layout=W.Layout(width="4.6em")) for v in kernel.ravel()]
        grid = W.GridBox(self.entries, layout=W.Layout(grid_template_columns="repeat(3, 4.9em)", grid_gap="2px"))
        self.message = W.HTML()
        self.note = W.HTML(F.STATIC_NOTE)
        size = W.Layout(width="240px", height="auto")
        self.input_view = W.Image(value=_png(image, signed=bool(image.min() < 0)), format="png", layout=size)
        self.kernel_view = W.HTML()
        self.output_view = W.Image(format="png", layout=size)
        self.numbers = W.HTML()
        self._apply(kernel)
        self.preset_box.observe(self._on_preset, names="value")
        for entry in self.entries:
            entry.observe(self._on_entry, names="value")
        panels = W.HBox([self._titled("input a (photo)", self.input_view), self._titled("kernel w", self.kernel_view), self._titled("feature map z = a ⋆ w", self.output_view)])
        super().__init__([W.HBox([self.preset_box]), W.HBox([W.HTML("w ="), grid]), self.message, self.note, panels, self.numbers])
        self.add_class("convbp-kernel-editor")  # lets a page (and the browser tests) find this widget

    @staticmethod
    def _titled(title: str, view) -> W.VBox:
        return W.VBox([W.HTML(f"<b>{title}</b>"), view], layout=W.Layout(margin="0 12px 0 0"))

    def _apply(self, kernel: np.ndarray) -> None:
        z = conv.conv2d(self.image, kernel)
        self.kernel, self.result = kernel, z
        self.output_view.value = _png(z, signed=bool(z.min() < 0))
        self.kernel_view.value = F.frame("", [F.table(kernel, "w", "")], "")
        r, c = z.shape[0] // 2 - 1, z.shape[1] // 2 - 1
        block = z[r : r + 3, c : c + 3]
        self.numbers.value = F.frame(
            "",
            [F.table(block, "z_centre", f"z at rows {r + 1}–{r + 3}, columns {c + 1}–{c + 3} (the centre)")],
            f"z is {z.shape[0]}×{z.shape[1]} ({self.image.shape[0]}×{self.image.shape[1]} photo, no padding); "
            f"min <span data-value='min'>{F.fmt(z.min())}</span>, max <span data-value='max'>{F.fmt(z.max())}</span>.",
        )

    def _on_preset(self, change) -> None:
        if self._quiet or change["new"] == CUSTOM:
            return
        kernel = filters.preset(change["new"])
        self._quiet = True
        try:
            for entry, v in zip(self.entries, kernel.ravel()):
                entry.value = F.fmt(v).replace("−", "-")
        finally:
            self._quiet = False
        self._done(kernel)

    def _on_entry(self, change) -> None:
        if self._quiet:
            return
        try:
            kernel = np.array([self._number(e.value, k) for k, e in enumerate(self.entries)]).reshape(3, 3)
        except ValueError as exc:
            self.error = str(exc)
            self.message.value = F.error_html(self.error)
            return
        match = next((key for key, (_, k) in filters.PRESETS.items() if np.allclose(k, kernel, atol=5e-4)), CUSTOM)
        self._quiet = True
        try:
            self.preset_box.value = match
        finally:
            self._quiet = False
        self._done(kernel)

    @staticmethod
    def _number(text: str, k: int) -> float:
        name = f"w{F.sub(k // 3 + 1, k % 3 + 1)}"
        try:
            value = float(text.strip().replace("−", "-"))
        except ValueError:
            raise ValueError(f"kernel entry {name}: {text!r} is not a number") from None
        if not np.isfinite(value):
            raise ValueError(f"kernel entry {name} must be finite; got {text!r}")
        return value

    def _done(self, kernel) -> None:
        self._apply(kernel)
        self.error = ""
        self.message.value = ""
        self.note.value = F.LIVE_NOTE
