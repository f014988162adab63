"""Grids of sympy symbols named like the lecture, and ways to show what the kernels do to them.

symbol_grid("a", 3, 3) is the lecture's a11 … a33; pass it through convbp.conv2d and the
lecture's z11 = a11·w11 + a12·w12 + a21·w21 + a22·w22 comes out of the very code that trains
the network. delta prints as δ, so symbol_grid("delta", 2, 2) is δ11 … δ22.
"""

from __future__ import annotations

import numpy as np
import sympy

from .i18n import tr


def _name(base: str, idx: tuple[int, ...]) -> str:
    if all(i < 10 for i in idx):
        return base + "".join(map(str, idx))
    return f"{base}_{{{','.join(map(str, idx))}}}"


def symbol_grid(name: str, rows: int, cols: int, *, start: int = 1, **assumptions) -> np.ndarray:
    """An object array of Symbols name{i}{j}, i in start … start+rows−1 (1-based like the lecture)."""
    if rows < 1 or cols < 1:
        raise ValueError(f"rows and cols must be positive; got {rows}, {cols}")
    grid = np.empty((rows, cols), dtype=object)
    for i in range(rows):
        for j in range(cols):
            grid[i, j] = sympy.Symbol(_name(name, (i + start, j + start)), **assumptions)
    return grid


def symbol_tensor(name: str, shape: tuple[int, ...], **assumptions) -> np.ndarray:
    """Symbols for a 4-D array: leading indices as a superscript, e.g. a^(c)_ij or w^(k,c)_pq.

    shape (N, C, H, W) names a sample's channel c entry a^{(c)}_{ij} (the sample index is
    dropped when N = 1); shape (K, C, kh, kw) names w^{(k,c)}_{pq}.
    """
    shape = tuple(shape)
    if len(shape) < 2 or any(s < 1 for s in shape):
        raise ValueError(f"shape must have at least 2 positive sizes; got {shape}")
    # A braced name is printed verbatim, so spell Greek bases in LaTeX: "delta" → "\delta".
    name = sympy.latex(sympy.Symbol(name))
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(*shape):
        lead = tuple(i + 1 for i in idx[:-2])
        if len(lead) == 2 and shape[0] == 1:
            lead = lead[1:]
        sup = ",".join(map(str, lead))
        base = f"{name}^{{({sup})}}" if lead else name
        out[idx] = sympy.Symbol(base + "_{" + "".join(str(i + 1) for i in idx[-2:]) + "}", **assumptions)
    return out


def as_matrix(grid) -> sympy.Matrix:
    """A 2-D grid (object or numeric) as a sympy Matrix, for printing."""
    grid = np.asarray(grid)
    if grid.ndim != 2:
        raise ValueError(f"grid must be 2-D; got shape {grid.shape}")
    return sympy.Matrix(grid.tolist())


def equations(name: str, grid, *, start: int = 1) -> list[sympy.Eq]:
    """One equation per entry, name{i}{j} = grid[i, j], e.g. the lecture's four z equations."""
    grid = np.asarray(grid)
    lhs = symbol_grid(name, *grid.shape, start=start)
    return [sympy.Eq(l, sympy.expand(r), evaluate=False) for l, r in zip(lhs.ravel(), grid.ravel())]


def derivative_grid(expr, variables) -> np.ndarray:
    """∂expr/∂v for each entry v of `variables`, in the same shape: sympy does the calculus."""
    variables = np.asarray(variables)
    out = np.empty(variables.shape, dtype=object)
    for idx in np.ndindex(*variables.shape):
        out[idx] = sympy.diff(expr, variables[idx])
    return out


def simplify_grid(grid) -> np.ndarray:
    """sympy.expand on each entry, so two grids of expressions can be compared term by term."""
    return np.frompyfunc(sympy.expand, 1, 1)(np.asarray(grid, dtype=object))


def linear_loss(delta, z):
    """J = Σ δ ⊙ z: the only part of the loss the chain rule sees, so ∂J/∂z = δ exactly.

    Back-propagation uses J only through δ = ∂J/∂z, so differentiating this stand-in with
    sympy gives the same ∂J/∂a, ∂J/∂w, ∂J/∂b as any loss with that residual. delta and z:
    arrays of the same shape (symbols or numbers).
    """
    delta, z = np.asarray(delta, dtype=object), np.asarray(z, dtype=object)
    if delta.shape != z.shape:
        raise ValueError(f"delta and z must have the same shape; got {delta.shape} and {z.shape}")
    return sympy.Add(*[d * v for d, v in zip(delta.ravel(), z.ravel())])


