/* The studio's one script, a progressive enhancement. A button inserts the placeholder chosen
   in a select into a document's body at the cursor. Without JavaScript the buttons stay
   hidden (.js-only) and the placeholders are listed beside the body to copy. */
document.documentElement.classList.add("js");
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-insert-into]") : null;
  if (!button) {
    return;
  }
  var select = document.getElementById(button.getAttribute("data-insert-from"));
  var area = document.getElementById(button.getAttribute("data-insert-into"));
  if (!select || !area || !select.value) {
    return;
  }
  area.setRangeText(select.value, area.selectionStart, area.selectionEnd, "end");
  area.focus();
  area.dispatchEvent(new Event("input", { bubbles: true }));
});

/* The preview panel stays open (or folded) across edits: its state is kept for the tab. */
function restorePreview() {
  var panel = document.getElementById("preview-panel");
  if (panel && window.sessionStorage && sessionStorage.getItem("loket-preview") === "open") {
    panel.open = true;
  }
}
document.addEventListener("toggle", function (event) {
  if (event.target.id === "preview-panel" && window.sessionStorage) {
    sessionStorage.setItem("loket-preview", event.target.open ? "open" : "closed");
  }
}, true);
document.addEventListener("DOMContentLoaded", restorePreview);
document.addEventListener("htmx:afterSettle", restorePreview);
