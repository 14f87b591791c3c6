#!/usr/bin/env bash
# Builds the Debian package from BUILD_DIR (default build), unpacks it into a scratch root with
# dpkg -x, and runs the installed ranker-train and ranker-rank on the installed sample dataset.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$here/build}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/ranker-studio_*.deb | head -n 1)
echo "package: $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb" Package Version Depends
dpkg -x "$deb" "$scratch/root"
root="$scratch/root/usr"
for file in bin/ranker-train bin/ranker-rank share/ranker-studio/sample/sample_pairs.jsonl; do
  [ -e "$root/$file" ] || { echo "package_test: $file is missing from the package" >&2; exit 1; }
done
if [ -e "$build/app/ranker-studio" ]; then
  for file in bin/ranker-studio share/applications/ranker-studio.desktop \
              share/icons/hicolor/48x48/apps/ranker-studio.png share/icons/hicolor/256x256/apps/ranker-studio.png; do
    [ -e "$root/$file" ] || { echo "package_test: $file is missing from the package" >&2; exit 1; }
  done
fi
"$root/bin/ranker-train" --version
"$root/bin/ranker-train" --input "$root/share/ranker-studio/sample/sample_pairs.jsonl" --output "$scratch/run" \
  --embedding-dim 32 --epochs 5 --quiet
for file in pairwise_ranker.pth pairwise_ranker.onnx pairwise_ranker_metadata.json; do
  [ -s "$scratch/run/$file" ] || { echo "package_test: the installed ranker-train did not write $file" >&2; exit 1; }
done
"$root/bin/ranker-rank" --model "$scratch/run" --input "$root/share/ranker-studio/sample/sample_pairs.jsonl" --top 3
echo "package_test: the installed ranker-train and ranker-rank work"
