#!/usr/bin/env bash
# Builds the web UI bundle (ui/dist) that `borderwatch serve` embeds: installs the locked npm
# packages (Vite, d3-geo, topojson-client, and Natural Earth's countries via world-atlas — public
# domain map data, so the map needs no tile server), derives the border map, bundles. Rebuild the
# binary afterwards (cargo build) to embed it. Needs Node.js ≥ 20.19 and npm.
set -euo pipefail
cd "$(dirname "$0")/../ui"
if ! command -v npm >/dev/null; then
  echo "error: npm not found: install Node.js 20 (Debian: apt-get install nodejs npm)" >&2
  exit 2
fi
npm ci --no-audit --no-fund --loglevel=error
npm run build
