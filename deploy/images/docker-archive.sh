#!/usr/bin/env bash
# Stands in for the `docker` CLI when Quarkus builds a service image with Jib (quarkus.jib.docker-executable-name,
# set in services/pom.xml). Quarkus's Jib integration can send an image only to a registry or to a Docker
# daemon, and it reaches the daemon through exactly two CLI calls: `docker info -f {{json .}}` (which
# platform to build) and `docker load` (the image as a docker-archive tarball on stdin). Answering those
# two, this script writes the tarball that `docker load` would have read to $LIKENESS_IMAGE_TARBALL, so
# images build without a daemon and without a registry (docs/deploy.md, "Container images"). That docker
# archive is an intermediate: deploy/images/build.sh rewrites it as an OCI image layout tarball.
set -Eeuo pipefail

case "${1:-}" in
  info)
    # The base image (deploy/images/base) is linux/amd64; Jib picks that platform from this answer.
    echo '{"OSType":"linux","Architecture":"x86_64"}'
    ;;
  load)
    target="${LIKENESS_IMAGE_TARBALL:?LIKENESS_IMAGE_TARBALL must name the tarball to write}"
    mkdir -p "$(dirname "$target")"
    # Write beside the target and rename, so a failed build never leaves a truncated image behind.
    cat >"$target.partial"
    mv "$target.partial" "$target"
    echo "Wrote image tarball $target"
    ;;
  *)
    echo "docker-archive.sh: only 'info' and 'load' are supported (called with: $*)" >&2
    exit 1
    ;;
esac
