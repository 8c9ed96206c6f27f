#!/bin/sh
# Renders every message kind (digest, alert, health) in French and English
# from fixed sample data and screenshots each with headless Chromium, in
# light and dark colour schemes: OUT/<kind>.<lang>.<scheme>.png.
# Usage: notify/preview.sh [OUT]   (default: $TMPDIR/veille-preview; needs Debian's chromium)
set -eu
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-${TMPDIR:-/tmp}/veille-preview}")
go run ./notify/internal/preview -out "$out"
for html in "$out"/*.html; do
	for scheme in light dark; do
		dark=""
		[ "$scheme" = dark ] && dark="--force-dark-mode"
		profile=$(mktemp -d)
		chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$profile" $dark --hide-scrollbars \
			--screenshot="${html%.html}.$scheme.png" --window-size=800,1400 "file://$html" 2>/dev/null
		rm -rf "$profile"
	done
done
ls "$out"/*.png
