#!/usr/bin/env bash
# Renders every page kind of a built site with headless Chromium, as PNG at
# 1280 px (and 390 px for the public site) and as PDF for a report.
# Usage: scripts/screenshots.sh [SITE_DIR] [OUT_DIR]
set -euo pipefail
site=$(realpath "${1:-site}")
out=$(realpath -m "${2:-/tmp/casebook-shots}")
mkdir -p "$out"
shot() { # url png width height
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --user-data-dir="$(mktemp -d)" \
    --hide-scrollbars --screenshot="$2" --window-size="$3,$4" "$1" >/dev/null 2>&1
}
report=$(ls "$site"/internal/clients/*/2*.html | head -1)
client=$(dirname "$report")
story=$(ls -d "$site"/public/stories/*/ | head -1)
shot "file://$site/internal/index.html" "$out/dashboard.png" 1280 3200
shot "file://$site/internal/cohorts/index.html" "$out/cohorts.png" 1280 2600
shot "file://$client/index.html" "$out/client.png" 1280 3000
shot "file://$report" "$out/report.png" 1280 3600
shot "file://$site/public/index.html" "$out/public-index.png" 1280 1400
shot "file://$site/public/index.html" "$out/public-index-phone.png" 390 1600
shot "file://${story}index.html" "$out/story.png" 1280 2200
shot "file://${story}index.html" "$out/story-phone.png" 390 2600
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --no-first-run --user-data-dir="$(mktemp -d)" \
  --no-pdf-header-footer --print-to-pdf="$out/report.pdf" "file://$report" >/dev/null 2>&1
if command -v pdftoppm >/dev/null; then pdftoppm -png -r 50 "$out/report.pdf" "$out/report-pdf"; fi
echo "screenshots in $out"
