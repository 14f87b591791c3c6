#!/usr/bin/env node
// The deployment kit in Node with onnxruntime-node: node kit_node.mjs RUN_DIR NAME items.jsonl expected.json
// Checks (kit_check.mjs) the generated RUN_DIR/NAME.ranker.mjs with the model given as a path and
// as bytes. Exit status: 0 pass; 1 a check failed; 2 bad arguments, or a runtime or file missing.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { checkKit, describeSummary, parseItems, KitCheckFailed } from './kit_check.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

async function main(argv) {
  if (argv.length !== 4) throw new Error('usage: node kit_node.mjs RUN_DIR NAME items.jsonl expected.json');
  const [runDir, name, itemsPath, expectedPath] = argv;
  const requireFromNode = createRequire(path.join(here, 'node', 'package.json'));
  const ort = requireFromNode('onnxruntime-node');
  const kit = await import(pathToFileURL(path.join(runDir, `${name}.ranker.mjs`)).href);
  const model = path.join(runDir, `${name}.onnx`);
  const summary = await checkKit({
    ort,
    kit,
    model,
    modelBytes: new Uint8Array(fs.readFileSync(model)),
    items: parseItems(fs.readFileSync(itemsPath, 'utf8')),
    expected: JSON.parse(fs.readFileSync(expectedPath, 'utf8')),
  });
  const version = requireFromNode('onnxruntime-node/package.json').version;
  console.log(`onnxruntime-node ${version} on node ${process.version}: ${describeSummary(summary)}`);
  console.log('PASS: the deployment kit gives LibTorch\'s features and scores in Node');
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`FAIL: ${error && error.message ? error.message : error}`);
  process.exitCode = error instanceof KitCheckFailed ? 1 : 2;
});
