"""Annotated heat maps of grids: feature maps, residuals, kernels, unrolled matrices.

Plotting only displays what the kernels computed; nothing here computes a gradient.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from . import _validate as V
from . import i18n

# Paul Tol's "muted" qualitative scheme: nine colours told apart by readers with any common
# colour-vision deficiency (matplotlib's tab10 puts red next to green), one per kernel weight.
TOL_MUTED = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499"]


def _fmt(v, fmt: str) -> str:
    if isinstance(v, (int, float, np.floating, np.integer)):
        f = float(v)
        return f"{int(f)}" if f.is_integer() else format(f, fmt)
    return str(v)


def show_grid(ax, grid, title: str = "", *, fmt: str = ".3g", cmap: str = "Blues", highlight=None, annotate: bool = True):
    """Draw a 2-D grid as a heat map with its values written in the cells.

    highlight: optional boolean mask of cells to outline (e.g. a pooling window or a max position).
    Symbolic grids are drawn as text on a blank background.
    """
    i18n.setup_matplotlib()
    grid = np.asarray(grid)
    if grid.ndim != 2:
        raise ValueError(f"grid must be 2-D; got shape {grid.shape}")
    numeric = grid.dtype != object
    values = grid.astype(float) if numeric else np.zeros(grid.shape)
    vmax = np.abs(values).max() if numeric and values.size else 1.0
    image = ax.imshow(values, cmap=cmap if numeric else "Greys", vmin=-vmax if values.min() < 0 else 0, vmax=vmax or 1.0)
    if annotate:
        # Each value in whichever of black or white reads better on its own cell's colour.
        fills = image.to_rgba(values) if numeric else np.ones(grid.shape + (4,))
        for (i, j), v in np.ndenumerate(grid):
            ax.text(j, i, _fmt(v, fmt), ha="center", va="center", fontsize=10 if numeric else 8, color=_text_colour(fills[i, j]))
    if highlight is not None:
        for (i, j), on in np.ndenumerate(np.asarray(highlight, dtype=bool)):
            if on:
                for patch in _outline(i, j):
                    ax.add_patch(patch)
    ax.set_xticks(range(grid.shape[1]))
    ax.set_yticks(range(grid.shape[0]))
    ax.set_xticklabels(range(1, grid.shape[1] + 1))
    ax.set_yticklabels(range(1, grid.shape[0] + 1))
    ax.tick_params(length=0, labelsize=8)
    ax.set_title(title, fontsize=11, **i18n.font_for(title))
    return ax


def _relative_luminance(rgba) -> float:
    """WCAG 2 relative luminance L = 0.2126 R + 0.7152 G + 0.0722 B of linearised sRGB channels."""
    c = np.asarray(rgba, dtype=float)[:3]
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(linear @ np.array([0.2126, 0.7152, 0.0722]))


def _text_colour(rgba) -> str:
    """"black" or "white", whichever has the higher WCAG contrast (L1 + 0.05) / (L2 + 0.05) on rgba."""
    lum = _relative_luminance(rgba)
    return "black" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white"


def _outline(i: int, j: int):
    """A cell's outline as a white band under a black line: it shows on any cell colour and
    carries its meaning by shape, not by hue (readable for colour-blind readers)."""
    from matplotlib.patches import Rectangle

    corner = (j - 0.5, i - 0.5)
    return [
        Rectangle(corner, 1, 1, fill=False, edgecolor="white", linewidth=5),
        Rectangle(corner, 1, 1, fill=False, edgecolor="black", linewidth=2.5),
    ]


def show_grids(grids: Sequence, titles: Sequence[str], *, fmt: str = ".3g", cmap: str = "Blues", highlights=None, size: float = 2.6):
    """Several grids side by side (e.g. input → pooled → residual → ∂J/∂a); returns the figure."""
    import matplotlib.pyplot as plt

    if len(grids) != len(titles):
        raise ValueError(f"grids and titles must have the same length; got {len(grids)} and {len(titles)}")
    i18n.setup_matplotlib()  # before the figure: its Axes take their fonts when made
    fig, axes = plt.subplots(1, len(grids), figsize=(size * len(grids), size), squeeze=False)
    highlights = highlights or [None] * len(grids)
    for ax, g, t, h in zip(axes[0], grids, titles, highlights):
        show_grid(ax, g, t, fmt=fmt, cmap=cmap, highlight=h)
    fig.tight_layout()
    return fig


def window_masks(shape, window, *, stride=1):
    """One boolean mask per position of a window sliding over a grid of `shape`, row by row.

    shape (H, W), window (kh, kw), stride int or pair; the positions conv2d and the pooling
    kernels visit (no padding), ⌊(H − kh)/s⌋ + 1 of them down and ⌊(W − kw)/s⌋ + 1 across.
    """
    win = V.window(shape, window, stride, 0, "window")
    (kh, kw), (sh, sw) = win.khw, win.stride
    masks = []
    for u, v in np.ndindex(*win.out_hw):
        m = np.zeros(win.hw, dtype=bool)
        m[sh * u : sh * u + kh, sw * v : sw * v + kw] = True
        masks.append(m)
    return masks


def show_sliding(grid, window, *, stride=1, titles: Sequence[str] | None = None, fmt: str = ".3g", cmap: str = "Blues", size: float = 2.0):
    """A row of panels, one per position of a window sliding over `grid`, the window outlined.

    E.g. the rotated kernel visiting the zero-padded residual (section 3.2). titles: one per
    position (default "step 1", "step 2", …, in the reader's language). Returns the figure.
    """
    grid = np.asarray(grid)
    masks = window_masks(grid.shape, window, stride=stride)
    titles = [i18n.tr("step {i}", i=i + 1) for i in range(len(masks))] if titles is None else list(titles)
    if len(titles) != len(masks):
        raise ValueError(f"titles must have one entry per window position ({len(masks)}); got {len(titles)}")
    return show_grids([grid] * len(masks), titles, fmt=fmt, cmap=cmap, highlights=masks, size=size)


def show_weight_sharing(ax, M, w, *, labels: bool = True):
    """Draw an unrolled convolution matrix M (from unroll.conv_matrix on a symbolic kernel w), one colour per weight.

    White marks a structural zero (local connection); a colour repeated along shifted diagonals
    marks one weight used by every output (weight sharing). labels writes each entry's symbol.
    """
    import sympy
    from matplotlib.colors import ListedColormap, to_rgba

    i18n.setup_matplotlib()
    M, w = np.asarray(M, dtype=object), np.asarray(w, dtype=object)
    index = {s: k + 1 for k, s in enumerate(w.ravel())}
    which = np.vectorize(lambda e: index.get(e, 0), otypes=[int])(M)
    colours = ["white"] + [TOL_MUTED[k % len(TOL_MUTED)] for k in range(w.size)]
    ax.imshow(which, cmap=ListedColormap(colours), vmin=0, vmax=w.size)
    for (i, j), e in np.ndenumerate(M):
        ax.text(j, i, f"${sympy.latex(e)}$" if labels and e != 0 else "", ha="center", va="center", fontsize=8,
                color=_text_colour(to_rgba(colours[which[i, j]])))
    ax.set(xlabel=i18n.tr("input position (flattened)"), ylabel=i18n.tr("output position"), xticks=[], yticks=[])
    return ax


def show_backward_pass(stages: Sequence, *, columns: int = 4, size: float = 1.35, cmap: str = "RdBu_r"):
    """One row per stage of a backward pass, top to bottom; returns the figure.

    stages: (label, array) pairs, array 1-D (a vector, drawn as one strip across the row; with at
    most 12 entries, its values are written in and its positions 0, 1, … numbered below) or 3-D (C, H, W) (its first `columns` maps side by
    side). Each row has its own colour scale, symmetric about 0, so a zero residual is white.
    """
    import matplotlib.pyplot as plt

    if not len(stages):
        raise ValueError("stages must hold at least one (label, array) pair")
    i18n.setup_matplotlib()
    fig = plt.figure(figsize=(size * columns, 1.25 * size * len(stages)))
    grid = fig.add_gridspec(len(stages), columns, hspace=0.75, wspace=0.12, left=0.02, right=0.98, top=0.97, bottom=0.01)
    for r, (label, arr) in enumerate(stages):
        arr = np.asarray(arr, dtype=float)
        if arr.ndim not in (1, 3):
            raise ValueError(f"stage {label!r} must be 1-D or 3-D (C, H, W); got shape {arr.shape}")
        vmax = float(np.abs(arr).max()) or 1.0
        panels = [arr[None]] if arr.ndim == 1 else list(arr[:columns])
        for c, panel in enumerate(panels):
            ax = fig.add_subplot(grid[r, :] if arr.ndim == 1 else grid[r, c])
            ax.imshow(panel, cmap=cmap, vmin=-vmax, vmax=vmax, aspect="auto" if arr.ndim == 1 else "equal")
            if arr.ndim == 1 and arr.size <= 12:
                for j, v in enumerate(arr):
                    ax.text(j, 0, format(v, ".3f"), ha="center", va="center", fontsize=8,
                            color="white" if abs(v) > 0.6 * vmax else "black")
                ax.set_xticks(range(arr.size))
                ax.tick_params(length=0, labelsize=8)
            else:
                ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_title(label, fontsize=10, loc="left", **i18n.font_for(label))
    return fig
