#!/usr/bin/env bash
# Rebuild vizkit/export/_assets/plotly-cartesian.min.js.gz: plotly.js' cartesian traces, built so a page evaluates it fast.
#
# Why not plotly's own plotly.js-cartesian-dist-min: the same code, but its UMD wrapper hands the whole
# library to a function as an argument, so V8 parses it lazily and compiles it again when the wrapper calls
# it, and it injects MapLibre's stylesheet (81 kB, for map traces it does not hold) and the world-calendars
# component into every page. In headless Chromium on a 2-core machine plotly's file takes about 0.57 s to
# evaluate, this one about 0.22 s; on a standalone page that is most of the time to first paint.
#
# What it holds: plotly.js core (scatter) and bar, box, heatmap, histogram, histogram2d, histogram2dcontour,
# contour, scatterternary, violin, image and pie (plotly's cartesian bundle, lib/index-cartesian.js), without
# the calendars component (non-Gregorian `calendar` axes; vizkit.backends.plotly.bundle sends a figure that
# asks for one to the full library). The version must be the plotly.js that plotly.py draws with
# (plotly.offline.get_plotlyjs_version(); tests/export/test_notebook_display.py checks it).
#
# Usage: bash scripts/build-plotly-bundle.sh [plotly.js version]   (needs node and npm; network to the npm registry)
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${1:-$(.venv/bin/python -c 'from plotly.offline import get_plotlyjs_version as v; print(v())')}"
ESBUILD=0.25.12
OUT=vizkit/export/_assets/plotly-cartesian.min.js.gz
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
echo '{"name": "vizkit-plotly-bundle", "version": "1.0.0", "private": true}' > package.json
npm install --no-audit --no-fund --ignore-scripts "plotly.js@$VERSION" "esbuild@$ESBUILD" buffer@6 >/dev/null
cat > entry.js <<'JS'
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'), require('plotly.js/lib/box'), require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/histogram'), require('plotly.js/lib/histogram2d'), require('plotly.js/lib/histogram2dcontour'),
    require('plotly.js/lib/contour'), require('plotly.js/lib/scatterternary'), require('plotly.js/lib/violin'),
    require('plotly.js/lib/image'), require('plotly.js/lib/pie'),
]);
module.exports = Plotly;
JS
cat > banner.txt <<TXT
/**
* plotly.js (cartesian - minified) v$VERSION
* vizkit's build (scripts/build-plotly-bundle.sh): plotly's cartesian traces, no calendars, esbuild $ESBUILD
* Copyright 2012-2026, Plotly, Inc.
* All rights reserved.
* Licensed under the MIT license
*/
TXT
# `var Plotly` at the top: a page's global; inside a function (vizkit's notebook loader wraps it in one that
# passes `module`), the caller's `module.exports`, as plotly's UMD build gives it
node_modules/@esbuild/linux-x64/bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
    --define:global=window --define:define.amd=false --loader:.css=empty --legal-comments=eof \
    --banner:js="$(cat banner.txt)" --outfile=plotly.js --log-level=warning \
    --footer:js='if (typeof module === "object" && module && module.exports) { module.exports = Plotly; } else { window.Plotly = Plotly; }'
cd - >/dev/null
gzip -9 -n -c "$WORK/plotly.js" > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT ($(stat -c %s "$OUT") bytes gzip) from plotly.js $VERSION"