def coloured_equations(name: str, grid, colours: dict, *, start: int = 1) -> str:
    """LaTeX of the equations name{i}{j} = grid[i, j], each term coloured by the variable it contains.

    colours maps a Symbol (e.g. a12) to a colour name; a term containing it is drawn in that
    colour, as the lecture colours the terms that feed one input. Returns an aligned block
    for IPython.display.Math.
    """
    grid = np.asarray(grid)
    lhs = symbol_grid(name, *grid.shape, start=start)
    lines = []
    for left, right in zip(lhs.ravel(), grid.ravel()):
        terms = []
        for term in sympy.Add.make_args(sympy.expand(right)):
            tex = sympy.latex(term)
            hit = [c for s, c in colours.items() if term.has(s)]
            terms.append(rf"\color{{{hit[0]}}}{{{tex}}}" if hit else tex)
        lines.append(sympy.latex(left) + " &= " + " + ".join(terms))
    return r"\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}"


def feeds_table(z, a, *, colours: dict | None = None) -> str:
    """LaTeX table of ∂z_uv/∂a_ij: one row per input a_ij, one column per output z_uv.

    Entry (a_ij, z_uv) is the weight through which a_ij feeds z_uv (0 if it does not), so row
    a_ij lists every term the residual δ^(l−1)_ij collects. sympy computes the entries;
    colours (Symbol → colour name) colours a row's non-zero entries like coloured_equations.
    """
    z, a = np.asarray(z, dtype=object), np.asarray(a, dtype=object)
    if z.ndim != 2:
        raise ValueError(f"z must be a 2-D grid; got shape {z.shape}")
    outs = symbol_grid("z", *z.shape)
    colours = colours or {}
    head = " & ".join(sympy.latex(s) for s in outs.ravel())
    rows = []
    for var in a.ravel():
        cells = []
        for expr in z.ravel():
            d = sympy.diff(expr, var)
            tex = sympy.latex(d)
            cells.append(rf"\color{{{colours[var]}}}{{{tex}}}" if d != 0 and var in colours else tex)
        rows.append(sympy.latex(var) + " & " + " & ".join(cells))
    cols = "c|" + "c" * z.size
    return rf"\begin{{array}}{{{cols}}} & {head} \\ \hline " + r" \\ ".join(rows) + r"\end{array}"


class Equal:
    """What assert_grids_equal proved, shown in a notebook as "equal in all n entries"."""

    def __init__(self, entries: int, shape: tuple[int, ...]):
        self.entries, self.shape = entries, shape

    def __repr__(self) -> str:
        # What the book shows under a proved equality, so in the reader's language.
        return tr("equal in all {n} entries", n=self.entries) if self.entries != 1 else tr("equal")


def _entry_difference(left, right, rtol: float, atol: float) -> bool:
    if isinstance(left, sympy.Basic) or isinstance(right, sympy.Basic):
        return sympy.simplify(sympy.expand(left - right)) != 0
    return not np.isclose(left, right, rtol=rtol, atol=atol, equal_nan=True)


def assert_grids_equal(left, right, *, rtol: float = 1e-9, atol: float = 1e-12,
                       limit: int = 10) -> Equal:
    """Assert left[i] = right[i] for every entry i, and say so; the book's proof of an equality.

    Entries holding sympy expressions must simplify to the same expression (left − right
    expands and simplifies to 0); numbers must agree within rtol·|right| + atol (NaN equals
    NaN). left and right: arrays, sympy Matrices or scalars of the same shape. Raises an
    AssertionError listing the first `limit` differing entries (index: left ≠ right), so a
    notebook that claims an equality fails the book's build when the claim stops holding.
    Returns an Equal, shown as "equal in all n entries".
    """
    l_arr = np.asarray(left, dtype=object)
    r_arr = np.asarray(right, dtype=object)
    if l_arr.shape != r_arr.shape:
        raise AssertionError(f"grids differ in shape: {l_arr.shape} and {r_arr.shape}")
    differ = [idx for idx in np.ndindex(*l_arr.shape)
              if _entry_difference(l_arr[idx], r_arr[idx], rtol, atol)]
    if differ:
        lines = [f"  {idx}: {l_arr[idx]} ≠ {r_arr[idx]}" for idx in differ[:limit]]
        more = [f"  … and {len(differ) - limit} more"] if len(differ) > limit else []
        raise AssertionError(f"grids differ in {len(differ)} of {l_arr.size} entries:\n"
                             + "\n".join(lines + more))
    return Equal(l_arr.size, l_arr.shape)
