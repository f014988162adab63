"""Pick a cell, see its paths: the lecture's coloured terms (实例：残差规律) as pictures, one per cell.

ConvInputPicker (3.2): choose an input a_uv; see every z it feeds with the term holding a_uv, the
residual ∂J/∂a_uv as the sum of δ·w along those paths, and the same terms inside the recipe's
window (rot180(w) over the dilated, zero-padded δ), then σ′(z_uv). With stride 2 it also shows
the zeros dilation inserts and the inputs no window reads.
KernelEntryPicker (3.3): choose w_pq (or b); see the inputs and residuals whose products sum
to ∂J/∂w_pq, and ∂J/∂b as the sum of all δ.
PoolingPicker (3.1): choose an input of a max or average pooling layer; see the windows that
hold it, which of them route their residual to it, and the sum it receives.

Every term and number is computed by convbp (see `_routes`); the browser only switches
between views precomputed for every cell (a Stack whose selected_index is jslinked to the
cell buttons), so picking works in the static book. Typing a new example needs Python: the
boxes are live under a kernel and disabled, with the reason, in the static book.
"""

from __future__ import annotations

import html
from fractions import Fraction

import ipywidgets as W
import numpy as np

from ..i18n import N_, tr
from . import _frames as F
from . import conv as stepper
from . import pooling
from ._routes import Cell, ConvLayer, PoolLayer
from ._views import chosen, leaves, restock, switch
from ._where import static_book

# Paul Tol's "light" scheme: told apart with the common colour-vision deficiencies, made for
# cell backgrounds under black text, so the text colour is set with it and dark mode cannot
# turn it light-on-light. Each path also carries a number (①, ②, …): colour is never the only cue.
PALETTE = ("#EE8866", "#77AADD", "#44BB99", "#FFAABB", "#BBCC33", "#EEDD88", "#99DDFF", "#AAAA00", "#DDDDDD")
PICKED = "outline:3px solid #EE3377;outline-offset:-3px;font-weight:700"  # the chosen cell, in every grid
MUTED = "color:#6b6b6b"  # zeros the recipe added, inputs no window reads
# In its dark mode the theme draws widget areas light grey under dark text, so one set of colours
# serves both modes; each is checked on white and on that grey (rgb 206, 214, 221).
WINDOW = "outline:2px dashed currentColor;outline-offset:-2px"  # the recipe's window
L1, L0 = "⁽ˡ⁻¹⁾", "⁽ˡ⁾"

_CSS = (
    # Widgets default to 13px; the page's body is 1rem, and no text here may be smaller than 0.8 of it.
    "<style>.convbp-picker .widget-html-content{font-size:1rem;line-height:1.45}"
    ".convbp-picker .widget-label,.convbp-picker input,.convbp-picker button{font-size:0.9rem}"
    ".convbp-paths sub{font-size:0.85rem}"
    ".convbp-paths td{border:1px solid #7b8794;padding:3px 6px;text-align:center;min-width:1.9em;white-space:nowrap}"
    ".convbp-paths table{margin:0;border-collapse:collapse;font-family:monospace;font-size:0.95em}"
    ".convbp-paths .convbp-term{padding:0 3px;border-radius:3px;white-space:nowrap;color:#111}"
    ".convbp-paths .convbp-eqs div{margin:1px 0}"
    ".convbp-paths .convbp-h{margin:10px 0 3px;font-weight:650}"
    ".convbp-cellpicker .widget-toggle-buttons > div, .convbp-cellpicker > div{display:grid;gap:3px;justify-content:start}"
    ".convbp-cellpicker button.widget-toggle-button{width:3.6em;margin:0;padding:0 2px}"
    + "".join(f".convbp-cols-{n} > div{{grid-template-columns:repeat({n},auto)}}" for n in range(1, 10))
    + "</style>"
)


def path_style(k: int) -> str:
    return f"background:{PALETTE[k % len(PALETTE)]};color:#111"


def badge(k: int) -> str:
    """①, ②, … ⑨ then (10), (11): the number that names path k without its colour."""
    return chr(0x2460 + k) if k < 20 else f"({k + 1})"


def name(letter: str, ij: Cell) -> str:
    """The lecture's name of an entry, 1-based: name('δ', (0, 1)) = 'δ₁₂'."""
    return f"{letter}{F.sub(ij[0] + 1, ij[1] + 1)}"


