#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 60)
# from the checked-in seed corpus. Exit status non-zero when a target crashes; the crashing input
# is left in $FUZZ_DIR/artifacts for turning into a regression test.
#
#   bash tests/fuzz/run_fuzz.sh [SECONDS]
set -euo pipefail
seconds=${1:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${FUZZ_BUILD_DIR:-$here/../../build-fuzz}
work=${FUZZ_DIR:-$build/work}

command -v clang++ >/dev/null || { echo "run_fuzz.sh: clang++ is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
CXX=clang++ cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "${JOBS:-2}"

status=0
for target in fuzz_dataset_line fuzz_dataset_file fuzz_metadata fuzz_checkpoint; do
  corpus_name=${target#fuzz_}
  corpus="$work/corpus/$corpus_name"
  mkdir -p "$corpus" "$work/artifacts"
  cp -n "$here/corpus/$corpus_name/"* "$corpus/" 2>/dev/null || true
  echo "== $target: ${seconds}s"
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$build/$target" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$work/artifacts/$target-" -print_final_stats=1 2>"$work/$target.log"; then
    status=1
    echo "$target FAILED; see $work/$target.log and $work/artifacts/" >&2
    tail -40 "$work/$target.log" >&2
  fi
  grep -E "stat::number_of_executed_units|cov:" "$work/$target.log" | tail -2 || true
done
exit $status
