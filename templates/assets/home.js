// The home page's search box: as soon as a reader starts to use it, the search page's files
// are fetched in the background (Pagefind's UI, the engine, its worker, each index part's
// start files), so the results page they are sent to answers from the browser's cache
// instead of fetching its way to the first results. Only once, only when the box is used.
"use strict";
(() => {
  const box = document.getElementById("home-search");
  if (!box || window.location.protocol === "file:") { return; }
  const root = box.form.dataset.root || "";
  const prefetch = (path) => {
    const link = document.createElement("link");
    link.rel = "prefetch";
    link.href = root + path;
    document.head.append(link);
  };
  let started = false;
  const start = async () => {
    if (started) { return; }
    started = true;
    const search = box.form.dataset.search;
    const ui = box.form.dataset.ui;
    for (const path of [search, `${ui}pagefind-ui.js`, `${ui}pagefind-ui.css`, "assets/search.js",
      "search/engine/pagefind.js", "search/engine/search-worker.js"]) { prefetch(path); }
    try {
      const manifest = await (await fetch(`${root}pagefind/parts.json`)).json();
      for (const part of Object.keys(manifest.parts)) {
        prefetch(`pagefind/${part}/pagefind.js`);
        prefetch(`pagefind/${part}/start.pack`);
      }
    } catch {
      // no index: the search page says so
    }
  };
  box.addEventListener("focus", start, { once: true });
  box.addEventListener("input", start, { once: true });
})();
