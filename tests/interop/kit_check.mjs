// The deployment kit's checks, the same in Node (kit_node.mjs) and in Chromium (kit_web.mjs):
// the generated NAME.ranker.mjs must build exactly LibTorch's raw feature rows from the items,
// and the ONNX Runtime it is given must then reproduce LibTorch's scores.
//
// checkKit({ ort, kit, model, modelBytes, items, expected, tolerance }) resolves to a summary
// of what it measured, or rejects with the first check that failed. `expected` is what
// tst_interop writes: { ids: [...], features: [[F numbers], ...], scores: [...] } for `items`
// in order; `model` is a path or URL, `modelBytes` (optional) the same model as bytes.

export class KitCheckFailed extends Error {
  constructor(reason) {
    super(reason);
    this.name = 'KitCheckFailed';
  }
}

function fail(reason) {
  throw new KitCheckFailed(reason);
}

function expectThrows(what, run, errorType) {
  try {
    run();
  } catch (error) {
    if (errorType && !(error instanceof errorType)) {
      fail(`${what} threw ${error && error.name}, expected ${errorType.name}: ${error && error.message}`);
    }
    return String(error && error.message);
  }
  return fail(`${what} did not throw`);
}

export async function checkKit({ ort, kit, model, modelBytes, items, expected, tolerance = 1e-5 }) {
  const n = items.length;
  const F = kit.recipe.input_dim;
  if (n < 4) fail(`only ${n} items to check`);
  if (expected.ids.length !== n || expected.features.length !== n || expected.scores.length !== n) {
    fail(`expected.json describes ${expected.ids.length} items, the items file has ${n}`);
  }
  items.forEach((item, i) => {
    if (String(item.id) !== String(expected.ids[i])) fail(`item ${i} is ${item.id}, expected.json has ${expected.ids[i]}`);
  });

  // 1. Features: bit for bit LibTorch's (C++ rawFeatureMatrix) rows, one at a time and as a matrix.
  let featureMismatches = 0;
  let firstMismatch = '';
  const matrix = kit.featureMatrix(items);
  if (!(matrix instanceof Float32Array) || matrix.length !== n * F) fail(`featureMatrix gave ${matrix.length} values, expected ${n * F}`);
  items.forEach((item, i) => {
    const row = kit.featuresOf(item);
    if (!(row instanceof Float32Array) || row.length !== F) fail(`featuresOf(${item.id}) is not a Float32Array of ${F}`);
    for (let c = 0; c < F; ++c) {
      const want = Math.fround(expected.features[i][c]);
      if (!Object.is(row[c], want) || !Object.is(matrix[i * F + c], want)) {
        if (featureMismatches++ === 0) firstMismatch = `item ${item.id} column ${c}: ${row[c]} (matrix ${matrix[i * F + c]}), LibTorch's row has ${want}`;
      }
    }
  });
  if (featureMismatches > 0) fail(`${featureMismatches} feature values differ from training's; first: ${firstMismatch}`);

  // 2. What training refused, the kit refuses; an embedding_id is resolved only when asked to.
  const withEmbedding = items.find((item) => Array.isArray(item.embedding) && item.embedding.length > 0);
  if (!withEmbedding) fail('no item with an embedding to check against');
  const dim = kit.recipe.embedding_dim;
  expectThrows('an embedding of the wrong length', () => kit.featuresOf({ id: 'x', embedding: new Array(dim + 1).fill(0) }), RangeError);
  expectThrows('an embedding value that is a string', () => kit.featuresOf({ id: 'x', embedding: withEmbedding.embedding.map(String) }), TypeError);
  expectThrows('an embedding_id without an embedding', () => kit.featuresOf({ id: 'x', embedding_id: 'e-1' }));
  if (kit.recipe.metric_names.length > 0) {
    const name = kit.recipe.metric_names[0];
    expectThrows('a metric that is a string', () => kit.featuresOf({ id: 'x', metrics: { [name]: '5' } }), TypeError);
    expectThrows('a metric that is null', () => kit.featuresOf({ id: 'x', metrics: { [name]: null } }), TypeError);
  }
  const resolved = kit.featuresOf({ id: withEmbedding.id, embedding_id: 'e-1', metrics: withEmbedding.metrics },
    { resolveEmbedding: (id) => (id === 'e-1' ? withEmbedding.embedding : undefined) });
  const direct = kit.featuresOf(withEmbedding);
  if (!resolved.every((v, c) => Object.is(v, direct[c]))) fail('resolveEmbedding did not give the same row as the embedding itself');

  // 3. Scores through the runtime: score, rank and compare.
  const ranker = await kit.createRanker(ort, model);
  const scores = await ranker.score(items);
  if (!(scores instanceof Float32Array) || scores.length !== n) fail(`score() gave ${scores && scores.length} values for ${n} items`);
  let maxScoreDiff = 0;
  scores.forEach((s, i) => {
    const diff = Math.abs(s - expected.scores[i]);
    maxScoreDiff = Math.max(maxScoreDiff, Number.isNaN(diff) ? Infinity : diff);
  });
  const ranked = await ranker.rank(items);
  if (ranked.length !== n) fail(`rank() gave ${ranked.length} entries for ${n} items`);
  const seen = new Set();
  ranked.forEach((entry, position) => {
    if (entry.rank !== position + 1) fail(`rank() entry ${position} has rank ${entry.rank}`);
    const index = items.indexOf(entry.item);
    if (index < 0 || seen.has(index)) fail(`rank() entry ${position} is not one of the items, once`);
    seen.add(index);
    if (position > 0) {
      const before = items.indexOf(ranked[position - 1].item);
      if (expected.scores[before] < expected.scores[index] - 2 * tolerance) {
        fail(`rank() puts ${items[before].id} (LibTorch ${expected.scores[before]}) before ${entry.item.id} (${expected.scores[index]})`);
      }
    }
  });
  let maxCompareDiff = 0;
  for (const [i, j] of [[0, 1], [1, 0], [0, n - 1], [n - 2, 3]]) {
    const diff = await ranker.compare(items[i], items[j]);
    if (typeof diff !== 'number') fail(`compare() gave ${typeof diff}, not a number`);
    maxCompareDiff = Math.max(maxCompareDiff, Math.abs(diff - (expected.scores[i] - expected.scores[j])));
  }
  if ((await ranker.score([])).length !== 0) fail('score([]) is not empty');
  await ranker.release();

  // 4. The model given as bytes works the same.
  let maxBytesDiff = null;
  if (modelBytes) {
    const fromBytes = await kit.createRanker(ort, modelBytes);
    const again = await fromBytes.score(items);
    maxBytesDiff = Math.max(...Array.from(again, (s, i) => Math.abs(s - scores[i])));
    await fromBytes.release();
  }

  const worst = Math.max(maxScoreDiff, maxCompareDiff, maxBytesDiff === null ? 0 : maxBytesDiff);
  if (!(worst <= tolerance)) {
    fail(`scores differ from LibTorch's by up to ${worst.toExponential(2)} (score ${maxScoreDiff.toExponential(2)}, ` +
         `compare ${maxCompareDiff.toExponential(2)}) > ${tolerance}`);
  }
  return { items: n, features: F, featureMismatches, maxScoreDiff, maxCompareDiff, maxBytesDiff };
}

/** Parses a JSONL text of items (blank lines skipped). */
export function parseItems(text) {
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

export function describeSummary(s) {
  const e = (x) => (x === null ? '-' : x === 0 ? '0' : x.toExponential(2));
  return `${s.items} items, F=${s.features}: features identical to training's (${s.items * s.features} values); ` +
    `max abs diff vs LibTorch: score ${e(s.maxScoreDiff)}, compare ${e(s.maxCompareDiff)}, model from bytes ${e(s.maxBytesDiff)}`;
}
