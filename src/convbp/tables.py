"""Tables of the counts `convbp.models` makes: presentation, next to plotting.

`convbp.models` describes networks and counts them; this module lays the counts out as small
text/HTML tables (`Table`): a model's per-layer summary (what `str(summary)` and Jupyter show),
the paper's ResNet Table 1 rebuilt from the models (`resnet_table`), and any table a chapter
builds from its own rows.
"""
from __future__ import annotations

import html

from . import _validate as V
from . import models
from .i18n import tr


class Table:
    """A small text/HTML table: ``header`` and ``rows`` of strings, an optional
    ``footer`` row; ``right[i]`` right-aligns column ``i``."""

    def __init__(self, title, header, rows, *, footer=None, right=None):
        self.title, self.header = title, tuple(header)
        self.rows = [tuple(str(c) for c in r) for r in rows]
        self.footer = None if footer is None else tuple(str(c) for c in footer)
        self.right = tuple(right) if right else (False,) * len(self.header)

    def __str__(self):
        lines = [self.header] + self.rows + ([self.footer] if self.footer else [])
        widths = [max(len(r[i]) for r in lines) for i in range(len(self.header))]

        def line(row):
            return "  ".join(c.rjust(w) if r else c.ljust(w)
                             for c, w, r in zip(row, widths, self.right)).rstrip()
        rule = "-" * len(line(self.header))
        out = [self.title, line(self.header), rule] + [line(r) for r in self.rows]
        if self.footer:
            out += [rule, line(self.footer)]
        return "\n".join(out)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        def row(cells, tag="td"):
            return "<tr>" + "".join(
                f'<{tag} style="text-align:{"right" if r else "left"}">{html.escape(c)}</{tag}>'
                for c, r in zip(cells, self.right)) + "</tr>"
        foot = f"<tfoot>{row(self.footer, 'th')}</tfoot>" if self.footer else ""
        return (f"<table><caption>{html.escape(self.title)}</caption>"
                f"<thead>{row(self.header, 'th')}</thead><tbody>"
                + "".join(row(r) for r in self.rows) + f"</tbody>{foot}</table>")


def summary_table(summary):
    """A :class:`convbp.models.Summary` as a :class:`Table`: one row per layer, the totals as the footer."""
    show = models.shape_text
    return Table(tr("{name}, input {shape}", name=summary.name, shape=show(summary.input_shape)),
                 (tr("name"), tr("kind"), tr("output"), tr("params"), tr("MACs")),
                 [(r.name, r.kind, show(r.output_shape), f"{r.params:,}", f"{r.macs:,}")
                  for r in summary.rows],
                 footer=(tr("total"), "", show(summary.output_shape),
                         f"{summary.params:,}", f"{summary.macs:,}"),
                 right=(False, False, True, True, True))


def _kernel(layer):
    kh, kw = layer.kernel_size if isinstance(layer, models.Conv2d) else layer.size
    return f"{kh}×{kw}"


def _describe_stage(rows, stage):
    """Table 1's cell for one stage, read back from the layers of the model."""
    rows = [r for r in rows if r.name.split(".")[0] == stage]
    parts = []
    for r in rows:
        if r.kind == "maxpool":
            parts.append(tr("{kernel} max pool, stride {s}", kernel=_kernel(r.layer), s=r.layer.stride[0]))
    blocks = {r.name.split(".")[1] for r in rows if r.name.count(".") >= 2}
    if not blocks:  # conv1 or the head
        for r in rows:
            if r.kind == "conv":
                parts.append(tr("{kernel}, {channels}, stride {s}", kernel=_kernel(r.layer),
                                channels=r.layer.out_channels, s=r.layer.stride[0]))
            elif r.kind == "avgpool":
                parts.append(tr("average pool"))
            elif r.kind == "fc":
                parts.append(tr("{n}-d fc", n=r.layer.out_features))
            elif r.kind == "softmax":
                parts.append("softmax")
        return tr(", ").join(parts)
    first = [r.layer for r in rows if r.name.startswith(f"{stage}.0.conv")]
    convs = "; ".join(f"{_kernel(c)}, {c.out_channels}" for c in first)
    return "; ".join(parts + [f"[{convs}] × {len(blocks)}"])


def resnet_table(depths=(18, 34, 50, 101, 152), *, variant="v1", shortcut="paper",
                 input_shape=(3, 224, 224)):
    """The paper's (and the lecture's) Table 1, rebuilt from :func:`convbp.models.resnet`:
    per stage the output size and the layers, then the parameter count and the
    multiply-adds of each depth, with the lecture's "FLOPs" row beside them.

    ``shortcut="paper"`` takes :data:`convbp.models.RESNET_PAPER_SHORTCUT` (A for 18/34, B for
    50/101/152); ``"A"`` or ``"B"`` forces one option for every depth.
    """
    depths = tuple(depths)
    for d in depths:
        V.one_of(d, models.RESNET_BLOCKS, "depths")
    # models.resnet checks variant and shortcut ("A" or "B"), with its own messages.
    sums = [models.summary(models.resnet(d, variant=variant,
                                         shortcut=models.RESNET_PAPER_SHORTCUT[d] if shortcut == "paper" else shortcut),
                           input_shape) for d in depths]
    stages = sums[0].by_stage().rows
    body = []
    for st in stages:
        shape = st.output_shape
        if st.name == "fc":  # the table gives the pooled size, 1×1
            shape = next(r.output_shape for r in sums[0].rows if r.kind == "avgpool")
        body.append([st.name, "×".join(map(str, shape[1:]))]
                    + [_describe_stage(s.rows, st.name) for s in sums])
    body.append([tr("params"), ""] + [f"{s.params:,}" for s in sums])
    body.append([tr("multiply-adds"), ""] + [f"{s.macs / 1e9:.3f}×10⁹" for s in sums])
    body.append([tr("lecture's FLOPs"), ""] + [f"{models.LECTURE_FLOPS[d]}×10⁹" for d in depths])
    title = tr("ResNet, variant {variant}, shortcut {shortcut}, input {shape}", variant=variant,
               shortcut=tr("paper") if shortcut == "paper" else shortcut,
               shape=models.shape_text(input_shape))
    return Table(title, [tr("layer name"), tr("output size")] + [tr("{d}-layer", d=d) for d in depths],
                 body)
