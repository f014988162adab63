"""Classic CNN architectures described as data, and counted.

A model here is a tree of small layer descriptions (no weights, no framework).
:func:`summary` pushes an input shape through the tree and counts, per layer:

* **params** — learnable numbers. A convolution with ``K`` kernels of shape
  ``(C/g, kh, kw)`` (``g`` groups) has ``K·(C/g)·kh·kw`` weights plus ``K``
  biases; a fully connected layer ``F_in → F_out`` has ``F_in·F_out + F_out``;
  batch normalisation has 2 per channel (γ and β; running statistics are not
  learned, so not counted).
* **macs** — multiply-adds of the convolution and fully connected layers only:
  ``K·(C/g)·kh·kw·H_out·W_out`` for a convolution (one per kernel tap per output
  value, padded taps included), ``F_in·F_out`` for a fully connected layer.
  Batch norm, ReLU, pooling, dropout, softmax and the residual additions cost
  no multiply-adds here: they are a vanishing share of the work and papers
  leave them out. Papers (and the lecture) often call these numbers "FLOPs";
  they are multiply-adds.

Shapes are ``(C, H, W)`` for feature maps and ``(F,)`` after flattening; the
batch dimension is left out. Every spatial size follows the one rule of the
book, ``H_out = floor((H + 2p − k) / s) + 1``.

Architectures: :func:`resnet` (He et al. 2015), :func:`alexnet` (Krizhevsky et
al. 2012), :func:`inception` (Szegedy et al. 2015, module 3a by default), and the
two residual blocks :func:`basic_block` and :func:`bottleneck`.
"""
from __future__ import annotations

import html
import operator
from dataclasses import dataclass, field

from .i18n import tr

__all__ = [
    "Conv2d", "Linear", "BatchNorm2d", "ReLU", "MaxPool2d", "AvgPool2d",
    "GlobalAvgPool2d", "Flatten", "Dropout", "LocalResponseNorm", "Softmax",
    "ZeroPadShortcut", "Sequential", "Residual", "Concat", "Row", "Summary", "Table",
    "conv_output_size", "conv_params", "conv_macs", "linear_params", "linear_macs",
    "summary", "resnet", "basic_block", "bottleneck", "alexnet", "inception",
    "RESNET_BLOCKS", "RESNET_PAPER_SHORTCUT", "LECTURE_FLOPS", "resnet_paper_macs", "resnet_table",
]


# ---------------------------------------------------------------- formulas

def conv_output_size(size, kernel, stride=1, padding=0):
    """``floor((size + 2·padding − kernel) / stride) + 1`` (one spatial axis)."""
    return (size + 2 * padding - kernel) // stride + 1


def conv_params(in_channels, out_channels, kh, kw, *, groups=1, bias=True):
    """``K·(C/g)·kh·kw + K`` (the ``+ K`` only with a bias)."""
    return out_channels * (in_channels // groups) * kh * kw + (out_channels if bias else 0)


def conv_macs(in_channels, out_channels, kh, kw, h_out, w_out, *, groups=1):
    """``K·(C/g)·kh·kw·H_out·W_out``: every output value is a dot product of
    ``(C/g)·kh·kw`` terms."""
    return out_channels * (in_channels // groups) * kh * kw * h_out * w_out


def linear_params(in_features, out_features, *, bias=True):
    """``F_in·F_out + F_out``."""
    return in_features * out_features + (out_features if bias else 0)


def linear_macs(in_features, out_features):
    """``F_in·F_out``."""
    return in_features * out_features


# ---------------------------------------------------------------- checks

def _is_int(value):
    return not isinstance(value, bool) and hasattr(value, "__index__")


def _positive_int(value, name):
    try:
        value = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a positive integer, got {value!r}") from None
    if value < 1 or isinstance(value, bool):
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


def _pair(value, name, minimum=1):
    items = value if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2:
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    out = []
    for v in items:
        try:
            v = operator.index(v)
        except TypeError:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}") from None
        if v < minimum or isinstance(v, bool):
            raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
        out.append(v)
    return tuple(out)


def _check_input_shape(input_shape):
    bad = ValueError("input_shape must be (C, H, W) or (F,) with positive integer "
                     f"sizes, got {input_shape!r}")
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) not in (1, 3):
        raise bad
    try:
        shape = tuple(operator.index(s) for s in input_shape)
    except TypeError:
        raise bad from None
    if any(s < 1 or isinstance(s, bool) for s in input_shape):
        raise bad
    return shape


