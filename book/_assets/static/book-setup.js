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
