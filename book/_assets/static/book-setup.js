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
