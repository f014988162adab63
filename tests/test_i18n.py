"""The language setting: English by default, Chinese with CONVBP_LANG=zh_CN or convbp.set_language.

Checked: every tr/N_ key used in the package and the notebooks has its Chinese and no Chinese
entry is unused (a static scan); templates keep their placeholders; in Chinese every text a
widget shows (descriptions, options, tooltips, notes, frames, views) and every plotting title
and label is Chinese; the static book's widgets are the same in both languages but for text.
"""

from __future__ import annotations

import ast
import html
import json
import re
import string
import warnings
from pathlib import Path

import ipywidgets as W
import numpy as np
import pytest

import convbp
from convbp import i18n, models, tables
from convbp._zh_cn import ZH_CN
from convbp.widgets import ConvInputPicker, ConvStepper, KernelEditor, KernelEntryPicker, PoolingPicker, PoolingStepper
from convbp.widgets import _where

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    convbp.set_language("zh_CN")
    yield
    convbp.set_language(None)


# -- the setting ------------------------------------------------------------------------------


def test_english_by_default_and_the_variable_or_set_language_chooses(monkeypatch):
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    assert convbp.language() == "en" and convbp.tr("stride") == "stride"
    monkeypatch.setenv(i18n.LANG_ENV, "")
    assert convbp.language() == "en"
    monkeypatch.setenv(i18n.LANG_ENV, "zh_CN")
    assert convbp.language() == "zh_CN" and convbp.tr("stride") == "步长"
    try:
        convbp.set_language("en")  # a live reader's choice overrides the variable
        assert convbp.tr("step {i}", i=3) == "step 3"
        convbp.set_language(None)
        assert convbp.tr("step {i}", i=3) == "第 3 步"
    finally:
        convbp.set_language(None)


def test_an_unknown_language_is_rejected_by_name(monkeypatch):
    with pytest.raises(ValueError, match="lang must be one of 'en', 'zh_CN'; got 'fr'"):
        convbp.set_language("fr")
    monkeypatch.setenv(i18n.LANG_ENV, "zh")
    with pytest.raises(ValueError, match="CONVBP_LANG must be one of"):
        convbp.language()


def test_a_text_without_values_keeps_its_braces():
    assert convbp.tr("{not a template}") == "{not a template}"


# -- the catalogue: complete, nothing unused, placeholders kept ---------------------------------


