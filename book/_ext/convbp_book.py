"""Sphinx glue for the convbp book: what `_config.yml` alone cannot say.

- Adds ``book-setup.js`` (vendored-asset path, FontAwesome and MathJax shims) with a
  priority that puts it before MyST-NB's widget scripts and Sphinx's MathJax config;
  ``html_js_files`` from YAML cannot carry a priority and would load it too late.
- Adds ``book.css``: wide maths and tables scroll with a visible cue, and the contrast
  fixes that tests/book/test_accessibility.py checks.
- Keeps cell outputs out of the translation catalogues: they are made by the code
  (which has its own language setting), not written, and change whenever it runs.
  What the notebook's cell metadata writes about an output stays in them: a figure's
  caption and its alt text (MyST-NB's ``mystnb.image.alt``), which the gettext builder
  would otherwise never see (see ``_gettext_sees_figures``).
- Fails a translated edition's strict build on any text its catalogue does not translate
  (a new or changed English paragraph, a fuzzy entry), instead of showing English
  silently; ``CONVBP_DRAFT_TRANSLATION=1`` makes that a note, for previews.
- The theme's own words in a translated edition: Sphinx and pydata-sphinx-theme already read
  ``locale/<language>/LC_MESSAGES/sphinx.po`` before their own catalogues; sphinx-book-theme
  reads only its own, so ``booktheme.po`` there is added as its fallback
  (``_theme_translations``) for the strings its catalogue lacks.
- The two editions (English and Chinese, built side by side under ``_build/html/``
  by ``make book``): a link on every page to the same page in the other edition.
- Lets ``{glue:text}`` work inside translated text: Sphinx parses a translation as a new
  document that lacks the notebook's glue data, so there a role asks for its own page's
  value through MyST-NB's cross-page route (``page::key``), resolved after all pages are read.
- Drops repeated ``<script>`` tags: sphinx-thebe registers its inline config twice
  under Jupyter Book, and the second ``const THEBE_JS_URL`` is a SyntaxError on
  every page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

logger = logging.getLogger(__name__)
DRAFT_ENV = "CONVBP_DRAFT_TRANSLATION"

SETUP_JS_PRIORITY = 150  # below MyST-NB/MathJax (500) and html_js_files (800)

# The book's editions, one per Sphinx `language`: the folder under _build/html/ it is built
# into, its name as the language switch shows it (in its own language), and its BCP 47 tag.
# scripts/editions.py builds them, from this table.
EDITIONS: dict[str, dict[str, str]] = {
    "en": {"folder": "en", "name": "English", "tag": "en"},
    "zh_CN": {"folder": "zh", "name": "中文", "tag": "zh-CN"},
}
# The switch's accessible name: its visible text first (WCAG 2.5.3), then what it does, in
# the language of the page it is on.
SWITCH_NAMES = {
    "en": "{name}: this page in Chinese",
    "zh_CN": "{name}：本页的英文版",
}


class OutputsAreNotProse(SphinxTransform):
    """Mark display maths and every text node inside a cell's output as untranslatable.

    Runs before Sphinx's Locale transform (priority 20) and before the gettext builder
    extracts messages, so neither the catalogues nor the translated pages touch outputs.
    """

    default_priority = 10

    def apply(self, **kwargs: Any) -> None:
        # Display maths is the same in both editions; Sphinx would offer each block
        # (even an empty "\\n" one) for translation.
        for block in self.document.findall(nodes.math_block):
            block["translatable"] = False
        for output in self.document.findall(nodes.container):
            if "cell_output" in output.get("classes", []):
                written = {id(t) for c in output.findall(nodes.caption) for t in c.findall(nodes.TextElement)}
                for text in output.findall(nodes.TextElement):
                    if id(text) not in written:  # a figure's caption is prose from the metadata
                        text["translatable"] = False


class EveryMessageIsTranslated(SphinxTransform):
    """In a translated edition, warn (an error under -W) about each page's messages that its
    catalogue lacks, leaves empty or marks fuzzy: Sphinx would show them in English.

    Runs after OutputsAreNotProse and just before Sphinx's Locale transform (priority 20),
    on the English text that Locale is about to replace.
    """

    default_priority = 19

    def apply(self, **kwargs: Any) -> None:
        language = self.config.language
        if language in (None, "", "en") or not self.config.locale_dirs:
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        done = _translated_messages(self.app.srcdir, tuple(self.config.locale_dirs), language, domain)
        # A message without a Latin letter is not English waiting for its translation: the
        # titles sphinx-exercise writes in the edition's language (练习, 解答), a bare number.
        missing = [msg for _, msg in extract_messages(self.document)
                   if msg not in done and re.search("[A-Za-z]", msg)]
        if not missing:
            return
        shown = "; ".join(repr(m[:70] + ("…" if len(m) > 70 else "")) for m in missing[:3])
        text = (f"{len(missing)} message(s) not translated into {language} (new, changed or fuzzy in "
                f"LC_MESSAGES/{domain}.po; run `make translations`, then translate them): {shown}")
        if os.environ.get(DRAFT_ENV) == "1":
            logger.info(text, location=self.env.docname)
        else:
            logger.warning(text, location=self.env.docname, type="convbp", subtype="untranslated")


_CATALOGUES: dict[tuple[Any, ...], set[str]] = {}


def _translated_messages(srcdir, locale_dirs: tuple[str, ...], language: str, domain: str) -> set[str]:
    """The msgids that the domain's .po translates (non-empty, not fuzzy), in any locale dir."""
    key = (str(srcdir), locale_dirs, language, domain)
    if key not in _CATALOGUES:
        from babel.messages.pofile import read_po

        done: set[str] = set()
        for folder in locale_dirs:
            po = Path(srcdir, folder, language, "LC_MESSAGES", domain + ".po")
            if po.exists():
                with po.open("rb") as f:
                    catalogue = read_po(f)
                done |= {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
        _CATALOGUES[key] = done
    return _CATALOGUES[key]


def _gettext_sees_figures(app) -> None:
    """Let the gettext builder keep the outputs the HTML builder keeps, so it extracts the
    figures' alt texts into the catalogues.

    MyST-NB renders every output in every format while reading, then keeps one per builder
    (its SelectMimeType post-transform); for "gettext" it has no list and drops them all,
    images with their alt text included. The translations themselves need nothing more:
    Sphinx's Locale transform runs while reading, when the images (and their ``alt``) are
    still there, and translates an image's alt text like any other message.
    """
    if app.builder.name != "gettext":
        return
    from myst_nb.core.render import base_render_priority

    html = base_render_priority()["html"]
    app.config.nb_mime_priority_overrides = list(app.config.nb_mime_priority_overrides) + [
        ("gettext", mime, priority) for mime, priority in html.items()
    ]


def _theme_translations(app) -> None:
    if app.config.language in (None, "", "en"):
        return
    from sphinx.locale import init
    from sphinx.util.i18n import CatalogRepository

    repo = CatalogRepository(app.srcdir, app.config.locale_dirs, app.config.language, app.config.source_encoding)
    for catalog in repo.catalogs:
        if catalog.domain == "booktheme" and catalog.is_outdated():
            catalog.write_mo(app.config.language)
    init([str(Path(app.srcdir, d)) for d in app.config.locale_dirs], app.config.language, "booktheme")


def _language_switch(app, pagename, templatename, context, doctree) -> None:
    """Tell the template language-switch.html where this page is in the other edition.

    Both editions are built side by side (_build/html/en/, _build/html/zh/) from the same
    sources, so every page has the same name in both; only the folder differs.
    """
    here = app.config.language
    if here not in EDITIONS:
        return
    there = next(lang for lang in EDITIONS if lang != here)
    other = EDITIONS[there]
    up = "../" * (pagename.count("/") + 1)  # from this page to _build/html/
    href = f"{up}{other['folder']}/{pagename}{app.builder.out_suffix}"
    context["convbp_other_edition"] = {
        "href": href,
        "name": other["name"],
        "tag": other["tag"],
        "label": SWITCH_NAMES[here].format(name=other["name"]),
    }
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{other["tag"]}" href="{href}">'
    )


