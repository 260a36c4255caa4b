// Starts Pagefind's search box with its filters (area, country, outcome, use, year) on the
// engine that merges the index's parts (search/engine/pagefind.js), gives
// its input an accessible name (Pagefind's own has only a placeholder), and runs the query
// a search form elsewhere on the site sent (search/index.html?q=...). Opened from disk
// (file://), browsers refuse to load the index as a module: it says so and how to serve it,
// rather than "Searching..." for ever.
//
// The engine starts at once, while the page and Pagefind's UI are still loading: its workers,
// the index's start files and Pagefind's wasm are fetched alongside them, not after (a query
// sent from the home page's box had its first results ~150 ms sooner at 1,000 studies).
// Pagefind's UI imports the same module later and finds it started.
(function () {
  var script = document.currentScript;
  if (!script || !script.dataset.engine || window.location.protocol === "file:") { return; }
  var engine = new URL(script.dataset.engine + "pagefind.js", script.src).href;
  var query = new URLSearchParams(window.location.search).get("q");
  import(engine)
    .then(function (module) { return query ? module.preload(query) : module.init(); })  // the query's chunk, too
    .catch(function () {});
})();

window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("search");
  if (!element) { return; }
  if (window.location.protocol === "file:") {
    var note = document.getElementById("search-from-disk");
    if (note) { note.hidden = false; }
    element.hidden = true;
    return;
  }
  if (typeof PagefindUI === "undefined") { return; }
  // An absolute path: Pagefind's UI imports the engine relative to its own script otherwise.
  var engine = new URL(element.dataset.engine, document.baseURI).pathname;
  var ui = new PagefindUI({ element: "#search", bundlePath: engine, showSubResults: false, showImages: false, resetStyles: false, debounceTimeoutMs: 0 });
  var input = element.querySelector("input");
  if (input) { input.setAttribute("aria-label", "Search the studies"); }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
});
