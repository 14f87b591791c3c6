#!/usr/bin/env bash
# Builds the engine, the command-line tools and the engine's test suites against the LibTorch in
# PREFIX (through CMAKE_PREFIX_PATH, as a user building against a CUDA LibTorch does), then checks
# that what runs is that LibTorch: --version, a short training run's metadata, and the suites.
#
#   bash installer/check_libtorch.sh /opt/libtorch        # e.g. the official cxx11-ABI archive, CUDA or not
#   bash installer/check_libtorch.sh --relocated-debian   # Debian's LibTorch copied into another prefix first
#
# Environment: BUILD_DIR (default build-libtorch), JOBS (default 2).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$here/build-libtorch}
jobs=${JOBS:-2}
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'check_libtorch: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: check_libtorch.sh PREFIX | --relocated-debian"
if [ "$1" = --relocated-debian ]; then
  # Debian's LibTorch, copied with its CMake files into a prefix of its own: the build must take it
  # from CMAKE_PREFIX_PATH, and the programs must run on the copy, not on /usr/lib.
  prefix=${RELOCATED_PREFIX:-/tmp/ranker-libtorch-relocated}
  multiarch=lib/x86_64-linux-gnu
  log "copying Debian's LibTorch into $prefix"
  rm -rf "$prefix"
  mkdir -p "$prefix/include" "$prefix/$multiarch/cmake"
  cp -a /usr/include/torch /usr/include/ATen /usr/include/c10 /usr/include/caffe2 "$prefix/include/"
  cp -a /usr/lib/x86_64-linux-gnu/cmake/Torch /usr/lib/x86_64-linux-gnu/cmake/Caffe2 "$prefix/$multiarch/cmake/"
  cp -a /usr/lib/x86_64-linux-gnu/libc10.so* /usr/lib/x86_64-linux-gnu/libtorch.so* \
        /usr/lib/x86_64-linux-gnu/libtorch_cpu.so* /usr/lib/x86_64-linux-gnu/libtorch_global_deps.so* "$prefix/$multiarch/"
else
  prefix=$(cd "$1" && pwd) || die "$1: no such folder"
fi
config=$(find "$prefix" -name TorchConfig.cmake -print -quit)
[ -n "$config" ] || die "$prefix holds no TorchConfig.cmake: is it a LibTorch?"
log "LibTorch: $config"

log "configuring $build against $prefix"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$prefix" \
  -DRANKER_BUILD_GUI=OFF -DRANKER_BUILD_BENCH=OFF >/dev/null
grep -q "^Torch_DIR:PATH=$prefix" "$build/CMakeCache.txt" || die "CMake took another LibTorch: $(grep '^Torch_DIR' "$build/CMakeCache.txt")"
log "building with $jobs jobs"
cmake --build "$build" -j "$jobs" --target ranker-train ranker-rank tst_training tst_export tst_cli tst_faults

# The programs run on that LibTorch: --version names the library it was loaded from.
version=$("$build/app/ranker-train" --version)
echo "$version"
library=$(printf '%s\n' "$version" | sed -n 's/^LibTorch [^ ]* (\(.*\))$/\1/p')
case "$(readlink -f "$library")" in
  "$(readlink -f "$prefix")"/*) ;;
  *) die "ranker-train runs on $library, not on the LibTorch in $prefix" ;;
esac

# A short run with --device auto: the metadata records the device and the library.
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT
OMP_NUM_THREADS=1 "$build/app/ranker-train" --input "$here/resources/sample/sample_pairs.jsonl" --output "$run" \
  --embedding-dim 32 --epochs 3 --device auto --quiet
/usr/bin/python3 - "$run/pairwise_ranker_metadata.json" "$prefix" <<'PY'
import json, os, sys
m = json.load(open(sys.argv[1]))
prefix = os.path.realpath(sys.argv[2])
print(f"metadata: device {m['device']}, cuda_available {m['cuda_available']}, LibTorch {m['libtorch_version']} "
      f"at {m['libtorch_path']}")
assert os.path.realpath(m["libtorch_path"]).startswith(prefix + os.sep), "metadata names another LibTorch"
assert m["device"] == ("cuda" if m["cuda_available"] else "cpu"), "--device auto did not take what is there"
PY

log "running the engine's suites on it"
ctest --test-dir "$build" --output-on-failure -R '^(tst_training|tst_export|tst_cli|tst_faults)$'
log "the build runs on the LibTorch in $prefix"