def _templates(app, config) -> None:
    config.templates_path = [*config.templates_path, str(Path(__file__).parent / "templates")]


def _glue_from_own_page_in_translations() -> None:
    from myst_nb.ext.glue.roles import PasteTextRole

    if getattr(PasteTextRole, "_convbp_patched", False):
        return
    run = PasteTextRole.run

    def run_anywhere(self):
        env = getattr(self.document.settings, "env", None)
        if env is not None and "nb_renderer" not in self.document and "::" not in self.text:
            self.text = f"/{env.doc2path(env.docname, base=False)}::{self.text}"
        return run(self)

    PasteTextRole.run = run_anywhere
    PasteTextRole._convbp_patched = True


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for script in context.get("script_files", []):
        # An inline script is registered once with filename None and once with "".
        key = (
            getattr(script, "filename", script) or None,
            tuple(sorted(getattr(script, "attributes", {}).items())),
        )
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique  # in place: later handlers may still append


def setup(app) -> dict[str, Any]:
    app.add_js_file("book-setup.js", priority=SETUP_JS_PRIORITY)
    app.add_css_file("book.css")  # wide maths scroll with a visible cue; contrast fixes
    app.add_transform(OutputsAreNotProse)
    app.add_transform(EveryMessageIsTranslated)
    app.connect("config-inited", _templates)
    app.connect("builder-inited", _gettext_sees_figures)
    app.connect("builder-inited", _theme_translations)
    app.connect("html-page-context", _language_switch)
    _glue_from_own_page_in_translations()
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