def number(v) -> str:
    """fmt, or an exact small fraction (10/9) where a pooling share makes one."""
    f = float(v)
    q = Fraction(f).limit_denominator(36)
    if abs(float(q) - f) < 1e-12 and q.denominator != 1:
        return f"{q.numerator}/{q.denominator}".replace("-", "−")
    return F.fmt(f)


def _paren(v) -> str:
    text = number(v)
    return f"({text})" if text.startswith("−") else text


def term(text: str, k: int | None, sym=None) -> str:
    """One term of a sum; a highlighted one (path k) carries its colour, its number and data-term (for tests)."""
    if k is None:
        return f"<span class='convbp-plain'>{html.escape(text)}</span>"
    data = f" data-term='{html.escape(str(sym))}'" if sym is not None else ""
    return f"<span class='convbp-term' data-path='{k}'{data} style='{path_style(k)}'>{badge(k)}&#8239;{html.escape(text)}</span>"


def grid(values, gname: str, title: str, *, styles=None, paths=None, texts=None, show=F.fmt) -> str:
    """An HTML table: `styles` (i, j) -> extra CSS, `paths` (i, j) -> path number (colour and badge), `texts` (i, j) -> shown text.

    Each cell carries data-path when on a path, so tests read what is highlighted; data-grid names the grid.
    """
    values = np.asarray(values)
    styles, paths, texts = styles or {}, paths or {}, texts or {}
    rows = []
    for i in range(values.shape[0]):
        cells = []
        for j in range(values.shape[1]):
            style, k = styles.get((i, j), ""), paths.get((i, j))
            text = html.escape(texts.get((i, j), show(values[i, j])))
            attrs = ""
            if k is not None:
                style = f"{path_style(k)};{style}"
                text = f"{badge(k)}&#8239;{text}"
                attrs = f" data-path='{k}'"
            cells.append(f"<td{attrs} style='{style}'>{text}</td>" if style else f"<td{attrs}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<div style='display:inline-block;vertical-align:top;margin:0 14px 8px 0'>"
        f"<div style='margin-bottom:2px'>{title}</div>"
        f"<table data-grid='{gname}'>" + "".join(rows) + "</table></div>"
    )


def view(cell_label: str, heading: str, sections: list[tuple[str, str, str]]) -> str:
    """One cell's view: a heading, then (key, title, content) sections; data-section=key lets tests read each part."""
    # Not <h4>: the theme colours headings for its dark page, but widget areas stay light grey there.
    body = "".join(f"<div data-section='{key}'><div class='convbp-h' role='heading' aria-level='4'>{h}</div>{content}</div>" for key, h, content in sections)
    return f"<div class='convbp-paths' data-view='{cell_label}' style='line-height:1.45'><div style='font-weight:650'>{heading}</div>{body}</div>"


def joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else tr("{first} and {last}", first=tr(", ").join(names[:-1]), last=names[-1])


def _line(html_text: str, cls: str = "") -> str:
    return f"<div class='{cls}'>{html_text}</div>" if cls else f"<div>{html_text}</div>"


# -- convolution: pick an input ------------------------------------------------------------------


