#!/usr/bin/env bash
# Every C++ file the project tracks, as .clang-format lays it out: lists the files that drift and
# exits 1 (CI runs it first). Fix them with: clang-format -i FILE...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v clang-format >/dev/null || { echo "check_format: clang-format is not installed (installer/setup.sh deps installs it)" >&2; exit 1; }
drift=()
while IFS= read -r -d '' file; do
  clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || drift+=("$file")
done < <(git ls-files -z '*.cpp' '*.h' '*.inc' '*.h.in')
if [ ${#drift[@]} -gt 0 ]; then
  printf 'check_format: %d file(s) differ from .clang-format:\n' "${#drift[@]}" >&2
  printf '  %s\n' "${drift[@]}" >&2
  exit 1
fi
echo "check_format: $(git ls-files '*.cpp' '*.h' '*.inc' '*.h.in' | wc -l) files match .clang-format"
