// Starts Pagefind's search box with its filters (area, country, outcome, use, year), and
// gives its input an accessible name (Pagefind's own has only a placeholder).
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") { return; }
  new PagefindUI({ element: "#search", bundlePath: element.dataset.bundle, showSubResults: false, showImages: false, resetStyles: false, debounceTimeoutMs: 0 });
  var input = element.querySelector("input");
  if (input) { input.setAttribute("aria-label", "Search the studies"); }
});
