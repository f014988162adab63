"""Widgets that step through the lecture's worked examples and let the reader edit them.

Each is an ipywidgets container, to be the last expression of a notebook cell:
PoolingStepper() (section 3.1), ConvStepper() (3.2 and 3.3), KernelEditor() (section 1), and
the pick-a-cell pictures PoolingPicker() (3.1), ConvInputPicker() (3.2), KernelEntryPicker() (3.3).
Frames are computed in Python by convbp's kernels and stepped in the browser. In the static book
(`_where.static_book()`) every discrete choice (preset, pooling mode, window, stride, padding) is a
precomputed view switched in the browser (`_views.switch`), and the free boxes are disabled with
the reason; under a live kernel every control recomputes.
"""

from .conv import ConvStepper
from .kernels import KernelEditor
from .paths import ConvInputPicker, KernelEntryPicker, PoolingPicker
from .pooling import PoolingStepper

__all__ = [
    "ConvInputPicker", "ConvStepper", "KernelEditor", "KernelEntryPicker", "PoolingPicker", "PoolingStepper",
]
