#!/usr/bin/env node
// The deployment kit in a real headless Chromium with onnxruntime-web (WebAssembly, CPU):
//
//   node kit_web.mjs RUN_DIR NAME items.jsonl expected.json [--chromium /usr/bin/chromium]
//
// Serves, from 127.0.0.1 only, a test page, onnxruntime-web's dist/ (the .mjs and .wasm files,
// from tests/interop/node/node_modules: nothing comes from the network), the run folder (model
// and kit) and the test data; drives Chromium with puppeteer-core (which never downloads a
// browser) through a pipe; the page runs kit_check.mjs, loading the model both by URL and as
// bytes, and hands back its summary.
// Exit status: 0 pass; 1 a check failed; 2 bad arguments, a missing file, or the browser failed.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { describeSummary } from './kit_check.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.join(here, 'node', 'node_modules');
const PAGE_TIMEOUT_MS = 60000;
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.jsonl': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

class Failed extends Error {
  constructor(message, status = 2) {
    super(message);
    this.status = status;
  }
}

function parseArgs(argv) {
  const positional = [];
  let chromium = process.env.CHROMIUM || '/usr/bin/chromium';
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--chromium') chromium = argv[++i];
    else positional.push(argv[i]);
  }
  if (positional.length !== 4) {
    throw new Failed('usage: node kit_web.mjs RUN_DIR NAME items.jsonl expected.json [--chromium PATH]');
  }
  const [runDir, name, items, expected] = positional;
  return { runDir, name, items, expected, chromium };
}

function page(name) {
  // ort.wasm.min.mjs: the WebAssembly (CPU) build; one thread, since the page is not
  // cross-origin isolated (no SharedArrayBuffer).
  return `<!doctype html>
<meta charset="utf-8">
<title>deployment kit check</title>
<script type="module">
import * as ort from '/ort/ort.wasm.min.mjs';
import * as kit from '/run/${encodeURIComponent(name)}.ranker.mjs';
import { checkKit } from '/test/kit_check.mjs';
ort.env.wasm.wasmPaths = '/ort/';
ort.env.wasm.numThreads = 1;
try {
  const [items, expected, bytes] = await Promise.all([
    fetch('/data/items.jsonl').then((r) => r.text()),
    fetch('/data/expected.json').then((r) => r.json()),
    fetch('/run/${encodeURIComponent(name)}.onnx').then((r) => r.arrayBuffer()),
  ]);
  const parsed = items.split('\\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
  const summary = await checkKit({ ort, kit, model: '/run/${encodeURIComponent(name)}.onnx',
                                   modelBytes: new Uint8Array(bytes), items: parsed, expected });
  window.kitResult = { ok: true, summary, userAgent: navigator.userAgent };
} catch (error) {
  window.kitResult = { ok: false, failed: Boolean(error && error.name === 'KitCheckFailed'),
                       error: String(error && error.stack || error) };
}
</script>`;
}

/** A static server for four roots, on 127.0.0.1 and a free port. */
function serve(args) {
  const roots = {
    '/ort/': path.join(nodeModules, 'onnxruntime-web', 'dist'),
    '/run/': path.resolve(args.runDir),
    '/test/': here,
  };
  const files = { '/data/items.jsonl': args.items, '/data/expected.json': args.expected };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const pathname = decodeURIComponent(url.pathname);
    let file = files[pathname];
    if (pathname === '/favicon.ico') {
      response.writeHead(204);
      response.end();
      return;
    }
    if (pathname === '/') {
      response.writeHead(200, { 'Content-Type': TYPES['.html'] });
      response.end(page(args.name));
      return;
    }
    for (const [prefix, root] of Object.entries(roots)) {
      if (!file && pathname.startsWith(prefix)) {
        const candidate = path.join(root, pathname.slice(prefix.length));
        if (candidate.startsWith(root + path.sep)) file = candidate;
      }
    }
    fs.readFile(file || '', (error, data) => {
      if (error) {
        response.writeHead(404, { 'Content-Type': 'text/plain' });
        response.end(`not found: ${pathname}`);
        return;
      }
      response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
      response.end(data);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function main(argv) {
  const args = parseArgs(argv);
  for (const file of [args.items, args.expected, path.join(args.runDir, `${args.name}.ranker.mjs`)]) {
    if (!fs.existsSync(file)) throw new Failed(`no such file ${file}`);
  }
  if (!fs.existsSync(args.chromium)) throw new Failed(`no browser at ${args.chromium} (apt-get install chromium)`);
  const requireFromNode = createRequire(path.join(here, 'node', 'package.json'));
  let puppeteer;
  try {
    puppeteer = requireFromNode('puppeteer-core');
  } catch (error) {
    throw new Failed(`puppeteer-core is not installed in ${nodeModules}: run installer/install-ort.sh`);
  }
  // onnxruntime-web's "exports" do not list its package.json.
  const webVersion = JSON.parse(fs.readFileSync(path.join(nodeModules, 'onnxruntime-web', 'package.json'), 'utf8')).version;

  const started = Date.now();
  const server = await serve(args);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-web-chromium-'));
  let browser;
  const log = [];
  try {
    // The closed network makes Chromium hang on look-ups unless everything that phones home is off.
    const flags = ['--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                   '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
                   '--no-default-browser-check', '--disable-dev-shm-usage', `--user-data-dir=${profile}`];
    if (typeof process.getuid === 'function' && process.getuid() === 0) flags.push('--no-sandbox');
    browser = await puppeteer.launch({
      executablePath: args.chromium,
      headless: true,
      pipe: true,
      args: flags,
      userDataDir: profile,
      timeout: PAGE_TIMEOUT_MS,
      protocolTimeout: PAGE_TIMEOUT_MS,
    });
    const tab = await browser.newPage();
    tab.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`));
    tab.on('pageerror', (error) => log.push(`page error: ${error.message}`));
    tab.on('requestfailed', (request) => log.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    await tab.goto(`${origin}/`, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
    await tab.waitForFunction(() => window.kitResult !== undefined, { timeout: PAGE_TIMEOUT_MS, polling: 100 });
    const result = await tab.evaluate(() => window.kitResult);
    const version = await browser.version();
    if (!result.ok) {
      throw new Failed(`in ${version}: ${result.error}\n${log.join('\n')}`, result.failed ? 1 : 2);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`onnxruntime-web ${webVersion} (wasm, 1 thread) in ${version}, served from ${origin}, ${seconds} s: ` +
                describeSummary(result.summary));
    console.log('PASS: the deployment kit gives LibTorch\'s features and scores in Chromium');
  } catch (error) {
    if (error instanceof Failed) throw error;
    throw new Failed(`${error && error.message ? error.message : error}\n${log.join('\n')}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((error) => {
  console.error(`FAIL: ${error && error.message ? error.message : error}`);
  process.exitCode = error instanceof Failed ? error.status : 2;
});
