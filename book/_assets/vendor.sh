#!/usr/bin/env bash
# Refresh the front-end files the book serves from its own _static/ (README.md, "Works offline").
# Needs node + npm; everyone else uses the committed copies in static/.
# The versions are pinned in package.json and package-lock.json: to move to a new
# version, edit package.json, run `npm install --package-lock-only`, then `make vendor`.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --ignore-scripts --silent
nm=node_modules
out=static

# Wipe only what this script owns, so a file dropped upstream cannot linger.
rm -rf "$out/requirejs" "$out/html-manager" "$out/mathjax"
mkdir -p "$out/requirejs" "$out/html-manager" "$out/mathjax/output/chtml/fonts" "$out/mathjax/input/tex"

cp "$nm/requirejs/require.js" "$out/requirejs/"
cp LICENSE.requirejs "$out/requirejs/LICENSE"

# embed-amd.js finds its icon fonts next to itself (webpack public path = script's folder).
hm="$nm/@jupyter-widgets/html-manager/dist"
cp "$hm/embed-amd.js" "$hm"/*.woff2 "$hm"/*.woff "$hm"/*.ttf "$hm"/*.eot "$hm"/*.svg "$out/html-manager/"
cp "$hm/embed.js.LICENSE.txt" "$out/html-manager/THIRD-PARTY-LICENSES.txt"
cp LICENSE.html-manager "$out/html-manager/LICENSE"

# MathJax: the one combined component, its CHTML fonts, and the TeX extensions it
# autoloads on demand (e.g. \bm, \cancel in sympy output) — nothing else is fetched.
mj="$nm/mathjax"
cp "$mj/es5/tex-mml-chtml.js" "$mj/LICENSE" "$out/mathjax/"
cp -r "$mj/es5/output/chtml/fonts/woff-v2" "$out/mathjax/output/chtml/fonts/"
cp -r "$mj/es5/input/tex/extensions" "$out/mathjax/input/tex/"

node -e '
const lock = require("./package-lock.json").packages;
for (const name of ["@jupyter-widgets/html-manager", "mathjax", "requirejs"])
  console.log(name + "@" + lock["node_modules/" + name].version);
' > "$out/VERSIONS.txt"
echo "vendored into $(pwd)/$out:"; cat "$out/VERSIONS.txt"