class _ShapeError(Exception):
    """A layer cannot take the shape it was given (reported against input_shape)."""


def _need_map(layer, shape):
    if len(shape) != 3:
        raise _ShapeError(f"{layer.kind} layer needs a (C, H, W) input, got {shape}")


def _show(shape):
    return "×".join(str(s) for s in shape)


# ---------------------------------------------------------------- leaf layers
# Each leaf knows its output shape and its (params, macs) for a given input.

class _Leaf:
    kind = "layer"
    name = None

    def out_shape(self, shape):
        return shape

    def count(self, shape, out):
        return 0, 0

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if v is not None)
        return f"{type(self).__name__}({fields})"


class Conv2d(_Leaf):
    """``K`` kernels of shape ``(C/groups, kh, kw)`` over a ``(C, H, W)`` input.

    Output ``(K, H_out, W_out)``; params :func:`conv_params`; MACs :func:`conv_macs`.
    ``groups=2`` is AlexNet's two-GPU split: each half of the kernels sees only
    its half of the input channels.
    """
    kind = "conv"

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *,
                 groups=1, bias=True, name=None):
        self.in_channels = _positive_int(in_channels, "in_channels")
        self.out_channels = _positive_int(out_channels, "out_channels")
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride = _pair(stride, "stride")
        self.padding = _pair(padding, "padding", minimum=0)
        self.groups = _positive_int(groups, "groups")
        if self.in_channels % self.groups or self.out_channels % self.groups:
            raise ValueError(f"groups={groups} must divide in_channels={in_channels} "
                             f"and out_channels={out_channels}")
        self.bias = bool(bias)
        self.name = name

    def out_shape(self, shape):
        _need_map(self, shape)
        if shape[0] != self.in_channels:
            raise _ShapeError(f"conv expects {self.in_channels} input channels, got {shape[0]}")
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        h, w = conv_output_size(shape[1], kh, sh, ph), conv_output_size(shape[2], kw, sw, pw)
        if h < 1 or w < 1:
            raise _ShapeError(f"a {kh}×{kw} kernel does not fit the {_show(shape[1:])} map")
        return (self.out_channels, h, w)

    def count(self, shape, out):
        kh, kw = self.kernel_size
        return (conv_params(self.in_channels, self.out_channels, kh, kw,
                            groups=self.groups, bias=self.bias),
                conv_macs(self.in_channels, self.out_channels, kh, kw, out[1], out[2],
                          groups=self.groups))


class Linear(_Leaf):
    """Fully connected ``F_in → F_out``; params :func:`linear_params`, MACs :func:`linear_macs`."""
    kind = "fc"

    def __init__(self, in_features, out_features, *, bias=True, name=None):
        self.in_features = _positive_int(in_features, "in_features")
        self.out_features = _positive_int(out_features, "out_features")
        self.bias = bool(bias)
        self.name = name

    def out_shape(self, shape):
        if shape != (self.in_features,):
            raise _ShapeError(f"fc expects ({self.in_features},) features, got {shape}")
        return (self.out_features,)

    def count(self, shape, out):
        return (linear_params(self.in_features, self.out_features, bias=self.bias),
                linear_macs(self.in_features, self.out_features))


class BatchNorm2d(_Leaf):
    """Per-channel scale γ and shift β: ``2·C`` params, no MACs counted."""
    kind = "bn"

    def __init__(self, channels, *, name=None):
        self.channels = _positive_int(channels, "channels")
        self.name = name

    def out_shape(self, shape):
        _need_map(self, shape)
        if shape[0] != self.channels:
            raise _ShapeError(f"bn expects {self.channels} channels, got {shape[0]}")
        return shape

    def count(self, shape, out):
        return 2 * self.channels, 0


