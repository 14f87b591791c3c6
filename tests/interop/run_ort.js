#!/usr/bin/env node
// Run a Ranker Studio .onnx model in ONNX Runtime (onnxruntime-node, CPU) and compare its
// outputs with LibTorch's, recorded in probe.json.
//
// Usage: node tests/interop/run_ort.js NAME.onnx probe.json [--tolerance 1e-5]
//
// probe.json: {"input_a": [[F floats], ...], "input_b": [[...], ...],
//              "score_a": [...], "score_b": [...], "score_diff": [...]}
// (raw feature rows; the model standardises them itself.)
//
// The probe rows are run twice: as one batch, and one row at a time (batch 1), which proves the
// batch dimension is really dynamic. Every output of both runs must be within the tolerance.
//
// onnxruntime-node is resolved from tests/interop/node/node_modules (installer/install-ort.sh).
// Exit status: 0 pass; 1 numbers or shapes differ; 2 bad arguments or files, or ORT failed;
// 77 onnxruntime-node is not installed (a ctest SKIP_RETURN_CODE). Failures print one "FAIL:" line.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const INPUTS = ['input_a', 'input_b'];
const OUTPUTS = ['score_diff', 'score_a', 'score_b'];
const DEFAULT_TOLERANCE = 1e-5;
const EXIT_MISMATCH = 1;
const EXIT_ERROR = 2;
const EXIT_NOT_INSTALLED = 77;

class CheckFailed extends Error {
  constructor(reason, status = EXIT_ERROR) {
    super(reason);
    this.status = status;
  }
}

function loadOrt() {
  // Resolve as if required from tests/interop/node/, whatever the working directory is.
  const requireFromNode = createRequire(path.join(__dirname, 'node', 'package.json'));
  try {
    return requireFromNode('onnxruntime-node');
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND' && /onnxruntime-node/.test(error.message)) {
      throw new CheckFailed(
        `onnxruntime-node is not installed in ${path.join(__dirname, 'node', 'node_modules')}; ` +
          'run installer/install-ort.sh',
        EXIT_NOT_INSTALLED);
    }
    throw new CheckFailed(`cannot load onnxruntime-node: ${oneLine(error)}`);
  }
}

function oneLine(error) {
  return String(error && error.message ? error.message : error).replace(/\s+/g, ' ').trim();
}

function parseArgs(argv) {
  const positional = [];
  let tolerance = DEFAULT_TOLERANCE;
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--tolerance') {
      tolerance = Number(argv[++i]);
      if (!(tolerance >= 0)) throw new CheckFailed('--tolerance needs a non-negative number');
    } else if (argv[i] === '-h' || argv[i] === '--help') {
      throw new CheckFailed('usage: node run_ort.js NAME.onnx probe.json [--tolerance 1e-5]');
    } else {
      positional.push(argv[i]);
    }
  }
  if (positional.length !== 2) {
    throw new CheckFailed('usage: node run_ort.js NAME.onnx probe.json [--tolerance 1e-5]');
  }
  return { model: positional[0], probe: positional[1], tolerance };
}

function isNumber(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

function readProbe(file) {
  let probe;
  try {
    probe = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CheckFailed(`cannot read probe ${file}: ${oneLine(error)}`);
  }
  if (probe === null || typeof probe !== 'object' || Array.isArray(probe)) {
    throw new CheckFailed('probe is not a JSON object');
  }
  for (const key of [...INPUTS, ...OUTPUTS]) {
    if (!Array.isArray(probe[key])) throw new CheckFailed(`probe lacks the array ${key}`);
  }
  const rows = probe.input_a.length;
  if (rows === 0) throw new CheckFailed('probe input_a has no rows');
  const features = Array.isArray(probe.input_a[0]) ? probe.input_a[0].length : 0;
  if (features === 0) throw new CheckFailed('probe input_a[0] is not a non-empty row');
  for (const key of INPUTS) {
    const value = probe[key];
    if (value.length !== rows) {
      throw new CheckFailed(`probe ${key} has ${value.length} rows, input_a has ${rows}`);
    }
    value.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== features || !row.every(isNumber)) {
        throw new CheckFailed(`probe ${key}[${i}] is not a row of ${features} finite numbers`);
      }
    });
  }
  for (const key of OUTPUTS) {
    const value = probe[key];
    if (value.length !== rows || !value.every(isNumber)) {
      throw new CheckFailed(`probe ${key} is not a list of ${rows} finite numbers`);
    }
  }
  return { probe, rows, features };
}