def _keys(source: str) -> list[str]:
    """The first argument of every tr(...) / N_(...) / x.tr(...) call with a literal string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            f = node.func
            called = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            first = node.args[0]
            if called in ("tr", "N_") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(first.value)
    return found


def _used_keys() -> dict[str, str]:
    used = {}
    for path in sorted((ROOT / "src" / "convbp").rglob("*.py")):
        for key in _keys(path.read_text(encoding="utf-8")):
            used.setdefault(key, str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for key in _keys("".join(cell["source"])):
                    used.setdefault(key, str(path.relative_to(ROOT)))
    return used


def test_every_key_has_its_chinese_and_no_entry_is_unused():
    used = _used_keys()
    assert len(used) > 150  # the scan found the package's texts
    missing = {k: where for k, where in used.items() if k not in ZH_CN}
    assert not missing, f"no Chinese for: {missing}"
    unused = [k for k in ZH_CN if k not in used]
    assert not unused, f"Chinese entries no code uses: {unused}"


def _fields(template: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(template) if name is not None)


@pytest.mark.parametrize("english", sorted(ZH_CN))
def test_templates_keep_their_placeholders(english):
    assert _fields(ZH_CN[english]) == _fields(english)
    assert ZH_CN[english].strip(), "an empty translation"


# -- what a reader sees in Chinese: no English words left ---------------------------------------

# Words that stay as they are in the Chinese edition: names, symbols, maths, the theme's buttons.
KEPT = {
    "Sobel", "Prewitt", "Grace", "Hopper", "AlexNet", "ResNet", "Binder", "Jupyter", "Live", "Code",
    "Python", "convbp", "notebook", "rot180", "max", "NaN", "FLOPs", "softmax",
}
WORD = re.compile(r"[A-Za-z]{3,}[0-9]*")


def _visible(markup: str) -> str:
    """The text of an HTML value as a reader sees it: no <style>, no tags, entities decoded."""
    markup = re.sub(r"<style>.*?</style>", " ", markup, flags=re.S)
    markup = re.sub(r"<img[^>]*alt='([^']*)'[^>]*>", r" \1 ", markup)  # an image's alt text is read aloud
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def _texts(widget) -> list[str]:
    """Every text a widget tree shows or reads aloud: descriptions, tooltips, option labels, values."""
    out = []
    for attr in ("description", "tooltip", "placeholder"):
        value = getattr(widget, attr, None)
        if isinstance(value, str):
            out.append(value)
    out += [t for t in getattr(widget, "tooltips", ()) or ()]
    if isinstance(widget, (W.Dropdown, W.ToggleButtons, W.Select, W.RadioButtons)):
        out += [label for label in widget._options_labels]
    if isinstance(widget, W.HTML):
        out.append(_visible(widget.value))
    for child in getattr(widget, "children", ()):
        out += _texts(child)
    return out


def _english_words(texts: list[str]) -> set[str]:
    return {w for t in texts for w in WORD.findall(t) if w not in KEPT}


WIDGETS = [PoolingStepper, ConvStepper, KernelEditor, PoolingPicker, ConvInputPicker, KernelEntryPicker]


@pytest.mark.parametrize("make", WIDGETS, ids=lambda w: w.__name__)
@pytest.mark.parametrize("static", [False, True], ids=["live", "static"])
def test_every_widget_text_is_chinese(chinese, monkeypatch, make, static):
    if static:
        monkeypatch.setenv(_where.STATIC_BOOK_ENV, "1")
    else:
        monkeypatch.delenv(_where.STATIC_BOOK_ENV, raising=False)
    widget = make()
    texts = _texts(widget)
    assert any(re.search(r"[\u4e00-\u9fff]", t) for t in texts)
    assert not _english_words(texts), sorted(_english_words(texts))


def test_the_same_widget_in_english_shows_english(monkeypatch):
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    texts = _texts(PoolingStepper())
    assert not any(re.search(r"[\u4e00-\u9fff]", t) for t in texts if "最大池化" not in t)
    assert "pooling" in texts and "Forward · window 1 of 4" in " ".join(texts)


@pytest.mark.parametrize("make", [ConvStepper, PoolingStepper, ConvInputPicker], ids=lambda w: w.__name__)
def test_a_bad_entry_is_explained_in_chinese(chinese, monkeypatch, make):
    monkeypatch.delenv(_where.STATIC_BOOK_ENV, raising=False)
    widget = make()
    widget.a_box.value = "1 2; x 4"
    assert widget.error == "a：'x' 不是数"
    assert "仍显示上一个有效的例子" in widget.message.value


def _shape(widget):
    """A widget tree without its texts: types, disabled flags, indices, option counts, children."""
    return (
        type(widget).__name__,
        getattr(widget, "disabled", None),
        getattr(widget, "selected_index", None),
        getattr(widget, "index", None),
        len(getattr(widget, "options", ()) or ()),
        tuple(_shape(c) for c in getattr(widget, "children", ())),
    )


@pytest.mark.parametrize("make", WIDGETS, ids=lambda w: w.__name__)
def test_the_static_book_widgets_are_the_same_in_both_languages(monkeypatch, make):
    monkeypatch.setenv(_where.STATIC_BOOK_ENV, "1")
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    english = make()
    monkeypatch.setenv(i18n.LANG_ENV, "zh_CN")
    chinese = make()
    assert _shape(chinese) == _shape(english)
    if make in (PoolingStepper, ConvStepper, KernelEditor):  # the ones whose repr is the example, not the tree
        assert repr(chinese) == repr(english)  # a notebook's plain-text output does not depend on the language


# -- plotting, tables, proofs -------------------------------------------------------------------


def _figure_texts(fig) -> list[str]:
    out = []
    for ax in fig.axes:
        out += [ax.get_title(loc) for loc in ("left", "center", "right")]
        out += [ax.get_xlabel(), ax.get_ylabel()]
        legend = ax.get_legend()
        if legend is not None:
            out += [t.get_text() for t in legend.get_texts()]
    return [t for t in out if t]


def test_plotting_titles_and_labels_are_chinese_and_drawn_without_missing_glyphs(chinese, caplog):
    import logging

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from convbp import plotting, unroll
    from convbp.symbolic import symbol_grid

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" is a warning: the book fails on it
        sliding = plotting.show_sliding(np.arange(9.0).reshape(3, 3), (2, 2))
        fig, ax = plt.subplots()
        w = symbol_grid("w", 2, 2)
        plotting.show_weight_sharing(ax, unroll.conv_matrix(w, (3, 3)), w)
        mixed = plotting.show_grids([np.eye(2)], [convbp.tr("step {i}", i=1) + "：rot180($w$)"])
        with caplog.at_level(logging.WARNING, logger="matplotlib"):
            for f in (sliding, fig, mixed):
                f.canvas.draw()
    # mathtext logs, not warns, the glyphs it lacks ("Font 'default' does not have a glyph for …")
    assert not [r for r in caplog.records if "glyph" in r.getMessage()], [r.getMessage() for r in caplog.records]
    texts = _figure_texts(sliding) + _figure_texts(fig)
    assert texts and not _english_words(texts), texts
    assert "第 1 步" in texts and "输入位置（展平）" in texts
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", i18n.CJK_FONT]
    plt.close("all")


def test_back_in_english_the_fonts_are_as_before(monkeypatch):
    import matplotlib

    before = list(matplotlib.rcParams["font.family"])
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    convbp.set_language("zh_CN")
    convbp.set_language(None)
    assert matplotlib.rcParams["font.family"] == before


def test_a_missing_cjk_font_names_the_package_to_install(chinese, monkeypatch):
    from matplotlib import font_manager

    def no_font(*args, **kwargs):
        raise ValueError("not found")

    from convbp import plotting

    monkeypatch.setattr(font_manager, "findfont", no_font)
    monkeypatch.setattr(i18n, "_fonts_for", None)
    with pytest.raises(RuntimeError, match="apt-get install fonts-noto-cjk"):
        i18n.setup_matplotlib()
    with pytest.raises(RuntimeError, match="apt-get install fonts-noto-cjk"):
        plotting.show_grids([np.eye(2)], [convbp.tr("step {i}", i=1)])
    # Choosing Chinese still works (the widgets need no font), with the same advice as a warning.
    convbp.set_language("en")
    with pytest.warns(UserWarning, match="apt-get install fonts-noto-cjk"):
        convbp.set_language("zh_CN")
    assert convbp.tr("stride") == "步长"


def test_tables_and_proofs_in_chinese(chinese):
    from convbp.symbolic import assert_grids_equal

    table = tables.resnet_table((18,))
    page = table._repr_html_()
    assert "层名" in page and "输出尺寸" in page and "18 层" in page and "乘加次数" in page
    assert "最大池化，步长 2" in page and "1000 维全连接" in page
    assert "名称" in models.summary(models.resnet(18)).table()._repr_html_()
    assert repr(assert_grids_equal(np.eye(2), np.eye(2))) == "全部 4 个元素都相等"


def test_tables_and_proofs_in_english_are_unchanged(monkeypatch):
    from convbp.symbolic import assert_grids_equal

    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    assert repr(assert_grids_equal(np.eye(2), np.eye(2))) == "equal in all 4 entries"
    assert tables.resnet_table((18,)).header == ("layer name", "output size", "18-layer")


def test_with_the_variable_set_the_first_figure_already_draws_chinese():
    """As the Chinese book runs: CONVBP_LANG=zh_CN, figures made with plain matplotlib, then titled."""
    import os
    import subprocess
    import sys

    code = (
        "import logging, warnings; warnings.simplefilter('error'); logging.basicConfig()\n"
        "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt\n"
        "from convbp import tr\n"
        "fig, ax = plt.subplots(); ax.set_title(tr('max pooling')); ax.set_xlabel(tr('epoch'))\n"
        "fig.canvas.draw(); print(ax.get_title())\n"
    )
    env = {**os.environ, i18n.LANG_ENV: "zh_CN"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "最大池化" and "glyph" not in done.stderr.lower(), done.stderr