class _Pool(_Leaf):
    def __init__(self, size, stride=None, padding=0, *, name=None):
        self.size = _pair(size, "size")
        self.stride = self.size if stride is None else _pair(stride, "stride")
        self.padding = _pair(padding, "padding", minimum=0)
        self.name = name

    def out_shape(self, shape):
        _need_map(self, shape)
        (kh, kw), (sh, sw), (ph, pw) = self.size, self.stride, self.padding
        h, w = conv_output_size(shape[1], kh, sh, ph), conv_output_size(shape[2], kw, sw, pw)
        if h < 1 or w < 1:
            raise _ShapeError(f"a {kh}×{kw} window does not fit the {_show(shape[1:])} map")
        return (shape[0], h, w)


class MaxPool2d(_Pool):
    """Max over each window; overlapping when ``stride < size`` (AlexNet: 3×3, stride 2)."""
    kind = "maxpool"


class AvgPool2d(_Pool):
    """Mean over each window."""
    kind = "avgpool"


class GlobalAvgPool2d(_Leaf):
    """Mean of each whole feature map: ``(C, H, W) → (C, 1, 1)``."""
    kind = "avgpool"

    def __init__(self, *, name=None):
        self.name = name

    def out_shape(self, shape):
        _need_map(self, shape)
        return (shape[0], 1, 1)


class Flatten(_Leaf):
    """``(C, H, W) → (C·H·W,)``."""
    kind = "flatten"

    def __init__(self, *, name=None):
        self.name = name

    def out_shape(self, shape):
        n = 1
        for s in shape:
            n *= s
        return (n,)


class _Elementwise(_Leaf):
    def __init__(self, *, name=None):
        self.name = name


class ReLU(_Elementwise):
    """``max(0, z)``, elementwise."""
    kind = "relu"


class Softmax(_Elementwise):
    """Class probabilities from the last fc layer."""
    kind = "softmax"


class LocalResponseNorm(_Elementwise):
    """AlexNet's normalisation across neighbouring channels; nothing learned."""
    kind = "lrn"


class Dropout(_Leaf):
    """Zeroes each unit with probability ``p`` while training; nothing learned."""
    kind = "dropout"

    def __init__(self, p=0.5, *, name=None):
        if not 0 <= p < 1:
            raise ValueError(f"p must be in [0, 1), got {p!r}")
        self.p = p
        self.name = name


