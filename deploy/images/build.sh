#!/usr/bin/env bash
# `make images`: one container image per service as a docker-archive tarball under target/images/, built
# with Jib and no Docker daemon or registry (docs/deploy.md, "Container images"):
#
#   target/images/<name>-<tag>.tar   likeness/<name>:<tag> for every Quarkus service of services/ (Quarkus's
#                                    Jib integration) and for services/onnx-tools (jib-maven-plugin)
#
#   build.sh                  every image, building the modules they need first
#   build.sh embedding ...    only these images (names as in likeness/<name>)
#   --installed               use the upstream modules already installed in ~/.m2 instead of building
#                             them (what the images test in `make test` does, after the reactor installed them)
#   MVN_ARGS="-Pcuda ..."     extra Maven arguments, e.g. the CUDA build (docs/deploy.md)
set -Eeuo pipefail
trap 'echo "images: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MVN=(./mvnw -B -ntp -q)
read -r -a EXTRA <<<"${MVN_ARGS:-}"

also_make=(-am)
wanted=()
for argument in "$@"; do
  case "$argument" in
    --installed) also_make=() ;;
    -*) echo "images: unknown option $argument" >&2; exit 2 ;;
    *) wanted+=("$argument") ;;
  esac
done

# Every Quarkus service is a module whose parent is services/pom.xml (likeness-service-parent).
quarkus_services=()
for pom in services/*/pom.xml; do
  grep -q '<artifactId>likeness-service-parent</artifactId>' "$pom" && quarkus_services+=("$(basename "$(dirname "$pom")")")
done

selected() {
  [[ ${#wanted[@]} -eq 0 ]] && return 0
  local name
  for name in "${wanted[@]}"; do [[ $name == "$1" ]] && return 0; done
  return 1
}

for name in "${wanted[@]}"; do
  [[ $name == onnx-tools || " ${quarkus_services[*]} " == *" $name "* ]] \
    || { echo "images: no image '$name' (known: ${quarkus_services[*]} onnx-tools)" >&2; exit 2; }
done

bash deploy/images/base/build-base.sh

modules=()
for name in "${quarkus_services[@]}"; do
  selected "$name" && modules+=("services/$name")
done
if [[ ${#modules[@]} -gt 0 ]]; then
  echo "images: building ${modules[*]} with Quarkus (Jib)"
  lifecycle=install
  [[ ${#also_make[@]} -eq 0 ]] && lifecycle=package
  "${MVN[@]}" "${EXTRA[@]}" -pl "$(IFS=,; echo "${modules[*]}")" "${also_make[@]}" "$lifecycle" -Dmaven.test.skip=true \
    -Dquarkus.container-image.build=true
fi
if selected onnx-tools; then
  echo "images: building services/onnx-tools with jib-maven-plugin"
  lifecycle=install
  [[ ${#also_make[@]} -eq 0 ]] && lifecycle=package
  "${MVN[@]}" "${EXTRA[@]}" -pl services/onnx-tools "${also_make[@]}" "$lifecycle" -Dmaven.test.skip=true
  "${MVN[@]}" "${EXTRA[@]}" -pl services/onnx-tools jib:buildTar
fi
ls -l target/images/*.tar
