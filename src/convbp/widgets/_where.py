"""Where a widget runs: in the static HTML book, or under a live Python kernel.

`make book` executes the notebooks with CONVBP_STATIC_BOOK=1, so the widget state saved
into the HTML is the static one: discrete choices switch precomputed views in the browser,
and boxes that would need Python to recompute are disabled with the reason. Anywhere else
(Jupyter, voila, Binder, Thebe) the variable is unset and every control is live.
"""

from __future__ import annotations

import os

STATIC_BOOK_ENV = "CONVBP_STATIC_BOOK"


def static_book() -> bool:
    """True while the notebooks are executed for the static HTML book (`make book`)."""
    return os.environ.get(STATIC_BOOK_ENV, "") == "1"
