#!/usr/bin/env node
// README's TypeScript (kit_example.ts, which README must show as it is) against a run's generated kit:
//
//   node kit_types.mjs RUN_DIR NAME items.jsonl expected.json
//
// In a scratch folder with the kit's NAME.ranker.mjs and NAME.ranker.d.mts, TypeScript
// (tests/interop/node/node_modules/typescript, strict) compiles the example twice, once
// importing onnxruntime-web and once onnxruntime-node: the .d.mts must fit both packages' real
// types. The Node build then runs: rankItems must order the items as LibTorch's scores do and
// scoreDiff (the guide's corrected snippet) must give LibTorch's score difference (≤ 1e-5).
// Exit status: 0 pass; 1 a check failed (a type error included); 2 bad arguments or a missing tool.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { parseItems } from './kit_check.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.join(here, 'node', 'node_modules');
const TOLERANCE = 1e-5;

class Failed extends Error {
  constructor(message, status = 1) {
    super(message);
    this.status = status;
  }
}

async function main(argv) {
  if (argv.length !== 4) throw new Failed('usage: node kit_types.mjs RUN_DIR NAME items.jsonl expected.json', 2);
  const [runDir, name, itemsPath, expectedPath] = argv;
  const tsc = path.join(nodeModules, 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) throw new Failed(`TypeScript is not installed in ${nodeModules}: run installer/install-ort.sh`, 2);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-types-'));
  try {
    for (const suffix of ['.ranker.mjs', '.ranker.d.mts']) {
      fs.copyFileSync(path.join(runDir, name + suffix), path.join(work, `pairwise_ranker${suffix}`));
    }
    const source = fs.readFileSync(path.join(here, 'kit_example.ts'), 'utf8');
    if (!source.includes("from 'onnxruntime-web'")) throw new Failed('kit_example.ts no longer imports onnxruntime-web', 2);
    // README's code is this file, from its first import on.
    const readme = fs.readFileSync(path.join(here, '..', '..', 'README.md'), 'utf8');
    const section = readme.indexOf('## Serving the model from TypeScript');
    const block = section < 0 ? null : /```typescript\n([\s\S]*?)```/.exec(readme.slice(section));
    const code = source.slice(source.search(/^import /m));
    if (!block || block[1] !== code) {
      throw new Failed("README's \"Serving the model from TypeScript\" code is not tests/interop/kit_example.ts (from its import on)");
    }
    fs.writeFileSync(path.join(work, 'example_web.ts'), source);
    fs.writeFileSync(path.join(work, 'example_node.ts'), source.replaceAll("'onnxruntime-web'", "'onnxruntime-node'"));
    fs.symlinkSync(nodeModules, path.join(work, 'node_modules'), 'dir');
    fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        module: 'es2022',
        moduleResolution: 'bundler',
        lib: ['es2022', 'dom'],
        strict: true,
        skipLibCheck: true,
        types: [],
      },
      files: ['example_web.ts', 'example_node.ts'],
    }));
    const compiled = spawnSync(process.execPath, [tsc, '-p', work], { encoding: 'utf8' });
    if (compiled.status !== 0) {
      throw new Failed(`tsc (strict) rejects README's TypeScript against the kit:\n${compiled.stdout}${compiled.stderr}`);
    }
    const version = JSON.parse(fs.readFileSync(path.join(nodeModules, 'typescript', 'package.json'), 'utf8')).version;
    console.log(`TypeScript ${version} (strict): README's example compiles against ${name}.ranker.d.mts with ` +
                'onnxruntime-web and onnxruntime-node');

    const items = parseItems(fs.readFileSync(itemsPath, 'utf8'));
    const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
    const example = await import(pathToFileURL(path.join(work, 'example_node.js')).href);
    const model = path.join(path.resolve(runDir), `${name}.onnx`);
    const ranker = await example.openRanker(model);
    const ranked = await example.rankItems(ranker, items);
    await ranker.release();
    const order = ranked.map((item) => items.indexOf(item));
    for (let k = 1; k < order.length; ++k) {
      if (expected.scores[order[k - 1]] < expected.scores[order[k]] - 2 * TOLERANCE) {
        throw new Failed(`rankItems puts ${items[order[k - 1]].id} before ${items[order[k]].id}; LibTorch scores them ` +
                         `${expected.scores[order[k - 1]]} and ${expected.scores[order[k]]}`);
      }
    }
    let worst = 0;
    for (const [i, j] of [[0, 1], [2, items.length - 1]]) {
      const diff = await example.scoreDiff(model, items[i], items[j]);
      worst = Math.max(worst, Math.abs(diff - (expected.scores[i] - expected.scores[j])));
    }
    if (!(worst <= TOLERANCE)) throw new Failed(`scoreDiff differs from LibTorch by ${worst} > ${TOLERANCE}`);
    console.log(`the compiled example ranks ${items.length} items in LibTorch's order; scoreDiff max abs diff ${worst.toExponential(2)}`);
    console.log('PASS: README\'s TypeScript type-checks and runs');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`FAIL: ${error && error.message ? error.message : error}`);
  process.exitCode = error instanceof Failed ? error.status : 2;
});
