// Serving the model from TypeScript: README's example (kit_types.mjs checks that README shows this
// file from its import on), type-checked against the generated .d.mts and onnxruntime-web's (and
// onnxruntime-node's) types, and run in Node, by kit_types.mjs.
import * as ort from 'onnxruntime-web'; // or 'onnxruntime-node'
import { createRanker, featuresOf, type Ranker, type RankerItem } from './pairwise_ranker.ranker.mjs';

// The run's files, copied where the app serves them: pairwise_ranker.onnx and the kit.
export async function openRanker(modelUrl = '/models/pairwise_ranker.onnx'): Promise<Ranker> {
  ort.env.wasm.wasmPaths = '/ort/'; // where the app serves onnxruntime-web's dist/*.wasm and *.mjs
  return createRanker(ort, modelUrl);
}

// Items as the dataset has them ({id, item_type, embedding, metrics, ...}), raw values: the
// module builds the model's input exactly as training did.
export async function rankItems(ranker: Ranker, items: RankerItem[]): Promise<RankerItem[]> {
  const ranked = await ranker.rank(items); // best first: [{ item, score, rank }]
  return ranked.map((entry) => entry.item);
}

// The guide's snippet, corrected: inputs are ort.Tensor objects with their shape (a bare
// Float32Array is refused), and an output's numbers are in its .data.
export async function scoreDiff(modelUrl: string, a: RankerItem, b: RankerItem): Promise<number> {
  const session = await ort.InferenceSession.create(modelUrl);
  const inputA = featuresOf(a);
  const inputB = featuresOf(b);
  const results = await session.run({
    input_a: new ort.Tensor('float32', inputA, [1, inputA.length]),
    input_b: new ort.Tensor('float32', inputB, [1, inputB.length]),
  });
  const scoreDiff = (results['score_diff'].data as Float32Array)[0];
  await session.release();
  return scoreDiff;
}
