// Every list of studies, in any order: the pages are built latest-added first; this script
// offers the other orders on any list — all studies, a policy area's, a country's, an
// outcome's, a map cell's — by reading the site's catalogue
// (catalogue.js, loaded only when a reader asks for another order) and drawing the list's
// pages here. The order and page are kept in the address (?order=year&page=2), so a sorted
// page can be shared. Text from the catalogue is only ever set as text.
"use strict";
(() => {
  const list = document.querySelector(".study-list[data-sortable]");
  if (!list) { return; }
  const root = list.dataset.root || "";
  const PER_PAGE = Number(list.dataset.perPage) || 50;
  const ORDERS = { added: "latest added", year: "newest publication", title: "title" };
  const FACETS = ["area", "outcome", "country", "use", "year"];
  const wanted = Object.fromEntries(FACETS.filter((f) => list.dataset[f]).map((f) => [f, list.dataset[f]]));
  const status = list.querySelector(".showing");
  let studies = null; // this list's rows of the catalogue, once loaded

  const loadCatalogue = () => new Promise((resolve, reject) => {
    if (window.MIPEX_CATALOGUE) { resolve(window.MIPEX_CATALOGUE); return; }
    const script = document.createElement("script");
    script.src = `${root}assets/catalogue.js`;
    script.onload = () => resolve(window.MIPEX_CATALOGUE);
    script.onerror = reject;
    document.head.append(script);
  });

  const members = (data) => {
    const column = Object.fromEntries(data.columns.map((name, index) => [name, index]));
    const has = (study, facet, code) => {
      if (facet === "year") { return study[column.year] === code; }
      const codes = study[column[facet]].map((i) => data.codes[facet][i]);
      return facet === "outcome" && code === "none" ? codes.length === 0 : codes.includes(code);
    };
    return data.studies
      .filter((study) => Object.entries(wanted).every(([facet, code]) => has(study, facet, code)))
      .map((study) => ({
        slug: study[column.slug], title: study[column.title], authors: study[column.authors],
        year: study[column.year], added: study[column.added], venue: study[column.venue],
        unscreened: study[column.unscreened],
      }));
  };

  const byTitle = (a, b) => a.title.localeCompare(b.title, undefined, { sensitivity: "base" });
  const byYear = (a, b) => (b.year || "").localeCompare(a.year || "") || byTitle(a, b);
  const SORTS = { title: byTitle, year: byYear, added: (a, b) => (b.added || "").localeCompare(a.added || "") || byYear(a, b) };

  const line = (study) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `${root}studies/${study.slug}/index.html`;
    a.textContent = study.title;
    li.append(a);
    let rest = "";
    if (study.authors) { rest += ` — ${study.authors}`; }
    if (study.year) { rest += ` (${study.year})`; }
    li.append(document.createTextNode(rest));
    if (study.venue) {
      li.append(". ");
      const venue = document.createElement("i");
      venue.textContent = study.venue;
      li.append(venue);
    }
    if (study.unscreened) {
      const note = document.createElement("span");
      note.className = "unscreened";
      note.textContent = "not screened yet";
      li.append(" ", note);
    }
    return li;
  };

  const pager = (page, pages, go) => {
    const nav = document.createElement("nav");
    nav.className = "pager";
    nav.setAttribute("aria-label", "pages of this list");
    const link = (text, number, rel) => {
      const a = document.createElement("a");
      a.href = `?order=${encodeURIComponent(current)}&page=${number}`;
      a.textContent = text;
      if (rel) { a.rel = rel; }
      if (number === page && !rel) { a.setAttribute("aria-current", "page"); }
      a.addEventListener("click", (event) => { event.preventDefault(); go(number); });
      return a;
    };
    if (page > 1) { nav.append(link("‹ Previous", page - 1, "prev")); }
    const ul = document.createElement("ul");
    const shown = [...new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
    let last = 0;
    for (const number of shown) {
      if (number - last > 1) {
        const gap = document.createElement("li");
        gap.className = "skipped";
        gap.setAttribute("aria-hidden", "true");
        gap.textContent = "…";
        ul.append(gap);
      }
      const li = document.createElement("li");
      li.append(link(String(number), number));
      ul.append(li);
      last = number;
    }
    nav.append(ul);
    if (page < pages) { nav.append(link("Next ›", page + 1, "next")); }
    return nav;
  };

  let current = "added";
  const draw = (order, page) => {
    current = order;
    const sorted = [...studies].sort(SORTS[order]);
    const pages = Math.max(1, Math.ceil(sorted.length / PER_PAGE));
    page = Math.min(Math.max(1, page), pages);
    const first = (page - 1) * PER_PAGE;
    const shown = sorted.slice(first, first + PER_PAGE);
    const ol = list.querySelector("ol.studies");
    ol.start = first + 1;
    ol.replaceChildren(...shown.map(line));
    list.querySelector("nav.pager")?.remove();
    if (pages > 1) { ol.after(pager(page, pages, (n) => { draw(order, n); list.scrollIntoView(); })); }
    status.textContent = sorted.length > PER_PAGE
      ? `Studies ${first + 1}–${first + shown.length} of ${sorted.length}, by ${ORDERS[order]}.`
      : `${sorted.length} ${sorted.length === 1 ? "study" : "studies"}, by ${ORDERS[order]}.`;
    for (const a of list.querySelectorAll(".orders a")) {
      if (a.dataset.order === order) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
    }
    history.replaceState(null, "", `?order=${order}&page=${page}`);
  };

  const choose = async (order, page) => {
    if (!studies) {
      status.textContent = "Sorting…";
      try { studies = members(await loadCatalogue()); } catch {
        status.textContent = "The list could not be sorted here (its catalogue did not load); it is shown latest added first.";
        return;
      }
    }
    draw(order, page);
  };

  // The order links, made here: without this script a list is read as built.
  const orders = document.createElement("p");
  orders.className = "orders";
  orders.append("Sort by: ");
  Object.entries(ORDERS).forEach(([order, label], index) => {
    const a = document.createElement("a");
    a.href = `?order=${order}&page=1`;
    a.dataset.order = order;
    a.textContent = label;
    if (order === "added") { a.setAttribute("aria-current", "true"); }
    orders.append(...(index ? [" · ", a] : [a]));
  });
  list.prepend(orders);
  for (const a of orders.querySelectorAll("a[data-order]")) {
    a.addEventListener("click", (event) => { event.preventDefault(); choose(a.dataset.order, 1); });
  }
  const asked = new URLSearchParams(location.search);
  if (Object.hasOwn(ORDERS, asked.get("order") || "")) { choose(asked.get("order"), Number(asked.get("page")) || 1); }
})();
