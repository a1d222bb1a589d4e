// The compare page, made quicker with a script (it works without one): choosing a topic
// reloads the region picker for it, and typing filters the picker by name, pinyin or code.
(function () {
  "use strict";
  var topic = document.getElementById("compare-topic");
  if (topic) {
    topic.addEventListener("change", function () {
      if (topic.value) { topic.form.submit(); }
    });
  }
  var filter = document.querySelector(".picker-filter");
  if (!filter) { return; }
  var regions = Array.prototype.slice.call(document.querySelectorAll(".picker-region"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".picker-group"));
  var none = document.querySelector(".picker-none");
  function normalise(text) {
    return text.toLowerCase().replace(/[\s'\-]/g, "");
  }
  function apply() {
    var wanted = normalise(filter.value);
    var shown = 0;
    regions.forEach(function (label) {
      var keys = (label.getAttribute("data-search") || "").toLowerCase().split(" ");
      var hit = !wanted || keys.some(function (key) { return key.indexOf(wanted) === 0 || (wanted.length > 1 && key.indexOf(wanted) >= 0); });
      var checked = label.querySelector("input").checked;
      label.hidden = !(hit || checked);
      if (!label.hidden) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".picker-region:not([hidden])");
    });
    if (none) { none.hidden = shown > 0; }
  }
  filter.addEventListener("input", apply);
  // A reader quicker than the script (or a browser restoring the box on "back") has already
  // typed: filter by what is there now.
  if (filter.value) { apply(); }
}());
