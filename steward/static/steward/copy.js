// "Copy" buttons: copy the text of the element named by data-copy, then say so on the button.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    var text = source.value || source.textContent;
    var say = function (attribute) {
      var label = button.textContent;
      button.textContent = button.getAttribute(attribute) || "✓";
      window.setTimeout(function () { button.textContent = label; }, 2500);
    };
    var selectIt = function () {
      source.focus();
      source.select();
      say("data-selected");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { say("data-copied"); }, selectIt);
    } else {
      // Plain http on an office network has no clipboard API: select the key for Ctrl+C.
      selectIt();
    }
  });
})();
