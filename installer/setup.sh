#!/usr/bin/env bash
# Ranker Studio set-up on Debian 12: installs what is missing, builds, then opens the studio on
# the bundled sample dataset (`studio`) or runs the whole test suite (`test`).
#
#   bash installer/setup.sh studio     # as root on a fresh Debian 12
#   bash installer/setup.sh test
#   bash installer/setup.sh sanitize   # the whole suite in an AddressSanitizer + UBSan build (build-asan/)
#   bash installer/setup.sh package    # cpack -G DEB, unpacked with dpkg -x, the installed CLI run end to end
#
# Environment: BUILD_DIR (default build), JOBS (default 2), RANKER_SKIP_APT=1 to skip apt.
set -euo pipefail

mode=${1:-studio}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-$here/build}
jobs=${JOBS:-2}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

case "$mode" in
  studio|test|build|deps|sanitize|package) ;;
  *) die "unknown mode '$mode' (use studio, test, sanitize, package, build or deps)" ;;
esac

# Debian packages the build, the tests and the studio need.
packages=(
  build-essential cmake ninja-build
  libtorch-dev python3-torch
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev
  nlohmann-json3-dev libonnx-dev libprotobuf-dev protobuf-compiler python3-onnx
  libcli11-dev libsimdjson-dev libssl-dev
  libopenblas0-openmp libblas-dev
  xvfb xauth
  chromium python3-opencv python3-sklearn
  strace    # tst_hostile_inputs: SIGKILL injected at every rename and write of a run's files
  clang-format  # installer/check_format.sh (CI): every C++ file laid out as .clang-format says
)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}): run as root, or install them first"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "all Debian packages present"
  fi
  # LibTorch links libblas.so.3 by soname: make it OpenBLAS's OpenMP build, never the 3-8x slower
  # reference BLAS. The OpenMP build shares LibTorch's thread pool, so --threads is the one knob
  # (the pthread build adds its own threads on top). bench/blas_threads.md has the measurements.
  if [ "$(id -u)" -eq 0 ]; then
    local dir=/usr/lib/x86_64-linux-gnu/openblas-openmp
    update-alternatives --set libblas.so.3-x86_64-linux-gnu "$dir/libblas.so.3" >/dev/null
    update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$dir/liblapack.so.3" >/dev/null
    update-alternatives --set libopenblas.so.0-x86_64-linux-gnu "$dir/libopenblas.so.0" >/dev/null 2>&1 || true
  fi
  log "BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"
  # The interop tests' JavaScript packages from npm: ONNX Runtime for Node and for the web (run in
  # Debian's chromium, above, through puppeteer-core) and TypeScript.
  bash "$here/installer/install-ort.sh"
}

build() {
  log "configuring in $build_dir"
  local generator=()
  command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
  cmake -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  log "building with $jobs jobs"
  cmake --build "$build_dir" -j "$jobs"
}

[ "${RANKER_SKIP_APT:-0}" = 1 ] || install_packages
[ "$mode" = deps ] && exit 0
if [ "$mode" = sanitize ]; then
  build_dir=${BUILD_DIR:-$here/build-asan}
  flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  # No benchmarks (ctest never runs them); every suite's timeout tripled: the instrumented build
  # runs the suite 2-3x slower than the normal one.
  build -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1 $flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
    -DRANKER_BUILD_BENCH=OFF -DRANKER_TEST_TIMEOUT_FACTOR=3
else
  build
fi
case "$mode" in
  build) ;;
  sanitize)
    log "running the test suite under AddressSanitizer + UndefinedBehaviorSanitizer"
    # The options reach every process a suite starts: our instrumented ranker-train and ranker-rank
    # (checked too), and python3 and node, which are not instrumented and ignore them. Qt and
    # LibTorch have no frame pointers, so leak stacks stop at their first frame: for the whole
    # stack, rerun the one suite with ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 (far slower).
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      LSAN_OPTIONS="suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0" \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir "$build_dir" --output-on-failure -j 1
    ;;
  package)
    BUILD_DIR="$build_dir" bash "$here/installer/package_test.sh"
    ;;
  test)
    log "running the test suite"
    ctest --test-dir "$build_dir" --output-on-failure -j 1
    ;;
  studio)
    sample="$here/resources/sample/sample_pairs.jsonl"
    studio="$build_dir/app/ranker-studio"
    if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
      log "opening Ranker Studio on $sample"
      exec "$studio" "$sample"
    fi
    shots="$build_dir/screenshots"
    log "no display here: running Ranker Studio under Xvfb on the sample (a short training run); screenshots of each place go to $shots"
    xvfb-run -a -s "-screen 0 1400x900x24" "$build_dir/app/ranker-screenshots" "$shots" "$sample"
    ls "$shots"
    ;;
esac
