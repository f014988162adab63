"""Which terms make up one derivative: the kernels run on grids of symbols, read term by term.

The pickers of `convbp.widgets.paths` show, for one chosen cell, every path from it to the
loss. Nothing here is worked out by hand: the forward sums are `conv2d` on symbols, ∂J/∂a is
`conv2d_backward_input` on symbols, ∂J/∂w `conv2d_backward_weight`, ∂J/∂b
`conv2d_backward_bias`, the recipe's grids `blocks.rot180`, `blocks.dilate` and
`blocks.zero_pad`; each sum is split into its terms with sympy, and every number is the
numeric kernel's. Pooling's windows and maxima come from `avg_pool2d_backward` and
`max_pool2d_backward` with a residual that is one in a single window.

Indices are 0-based here; the widgets print them 1-based, as the lecture does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from .. import blocks, conv, pool
from .. import _validate as V
from ..symbolic import symbol_grid
from . import _frames as F

Cell = tuple[int, int]


@dataclass(frozen=True)
class Path:
    """One term of a derivative: the output it goes through and the entry it meets there.

    out: the output (z, δ) position; via: the other factor's position (a kernel entry for
    ∂J/∂a, an input for ∂J/∂w, the window's cell for pooling); term: the sympy term, e.g.
    δ11·w12; value: its number.
    """

    out: Cell
    via: Cell | None
    term: sympy.Expr
    value: float


def _index(grid) -> dict:
    """Symbol -> its (i, j) in a grid of symbols."""
    return {s: ij for ij, s in np.ndenumerate(grid)}


def _terms(expr) -> list:
    """The terms of a sum, zero dropped."""
    expr = sympy.expand(expr)
    return [] if expr == 0 else list(sympy.Add.make_args(expr))


def _find(term, index: dict) -> Cell:
    """The position of the one symbol of `index` that `term` holds."""
    found = [index[s] for s in term.free_symbols if s in index]
    if len(found) != 1:
        raise RuntimeError(f"term {term} should hold exactly one of these symbols; it holds {len(found)}")
    return found[0]


def _grid2d(x, name: str, most: int) -> np.ndarray:
    grid = V.array(x, name)
    if grid.dtype == object:
        raise TypeError(f"{name} must hold numbers (the pickers make their own symbols)")
    if grid.ndim != 2 or not (1 <= grid.shape[0] <= most and 1 <= grid.shape[1] <= most):
        raise ValueError(f"{name} must be a 2-D grid of at most {most}×{most} here; got shape {grid.shape}")
    if not np.all(np.isfinite(grid)):
        raise ValueError(f"{name} must hold finite numbers")
    return grid.astype(float)


class ConvLayer:
    """One single-channel convolution layer z = a ⋆ w + b (stride s, no padding), in numbers and in symbols.

    a (H, W), w (kh, kw), delta (Ho, Wo): the layer's input, kernel and residual δ = ∂J/∂z.
    Symbols a11…, w11…, b, δ11… carry the same shapes; `values` maps each to its number.
    """

    MAX_INPUT, MAX_KERNEL = 6, 3  # every cell becomes a view in the page, so keep the grids small

    def __init__(self, a, w, delta, stride: int = 1):
        a = _grid2d(a, "a", self.MAX_INPUT)
        w = _grid2d(w, "w", self.MAX_KERNEL)
        delta = _grid2d(delta, "delta", self.MAX_INPUT)
        s = V.pair(stride, "stride")
        self.z = conv.conv2d(a, w, stride=s)  # raises if the kernel does not fit
        if delta.shape != self.z.shape:
            raise ValueError(f"delta must have the shape of z, {self.z.shape[0]}×{self.z.shape[1]}; got {delta.shape[0]}×{delta.shape[1]}")
        self.a, self.w, self.delta, self.stride = a, w, delta, s
        self.A, self.W = symbol_grid("a", *a.shape), symbol_grid("w", *w.shape)
        self.D, self.b = symbol_grid("delta", *delta.shape), sympy.Symbol("b")
        self.values = {**dict(zip(self.A.ravel(), a.ravel())), **dict(zip(self.W.ravel(), w.ravel())), **dict(zip(self.D.ravel(), delta.ravel()))}
        self._ia, self._iw, self._id = _index(self.A), _index(self.W), _index(self.D)
        # The forward sums and the three gradients, each from its kernel run on symbols.
        self.Z = conv.conv2d(self.A, self.W, self.b, stride=s)
        self.grad_a_sym = conv.conv2d_backward_input(self.D, self.W, a.shape, stride=s)
        self.grad_w_sym = conv.conv2d_backward_weight(self.D, self.A, w.shape, stride=s)
        self.grad_b_sym = conv.conv2d_backward_bias(self.D)
        # The same from the numeric kernels: these are the numbers the pickers print.
        self.grad_a = conv.conv2d_backward_input(delta, w, a.shape, stride=s)
        self.grad_w = conv.conv2d_backward_weight(delta, a, w.shape, stride=s)
        self.grad_b = float(conv.conv2d_backward_bias(delta))
        # The lecture's recipe: δ dilated by the stride, zero-padded by kernel size − 1 (and by the
        # rows/columns a strided pass never reached, on the bottom and right), under rot180(w).
        widths = V.window(a.shape, w.shape, s).residual_padding
        self.d_tilde_sym = blocks.zero_pad(blocks.dilate(self.D, s), widths)
        self.d_tilde = blocks.zero_pad(blocks.dilate(delta, s), widths)
        self.dilated = blocks.zero_pad(blocks.dilate(np.ones(delta.shape), s), widths) == 0  # zeros the recipe added
        self.inside = blocks.zero_pad(np.ones(blocks.dilate(delta, s).shape), widths) != 0  # the dilated δ itself
        self.rot_sym, self.rot = blocks.rot180(self.W), blocks.rot180(w)
        # Inputs no window reads: a residual of ones sent back through a kernel of ones leaves them 0.
        self.unreached = conv.conv2d_backward_input(np.ones(delta.shape), np.ones(w.shape), a.shape, stride=s) == 0

    def number(self, expr) -> float:
        return float(sympy.sympify(expr).subs(self.values))

    def forward_terms(self, out: Cell) -> list[tuple[sympy.Expr, Cell | None, Cell | None]]:
        """The terms of z_out as conv2d wrote them, each with (its input cell, its kernel entry); the bias has (None, None).

        In the lecture's order: kernel entries row by row, then b.
        """
        rows = []
        for t in _terms(self.Z[out]):
            if t == self.b:
                rows.append((t, None, None))
            else:
                rows.append((t, _find(t, self._ia), _find(t, self._iw)))
        return sorted(rows, key=lambda r: (r[2] is None, r[2] or (0, 0)))

    def input_paths(self, cell: Cell) -> list[Path]:
        """∂J/∂a_cell = Σ δ_out · w_via: the terms of conv2d_backward_input's entry, one per output a_cell feeds."""
        paths = [Path(_find(t, self._id), _find(t, self._iw), t, self.number(t)) for t in _terms(self.grad_a_sym[cell])]
        return sorted(paths, key=lambda p: p.out)

    def recipe_window(self, cell: Cell) -> list[tuple[Cell, Cell, sympy.Expr]]:
        """The rot180(w) window of the padded residual at `cell`: (δ̃ position, rot position, δ̃·rot) for every offset."""
        kh, kw = self.w.shape
        i, j = cell
        return [((i + p, j + q), (p, q), self.d_tilde_sym[i + p, j + q] * self.rot_sym[p, q]) for p in range(kh) for q in range(kw)]

    def weight_paths(self, entry: Cell) -> list[Path]:
        """∂J/∂w_entry = Σ δ_out · a_via: the terms of conv2d_backward_weight's entry, one per output."""
        paths = [Path(_find(t, self._id), _find(t, self._ia), t, self.number(t)) for t in _terms(self.grad_w_sym[entry])]
        return sorted(paths, key=lambda p: p.out)

    def bias_paths(self) -> list[Path]:
        """∂J/∂b = Σ δ_out: the terms of conv2d_backward_bias."""
        paths = [Path(_find(t, self._id), None, t, self.number(t)) for t in _terms(self.grad_b_sym)]
        return sorted(paths, key=lambda p: p.out)