def conv_input_view(layer: ConvLayer, cell: Cell) -> str:
    """The paths of input a_cell: forward (the z's it feeds), backward (δ·w terms), the recipe's window, σ′."""
    paths = layer.input_paths(cell)
    by_out = {p.out: k for k, p in enumerate(paths)}
    a_name = name("a", cell)
    unreached = {ij: MUTED for ij in F.cells(layer.unreached)}
    if paths:
        feeds = dict(a=a_name, value=F.fmt(layer.a[cell]), outputs=joined([name('z', p.out) for p in paths]), n=len(paths))
        heading = tr("{a} = {value} feeds {outputs}: {n} paths back to it.", **feeds) if len(paths) > 1 else tr("{a} = {value} feeds {outputs}: 1 path back to it.", **feeds)
    else:
        heading = tr("{a} = {value} feeds no output: no window of the stride-{s} pass reads it, so it receives 0.",
                     a=a_name, value=F.fmt(layer.a[cell]), s=layer.stride[0])

    # Forward: every z equation, the term holding a_cell in its path's colour.
    eqs = []
    for out in np.ndindex(*layer.z.shape):
        parts = []
        for t, a_ij, w_mn in layer.forward_terms(out):
            text = "b" if a_ij is None else f"{name('a', a_ij)}·{name('w', w_mn)}"
            parts.append(term(text, by_out[out] if a_ij == cell else None, t if a_ij == cell else None))
        eqs.append(_line(f"{name('z', out)} = " + " + ".join(parts) + f" = {F.fmt(layer.z[out])} + b"))
    forward = (
        grid(layer.a, "a", tr("input {a}", a=f"a{L1}"), styles={**unreached, cell: PICKED})
        + grid(layer.w, "w", tr("kernel w"), paths={p.via: k for k, p in enumerate(paths)})
        + grid(layer.z, "z", f"z{L0} − b", paths=by_out)
        + f"<div class='convbp-eqs'>{''.join(eqs)}</div>"
    )

    # Backward: ∂J/∂a_cell = Σ δ_out · w_via, term by term, then σ′.
    if paths:
        symbols = " + ".join(term(f"{name('δ', p.out)}·{name('w', p.via)}", k, p.term) for k, p in enumerate(paths))
        values = " + ".join(term(f"{F.paren(layer.delta[p.out])}·{F.paren(layer.w[p.via])}", k) for k, p in enumerate(paths))
        sums = _line(tr("{lhs} = Σ δ·w over the outputs it feeds = {terms}", lhs=f"∂J/∂{a_name}", terms=symbols)) + _line(f"= {values} = <b data-total>{F.fmt(layer.grad_a[cell])}</b>")
    else:
        sums = _line(tr("{lhs} = {total}: no term, the sum is empty.", lhs=f"∂J/∂{a_name}", total=f"<b data-total>{F.fmt(layer.grad_a[cell])}</b>"))
    sums += _line(f"δ{L1}{F.sub(cell[0] + 1, cell[1] + 1)} = ∂J/∂{a_name} · σ′(z{L1}{F.sub(cell[0] + 1, cell[1] + 1)}) = {F.fmt(layer.grad_a[cell])} · σ′(z{L1}{F.sub(cell[0] + 1, cell[1] + 1)})")
    backward = (
        grid(layer.delta, "delta", tr("residual {d}", d=f"δ{L0}"), paths=by_out)
        + grid(layer.w, "w_back", tr("kernel w"), paths={p.via: k for k, p in enumerate(paths)})
        + grid(layer.grad_a, "grad_a", f"∂J/∂a{L1}", styles={**unreached, cell: PICKED})
        + sums
    )

    # The recipe: rot180(w) laid on δ̃ at the same (u, v) covers exactly those terms.
    window = layer.recipe_window(cell)
    d_paths, rot_paths, kept = {}, {}, []
    for d_ij, rot_pq, product in window:
        if product != 0:
            out = tuple(int(x) for x in np.argwhere(layer.D == layer.d_tilde_sym[d_ij])[0])
            d_paths[d_ij] = rot_paths[rot_pq] = by_out[out]
            kept.append((by_out[out], d_ij, rot_pq, product, out))
    muted = {ij: MUTED for ij in F.cells(layer.dilated)}
    d_styles = {**muted, **{d_ij: (muted.get(d_ij, "") + ";" + WINDOW).lstrip(";") for d_ij, _, _ in window}}
    kept.sort()
    zeros = len(window) - len(kept)
    if kept:
        inner = " + ".join(term(f"{name('w', paths[k].via)}·{name('δ', out)}", k, product) for k, _, _, product, out in kept)
        added = (tr(" + {n} products with an added 0", n=zeros) if zeros > 1 else tr(" + 1 product with an added 0")) if zeros else ""
        recipe_sum = tr("Σ rot180(w) ⊙ window = {terms}", terms=inner) + added
    else:
        recipe_sum = tr("Σ rot180(w) ⊙ window = 0: all {n} entries under it are added zeros", n=zeros)
    same = tr("the same terms as above") if kept else tr("as above, nothing")
    what = tr("dilated by the stride (zeros between entries), then ") if layer.stride != (1, 1) else ""
    recipe = (
        grid(layer.d_tilde, "delta_tilde", tr("δ̃: {d} {what}zero-padded", d=f"δ{L0}", what=what), styles=d_styles, paths=d_paths)
        + grid(layer.rot, "rot", "rot180(w)", paths=rot_paths)
        + _line(tr("The window at row {row}, column {column} (dashed): {sum} — {same}, = {total}.", row=cell[0] + 1, column=cell[1] + 1,
                   sum=recipe_sum, same=same, total=f"<b>{F.fmt(layer.grad_a[cell])}</b>"))
    )
    return view(a_name, heading, [("forward", tr("Forward (前向): the sums it enters"), forward), ("backward", tr("Backward (反向): the residual it collects"), backward),
                                  ("recipe", tr("The recipe (前一层残差计算方式): rotate, pad, correlate"), recipe)])


