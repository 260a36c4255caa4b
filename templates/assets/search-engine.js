// Pagefind's search API (options, search, filters, preload, ...) over the parts of the
// study index in ../../pagefind/<part>/, for Pagefind's own search UI to load as its
// "pagefind.js" (tracker/publish/search.py says why the index comes in parts).
//
// The parts are spread over up to four groups; each group is a copy of Pagefind's module
// imported from a different part's folder, so each runs in its own web worker and the
// groups search at the same time on different cores. Within a group, Pagefind merges its
// parts itself (mergeIndex); across groups, results are merged here the way Pagefind merges
// indexes: all results sorted by score, filter counts added up.
//
// Each group takes one call at a time: a search overlapping the filters() call Pagefind's
// UI makes on start gave wrong filter counts now and then (seen in the browser tests).
//
// Only the newest search matters: one overtaken by a newer search before its turn is not run
// and answers null, which Pagefind's UI ignores (it shows its latest search only), as
// Pagefind's own debouncedSearch does. Without this, typing a word queued a search per
// keystroke and the last one waited for all of them. One- and two-letter searches, which
// match nearly every study and are usually a word being typed, wait a moment first.

const INDEX = new URL("../../pagefind/", import.meta.url);
const MOST_GROUPS = 4;
const SHORT_TERM = 3;
const SHORT_TERM_WAIT_MS = 300;

let settings = {};
let groups = null;
let latestSearch = 0;

function startGroups() {
  groups ??= fetch(new URL("parts.json", INDEX))
    .then((response) => response.json())
    .then((manifest) => {
      const parts = Object.keys(manifest.parts).sort((a, b) => Number(a) - Number(b));
      const count = Math.max(1, Math.min(parts.length, navigator.hardwareConcurrency || 2, MOST_GROUPS));
      const members = Array.from({ length: count }, (_, group) => parts.filter((_, i) => i % count === group));
      return Promise.all(members.map(startGroup));
    });
  return groups;
}

async function startGroup(parts) {
  const folder = (part) => new URL(`${part}/`, INDEX).pathname;
  const engine = await import(`${folder(parts[0])}pagefind.js`);
  await engine.options(settings);
  for (const part of parts.slice(1)) {
    await engine.mergeIndex(folder(part), settings);
  }
  let last = Promise.resolve();
  // The engine's method, after the group's calls before it; null if `wanted` says no by then.
  const call = (wanted, method, ...args) => {
    const answer = last.then(() => (wanted() ? engine[method](...args) : null));
    last = answer.catch(() => undefined);
    return answer;
  };
  return call;
}

const always = () => true;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function everyGroup(wanted, method, ...args) {
  return Promise.all((await startGroups()).map((call) => call(wanted, method, ...args)));
}

// Filter counts added up, names and values in the order one Pagefind index gives them
// (sorted), not in the order the groups happened to answer.
function addCounts(all) {
  const merged = {};
  for (const counts of all) {
    for (const [filter, values] of Object.entries(counts || {})) {
      merged[filter] ??= {};
      for (const [value, count] of Object.entries(values)) {
        merged[filter][value] = (merged[filter][value] || 0) + count;
      }
    }
  }
  const sorted = (object) => Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return sorted(Object.fromEntries(Object.entries(merged).map(([filter, values]) => [filter, sorted(values)])));
}

export async function options(newSettings) {
  settings = { ...settings, ...newSettings };
  if (groups) {
    await everyGroup(always, "options", newSettings);
  }
}

export async function init() {
  await startGroups();
}

export async function search(term, searchSettings = {}) {
  return newestSearch(++latestSearch, term, searchSettings);
}

async function newestSearch(mine, term, searchSettings) {
  const newest = () => mine === latestSearch;
  if ((term || "").trim().length < SHORT_TERM) {
    await sleep(SHORT_TERM_WAIT_MS);
  }
  const answers = await everyGroup(newest, "search", term, searchSettings);
  if (answers.some((answer) => answer === null)) {
    return null;
  }
  return {
    results: answers.flatMap((answer) => answer.results).sort((a, b) => b.score - a.score),
    unfilteredResultCount: answers.reduce((sum, answer) => sum + answer.unfilteredResultCount, 0),
    filters: addCounts(answers.map((answer) => answer.filters)),
    totalFilters: addCounts(answers.map((answer) => answer.totalFilters)),
    timings: answers.flatMap((answer) => answer.timings),
  };
}

export async function debouncedSearch(term, searchSettings = {}, waitMs = 300) {
  const mine = ++latestSearch;
  await sleep(waitMs);
  return mine === latestSearch ? newestSearch(mine, term, searchSettings) : null;
}

export async function preload(term, searchSettings = {}) {
  await everyGroup(always, "preload", term, searchSettings);
}

export async function filters() {
  return addCounts(await everyGroup(always, "filters"));
}

export async function mergeIndex() {
  throw new Error("this engine searches the tracker's own index parts; it merges no other index");
}

export async function destroy() {
  if (groups) {
    await everyGroup(always, "destroy");
    groups = null;
  }
}
