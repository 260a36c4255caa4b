// Pagefind's search API (options, search, filters, preload, ...) over the parts of the
// study index in ../../pagefind/<part>/, for Pagefind's own search UI to load as its
// "pagefind.js" (tracker/publish/search.py says why the index comes in parts).
//
// The parts are spread over up to four groups, one per core; each group is searched in a
// worker of ours (search-worker.js) by Pagefind's own engine, which merges the group's parts
// itself (mergeIndex). Across groups, results are merged here the way Pagefind merges indexes:
// all results sorted by score, filter counts added up. A worker answers with ids and scores
// only, and a result's data is asked of its worker when Pagefind's UI shows it: Pagefind's own
// worker sends every result whole, with the positions of its words, and a query matching most
// of 10,000 studies spent more time passing and collecting results than searching.
//
// Only the newest search matters: one overtaken by a newer search before its turn is not run
// and answers null, which Pagefind's UI ignores (it shows its latest search only), as
// Pagefind's own debouncedSearch does. Without this, typing a word queued a search per
// keystroke and the last one waited for all of them. One- and two-letter searches, which
// match nearly every study and are usually a word being typed, wait a moment first.

const INDEX = new URL("../../pagefind/", import.meta.url);
const WORKER = new URL("search-worker.js", import.meta.url);
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
      return Promise.all(members.map((group) => startGroup(group, manifest.wordsPages ?? null)));
    });
  return groups;
}

// A worker searching these parts, as a function: call(method, ...args) answers its result.
async function startGroup(parts, wordsPages) {
  const worker = new Worker(WORKER, { type: "module" });
  const waiting = new Map();
  let calls = 0;
  worker.addEventListener("message", ({ data: { id, result, error } }) => {
    const { resolve, reject } = waiting.get(id);
    waiting.delete(id);
    if (error === undefined) {
      resolve(result);
    } else {
      reject(new Error(`search: ${error}`));
    }
  });
  worker.addEventListener("error", (event) => {
    for (const { reject } of waiting.values()) {
      reject(new Error(`search: the worker failed: ${event.message || "it could not be loaded"}`));
    }
    waiting.clear();
  });
  const call = (method, ...args) =>
    new Promise((resolve, reject) => {
      const id = ++calls;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  call.worker = worker;
  await call("start", parts.map((part) => new URL(`${part}/`, INDEX).pathname), settings, wordsPages);
  return call;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function everyGroup(method, ...args) {
  return Promise.all((await startGroups()).map((call) => call(method, ...args)));
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
    await everyGroup("options", newSettings);
  }
}

export async function init() {
  await startGroups();
}

export async function search(term, searchSettings = {}) {
  return newestSearch(++latestSearch, term, searchSettings);
}

async function newestSearch(mine, term, searchSettings) {
  if ((term || "").trim().length < SHORT_TERM) {
    await sleep(SHORT_TERM_WAIT_MS);
  }
  if (mine !== latestSearch) {
    return null;
  }
  const calls = await startGroups();
  const answers = await Promise.all(calls.map((call) => call("search", mine, term, searchSettings)));
  if (answers.some((answer) => answer === null)) {
    return null;
  }
  const results = [];
  answers.forEach(({ ids, scores }, group) => {
    const call = calls[group];
    ids.forEach((id, index) => {
      results.push({ id, score: scores[index], words: [], data: () => call("data", mine, index) });
    });
  });
  return {
    results: results.sort((a, b) => b.score - a.score),
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
  await everyGroup("preload", term, searchSettings);
}

export async function filters() {
  return addCounts(await everyGroup("filters"));
}

export async function mergeIndex() {
  throw new Error("this engine searches the tracker's own index parts; it merges no other index");
}

export async function destroy() {
  if (groups) {
    for (const call of await groups) {
      call.worker.terminate();
    }
    groups = null;
  }
}