class PoolLayer:
    """One pooling layer (max or average, window m×n, stride s, no padding) and the residual δ it receives.

    Windows and maxima come from the backward kernels: a residual that is one in window (p, q)
    alone, sent back, is non-zero exactly on that window (average) or at its maximum (max).
    """

    MAX_INPUT, MAX_WINDOW = 6, 3

    def __init__(self, a, delta, size, stride=None, mode: str = "max"):
        V.one_of(mode, ("max", "avg"), "mode")
        a = _grid2d(a, "a", self.MAX_INPUT)
        delta = _grid2d(delta, "delta", self.MAX_INPUT)
        self.size = V.pair(size, "size")
        if max(self.size) > self.MAX_WINDOW:
            raise ValueError(f"size may be at most {self.MAX_WINDOW}×{self.MAX_WINDOW} here; got {self.size}")
        self.stride = self.size if stride is None else V.pair(stride, "stride")
        forward = pool.max_pool2d if mode == "max" else pool.avg_pool2d
        self.z = forward(a, self.size, stride=self.stride)
        if delta.shape != self.z.shape:
            raise ValueError(f"delta must have the shape of the pooled map, {self.z.shape[0]}×{self.z.shape[1]}; got {delta.shape[0]}×{delta.shape[1]}")
        self.a, self.delta, self.mode = a, delta, mode
        self.A, self.D = symbol_grid("a", *a.shape), symbol_grid("delta", *delta.shape)
        self._id = _index(self.D)
        self.share = sympy.Rational(1, self.size[0] * self.size[1])
        outs = list(np.ndindex(*delta.shape))
        self.windows = {pq: pool.avg_pool2d_backward(F.onehot(delta.shape, pq), a.shape, self.size, stride=self.stride) != 0 for pq in outs}
        self.winner = {pq: pool.max_pool2d_backward(F.onehot(delta.shape, pq), a, self.size, stride=self.stride) != 0 for pq in outs}
        if mode == "max":
            self.grad = pool.max_pool2d_backward(delta, a, self.size, stride=self.stride)
            # Linear in δ: each window's residual, times 1 where that window's maximum is.
            self.grad_sym = sum((self.D[pq] * self.winner[pq].astype(int) for pq in outs), np.zeros(a.shape, dtype=int).astype(object))
        else:
            self.grad = pool.avg_pool2d_backward(delta, a.shape, self.size, stride=self.stride)
            self.grad_sym = pool.avg_pool2d_backward(self.D, a.shape, self.size, stride=self.stride)
        self.values = dict(zip(self.D.ravel(), delta.ravel()))
        self.unreached = ~np.any([m for m in self.windows.values()], axis=0)

    def containing(self, cell: Cell) -> list[Cell]:
        """The windows (outputs) that hold `cell`, row-major."""
        return [pq for pq, m in self.windows.items() if m[cell]]

    def paths(self, cell: Cell) -> list[Path]:
        """∂J/∂a_cell = Σ δ_out · ∂z_out/∂a_cell: the terms of the backward kernel's entry (via is the window's max for max pooling)."""
        out = []
        for t in _terms(self.grad_sym[cell]):
            pq = _find(t, self._id)
            via = tuple(int(x) for x in np.argwhere(self.winner[pq])[0]) if self.mode == "max" else None
            out.append(Path(pq, via, t, float(t.subs(self.values))))
        return sorted(out, key=lambda p: p.out)
