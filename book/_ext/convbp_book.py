"""Sphinx glue for the convbp book: what `_config.yml` alone cannot say.

- Adds ``book-setup.js`` (vendored-asset path, FontAwesome and MathJax shims) with a
  priority that puts it before MyST-NB's widget scripts and Sphinx's MathJax config;
  ``html_js_files`` from YAML cannot carry a priority and would load it too late.
- Adds ``book.css``: wide maths and tables scroll with a visible cue, and the contrast
  fixes that tests/book/test_accessibility.py checks.
- Drops repeated ``<script>`` tags: sphinx-thebe registers its inline config twice
  under Jupyter Book, and the second ``const THEBE_JS_URL`` is a SyntaxError on
  every page.
"""

from __future__ import annotations

from typing import Any

SETUP_JS_PRIORITY = 150  # below MyST-NB/MathJax (500) and html_js_files (800)


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
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
