"""Sphinx glue for the convbp book: what `_config.yml` alone cannot say.

- Adds ``book-setup.js`` (vendored-asset path, FontAwesome and MathJax shims) with a
  priority that puts it before MyST-NB's widget scripts and Sphinx's MathJax config;
  ``html_js_files`` from YAML cannot carry a priority and would load it too late.
- Adds ``book.css``: wide maths and tables scroll with a visible cue, and the contrast
  fixes that tests/book/test_accessibility.py checks.
- Keeps cell outputs out of the translation catalogues: they are made by the code
  (which has its own language setting), not written, and change whenever it runs.
- Lets ``{glue:text}`` work inside translated text: Sphinx parses a translation as a new
  document that lacks the notebook's glue data, so there a role asks for its own page's
  value through MyST-NB's cross-page route (``page::key``), resolved after all pages are read.
- Drops repeated ``<script>`` tags: sphinx-thebe registers its inline config twice
  under Jupyter Book, and the second ``const THEBE_JS_URL`` is a SyntaxError on
  every page.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

SETUP_JS_PRIORITY = 150  # below MyST-NB/MathJax (500) and html_js_files (800)


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
                for text in output.findall(nodes.TextElement):
                    text["translatable"] = False


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
    _glue_from_own_page_in_translations()
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
