// The evidence map, live: the filters beside it (country, use of MIPEX, years) recount every
// cell from the site's catalogue (catalogue.js) without leaving the page, and choosing a
// cell lists its studies beside the map; `?country=SE` in the address opens it filtered (a
// country page links so). Without this script each bubble is a link to its cell's list.
// Text from the catalogue is only ever set as text (textContent), never as markup.
"use strict";
(() => {
  const data = window.MIPEX_CATALOGUE;
  const map = document.querySelector(".evidence-map");
  if (!data || !map) { return; }
  const root = map.dataset.root || "";
  const form = map.querySelector("form.live-filters");
  const status = map.querySelector(".map-status");
  const panel = map.querySelector(".cell-studies");
  const column = Object.fromEntries(data.columns.map((name, index) => [name, index]));
  const codes = data.codes;
  const NONE = "none";
  const SHOWN = 50; // studies listed at once in a cell's panel
  const SMALLEST = 3.5, LARGEST = 17;
  const SVG = "http://www.w3.org/2000/svg";
  let chosen = null; // [area, outcome] of the cell whose studies are listed

  map.querySelector(".without-script").hidden = true;
  form.hidden = false;
  const asked = new URLSearchParams(location.search).get("country");
  if (asked && codes.country.includes(asked.toUpperCase())) { form.elements.country.value = asked.toUpperCase(); }

  const labels = (selector, name) =>
    Object.fromEntries([...map.querySelectorAll(selector)].map((th) => [th.dataset[name], th.dataset.label]));
  const areaLabels = labels("tbody th[data-area]", "area");
  const outcomeLabels = labels("thead th[data-outcome]", "outcome");

  const filters = () => {
    const values = new FormData(form);
    const { from, to } = form.elements;
    return {
      country: values.get("country") || "",
      uses: new Set(values.getAll("use")),
      from: Number(from?.value) || -Infinity,
      to: Number(to?.value) || Infinity,
      // a study without a year is shown until the years are narrowed
      narrowed: Boolean(from && (from.value !== from.min || to.value !== to.max)),
    };
  };

  const passes = (study, wanted) => {
    if (wanted.country && !study[column.country].some((i) => codes.country[i] === wanted.country)) { return false; }
    const uses = study[column.use].map((i) => codes.use[i]);
    if (uses.length && !uses.some((use) => wanted.uses.has(use))) { return false; }
    if (!study[column.year]) { return !wanted.narrowed; }
    const year = Number(study[column.year]);
    return year >= wanted.from && year <= wanted.to;
  };

  const cellsOf = (study) => {
    const outcomes = study[column.outcome].map((i) => codes.outcome[i]);
    const cells = [];
    for (const a of study[column.area]) {
      for (const o of outcomes.length ? outcomes : [NONE]) { cells.push(`${codes.area[a]}|${o}`); }
    }
    return cells;
  };

  const bubble = (r, ring) => {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "bubble");
    svg.setAttribute("viewBox", "0 0 40 40");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const circle = document.createElementNS(SVG, "circle");
    for (const [name, value] of [["cx", 20], ["cy", 20], ["r", ring ? 4 : r]]) { circle.setAttribute(name, value); }
    if (ring) { circle.setAttribute("class", "ring"); }
    svg.append(circle);
    return svg;
  };

  const hidden = (text) => {
    const span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text;
    return span;
  };

  const staticLink = (area, outcome) => `${root}map/${area}/${outcome}/index.html`;

  let drawn = "";
  const draw = () => {
    const wanted = filters();
    const signature = JSON.stringify([wanted.country, [...wanted.uses], wanted.from, wanted.to, wanted.narrowed]);
    if (signature === drawn) { return; } // a year typed, then its field left: drawn already
    drawn = signature;
    const counts = new Map();
    const rows = new Map();
    let total = 0;
    for (const study of data.studies) {
      if (!passes(study, wanted)) { continue; }
      total += 1;
      for (const cell of cellsOf(study)) { counts.set(cell, (counts.get(cell) || 0) + 1); }
      for (const a of study[column.area]) { rows.set(codes.area[a], (rows.get(codes.area[a]) || 0) + 1); }
    }
    let most = 1;
    for (const [cell, n] of counts) { if (!cell.endsWith(`|${NONE}`)) { most = Math.max(most, n); } }
    for (const td of map.querySelectorAll("td[data-area]")) {
      const { area, outcome } = td.dataset;
      const n = counts.get(`${area}|${outcome}`) || 0;
      const cell = document.createElement(n ? "a" : "span");
      cell.className = n ? "cell" : "cell gap";
      if (outcome !== NONE) {
        const r = Math.round((SMALLEST + (LARGEST - SMALLEST) * Math.sqrt(Math.min(n, most) / most)) * 10) / 10;
        cell.append(bubble(r, !n));
      }
      if (n) {
        cell.href = staticLink(area, outcome);
        const count = document.createElement("span");
        count.className = "n";
        count.textContent = n;
        cell.append(count, hidden(n === 1 ? " study" : " studies"));
      } else {
        if (outcome === NONE) {
          const dash = document.createElement("span");
          dash.className = "n";
          dash.setAttribute("aria-hidden", "true");
          dash.textContent = "–";
          cell.append(dash);
        }
        cell.append(hidden("no studies"));
      }
      td.replaceChildren(cell);
      td.classList.toggle("chosen", Boolean(chosen && chosen[0] === area && chosen[1] === outcome));
    }
    for (const span of map.querySelectorAll("[data-row-total]")) { span.textContent = rows.get(span.dataset.rowTotal) || 0; }
    const country = form.elements.country.selectedOptions[0].textContent;
    history.replaceState(null, "", wanted.country ? `?country=${wanted.country}` : location.pathname);
    status.textContent = `${total} ${total === 1 ? "study" : "studies"} shown` + (wanted.country ? ` (${country})` : "") + ".";
    if (chosen) { list(chosen[0], chosen[1], null, true); }
  };

  const list = (area, outcome, opener, quietly) => {
    chosen = [area, outcome];
    const wanted = filters();
    const key = `${area}|${outcome}`;
    const studies = data.studies.filter((s) => passes(s, wanted) && cellsOf(s).includes(key));
    studies.sort((a, b) => (b[column.added] || "").localeCompare(a[column.added] || "")
      || (b[column.year] || "").localeCompare(a[column.year] || "")
      || a[column.title].localeCompare(b[column.title]));
    const heading = panel.querySelector("h2");
    const what = `${areaLabels[area] || area} and ${(outcomeLabels[outcome] || outcome).toLowerCase()}`;
    heading.textContent = `${what}: ${studies.length} ${studies.length === 1 ? "study" : "studies"}`;
    const items = studies.slice(0, SHOWN).map((study) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `${root}studies/${study[column.slug]}/index.html`;
      a.textContent = study[column.title];
      li.append(a);
      const rest = [study[column.authors] && ` — ${study[column.authors]}`, study[column.year] && ` (${study[column.year]})`]
        .filter(Boolean).join("");
      li.append(document.createTextNode(rest));
      return li;
    });
    panel.querySelector("ol").replaceChildren(...items);
    const more = panel.querySelector(".more");
    more.replaceChildren();
    if (studies.length > SHOWN) {
      const all = document.createElement("a");
      all.href = staticLink(area, outcome);
      all.textContent = "the whole cell, unfiltered, page by page";
      more.append(`The ${SHOWN} latest added are listed here; see `, all, ".");
    }
    panel.hidden = false;
    for (const td of map.querySelectorAll("td[data-area]")) {
      td.classList.toggle("chosen", td.dataset.area === area && td.dataset.outcome === outcome);
    }
    if (!quietly && opener) { heading.focus(); }
  };

  // Clicks are taken on the table: a cell redrawn between press and release (a filter
  // changed as its field lost focus) still opens.
  map.querySelector("table.map").addEventListener("click", (event) => {
    const td = event.target.closest("td[data-area]");
    if (!td || !td.querySelector("a.cell")) { return; }
    event.preventDefault();
    list(td.dataset.area, td.dataset.outcome, td);
  });
  form.addEventListener("change", draw);
  form.addEventListener("input", (event) => { if (event.target.type === "number") { draw(); } });
  form.addEventListener("reset", () => { setTimeout(() => { form.elements.country.value = ""; drawn = ""; draw(); }, 0); });
  draw();
})();
