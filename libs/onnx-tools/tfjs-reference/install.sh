#!/usr/bin/env bash
# Installs the pinned packages of package-lock.json into node_modules/ with `npm ci --ignore-scripts` (no install
# script runs, nothing is downloaded but the registry's tarballs), unless the same lock file was installed last time.
# The onnx-tools build runs it before the tests (generate-test-resources); run it by hand to use run.js alone.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
command -v npm >/dev/null || { echo "tfjs-reference: npm is needed (Node.js 20 or newer)" >&2; exit 1; }
stamp=node_modules/.likeness-installed-lock.json
if [[ -f "$stamp" ]] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
