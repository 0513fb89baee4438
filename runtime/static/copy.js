/* Loket: copy buttons (progressive enhancement; without JavaScript they stay hidden).
   A button with data-copy="<id>" copies the text of the element with that id. */
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  var status = document.getElementById("copy-status");
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        if (status) { status.textContent = button.getAttribute("data-done") || ""; }
      });
    });
  });
})();
