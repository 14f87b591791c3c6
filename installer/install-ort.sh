#!/usr/bin/env bash
# Install the JavaScript packages of the interop tests (pinned in tests/interop/node/package.json
# and package-lock.json) into tests/interop/node/node_modules with `npm ci`: onnxruntime-node
# (run_ort.js, kit_node.mjs), onnxruntime-web and puppeteer-core (kit_web.mjs, which drives
# Debian's /usr/bin/chromium), and typescript (kit_types.mjs).
#
# Usage: installer/install-ort.sh [--force]
#
# Idempotent: does nothing when every pinned version is installed and onnxruntime-node runs a model.
# ONNXRUNTIME_NODE_INSTALL=skip keeps onnxruntime-node's postinstall from downloading the CUDA
# provider (the CPU runtime for linux x64 ships inside the npm package itself); puppeteer-core
# never downloads a browser (PUPPETEER_SKIP_DOWNLOAD=1 is set all the same).
# Needs node (>= 18) and npm, and access to the npm registry. Exits non-zero on any failure.
set -euo pipefail

force=0
case "${1:-}" in
  "") ;;
  --force) force=1 ;;
  -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "install-ort.sh: unknown argument '$1' (use --force or nothing)" >&2; exit 2 ;;
esac

die() { echo "install-ort.sh: ERROR: $*" >&2; exit 1; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/interop/node"
[[ -f "$dir/package.json" ]] || die "missing $dir/package.json"
command -v node >/dev/null 2>&1 || die "node not found (install Node.js 18 or later, e.g. apt-get install nodejs npm)"
command -v npm >/dev/null 2>&1 || die "npm not found (e.g. apt-get install npm)"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= 18 )) || die "node $(node --version) is too old; onnxruntime-node needs 18 or later"

wanted="$(node -p "require(process.argv[1]).dependencies['onnxruntime-node']" "$dir/package.json")"
# Every dependency pinned to one exact version (the lock file pins theirs).
node -e '
  const deps = require(process.argv[1]).dependencies;
  const loose = Object.entries(deps).filter(([, v]) => !/^[0-9]+\.[0-9]+\.[0-9]+$/.test(v));
  if (loose.length) { console.error(loose.map(([k, v]) => `${k}@${v}`).join(", ")); process.exit(1); }
' "$dir/package.json" || die "package.json must pin exact versions of its dependencies"

# Succeeds when every installed package is the pinned version and onnxruntime-node's native
# runtime runs a model: a 63-byte opset-13 graph y = Neg(x), x float32 [1].
verify() {
  (cd "$dir" && node - "$wanted" <<'EOF'
const fs = require('fs');
const wanted = process.argv[2];
for (const [name, pinned] of Object.entries(require('./package.json').dependencies)) {
  // Read package.json files directly: onnxruntime-web's "exports" do not list its own.
  let installed = 'nothing';
  try { installed = JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, 'utf8')).version; } catch (e) {}
  if (installed !== pinned) {
    console.error(`${name}: ${installed} is installed, ${pinned} is pinned`);
    process.exit(1);
  }
}
const ort = require('onnxruntime-node');
const installed = require('onnxruntime-node/package.json').version;
const model = Buffer.from(
  'CAcSAXg6MgoLCgF4EgF5IgNOZWcSAWdaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAN', 'base64');
(async () => {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([2.5]), [1]) });
  if (out.y.data[0] !== -2.5) throw new Error(`Neg(2.5) gave ${out.y.data[0]}`);
  console.log(`onnxruntime-node ${installed} runs on node ${process.version}; ` +
              Object.entries(require('./package.json').dependencies).map(([k, v]) => `${k} ${v}`).join(', '));
})().catch((error) => { console.error(String(error && error.message || error)); process.exit(1); });
EOF
  )
}

if (( ! force )) && [[ -d "$dir/node_modules/onnxruntime-node" ]] && verify 2>/dev/null; then
  echo "install-ort.sh: already installed, nothing to do ($dir/node_modules)"
  exit 0
fi

echo "install-ort.sh: installing the pinned packages into $dir/node_modules"
cd "$dir"
export ONNXRUNTIME_NODE_INSTALL=skip PUPPETEER_SKIP_DOWNLOAD=1
if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund || die "npm ci failed in $dir"
else
  npm install --no-audit --no-fund || die "npm install failed in $dir"
fi
verify || die "the packages were installed, but one is not the pinned version or onnxruntime-node does not run a model"
echo "install-ort.sh: done"
