#!/usr/bin/env bash
# `make images`: one container image per service as an OCI image layout tarball under target/images/, built
# with Jib and no Docker daemon or registry (docs/deploy.md, "Container images"):
#
#   target/images/<name>-<tag>.tar   likeness/<name>:<tag> for every Quarkus service of services/ (Quarkus's
#                                    Jib integration) and for libs/onnx-tools (jib-maven-plugin)
#
# Jib writes each image as a docker archive into target/images/docker-archive/ (Quarkus can hand an image only
# to a daemon: deploy/images/docker-archive.sh stands in for it); dev.likeness.images.OciArchive
# (deploy/images/src/main/java) then rewrites it as an OCI layout (oci-layout, index.json, blobs/sha256/)
# and the docker archive is removed.
#
#   build.sh                  every image, building the modules they need first
#   build.sh embedding ...    only these images (names as in likeness/<name>)
#   --installed               use the upstream modules already installed in ~/.m2 instead of building
#                             them (what the images test in `make test` does, after the reactor installed them)
#   --cuda                    the -cuda images (`make images-cuda`): the `cuda` Maven profile (onnxruntime_gpu,
#                             tag <version>-cuda) on the base with CUDA 12 and cuDNN 9 (`build-base.sh cuda`, a
#                             2.0 GB download once); by default only the images the cuda overlay runs with
#                             GPUs, embedding and stylising. MVN_ARGS=-Pcuda means the same.
#   MVN_ARGS="..."            extra Maven arguments
set -Eeuo pipefail
trap 'echo "images: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MVN=(./mvnw -B -ntp -q)
read -r -a EXTRA <<<"${MVN_ARGS:-}"

# The services that run networks, and so have a GPU variant (deploy/k8s/overlays/cuda).
CUDA_IMAGES=(embedding stylising)

also_make=(-am)
wanted=()
cuda=false
if [[ " ${EXTRA[*]} " == *" -Pcuda "* ]]; then
  cuda=true
fi
for argument in "$@"; do
  case "$argument" in
    --installed) also_make=() ;;
    --cuda) cuda=true ;;
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

if $cuda; then
  if [[ " ${EXTRA[*]} " != *" -Pcuda "* ]]; then
    EXTRA+=(-Pcuda)
  fi
  # -Pcuda swaps onnxruntime for onnxruntime_gpu only in modules of the same reactor: the installed
  # likeness-core would bring the CPU runtime in. So the -cuda images always build their modules.
  also_make=(-am)
  [[ ${#wanted[@]} -gt 0 ]] || wanted=("${CUDA_IMAGES[@]}")
  for name in "${wanted[@]}"; do
    [[ " ${CUDA_IMAGES[*]} " == *" $name "* ]] \
      || { echo "images: '$name' has no -cuda image (only ${CUDA_IMAGES[*]} run networks)" >&2; exit 2; }
  done
  bash deploy/images/base/build-base.sh cuda
else
  bash deploy/images/base/build-base.sh
fi

DOCKER_ARCHIVES=target/images/docker-archive
rm -rf "$DOCKER_ARCHIVES"

modules=()
for name in "${quarkus_services[@]}"; do
  selected "$name" && modules+=("services/$name")
done
# The converter's module; with --installed the enclosing build (`make test`) has compiled it already.
if [[ ${#also_make[@]} -gt 0 ]]; then
  modules+=(deploy/images)
fi
if [[ ${#modules[@]} -gt 0 ]]; then
  echo "images: building ${modules[*]} (Quarkus services: their images, with Jib)"
  lifecycle=install
  [[ ${#also_make[@]} -eq 0 ]] && lifecycle=package
  "${MVN[@]}" "${EXTRA[@]}" -pl "$(IFS=,; echo "${modules[*]}")" "${also_make[@]}" "$lifecycle" -Dmaven.test.skip=true \
    -Dquarkus.container-image.build=true
fi
if selected onnx-tools; then
  echo "images: building libs/onnx-tools with jib-maven-plugin"
  lifecycle=install
  [[ ${#also_make[@]} -eq 0 ]] && lifecycle=package
  "${MVN[@]}" "${EXTRA[@]}" -pl libs/onnx-tools "${also_make[@]}" "$lifecycle" -Dmaven.test.skip=true
  "${MVN[@]}" "${EXTRA[@]}" -pl libs/onnx-tools jib:buildTar
fi
# Only the images asked for: building deploy/images with -am builds (and so Quarkus images) embedding too.
conversions=()
for archive in "$DOCKER_ARCHIVES"/*.tar; do
  file=$(basename "$archive")
  if [[ -f $archive && $file =~ ^(.+)-[0-9] ]] && selected "${BASH_REMATCH[1]}"; then
    conversions+=("$archive" "target/images/$file")
  fi
done
[[ ${#conversions[@]} -gt 0 ]] || { echo "images: Jib wrote no image into $DOCKER_ARCHIVES" >&2; exit 1; }
echo "images: writing OCI image layout tarballs"
"${MVN[@]}" -pl deploy/images exec:java -Dexec.mainClass=dev.likeness.images.OciArchive \
  -Dexec.args="${conversions[*]}"
rm -rf "$DOCKER_ARCHIVES"
ls -l target/images/*.tar