class ZeroPadShortcut(_Leaf):
    """ResNet's option-A shortcut: keep every ``stride``-th pixel and pad the new
    channels with zeros. Parameter-free."""
    kind = "identity"

    def __init__(self, out_channels, stride=1, *, name=None):
        self.out_channels = _positive_int(out_channels, "out_channels")
        self.stride = _positive_int(stride, "stride")
        self.name = name

    def out_shape(self, shape):
        _need_map(self, shape)
        s = self.stride
        return (self.out_channels, -(-shape[1] // s), -(-shape[2] // s))


# ---------------------------------------------------------------- containers

@dataclass
class Sequential:
    """Layers applied one after the other. ``input_shape`` is the shape the
    architecture was designed for (used by :func:`summary` when none is given)."""
    name: str
    layers: list
    input_shape: tuple | None = None
    kind = "sequential"

    def children(self):
        return [(layer.name or str(i), layer) for i, layer in enumerate(self.layers)]


@dataclass
class Residual:
    """``relu(body(x) + shortcut(x))``; ``shortcut=None`` is the identity."""
    name: str
    body: Sequential
    shortcut: object = None
    input_shape: tuple | None = None
    kind = "residual"


@dataclass
class Concat:
    """Parallel branches on the same input, stacked along channels (Inception)."""
    name: str
    branches: list = field(default_factory=list)
    input_shape: tuple | None = None
    kind = "concat"


# ---------------------------------------------------------------- summary

@dataclass(frozen=True)
class Row:
    """One line of a summary table (``layer`` is the description it came from)."""
    name: str
    kind: str
    output_shape: tuple
    params: int
    macs: int
    layer: object = field(default=None, repr=False, compare=False)


def _join(path, name):
    return f"{path}.{name}" if path else name


def _walk(node, shape, path):
    """Return ``(output shape, rows)`` of ``node`` (named ``path``) applied to ``shape``."""
    if isinstance(node, Sequential):
        rows = []
        for name, child in node.children():
            shape, sub = _walk(child, shape, _join(path, name))
            rows += sub
        return shape, rows
    if isinstance(node, Residual):
        out, rows = _walk(node.body, shape, path)
        short = shape
        if node.shortcut is not None:
            short, sub = _walk(node.shortcut, shape, _join(path, "shortcut"))
            rows += sub
        if short != out:
            raise _ShapeError(f"{path or node.name}: the residual branch gives {_show(out)} "
                              f"but the shortcut gives {_show(short)}")
        return out, rows + [Row(_join(path, "add"), "add", out, 0, 0),
                            Row(_join(path, "relu"), "relu", out, 0, 0)]
    if isinstance(node, Concat):
        rows, outs = [], []
        for branch in node.branches:
            out, sub = _walk(branch, shape, _join(path, branch.name))
            rows += sub
            outs.append(out)
        if len({o[1:] for o in outs}) != 1:
            raise _ShapeError(f"{path or node.name}: branches give different map sizes {outs}")
        out = (sum(o[0] for o in outs),) + outs[0][1:]
        return out, rows + [Row(_join(path, "concat"), "concat", out, 0, 0)]
    try:
        out = node.out_shape(shape)
    except _ShapeError as err:
        raise _ShapeError(f"layer {path!r}: {err}") from None
    params, macs = node.count(shape, out)
    return out, [Row(path, node.kind, out, params, macs, node)]


class Summary:
    """Per-layer table of a model for one input shape; ``.params`` and ``.macs``
    are the column sums. ``str()`` gives a text table, and Jupyter shows an HTML one."""

    def __init__(self, name, input_shape, rows):
        self.name = name
        self.input_shape = tuple(input_shape)
        self.rows = list(rows)

    @property
    def params(self):
        return sum(r.params for r in self.rows)

    @property
    def macs(self):
        return sum(r.macs for r in self.rows)

    @property
    def output_shape(self):
        return self.rows[-1].output_shape if self.rows else self.input_shape

    def by_stage(self):
        """Rows merged by the first part of their name (``conv2_x.0.conv1`` →
        ``conv2_x``): output shape of the stage's last layer, summed counts."""
        merged = {}
        for r in self.rows:
            stage = r.name.split(".")[0]
            kinds, params, macs, _ = merged.get(stage, ([], 0, 0, None))
            if r.kind not in kinds:
                kinds.append(r.kind)
            merged[stage] = (kinds, params + r.params, macs + r.macs, r.output_shape)
        return Summary(self.name, self.input_shape,
                       [Row(s, "stage" if len(k) > 1 else k[0], shape, p, m)
                        for s, (k, p, m, shape) in merged.items()])

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def table(self):
        """The rows as a :class:`Table` (what ``str`` and Jupyter show)."""
        return Table(tr("{name}, input {shape}", name=self.name, shape=_show(self.input_shape)),
                     (tr("name"), tr("kind"), tr("output"), tr("params"), tr("MACs")),
                     [(r.name, r.kind, _show(r.output_shape), f"{r.params:,}", f"{r.macs:,}")
                      for r in self.rows],
                     footer=(tr("total"), "", _show(self.output_shape),
                             f"{self.params:,}", f"{self.macs:,}"),
                     right=(False, False, True, True, True))

    def __str__(self):
        return str(self.table())

    def _repr_html_(self):
        return self.table()._repr_html_()

    def __repr__(self):
        return (f"<Summary {self.name}: input {_show(self.input_shape)}, {len(self.rows)} rows, "
                f"params={self.params:,}, macs={self.macs:,}>")


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
        def tr(cells, tag="td"):
            return "<tr>" + "".join(
                f'<{tag} style="text-align:{"right" if r else "left"}">{html.escape(c)}</{tag}>'
                for c, r in zip(cells, self.right)) + "</tr>"
        foot = f"<tfoot>{tr(self.footer, 'th')}</tfoot>" if self.footer else ""
        return (f"<table><caption>{html.escape(self.title)}</caption>"
                f"<thead>{tr(self.header, 'th')}</thead><tbody>"
                + "".join(tr(r) for r in self.rows) + f"</tbody>{foot}</table>")


def summary(model, input_shape=None):
    """Push ``input_shape`` ``(C, H, W)`` through ``model`` and count every layer.

    ``input_shape=None`` uses the shape the model was built for (224×224 for
    ResNet, 227×227 for AlexNet, 192×28×28 for inception 3a), else (3, 224, 224).
    Returns a :class:`Summary` with ``.params``, ``.macs`` and ``.rows``
    (name, kind, output shape, params, MACs). MACs count multiply-adds of conv
    and fc layers only (see the module docstring).
    """
    if not isinstance(model, (_Leaf, Sequential, Residual, Concat)):
        raise TypeError(f"model must be a layer description from convbp.models "
                        f"(e.g. resnet(50)), got {type(model).__name__}")
    if input_shape is None:
        input_shape = getattr(model, "input_shape", None) or (3, 224, 224)
    shape = _check_input_shape(input_shape)
    name = getattr(model, "name", None) or type(model).__name__
    try:
        _, rows = _walk(model, shape, "")
    except _ShapeError as err:
        raise ValueError(f"input_shape={tuple(input_shape)} does not fit {name}: {err}") from None
    return Summary(name, shape, rows)


# ---------------------------------------------------------------- ResNet

RESNET_BLOCKS = {18: ("basic", (2, 2, 2, 2)), 34: ("basic", (3, 4, 6, 3)),
                 50: ("bottleneck", (3, 4, 6, 3)), 101: ("bottleneck", (3, 4, 23, 3)),
                 152: ("bottleneck", (3, 8, 36, 3))}
_VARIANTS = ("v1", "v1.5")
_SHORTCUTS = ("A", "B")


def _shortcut(in_channels, out_channels, stride, option):
    """Identity if the shape is kept; else option A (zero-pad) or B (1×1 projection + BN)."""
    if stride == 1 and in_channels == out_channels:
        return None
    if option == "A":
        return ZeroPadShortcut(out_channels, stride, name="pad")
    return Sequential("shortcut", [Conv2d(in_channels, out_channels, 1, stride, bias=False, name="conv"),
                                   BatchNorm2d(out_channels, name="bn")])


def _check_choice(value, choices, name):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")


def basic_block(in_channels, channels, stride=1, *, shortcut="B", name="basic"):
    """ResNet-18/34's block: 3×3 conv (stride ``stride``) → BN → ReLU → 3×3 conv → BN,
    plus the shortcut, then ReLU. Output ``channels`` maps.

    Weights: ``9·C_in·C + 9·C·C`` (plus the projection if the shape changes)."""
    _check_choice(shortcut, _SHORTCUTS, "shortcut")
    body = Sequential(name, [
        Conv2d(in_channels, channels, 3, stride, 1, bias=False, name="conv1"),
        BatchNorm2d(channels, name="bn1"), ReLU(name="relu1"),
        Conv2d(channels, channels, 3, 1, 1, bias=False, name="conv2"),
        BatchNorm2d(channels, name="bn2")])
    return Residual(name, body, _shortcut(in_channels, channels, stride, shortcut))


def bottleneck(in_channels, width, stride=1, *, expansion=4, variant="v1", shortcut="B",
               name="bottleneck"):
    """ResNet-50/101/152's block: 1×1 conv to ``width`` → 3×3 conv → 1×1 conv to
    ``expansion·width``, each followed by BN (and ReLU, the last one after the addition).

    ``variant="v1"`` (He et al. 2015) puts a downsampling stride on the first 1×1
    convolution; ``"v1.5"`` (torchvision, later Caffe2/PyTorch models) puts it on the 3×3.
    The weights are the same; v1.5 runs its 3×3 at the larger size, so it costs more MACs.
    Weights: ``C_in·w + 9·w·w + w·4w`` (plus the projection if the shape changes).
    """
    _check_choice(variant, _VARIANTS, "variant")
    _check_choice(shortcut, _SHORTCUTS, "shortcut")
    out = expansion * width
    s1, s3 = (stride, 1) if variant == "v1" else (1, stride)
    body = Sequential(name, [
        Conv2d(in_channels, width, 1, s1, bias=False, name="conv1"),
        BatchNorm2d(width, name="bn1"), ReLU(name="relu1"),
        Conv2d(width, width, 3, s3, 1, bias=False, name="conv2"),
        BatchNorm2d(width, name="bn2"), ReLU(name="relu2"),
        Conv2d(width, out, 1, bias=False, name="conv3"),
        BatchNorm2d(out, name="bn3")])
    return Residual(name, body, _shortcut(in_channels, out, stride, shortcut))


def resnet(depth, *, variant="v1", shortcut="B", num_classes=1000):
    """ResNet-``depth`` of He, Zhang, Ren and Sun (2015), Table 1.

    ``depth`` ∈ {18, 34, 50, 101, 152}. conv1: 7×7, 64, stride 2, pad 3 (→112);
    conv2_x: 3×3 max pool stride 2 pad 1 (→56) then blocks; conv3_x → 28,
    conv4_x → 14, conv5_x → 7 (the first block of each of these has stride 2);
    then global average pool, ``num_classes``-way fc, softmax.
    Every convolution is followed by batch norm and has no bias.

    ``variant``: ``"v1"`` (the paper: a downsampling bottleneck's stride on its
    first 1×1) or ``"v1.5"`` (stride on the 3×3). Only matters for depth ≥ 50.
    ``shortcut``: ``"B"`` (1×1 projections where the shape changes, identity
    elsewhere; the paper's 50/101/152) or ``"A"`` (zero-padded identity, no
    parameters; what the paper's 18/34-layer comparison used).

    Counted for 3×224×224 (v1): 1,814,073,344 / 3,663,761,408 (3,644,493,824 with
    option A) / 3,857,973,248 / 7,570,194,432 / 11,282,415,616 multiply-adds for
    18/34/50/101/152. The paper's "FLOPs" row 1.8, 3.6, 3.8, 7.6, 11.3 ×10⁹ is
    these rounded, with 34 counted with option A, except ResNet-50: 3.858 is
    printed as 3.8 (cut off, not rounded). Parameters with batch norm:
    11,689,512 / 21,797,672 / 25,557,032 / 44,549,160 / 60,192,808 (option B),
    identical for v1 and v1.5.
    """
    if not _is_int(depth) or depth not in RESNET_BLOCKS:
        raise ValueError(f"depth must be one of {sorted(RESNET_BLOCKS)}, got {depth!r}")
    _check_choice(variant, _VARIANTS, "variant")
    _check_choice(shortcut, _SHORTCUTS, "shortcut")
    num_classes = _positive_int(num_classes, "num_classes")
    block, counts = RESNET_BLOCKS[depth]
    expansion = 1 if block == "basic" else 4
    layers = [Sequential("conv1", [Conv2d(3, 64, 7, 2, 3, bias=False, name="conv"),
                                   BatchNorm2d(64, name="bn"), ReLU(name="relu")])]
    channels = 64
    for stage, (n, width) in enumerate(zip(counts, (64, 128, 256, 512))):
        blocks = [MaxPool2d(3, 2, 1, name="maxpool")] if stage == 0 else []
        for i in range(n):
            stride = 2 if (i == 0 and stage > 0) else 1
            if block == "basic":
                blocks.append(basic_block(channels, width, stride, shortcut=shortcut, name=str(i)))
            else:
                blocks.append(bottleneck(channels, width, stride, variant=variant,
                                         shortcut=shortcut, name=str(i)))
            channels = width * expansion
        layers.append(Sequential(f"conv{stage + 2}_x", blocks))
    layers.append(Sequential("fc", [GlobalAvgPool2d(name="avgpool"), Flatten(name="flatten"),
                                    Linear(channels, num_classes, name="fc"),
                                    Softmax(name="softmax")]))
    label = f"ResNet-{depth}" + ("" if variant == "v1" else f" {variant}") \
        + ("" if shortcut == "B" else f" (shortcut {shortcut})")
    return Sequential(label, layers, input_shape=(3, 224, 224))


# The paper's Table 1 "FLOPs" (×10⁹), as the lecture prints them.
LECTURE_FLOPS = {18: 1.8, 34: 3.6, 50: 3.8, 101: 7.6, 152: 11.3}
# The shortcuts of the networks the paper measured: its 18/34-layer nets are the
# option-A ones of its Table 2 (zero-padded identities, as its plain baselines),
# 50/101/152 use option B.
RESNET_PAPER_SHORTCUT = {18: "A", 34: "A", 50: "B", 101: "B", 152: "B"}


def resnet_paper_macs(depth, input_shape=(3, 224, 224)):
    """Multiply-adds of ResNet-``depth`` as the paper counted them: the network of
    :func:`resnet` (v1) with the shortcuts of :data:`RESNET_PAPER_SHORTCUT`, for one
    ``input_shape`` image. The one figure the book compares with
    :data:`LECTURE_FLOPS` (1,794,805,760 for ResNet-18 with option A, not the
    1,814,073,344 of option B).
    """
    if not _is_int(depth) or depth not in RESNET_PAPER_SHORTCUT:
        raise ValueError(f"depth must be one of {sorted(RESNET_PAPER_SHORTCUT)}, got {depth!r}")
    return summary(resnet(depth, shortcut=RESNET_PAPER_SHORTCUT[depth]), input_shape).macs


def _kernel(layer):
    kh, kw = layer.kernel_size if isinstance(layer, Conv2d) else layer.size
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
                parts.append(tr("{kernel}, {channels}, stride {s}", kernel=_kernel(r.layer), channels=r.layer.out_channels, s=r.layer.stride[0]))
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
    """The paper's (and the lecture's) Table 1, rebuilt from :func:`resnet`:
    per stage the output size and the layers, then the parameter count and the
    multiply-adds of each depth, with the lecture's "FLOPs" row beside them.

    ``shortcut="paper"`` takes :data:`RESNET_PAPER_SHORTCUT` (A for 18/34, B for
    50/101/152); ``"A"`` or ``"B"`` forces one option for every depth.
    """
    depths = tuple(depths)
    for d in depths:
        if not _is_int(d) or d not in RESNET_BLOCKS:
            raise ValueError(f"depths must come from {sorted(RESNET_BLOCKS)}, got {d!r}")
    if shortcut != "paper":
        _check_choice(shortcut, _SHORTCUTS, "shortcut")
    sums = [summary(resnet(d, variant=variant,
                           shortcut=RESNET_PAPER_SHORTCUT[d] if shortcut == "paper" else shortcut),
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
    body.append([tr("lecture's FLOPs"), ""] + [f"{LECTURE_FLOPS[d]}×10⁹" for d in depths])
    title = tr("ResNet, variant {variant}, shortcut {shortcut}, input {shape}", variant=variant,
               shortcut=tr("paper") if shortcut == "paper" else shortcut, shape=_show(input_shape))
    return Table(title, [tr("layer name"), tr("output size")] + [tr("{d}-layer", d=d) for d in depths], body)


# ---------------------------------------------------------------- AlexNet

def alexnet(*, grouped=True, num_classes=1000):
    """AlexNet of Krizhevsky, Sutskever and Hinton (2012): 5 conv + 3 fc layers.

    conv1 96 11×11 stride 4 (→55) · LRN · max pool 3×3 stride 2 (→27) ·
    conv2 256 5×5 pad 2 · LRN · max pool (→13) · conv3 384 3×3 · conv4 384 3×3 ·
    conv5 256 3×3 · max pool (→6) · fc6 4096 · fc7 4096 · fc8 1000, ReLU after
    every conv and fc6/fc7, dropout (p = 0.5) after fc6 and fc7. The pools
    overlap: 3×3 windows, stride 2.

    ``grouped=True`` (default) models the paper's two-GPU split: conv2, conv4 and
    conv5 see only the half of the previous layer's maps on their own GPU
    (``groups=2``), conv3 and the fc layers see all. That gives 60,965,224
    parameters, the paper's "60 million". ``grouped=False`` lets every layer see
    every map (62,378,344). (torchvision's single-tower variant, with 64/192/384/
    256/256 kernels, has 61,100,840; it is a different network.)

    Built for a 3×227×227 input: the paper says 224, but 11×11 kernels at stride 4
    give its 55×55 maps only from 227 (``(227 − 11)/4 + 1 = 55``).
    """
    num_classes = _positive_int(num_classes, "num_classes")
    g = 2 if grouped else 1
    layers = [
        Conv2d(3, 96, 11, 4, name="conv1"), ReLU(name="relu1"), LocalResponseNorm(name="lrn1"),
        MaxPool2d(3, 2, name="pool1"),
        Conv2d(96, 256, 5, 1, 2, groups=g, name="conv2"), ReLU(name="relu2"),
        LocalResponseNorm(name="lrn2"), MaxPool2d(3, 2, name="pool2"),
        Conv2d(256, 384, 3, 1, 1, name="conv3"), ReLU(name="relu3"),
        Conv2d(384, 384, 3, 1, 1, groups=g, name="conv4"), ReLU(name="relu4"),
        Conv2d(384, 256, 3, 1, 1, groups=g, name="conv5"), ReLU(name="relu5"),
        MaxPool2d(3, 2, name="pool5"), Flatten(name="flatten"),
        Linear(256 * 6 * 6, 4096, name="fc6"), ReLU(name="relu6"), Dropout(0.5, name="drop6"),
        Linear(4096, 4096, name="fc7"), ReLU(name="relu7"), Dropout(0.5, name="drop7"),
        Linear(4096, num_classes, name="fc8"), Softmax(name="softmax")]
    return Sequential("AlexNet" + ("" if grouped else " (one tower)"), layers,
                      input_shape=(3, 227, 227))


# ---------------------------------------------------------------- GoogLeNet

def inception(in_channels=192, n1x1=64, n3x3_reduce=96, n3x3=128, n5x5_reduce=16, n5x5=32,
              pool_proj=32, *, reductions=True, size=28, name="inception(3a)"):
    """GoogLeNet's Inception module (Szegedy et al. 2015); defaults are module 3a
    (input 192×28×28, output 256×28×28).

    Four branches on the same input, concatenated along channels:
    1×1 conv; 1×1 reduce → 3×3 conv; 1×1 reduce → 5×5 conv; 3×3 max pool
    (stride 1) → 1×1 projection. Every conv has a bias and a ReLU; padding keeps
    the map size.

    ``reductions=False`` is the paper's "naive" module: the 3×3 and 5×5 convs act
    on all ``in_channels`` maps and the pool branch has no projection, so it
    passes all ``in_channels`` maps on (output 64+128+32+192 = 416 maps for 3a).
    """
    for value, label in [(in_channels, "in_channels"), (n1x1, "n1x1"), (n3x3_reduce, "n3x3_reduce"),
                         (n3x3, "n3x3"), (n5x5_reduce, "n5x5_reduce"), (n5x5, "n5x5"),
                         (pool_proj, "pool_proj"), (size, "size")]:
        _positive_int(value, label)

    def conv(c_in, c_out, k, label):
        return [Conv2d(c_in, c_out, k, 1, k // 2, name=label), ReLU(name=label + "_relu")]

    if reductions:
        branches = [Sequential("1x1", conv(in_channels, n1x1, 1, "conv")),
                    Sequential("3x3", conv(in_channels, n3x3_reduce, 1, "reduce") + conv(n3x3_reduce, n3x3, 3, "conv")),
                    Sequential("5x5", conv(in_channels, n5x5_reduce, 1, "reduce") + conv(n5x5_reduce, n5x5, 5, "conv")),
                    Sequential("pool", [MaxPool2d(3, 1, 1, name="maxpool")] + conv(in_channels, pool_proj, 1, "proj"))]
    else:
        branches = [Sequential("1x1", conv(in_channels, n1x1, 1, "conv")),
                    Sequential("3x3", conv(in_channels, n3x3, 3, "conv")),
                    Sequential("5x5", conv(in_channels, n5x5, 5, "conv")),
                    Sequential("pool", [MaxPool2d(3, 1, 1, name="maxpool")])]
        name = name + " naive" if name == "inception(3a)" else name
    return Concat(name, branches, input_shape=(in_channels, size, size))
