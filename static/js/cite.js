// "Cite this section": the citation is plain, selectable text; with a script, a button copies it.
(function () {
  "use strict";
  if (!navigator.clipboard) { return; }
  document.querySelectorAll("button.copy-citation").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        button.classList.add("copied");
        button.setAttribute("aria-live", "polite");
        button.textContent = button.getAttribute("data-done") || "✓";
      });
    });
  });
}());
