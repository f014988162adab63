// Loaded on pages with widgets, after require.js and before html-manager/embed-amd.js
// (the order of nb_ipywidgets_js in _config.yml).
(function () {
  "use strict";
  var here = new URL(".", document.currentScript.src).href;
  // The bundle defines AMD modules named "@jupyter-widgets/…" and finds its icon fonts
  // relative to the URL require.js gives those names; by default that is relative to
  // the page, and the fonts 404. Map both folders the bundle uses onto the vendored copy.
  window.require.config({
    paths: {
      "@jupyter-widgets/html-manager/dist": here + "html-manager",
      "@jupyter-widgets": here + "html-manager",
    },
  });
  window.__jupyter_widgets_assets_path__ = here + "html-manager/";
})();
