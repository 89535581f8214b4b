// babelwire: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // "/" moves the focus to the search box (not while typing in a field).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var search = document.getElementById("site-search");
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });

  // On a story page, one button opens or closes the full text of every article.
  var texts = document.querySelectorAll(".article-text details");
  var coverage = document.getElementById("coverage-title");
  if (texts.length > 1 && coverage) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "toggle-texts";
    button.textContent = "Open all texts";
    button.addEventListener("click", function () {
      var open = button.textContent === "Open all texts";
      texts.forEach(function (details) { details.open = open; });
      button.textContent = open ? "Close all texts" : "Open all texts";
    });
    coverage.insertAdjacentElement("afterend", button);
  }
})();
