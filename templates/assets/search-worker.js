// One group of the study index's parts, searched on this worker's own thread
// (search/engine/pagefind.js starts one per core and says why).
//
// Pagefind's module, imported into a worker, runs its engine on the thread it is in. The page
// gets compact answers — each result's id and score, the counts and filters — not Pagefind's
// result objects: those carry every matching word's position, and a broad query has thousands
// of them. The full results of the latest searches stay here, to answer `data` for the few
// results the page shows.
//
// Each part also indexes a page of every word of the library (tracker/publish/search.py says
// why); those pages are found by the made-up word they carry and left out of every answer.
//
// Calls are taken one at a time, in the order they came: a search overlapping the filters()
// call Pagefind's UI makes on start gave wrong filter counts (seen in the browser tests). A
// search that a newer one overtook before its turn is not run and answers null. Only `data`
// calls, which read a search already answered, are answered at once.

const KEPT_SEARCHES = 4;
const WORDS_MARKER = "mipextrackerwordsofeverypart";
// Each part's pack of the files Pagefind fetches before any query (tracker/publish/search_pack.py
// says why and how it is laid out); they are answered from it, by path.
const START_PACK = "start.pack";
const packed = new Map();
const network = self.fetch.bind(self);
self.fetch = (resource, ...rest) => {
  const path = new URL(resource instanceof Request ? resource.url : resource, self.location.href).pathname;
  const bytes = packed.get(path);
  return bytes ? Promise.resolve(new Response(bytes)) : network(resource, ...rest);
};

// A part without a pack (built before them), or with one that cannot be read, has its files
// fetched one by one, as Pagefind does.
async function unpack(folder) {
  try {
    const response = await network(`${folder}${START_PACK}`);
    if (!response.ok) {
      return;
    }
    const pack = await response.arrayBuffer();
    const size = new DataView(pack).getUint32(0);
    const { files } = JSON.parse(new TextDecoder().decode(new Uint8Array(pack, 4, size)));
    const unpacked = [];
    let offset = 4 + size;
    for (const [name, length] of files) {
      unpacked.push([new URL(name, new URL(folder, self.location.href)).pathname, new Uint8Array(pack, offset, length)]);
      offset += length;
    }
    if (offset === pack.byteLength) {
      unpacked.forEach(([path, bytes]) => packed.set(path, bytes));
    }
  } catch {
    // unreadable: fetched one by one
  }
}

let engine = null;
let basePath = null;
let partCount = 0;
let wordsPages = new Set();
let newestSearch = 0;
const kept = new Map();
let turn = Promise.resolve();

const methods = {
  async start(folders, settings, wordsPageIds) {
    partCount = folders.length;
    const [module] = await Promise.all([import(`${folders[0]}pagefind.js`), ...folders.map(unpack)]);
    engine = module;
    // The folder as a path: in a worker, Pagefind takes its module's whole URL, and its
    // results' links would carry the host.
    basePath = folders[0];
    await engine.options({ ...settings, basePath });
    // All at once: one after another, each part's entry and metadata were fetched in turn.
    // (Pagefind adds each part to its list before its first wait, so the order holds.)
    await Promise.all(folders.slice(1).map((folder) => engine.mergeIndex(folder, settings)));
    // The build names the words pages' ids; without them, they are searched for. Quoted: an
    // exact search, which never matches a shorter word instead (an index without words pages
    // would otherwise give the pages of "mipex" here).
    wordsPages = Array.isArray(wordsPageIds)
      ? new Set(wordsPageIds)
      : new Set((await engine.search(`"${WORDS_MARKER}"`)).results.map((result) => result.id));
    return true;
  },
  // The page's settings may come after the start (the search page starts the engine before
  // Pagefind's UI sends them); the index's folder stays the part's, whatever they say.
  options: (settings) => engine.options({ ...settings, basePath }),
  preload: (term, settings) => engine.preload(term, settings),
  filters: () => engine.filters(),
  async search(number, term, settings) {
    if (number < newestSearch) {
      return null;
    }
    const answer = await engine.search(term, settings);
    const results = answer.results.filter((result) => !wordsPages.has(result.id));
    keep(number, results);
    return {
      ids: results.map((result) => result.id),
      scores: Float64Array.from(results, (result) => result.score),
      // Each part's words page holds every word a study has, so it matches whenever anything
      // does. (The pages are alike, so they share one id: count the parts, not the ids.)
      unfilteredResultCount: Math.max(0, answer.unfilteredResultCount - partCount),
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

async function answer(id, method, args) {
  try {
    const result = await methods[method](...args);
    self.postMessage({ id, result }, result?.scores ? [result.scores.buffer] : []);
  } catch (error) {
    self.postMessage({ id, error: String(error?.message ?? error) });
  }
}

self.addEventListener("message", ({ data: { id, method, args } }) => {
  if (method === "search") {
    newestSearch = Math.max(newestSearch, args[0]);
  }
  // A result's data only reads a finished search, and each fetches its own fragment: taken in
  // turn, the five results Pagefind's UI shows first were fetched one after another.
  if (method === "data") {
    answer(id, method, args);
  } else {
    turn = turn.then(() => answer(id, method, args));
  }
});
