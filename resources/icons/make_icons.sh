#!/usr/bin/env bash
# Renders ranker-studio.svg to the PNG sizes the package installs (needs ImageMagick with an SVG
# renderer: apt-get install imagemagick librsvg2-bin). The PNGs are committed; the build does
# not run this.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
for size in 16 24 32 48 64 128 256; do
  convert -background none -density 384 ranker-studio.svg -resize "${size}x${size}" "ranker-studio-${size}.png"
done
