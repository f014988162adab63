"""The language of what convbp shows a reader: English (the default) or Simplified Chinese.

One setting, read by the widgets, the plotting helpers and the tables:

- the environment variable CONVBP_LANG, ``en`` (also when unset) or ``zh_CN``; the Chinese
  edition of the book is executed with ``CONVBP_LANG=zh_CN``;
- ``convbp.set_language("zh_CN")`` in a live session, which overrides the variable
  (``set_language(None)`` goes back to it). Widgets and figures made afterwards use it.

``tr(english, **values)`` is the text a reader sees: the English text itself is the key, so
the code stays readable in English, and ``values`` fill the ``{placeholders}`` of the
template (with str.format, so ``{err:.2f}`` works) in either language. ``N_(english)``
marks a text stored for later (a constant, a dict value) that is passed through ``tr`` when
it is shown. tests/test_i18n.py checks that every key used in the package and the
notebooks has its Chinese, that no Chinese entry is unused, and that the templates keep
their placeholders.

What a programmer reads stays English in both languages: exception messages, reprs, names.

In Chinese, matplotlib draws with DejaVu Sans then Noto Sans CJK SC (matplotlib's per-glyph
font fallback: Latin letters, digits and mathtext look exactly as in the English figures),
set up when convbp is imported or set_language is called, so before the first figure.
"""

from __future__ import annotations

import os
import warnings

from ._zh_cn import ZH_CN

LANG_ENV = "CONVBP_LANG"
LANGUAGES = ("en", "zh_CN")
CJK_FONT = "Noto Sans CJK SC"
CJK_PACKAGE = "fonts-noto-cjk"  # Debian/Ubuntu's package holding CJK_FONT

_chosen: str | None = None  # set_language's choice; None: CONVBP_LANG decides
_fonts_for: str | None = None  # the language matplotlib's rcParams were last set up for
_english_fonts: list[str] | None = None  # font.sans-serif before the CJK font was added


def _check(lang, where: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"{where} must be one of {', '.join(map(repr, LANGUAGES))}; got {lang!r}")
    return lang


def language() -> str:
    """The language in use: set_language's choice, else CONVBP_LANG ('en' when unset or empty)."""
    if _chosen is not None:
        return _chosen
    return _check(os.environ.get(LANG_ENV, "") or "en", f"the environment variable {LANG_ENV}")


def set_language(lang: str | None) -> None:
    """Show everything made from now on in `lang` ('en' or 'zh_CN'); None: follow CONVBP_LANG again."""
    global _chosen
    _chosen = None if lang is None else _check(lang, "lang")
    _sync_fonts()


def N_(text: str) -> str:
    """Mark `text` as shown to readers later through tr (a stored constant); returns it unchanged."""
    return text


def tr(text: str, /, **values) -> str:
    """`text` in the current language, its {placeholders} filled from `values`.

    English is the key: tr("step {i} of {n}", i=2, n=9) is 'step 2 of 9' in English and
    '第 2 步，共 9 步' in Chinese. A text without values is returned as it is (no format,
    so braces in it are kept).
    """
    template = ZH_CN.get(text, text) if language() == "zh_CN" else text
    return template.format(**values) if values else template


def setup_matplotlib() -> None:
    """matplotlib's fonts for the current language: in Chinese, DejaVu Sans then CJK_FONT.

    font.family becomes that list, so each glyph is taken from the first font that has it
    (Latin letters and digits exactly as in the English figures, Chinese from CJK_FONT).
    Raises RuntimeError naming the package to install when the CJK font is missing, rather
    than letting matplotlib draw empty boxes (and warn "Glyph missing").
    """
    global _fonts_for, _english_fonts
    import matplotlib

    lang = language()
    if lang == _fonts_for:
        return
    if lang == "zh_CN":
        from matplotlib import font_manager

        try:
            font_manager.findfont(font_manager.FontProperties(family=CJK_FONT), fallback_to_default=False)
        except ValueError:
            raise RuntimeError(
                f"convbp draws Chinese figures with the font {CJK_FONT!r}, which matplotlib cannot find: "
                f"install it (Debian/Ubuntu: apt-get install {CJK_PACKAGE}), then delete matplotlib's font "
                f"cache ({matplotlib.get_cachedir()}/fontlist-*.json) so that it is found"
            ) from None
        if _english_fonts is None:
            _english_fonts = list(matplotlib.rcParams["font.family"])
        matplotlib.rcParams["font.family"] = ["DejaVu Sans", CJK_FONT]
    elif _english_fonts is not None:
        matplotlib.rcParams["font.family"] = _english_fonts
        _english_fonts = None
    _fonts_for = lang


def font_for(text: str) -> dict:
    """Keyword arguments for a matplotlib text holding both Chinese and $maths$: {} otherwise.

    Mathtext draws the words outside $…$ with one font (the text's first family), not with
    the fallback list, so such a text is given the CJK font itself (its maths keep the
    mathtext fonts).
    """
    if "$" in text and any("\u2e80" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in text):
        return {"fontfamily": CJK_FONT}
    return {}


def _sync_fonts() -> None:
    """Set matplotlib's fonts up as soon as the language is Chinese (or stops being so).

    Before any figure exists: an Axes takes its title's font when it is made, so fonts set
    up when the first Chinese title arrives would come too late for that figure.
    """
    if language() == "zh_CN" or _fonts_for == "zh_CN":
        try:
            import matplotlib  # noqa: F401
        except ImportError:  # nothing draws, so nothing to set up
            return
        try:
            setup_matplotlib()
        except RuntimeError as missing:
            # Only figures need the font (widgets are drawn by the browser): say so now, and let
            # the plotting helpers raise when they are asked to draw (the book fails on either).
            warnings.warn(str(missing), stacklevel=3)


_sync_fonts()  # CONVBP_LANG=zh_CN: ready when convbp is imported, before the first figure
