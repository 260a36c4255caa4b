// The home page's search box answers as the reader types: the first studies that match are
// listed under it, with a link to all of them on the search page (Enter goes there too). The
// engine is the search page's own (search/engine/pagefind.js, over the index's parts), started
// when the box is first used; going to the search page and starting it there cost about
// 300 ms before the first results at 1,000 studies, answering in place a few tens.
// The search page's files are fetched in the background meanwhile, so that Enter (or "all
// results") opens it from the browser's cache. Opened from disk (file://), browsers refuse
// to load the index as a module: the box then only sends its query to the search page,
// which says how to serve the site.
"use strict";
(() => {
  const box = document.getElementById("home-search");
  const shown = document.getElementById("home-results");
  if (!box || window.location.protocol === "file:") { return; }
  const root = box.form.dataset.root || "";
  const SHOWN = 5;
  const prefetch = (path) => {
    const link = document.createElement("link");
    link.rel = "prefetch";
    link.href = root + path;
    document.head.append(link);
  };
  let engine = null;
  const start = () => {
    if (engine) { return engine; }
    const search = box.form.dataset.search;
    const ui = box.form.dataset.ui;
    for (const path of [search, `${ui}pagefind-ui.js`, `${ui}pagefind-ui.css`, "assets/search.js",
      "search/engine/search-worker.js"]) { prefetch(path); }
    const address = new URL(`${root}search/engine/pagefind.js`, document.baseURI).href;
    engine = import(address).then(async (module) => { await module.init(); return module; }).catch(() => null);
    return engine;
  };

  const said = shown && shown.querySelector(".quick-count");
  const list = shown && shown.querySelector("ol");
  const more = shown && shown.querySelector(".more");

  const show = async (query, found) => {
    const total = found.results.length;
    const first = await Promise.all(found.results.slice(0, SHOWN).map((result) => result.data()));
    if (box.value.trim() !== query) { return; }  // typed on meanwhile: a newer answer comes
    const counted = `${total} ${total === 1 ? "study matches" : "studies match"} “${query}”`;
    said.textContent = total === 0 ? `No study matches “${query}”.` : `${counted}${total > SHOWN ? `; the first ${SHOWN}:` : ":"}`;
    list.replaceChildren(...first.map((data) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      item.append(link);
      return item;
    }));
    const link = document.createElement("a");
    link.href = `${box.form.action}?q=${encodeURIComponent(query)}`;
    link.textContent = total > SHOWN ? `All ${total} results, with filters` : "The results with filters";
    more.replaceChildren(...(total ? [link] : []));
    shown.hidden = false;
  };

  const answer = async () => {
    const query = box.value.trim();
    if (!shown) { return; }
    if (query.length < 2) {
      shown.hidden = true;
      return;
    }
    const module = await start();
    if (!module) { return; }  // no index: the search page says so
    const found = await module.search(query);
    if (found && box.value.trim() === query) { await show(query, found); }
  };

  box.addEventListener("focus", start, { once: true });
  box.addEventListener("input", answer);
})();