# -- convolution: pick a kernel entry or the bias -----------------------------------------------


def _at(index: str, stride: int, offset: int) -> str:
    """The input row (or column) kernel entry `offset` (0-based) meets at output `index`: u+1, or 2(u−1)+2 with stride 2."""
    if stride == 1:
        return index if offset == 0 else f"{index}+{offset}"
    return f"{stride}({index}−1)+{offset + 1}"


def kernel_entry_view(layer: ConvLayer, entry: Cell | None) -> str:
    """The paths of w_entry (or of b when entry is None): its term in every z, and ∂J/∂w_entry = Σ δ·a (∂J/∂b = Σ δ)."""
    paths = layer.weight_paths(entry) if entry is not None else layer.bias_paths()
    by_out = {p.out: k for k, p in enumerate(paths)}
    label = name("w", entry) if entry is not None else "b"
    eqs = []
    for out in np.ndindex(*layer.z.shape):
        parts = []
        for t, a_ij, w_mn in layer.forward_terms(out):
            mine = w_mn == entry
            text = "b" if a_ij is None else f"{name('a', a_ij)}·{name('w', w_mn)}"
            parts.append(term(text, by_out.get(out) if mine else None, t if mine else None))
        eqs.append(_line(f"{name('z', out)} = " + " + ".join(parts)))
    forward = f"<div class='convbp-eqs'>{''.join(eqs)}</div>"
    if entry is not None:
        symbols = " + ".join(term(f"{name('δ', p.out)}·{name('a', p.via)}", k, p.term) for k, p in enumerate(paths))
        values = " + ".join(term(f"{F.paren(layer.delta[p.out])}·{F.paren(layer.a[p.via])}", k) for k, p in enumerate(paths))
        total = F.fmt(layer.grad_w[entry])
        heading = tr("{w} multiplies one input in each of the {n} sums: ∂J/∂{w} correlates the input with the residual.", w=label, n=len(paths))
        grids = (
            grid(layer.a, "a", tr("input {a}", a=f"a{L1}"), paths={p.via: k for k, p in enumerate(paths)})
            + grid(layer.delta, "delta", tr("residual {d}", d=f"δ{L0}"), paths=by_out)
            + grid(layer.grad_w, "grad_w", "∂J/∂w", styles={entry: PICKED})
        )
        rule = f"∂J/∂{label} = Σ<sub>u,v</sub> δ<sub>uv</sub> · a<sub>{_at('u', layer.stride[0], entry[0])}, {_at('v', layer.stride[1], entry[1])}</sub>"
    else:
        symbols = " + ".join(term(name("δ", p.out), k, p.term) for k, p in enumerate(paths))
        values = " + ".join(term(F.paren(layer.delta[p.out]), k) for k, p in enumerate(paths))
        total = F.fmt(layer.grad_b)
        heading = tr("b is added once to each of the {n} sums with coefficient 1: ∂J/∂b is the sum of the residual map.", n=len(paths))
        grids = grid(layer.delta, "delta", tr("residual {d}", d=f"δ{L0}"), paths=by_out)
        rule = "∂J/∂b = Σ<sub>u,v</sub> δ<sub>uv</sub>"
    backward = grids + _line(f"{rule} = {symbols}") + _line(f"= {values} = <b data-total>{total}</b>")
    return view(label, heading, [("forward", tr("Forward: {x} in every sum", x=label), forward),
                                 ("backward", tr("Its gradient (卷积核的梯度)") if entry is not None else tr("Its gradient (偏置值的梯度)"), backward)])


# -- pooling: pick an input ----------------------------------------------------------------------


