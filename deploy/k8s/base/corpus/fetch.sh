#!/usr/bin/env bash
# Fetches the default photo corpus of the unit atlas (docs/insight.md) from pinned Debian packages into a folder
# (default: corpus/, git-ignored), one subfolder per package, and checks every photo against
# deploy/corpus/SHA256SUMS. Usage: fetch.sh [small|full] [FOLDER]. small: the photos of the packages of tier small
# in deploy/corpus/PACKAGES (what the tests use); full (default): all of them. Idempotent: a package whose photos
# are all there and intact is not downloaded again. Needs apt-get and dpkg-deb (Debian or Ubuntu with Debian's
# bookworm archive in its sources), not root: `apt-get download` writes into the current folder.
set -Eeuo pipefail
trap 'echo "fetch-corpus: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PACKAGES="$ROOT/deploy/corpus/PACKAGES"
SUMS="$ROOT/deploy/corpus/SHA256SUMS"
TIER=${1:-full}
CORPUS=${2:-$ROOT/corpus}

fail() {
  echo "fetch-corpus: $*" >&2
  exit 1
}

[[ $TIER == small || $TIER == full ]] || fail "usage: fetch.sh [small|full] [FOLDER]"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || fail "apt-get and dpkg-deb are needed (Debian)"
mkdir -p "$CORPUS"
CORPUS=$(cd "$CORPUS" && pwd)

# fetch PACKAGE VERSION DEB_SHA256 FOLDER: the photos SHA256SUMS lists under PACKAGE/, from FOLDER of the package.
fetch() {
  local package=$1 version=$2 deb_sum=$3 folder=$4 wanted
  wanted=$(grep -E "^[0-9a-f]{64}  $package/" "$SUMS") || fail "no photos of $package in $SUMS"
  if (cd "$CORPUS" && sha256sum --check --strict --status 2>/dev/null) <<<"$wanted"; then
    return
  fi
  echo "fetch-corpus: apt-get download $package=$version"
  local work deb
  work=$(mktemp -d "$CORPUS/.fetch.XXXXXX")
  # The .deb and its extracted tree are deleted whatever happens: only the listed photos stay.
  trap 'rm -rf "$work"' RETURN
  # As root, apt warns that its _apt user cannot write here; that is expected and left out.
  (cd "$work" && apt-get download -q "$package=$version" 2>&1 | { grep -v '^W: Download is performed unsandboxed' || true; }) \
    || fail "apt-get download $package=$version failed: is Debian bookworm's archive in apt's sources (apt-get update)?"
  deb=$(echo "$work"/*.deb)
  [[ -f $deb ]] || fail "apt-get download $package=$version wrote no .deb"
  sha256sum --check --strict --quiet <<<"$deb_sum  $deb" \
    || fail "$package=$version differs from the SHA-256 in $PACKAGES: the archive's package changed"
  dpkg-deb -x "$deb" "$work/tree"
  local file
  while read -r _ file; do
    mkdir -p "$(dirname "$CORPUS/$file")"
    cp "$work/tree/$folder/${file#"$package/"}" "$CORPUS/$file"
  done <<<"$wanted"
  cp "$work/tree/usr/share/doc/$package/copyright" "$CORPUS/$package/copyright"
  (cd "$CORPUS" && sha256sum --check --strict --quiet) <<<"$wanted" \
    || fail "photos extracted from $package=$version do not match $SUMS"
  echo "fetch-corpus: $package/ ready ($(wc -l <<<"$wanted") photos)"
}

while read -r tier package version deb_sum folder; do
  [[ -z $tier || $tier == \#* ]] && continue
  [[ $TIER == full || $tier == small ]] || continue
  fetch "$package" "$version" "$deb_sum" "$folder"
done <"$PACKAGES"
