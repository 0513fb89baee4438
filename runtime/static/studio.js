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