def pooling_view(layer: PoolLayer, cell: Cell) -> str:
    """The windows holding a_cell, which route their residual to it, and the sum it receives (then σ′)."""
    paths = layer.paths(cell)
    by_out = {p.out: k for k, p in enumerate(paths)}
    holding = layer.containing(cell)
    a_name = name("a", cell)
    m, n = layer.size
    share = f"1/{m * n}"
    if not holding:
        heading = tr("{a} = {value} lies in no window: it takes no part in the forward pass and receives 0.", a=a_name, value=number(layer.a[cell]))
    elif layer.mode == "max":
        won = [name("z", p.out) for p in paths]
        lies = dict(a=a_name, value=number(layer.a[cell]), n=len(holding))
        heading = (tr("{a} = {value} lies in {n} windows", **lies) if len(holding) > 1 else tr("{a} = {value} lies in 1 window", **lies)) + (
            tr(" and is the maximum of {outputs}.", outputs=joined(won)) if won else tr(", and is the maximum of none: it receives 0.")
        )
    elif len(holding) > 1:
        heading = tr("{a} lies in {n} windows; each gives it the share {share} of its residual.", a=a_name, n=len(holding), share=share)
    else:
        heading = tr("{a} lies in 1 window; it gives it the share {share} of its residual.", a=a_name, share=share)
    panels = []
    terms_sym, terms_num = [], []
    for pq in holding:
        k = by_out.get(pq)
        rows, cols = (np.flatnonzero(layer.windows[pq].any(axis=1)), np.flatnonzero(layer.windows[pq].any(axis=0)))
        block = layer.a[np.ix_(rows, cols)]
        top = (int(rows[0]), int(cols[0]))
        styles = {}
        if layer.mode == "max":
            at = tuple(int(x) for x in np.argwhere(layer.winner[pq])[0])
            styles[(at[0] - top[0], at[1] - top[1])] = "font-weight:700;text-decoration:underline"
        styles[(cell[0] - top[0], cell[1] - top[1])] = styles.get((cell[0] - top[0], cell[1] - top[1]), "") + ";" + PICKED
        title = f"{badge(k) + ' ' if k is not None else ''}" + tr("window of {z}", z=name('z', pq))
        if layer.mode == "max":
            at_name = name("a", at)
            title += tr(": max {a} = {value}", a=at_name, value=number(layer.a[at]))
        colour = f"border-top:6px solid {PALETTE[k % len(PALETTE)]};padding-top:2px" if k is not None else "border-top:6px dashed #6b6b6b;padding-top:2px"
        panels.append(f"<div style='display:inline-block;vertical-align:top;{colour};margin:0 10px 8px 0'>" + grid(block, f"window_{pq[0] + 1}{pq[1] + 1}", title, styles=styles, show=number) + "</div>")
        d = name("δ", pq)
        if layer.mode == "max":
            got = layer.winner[pq][cell]
            factor = "1" if got else "0"
            t = next((p.term for p in paths if p.out == pq), None)
            terms_sym.append(term(f"{d}·{factor}", k if got else None, t))
            terms_num.append(term(f"{_paren(layer.delta[pq])}·{factor}", k if got else None))
        else:
            t = next(p.term for p in paths if p.out == pq)
            terms_sym.append(term(f"{d}·{share}", k, t))
            terms_num.append(term(f"{_paren(layer.delta[pq])}·{share}", k))
    why = tr("∂z/∂a is 1 at a window's maximum, 0 elsewhere") if layer.mode == "max" else tr("∂z/∂a = 1/(m·n) = {share} for every input of a window", share=share)
    sub_ = F.sub(cell[0] + 1, cell[1] + 1)
    if holding:
        sums = _line(tr("{lhs} = Σ δ<sub>pq</sub> · ∂z<sub>pq</sub>/∂{a} over its windows ({why}) = ", lhs=f"∂J/∂{a_name}", a=a_name, why=why) + " + ".join(terms_sym))
        sums += _line("= " + " + ".join(terms_num) + f" = <b data-total>{number(layer.grad[cell])}</b>")
    else:
        sums = _line(f"∂J/∂{a_name} = <b data-total>{number(layer.grad[cell])}</b>")
    sums += _line(f"δ{L1}{sub_} = ∂J/∂{a_name} · σ′(z{L1}{sub_}) = {number(layer.grad[cell])} · σ′(z{L1}{sub_})")
    unreached = {ij: MUTED for ij in F.cells(layer.unreached)}
    grids = (
        grid(layer.a, "a", tr("input {a}", a=f"a{L1}"), styles={**unreached, cell: PICKED}, show=number)
        + grid(layer.delta, "delta", tr("residual {d}", d=f"δ{L0}"), paths=by_out, show=number)
        + grid(layer.grad, "grad_a", f"∂J/∂a{L1}", styles={**unreached, cell: PICKED}, show=number)
    )
    what = tr("Max pooling (最大池化)") if layer.mode == "max" else tr("Average pooling (平均池化)")
    sections = [("windows", tr("{what}: the windows that hold {a}", what=what, a=a_name), "".join(panels) if panels else f"<div>{tr('none')}</div>"),
                ("backward", tr("The residual it receives"), grids + sums)]
    return view(a_name, heading, sections)


