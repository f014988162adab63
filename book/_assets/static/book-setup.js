// Runs on every page before the widget and MathJax scripts (added by book/_ext/convbp_book.py).
// Widget pages also load widgets-config.js, between require.js and the widget bundle.
(function () {
  "use strict";

  // 1. The theme's FontAwesome swaps ipywidgets' <i> icons for <svg>, and the Play
  //    widget's change handler then throws (freezing any slider jslinked to it).
  //    'nest' puts the <svg> inside the <i>, so ipywidgets still finds its element.
  window.FontAwesomeConfig = { autoReplaceSvg: "nest" };

  // 2. ipywidgets typesets widget labels with the MathJax 2 call
  //    MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book ships MathJax 3,
  //    which has no Hub. Give every object assigned to window.MathJax (Sphinx's config,
  //    then MathJax 3 itself) a hidden Hub that forwards to MathJax 3's typesetPromise.
  function whenTypesetReady(then, triesLeft) {
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise && mj.typesetPromise) {
      mj.startup.promise.then(function () { return then(mj); }).catch(console.error);
    } else if (triesLeft > 0) {
      setTimeout(function () { whenTypesetReady(then, triesLeft - 1); }, 100);
    }
  }
  var hub = {
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var cmd = arguments[i];
        if (Array.isArray(cmd) && cmd[0] === "Typeset" && cmd[2]) {
          var element = cmd[2];
          whenTypesetReady(function (mj) { return mj.typesetPromise([element]); }, 200);
        }
      }
    },
  };
  var current = window.MathJax;
  function withHub(value) {
    if (value && typeof value === "object" && !value.Hub) {
      Object.defineProperty(value, "Hub", { value: hub, enumerable: false, configurable: true });
    }
    return value;
  }
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
  withHub(current);
})();

// ---- Accessibility of the theme's own controls (tests/book/test_accessibility.py) ----
// Names and roles that pydata-sphinx-theme / sphinx-book-theme / docutils get wrong; each
// fix says which axe-core rule it answers. Widget names are set elsewhere, not here.
(function () {
  "use strict";
  // The names say what they name in the page's language (<html lang>, from Sphinx's
  // `language`: "en" or "zh-CN", the two editions).
  var WORDS = {
    en: {
      modes: { light: "light", dark: "dark", auto: "system setting" },
      mode: function (m) { return "Color mode: " + m + " (press to change)"; },
      sections: function (t) { return "Sections of " + t; },
      chapter: "this chapter",
    },
    zh: {
      modes: { light: "亮色", dark: "暗色", auto: "跟随系统设置" },  // the icons' titles (axe: name = text)
      mode: function (m) { return "颜色模式：" + m + "（按下切换）"; },
      sections: function (t) { return t + "的各节"; },
      chapter: "本章",
      theme: {
        ".primary-toggle": "显示或隐藏全书目录",
        ".secondary-toggle": "显示或隐藏本页目录",
        "nav.bd-docs-nav[aria-label='Main']": "全书目录",
        "nav[aria-label='Page']": "本页",
        ".dropdown-launch-buttons .dropdown-toggle": "启动交互式内容",
      },
    },
  };
  var say = WORDS[(document.documentElement.lang || "en").split("-")[0]] || WORDS.en;
  var MODE_NAMES = say.modes;

  function colourModeButtons() {
    // label-content-name-mismatch: the button is labelled "Color mode" but contains three
    // icons titled "Light", "Dark", "System Settings". Hide the icons from assistive
    // technology and say the current mode in the label instead.
    var mode = document.documentElement.dataset.mode || "auto";
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      button.querySelectorAll("i, svg").forEach(function (icon) {
        icon.setAttribute("aria-hidden", "true");
      });
      button.setAttribute("aria-label", say.mode(MODE_NAMES[mode] || mode));
    });
  }

  function searchButtons() {
    // label-content-name-mismatch: aria-label "Search" hides the visible text "Search
    // Ctrl+K". Where the button shows text, let that text be its name (the shortcut
    // announced as aria-keyshortcuts, not read out as "Ctrl plus K"); the icon-only
    // button keeps its aria-label.
    document.querySelectorAll(".search-button__button").forEach(function (button) {
      button.setAttribute("aria-keyshortcuts", "Control+K");
      if (!button.querySelector(".search-button__default-text")) return;
      button.querySelectorAll(".search-button__kbd-shortcut").forEach(function (kbd) {
        kbd.setAttribute("aria-hidden", "true");
      });
      button.removeAttribute("aria-label");
    });
  }

  function tocToggles() {
    // summary-name: the sidebar's expand/collapse <summary> holds only a chevron icon.
    document.querySelectorAll(".bd-sidenav details > summary").forEach(function (summary) {
      if (summary.hasAttribute("aria-label")) return;
      var link = summary.parentElement.parentElement.querySelector(":scope > a");
      var title = link ? link.textContent.trim() : say.chapter;
      summary.setAttribute("aria-label", say.sections(title));
    });
  }

  function citationLists() {
    // aria-required-children: docutils writes <div role="list" class="citation-list"> whose
    // children are role="doc-biblioentry", not listitems; the entries need no list role.
    document.querySelectorAll(".citation-list[role='list']").forEach(function (list) {
      list.removeAttribute("role");
    });
  }

  function themeWords() {
    // The theme's words that no catalogue reaches (written into its templates, not passed
    // through gettext): said in the page's language where the edition is not English.
    if (!say.theme) return;
    Object.keys(say.theme).forEach(function (selector) {
      document.querySelectorAll(selector).forEach(function (el) {
        var words = say.theme[selector];
        if (el.hasAttribute("title")) el.setAttribute("title", words);
        if (el.hasAttribute("aria-label") || el.tagName === "NAV") el.setAttribute("aria-label", words);
      });
    });
  }

  function fixAll() {
    themeWords();
    colourModeButtons();
    searchButtons();
    tocToggles();
    citationLists();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fixAll);
  } else {
    fixAll();
  }
  // The theme sets data-mode on <html> whenever the reader presses the switch.
  new MutationObserver(colourModeButtons).observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-mode"],
  });
})();
// ---- end of the accessibility block ----

// ---- convbp widgets: accessible names (helper "widgets"; keep this block separate) ----
// ipywidgets 8 renders Play's buttons as bare icons and the slider's handle (role=slider)
// without a name. Name them from their widget's description/tooltip once they appear;
// everything else carries its ipywidgets description (a <label>) or tooltip already.
(function () {
  "use strict";
  var PLAY = { "fa-play": "play or pause", "fa-pause": "pause", "fa-stop": "stop", "fa-retweet": "repeat", "fa-repeat": "repeat" };
  function nameControls(root) {
    root.querySelectorAll(".widget-play button:not([aria-label])").forEach(function (button) {
      var icon = button.querySelector("i");
      var name = "";
      if (icon) {
        Object.keys(PLAY).forEach(function (cls) { if (icon.classList.contains(cls)) { name = PLAY[cls]; } });
      }
      button.setAttribute("aria-label", (name || "play control") + " the steps");
      if (!button.title) { button.title = name || "play control"; }
    });
    root.querySelectorAll(".widget-slider [role=slider]:not([aria-label])").forEach(function (handle) {
      var slider = handle.closest(".widget-slider");
      var label = slider && slider.querySelector(".widget-label");
      var text = (slider && slider.title) || (label && label.textContent.trim()) || "step";
      handle.setAttribute("aria-label", text);
    });
  }
  function start() {
    nameControls(document);
    new MutationObserver(function () { nameControls(document); })
      .observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
