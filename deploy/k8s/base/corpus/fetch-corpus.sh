#!/usr/bin/env bash
# Runs in stylising's fetch-corpus init container (a Debian bookworm image: apt-get, dpkg-deb, sha256sum), as a
# non-root user on a read-only root filesystem. The Kubernetes form of `make corpus`: apt keeps its package
# lists and cache under /tmp (APT_CONFIG), then deploy/corpus/fetch.sh itself (this ConfigMap holds it beside
# its PACKAGES and SHA256SUMS, mounted at /opt/likeness/deploy/corpus so that its paths resolve as in the
# repository) fetches the pinned .debs, checks them and the photos, into $CORPUS (the shared volume).
#
#   fetch-corpus.sh [small|full]
set -Eeuo pipefail
CORPUS=${CORPUS:-/var/lib/likeness/corpus/default}
APT=/tmp/apt
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
cat >"$APT/apt.conf" <<CONF
Dir::State::Lists "$APT/lists";
Dir::Cache "$APT/cache";
CONF
export APT_CONFIG=$APT/apt.conf
# A corpus already intact (a restart, another replica's fetch) needs no package lists: fetch.sh checks first.
if ! (cd "$CORPUS" 2>/dev/null && grep -E '^[0-9a-f]{64}  ' "$(dirname "$0")/SHA256SUMS" | sha256sum --check --strict --status); then
  apt-get -qq update || { echo "fetch-corpus: apt-get update failed (is deb.debian.org reachable?)" >&2; exit 1; }
fi
exec bash "$(dirname "$0")/fetch.sh" "${1:-full}" "$CORPUS"