# -- the widgets ------------------------------------------------------------------------------------

NOTE = "<div class='convbp-note' style='font-size:0.9em;margin:2px 0'>{}</div>"
STATIC_NOTE = N_(
    "✎ The buttons work on this page. "
    "Typing your own example needs a live Python kernel: <b>Live Code</b> from the rocket button at the top of the page, "
    "Binder, or Jupyter."
)
LIVE_NOTE = N_("✎ Live: type an example (rows separated by ';') and press Enter; every cell's view is recomputed.")


class CellPicker(W.VBox):
    """Cell buttons laid out like the grid, switching precomputed views in the browser (`_views.switch`).

    Subclasses give `_compute_views(from_boxes)` -> (button labels, tooltips, views per mode) and set
    `_shape` (the buttons' grid); `boxes` are the typed entries, live only under a kernel. With `modes`,
    a toggle above the buttons switches between the modes' views, the picked cell kept.
    """

    modes: tuple[str, ...] = ()

    def __init__(self, boxes: list[W.Widget], picked: int, what: str):
        self.error = ""
        self._quiet = False  # set while Python itself refits a box, so that its observer stays still
        self.message = W.HTML()
        self.static = static_book()
        self.note = W.HTML(_CSS + NOTE.format(tr(STATIC_NOTE if self.static else LIVE_NOTE)))
        self.boxes = boxes
        for box in boxes:
            box.disabled = self.static
            if not self.static:
                box.observe(self._on_edit, names="value")
        what = tr(what)
        labels, tooltips, per_mode = self._compute_views()
        picked = min(picked, len(labels) - 1)
        self.picker = W.ToggleButtons(options=list(zip(labels, range(len(labels)))), index=picked, description="", tooltip=what,
                                      tooltips=tooltips, style={"button_width": "3.6em"})
        self.picker.add_class("convbp-cellpicker")
        self.picker.add_class(f"convbp-cols-{self._shape[1]}")
        self.picker_label = W.HTML(f"<span style='font-weight:650'>{what}</span>")
        self.mode = None
        views = [[W.HTML(v) for v in mode_views] for mode_views in per_mode]
        if self.modes:
            self.mode = W.ToggleButtons(options=[(tr(m), i) for i, m in enumerate(self.modes)], description=tr("pooling"), tooltips=[tr(m) for m in self.modes])
            self.stack = switch([self.mode, self.picker], views)
        else:
            self.stack = switch([self.picker], views[0])
        top = [self.mode] if self.mode is not None else []
        super().__init__([*top, self.picker_label, self.picker, *([W.HBox(boxes, layout=W.Layout(flex_flow="row wrap"))] if boxes else []), self.note, self.message, self.stack])
        self.add_class("convbp-picker")

    # what the reader sees
    @property
    def current(self) -> str:
        """The view shown: the selected mode's views, at the picked cell."""
        return chosen(self.stack).value

    def views(self, mode: int = 0) -> list[str]:
        return [v.value for v in leaves(self.stack, *([mode] if self.modes else []))]

    def pick(self, index: int) -> None:
        """Press button `index` from Python (the browser does the same through the jslinks)."""
        self.picker.index = index

    def _show(self, computed, picked: int) -> None:
        labels, tooltips, per_mode = computed
        picked = min(picked, len(labels) - 1)
        views = [[W.HTML(v) for v in mode_views] for mode_views in per_mode]
        restock(self.stack, views if self.modes else views[0])
        for c in list(self.picker._dom_classes):
            if c.startswith("convbp-cols-"):
                self.picker.remove_class(c)
        self.picker.add_class(f"convbp-cols-{self._shape[1]}")
        self.picker.options = list(zip(labels, range(len(labels))))
        self.picker.tooltips = tooltips
        self.picker.index = picked

    def _on_edit(self, change) -> None:
        if self._quiet:
            return
        try:
            computed = self._compute_views(from_boxes=True)
        except (ValueError, TypeError) as exc:
            self.error = str(exc)
            self.message.value = F.error_html(self.error)
            return
        self.error = ""
        self.message.value = ""
        self._show(computed, self.picker.index or 0)


