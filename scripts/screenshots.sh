#!/usr/bin/env bash
# Renders every page kind of a built site with headless Chromium, as PNG at
# 1280 px (and 390 px for the public site and both editions of the monthly
# review) and as PDF for a briefing and two client editions (an English and
# a Japanese client of the sample).
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
# A headless window is at least 500 px wide: a phone's 390 px is shown as a
# frame of that width.
phone() { # page png height
  local frame="$out/.frame-$(basename "$2" .png).html"
  printf '<!doctype html><body style="margin:0;background:#888"><iframe src="file://%s" style="width:390px;height:%spx;border:0;background:#fff"></iframe>' "$1" "$3" >"$frame"
  shot "file://$frame" "$2" 500 "$3"
  rm -f "$frame"
}
pdf() { # page pdf
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --user-data-dir="$(mktemp -d)" \
    --no-pdf-header-footer --print-to-pdf="$2" "file://$1" >/dev/null 2>&1
}
phone "$report" "$out/report-phone.png" 4200
for id in hinode-foods tsukimi-games; do
  edition=$(ls "$site"/client/$id/2*.html 2>/dev/null | tail -1)
  [ -n "$edition" ] || continue
  shot "file://$edition" "$out/edition-$id.png" 1280 2800
  phone "$edition" "$out/edition-$id-phone.png" 3600
  pdf "$edition" "$out/edition-$id.pdf"
done
if command -v pdftoppm >/dev/null; then
  for f in "$out"/*.pdf; do pdftoppm -png -r 50 "$f" "${f%.pdf}-pdf"; done
fi
echo "screenshots in $out"
