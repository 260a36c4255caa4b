// One group of the study index's parts, searched on this worker's own thread
// (search/engine/pagefind.js starts one per core and says why).
//
// Pagefind's module, imported into a worker, runs its engine on the thread it is in. The page
// gets compact answers — each result's id and score, the counts and filters — not Pagefind's
// result objects: those carry every matching word's position, and a broad query has thousands
// of them. The full results of the latest searches stay here, to answer `data` for the few
// results the page shows.
//
// Calls are taken one at a time, in the order they came: a search overlapping the filters()
// call Pagefind's UI makes on start gave wrong filter counts (seen in the browser tests). A
// search that a newer one overtook before its turn is not run and answers null.

const KEPT_SEARCHES = 4;

let engine = null;
let newestSearch = 0;
const kept = new Map();
let turn = Promise.resolve();

const methods = {
  async start(folders, settings) {
    engine = await import(`${folders[0]}pagefind.js`);
    await engine.options(settings);
    for (const folder of folders.slice(1)) {
      await engine.mergeIndex(folder, settings);
    }
    return true;
  },
  options: (settings) => engine.options(settings),
  preload: (term, settings) => engine.preload(term, settings),
  filters: () => engine.filters(),
  async search(number, term, settings) {
    if (number < newestSearch) {
      return null;
    }
    const answer = await engine.search(term, settings);
    keep(number, answer.results);
    return {
      ids: answer.results.map((result) => result.id),
      scores: Float64Array.from(answer.results, (result) => result.score),
      unfilteredResultCount: answer.unfilteredResultCount,
      filters: answer.filters,
      totalFilters: answer.totalFilters,
      timings: answer.timings,
    };
  },
  // The page shows its newest search, which is the newest kept here; older ones are kept a
  // little longer for a page still asking for one it is about to replace.
  data: (number, index) => kept.get(number)?.[index]?.data() ?? null,
};

function keep(number, results) {
  kept.set(number, results);
  for (const old of kept.keys()) {
    if (kept.size <= KEPT_SEARCHES) {
      break;
    }
    kept.delete(old);
  }
}

self.addEventListener("message", ({ data: { id, method, args } }) => {
  if (method === "search") {
    newestSearch = Math.max(newestSearch, args[0]);
  }
  turn = turn.then(async () => {
    try {
      const result = await methods[method](...args);
      self.postMessage({ id, result }, result?.scores ? [result.scores.buffer] : []);
    } catch (error) {
      self.postMessage({ id, error: String(error?.message ?? error) });
    }
  });
});