class ConvInputPicker(CellPicker):
    """Pick an input a_uv of a convolution (default: the lecture's 3×3 input, 2×2 kernel) and see every path from it.

    ConvInputPicker(a, w, delta, stride=1, cell=(0, 1)); one view per input cell in .views(),
    .layer holds the example (convbp's numbers and the symbolic sums behind every view).
    """

    A, W_ = stepper.DEFAULT_A, stepper.DEFAULT_W  # the 3.2 stepper's example
    WHAT, CLASS = N_("Pick an input cell aᵤᵥ:"), "convbp-input-picker"
    DELTA = stepper.DEFAULT_DELTA

    def __init__(self, a=None, w=None, delta=None, stride: int = 1, cell: Cell = (0, 1)):
        self.layer = ConvLayer(self.A if a is None else a, self.W_ if w is None else w, self.DELTA if delta is None else delta, stride)
        self.a_box = F.grid_box(self.layer.a, "a", width="230px")
        self.w_box = F.grid_box(self.layer.w, "w", width="200px")
        self.delta_box = F.grid_box(self.layer.delta, "δ", width="200px")
        self.stride_box = F.int_box(stride, tr("stride"))
        for box, tip in ((self.a_box, tr("the input a, rows separated by ';'")), (self.w_box, tr("the kernel w")),
                         (self.delta_box, tr("the residual δ = ∂J/∂z (reset to fit when z changes size)")), (self.stride_box, tr("the stride"))):
            box.tooltip = tip
        super().__init__([self.a_box, self.w_box, self.delta_box, self.stride_box], self._picked(cell), self.WHAT)
        self.add_class(self.CLASS)

    def _picked(self, cell: Cell) -> int:
        return cell[0] * self.layer.a.shape[1] + cell[1]

    def _read_boxes(self) -> None:
        """The typed example as a new layer; a residual that no longer fits z is reset to 1, 2, … (and shown)."""
        from .. import conv

        a = F.parse_grid(self.a_box.value, "a", max_shape=(ConvLayer.MAX_INPUT,) * 2)
        w = F.parse_grid(self.w_box.value, "w", max_shape=(ConvLayer.MAX_KERNEL,) * 2)
        delta = F.parse_grid(self.delta_box.value, "delta", max_shape=(ConvLayer.MAX_INPUT,) * 2)
        z_shape = conv.conv2d(a, w, stride=self.stride_box.value).shape
        delta = F.fit_delta(delta, z_shape)[0]
        self.layer = ConvLayer(a, w, delta, self.stride_box.value)
        with F.quietly(self):
            self.delta_box.value = F.grid_text(delta)

    def _compute_views(self, from_boxes: bool = False):
        if from_boxes:
            self._read_boxes()
        layer = self.layer
        self._shape = layer.a.shape
        cells = list(np.ndindex(*layer.a.shape))
        labels = [name("a", c) for c in cells]
        tooltips = [tr("show the paths of input {a} (row {row}, column {column})", a=name('a', c), row=c[0] + 1, column=c[1] + 1) for c in cells]
        return labels, tooltips, [[conv_input_view(layer, c) for c in cells]]


