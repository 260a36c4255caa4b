// Starts Pagefind's search box with its filters (area, country, outcome, use, year).
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") { return; }
  new PagefindUI({ element: "#search", bundlePath: element.dataset.bundle, showSubResults: false, resetStyles: false });
});