function feeds(ort, probe, first, count, features) {
  const result = {};
  for (const key of INPUTS) {
    const data = new Float32Array(count * features);
    for (let r = 0; r < count; ++r) data.set(probe[key][first + r], r * features);
    result[key] = new ort.Tensor('float32', data, [count, features]);
  }
  return result;
}

// Runs rows [first, first + count) and folds |ORT - probe| into worst[name].
async function runAndCompare(ort, session, probe, first, count, features, worst, label) {
  let outputs;
  try {
    outputs = await session.run(feeds(ort, probe, first, count, features));
  } catch (error) {
    throw new CheckFailed(`ORT run (${label}) failed: ${oneLine(error)}`);
  }
  for (const name of OUTPUTS) {
    const tensor = outputs[name];
    if (!tensor) throw new CheckFailed(`ORT run (${label}) returned no ${name}`);
    if (tensor.type !== 'float32') {
      throw new CheckFailed(`${name} is ${tensor.type}, expected float32`, EXIT_MISMATCH);
    }
    if (tensor.dims.length !== 1 || tensor.dims[0] !== count) {
      throw new CheckFailed(
        `${name} (${label}) has dims [${tensor.dims}], expected [${count}]`, EXIT_MISMATCH);
    }
    for (let r = 0; r < count; ++r) {
      let diff = Math.abs(tensor.data[r] - probe[name][first + r]);
      if (Number.isNaN(diff)) diff = Infinity;
      worst[name] = Math.max(worst[name], diff);
    }
  }
}

function fmt(x) {
  return x === 0 ? '0' : x.toExponential(2);
}

function describe(worst) {
  return OUTPUTS.map((name) => `${name}=${fmt(worst[name])}`).join(' ');
}

async function main(argv) {
  const args = parseArgs(argv);
  const { probe, rows, features } = readProbe(args.probe);
  const ort = loadOrt();
  if (!fs.existsSync(args.model)) throw new CheckFailed(`no such model file ${args.model}`);

  let session;
  try {
    session = await ort.InferenceSession.create(args.model, { executionProviders: ['cpu'] });
  } catch (error) {
    throw new CheckFailed(`ORT cannot load ${args.model}: ${oneLine(error)}`);
  }
  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(session.inputNames, INPUTS)) {
    throw new CheckFailed(
      `model inputs are [${session.inputNames}], expected [${INPUTS}]`, EXIT_MISMATCH);
  }
  if (!same(session.outputNames, OUTPUTS)) {
    throw new CheckFailed(
      `model outputs are [${session.outputNames}], expected [${OUTPUTS}]`, EXIT_MISMATCH);
  }
  const version = ort.env && ort.env.versions ? ort.env.versions.node : 'unknown';
  console.log(`onnxruntime-node ${version}: ${args.model}, ${rows} probe pairs, F=${features}`);

  const zero = () => Object.fromEntries(OUTPUTS.map((name) => [name, 0]));
  const batched = zero();
  await runAndCompare(ort, session, probe, 0, rows, features, batched, `batch of ${rows}`);
  const single = zero();
  for (let r = 0; r < rows; ++r) {
    await runAndCompare(ort, session, probe, r, 1, features, single, `row ${r}`);
  }
  await session.release();

  console.log(`max abs diff, one batch of ${rows}: ${describe(batched)}`);
  console.log(`max abs diff, ${rows} batches of 1: ${describe(single)}`);
  const worst = Math.max(...OUTPUTS.map((n) => Math.max(batched[n], single[n])));
  if (!(worst <= args.tolerance)) {
    throw new CheckFailed(
      `ONNX Runtime differs from the probe by ${fmt(worst)} > ${fmt(args.tolerance)}`,
      EXIT_MISMATCH);
  }
  console.log(`PASS: ONNX Runtime matches the probe (max abs diff ${fmt(worst)}, ` +
              `tolerance ${fmt(args.tolerance)})`);
  return 0;
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (error) => {
    if (error instanceof CheckFailed) {
      console.error(`FAIL: ${error.message}`);
      process.exitCode = error.status;
    } else {
      console.error(`FAIL: ${oneLine(error)}`);
      process.exitCode = EXIT_ERROR;
    }
  });