class KernelEntryPicker(ConvInputPicker):
    """Pick a kernel entry w_pq, or the bias b: ∂J/∂w_pq as Σ δ·a, ∂J/∂b as Σ δ (section 3.3).

    KernelEntryPicker(a, w, delta, stride=1, cell=(0, 0)); the last button is b.
    """

    WHAT, CLASS = N_("Pick a kernel entry w or the bias b:"), "convbp-kernel-picker"

    def __init__(self, a=None, w=None, delta=None, stride: int = 1, cell: Cell = (0, 0)):
        super().__init__(a, w, delta, stride, cell)

    def _picked(self, cell: Cell) -> int:
        return cell[0] * self.layer.w.shape[1] + cell[1]

    def _compute_views(self, from_boxes: bool = False):
        if from_boxes:
            self._read_boxes()
        layer = self.layer
        kh, kw = layer.w.shape
        self._shape = (kh + 1, kw)  # the kernel's own layout, then b on a row of its own
        entries = list(np.ndindex(kh, kw))
        labels = [name("w", e) for e in entries] + ["b"]
        tooltips = [tr("show the gradient of kernel entry {w}", w=name('w', e)) for e in entries] + [tr("show the gradient of the bias b")]
        views = [kernel_entry_view(layer, e) for e in entries] + [kernel_entry_view(layer, None)]
        return labels, tooltips, [views]


class PoolingPicker(CellPicker):
    """Pick an input of a pooling layer; see its windows, max or share, and the residual it receives (section 3.1).

    PoolingPicker(a, delta_max, delta_avg, size=2, stride=None, cell=(0, 1)); default: the lecture's
    4×4 map with its two residuals, [[7, 3], [1, 4]] for max and [[8, 4], [16, 4]] for average pooling.
    """

    modes = (N_("max pooling"), N_("average pooling"))
    A = pooling.LECTURE_MAP

    def __init__(self, a=None, delta_max=None, delta_avg=None, size=2, stride=None, cell: Cell = (0, 1)):
        if a is None:  # the lecture's example, with the residual it gives each kind of pooling
            a, delta_max, delta_avg = self.A, pooling.LECTURE_DELTA["max"], pooling.LECTURE_DELTA["avg"]
        delta_avg = delta_max if delta_avg is None else delta_avg
        self.layers = (PoolLayer(a, delta_max, size, stride, "max"), PoolLayer(a, delta_avg, size, stride, "avg"))
        first = self.layers[0]
        self.a_box = F.grid_box(first.a, "a", width="260px")
        self.dmax_box = F.grid_box(first.delta, tr("δ (max)"), width="200px")
        self.davg_box = F.grid_box(self.layers[1].delta, tr("δ (avg)"), width="200px")
        self.size_box = F.int_box(first.size[0], tr("window"))
        self.stride_box = F.int_box(first.stride[0], tr("stride"))
        for box, tip in ((self.a_box, tr("the pooling layer's input")), (self.dmax_box, tr("the residual reaching max pooling")),
                         (self.davg_box, tr("the residual reaching average pooling")), (self.size_box, tr("window size m = n")), (self.stride_box, tr("the stride"))):
            box.tooltip = tip
        super().__init__([self.a_box, self.dmax_box, self.davg_box, self.size_box, self.stride_box], cell[0] * first.a.shape[1] + cell[1], N_("Pick an input cell aᵤᵥ:"))
        self.add_class("convbp-pooling-picker")

    def _compute_views(self, from_boxes: bool = False):
        if from_boxes:
            from .. import pool

            a = F.parse_grid(self.a_box.value, "a", max_shape=(PoolLayer.MAX_INPUT,) * 2)
            size, stride = self.size_box.value, self.stride_box.value
            shape = pool.avg_pool2d(a, size, stride=stride).shape
            deltas = []
            for box, nm in ((self.dmax_box, "delta (max)"), (self.davg_box, "delta (avg)")):
                d = F.parse_grid(box.value, nm, max_shape=(PoolLayer.MAX_INPUT,) * 2)
                deltas.append(F.fit_delta(d, shape)[0])
            self.layers = (PoolLayer(a, deltas[0], size, stride, "max"), PoolLayer(a, deltas[1], size, stride, "avg"))
            with F.quietly(self):
                self.dmax_box.value = F.grid_text(deltas[0])
                self.davg_box.value = F.grid_text(deltas[1])
        self._shape = self.layers[0].a.shape
        cells = list(np.ndindex(*self._shape))
        labels = [name("a", c) for c in cells]
        tooltips = [tr("show the windows and residual of input {a} (row {row}, column {column})", a=name('a', c), row=c[0] + 1, column=c[1] + 1) for c in cells]
        return labels, tooltips, [[pooling_view(layer, c) for c in cells] for layer in self.layers]
