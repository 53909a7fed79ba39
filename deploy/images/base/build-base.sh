#!/usr/bin/env bash
# Builds the base image every Likeness image starts from: a Java 17 runtime (Debian's
# openjdk-17-jre-headless) and the C/C++ runtime ONNX Runtime links against (glibc, libstdc++, libgcc),
# assembled from Debian packages instead of pulled from a container registry, which the build machines
# cannot reach (only Maven Central, npm and Debian apt). The result is a docker-archive tarball (what
# `docker save` writes), the form Jib reads a `tar://` base image in.
#
#   build-base.sh [OUTPUT.tar]   build (default: target/images/base/jre17.tar); a no-op when the tarball
#                                was built from the current packages.lock and this script
#   build-base.sh lock           resolve the newest versions of PACKAGES below in Debian bookworm and
#                                rewrite packages.lock (then build, check, commit the lock)
#   build-base.sh cuda           the base of the -cuda images, target/images/base/jre17-cuda.tar: that base
#                                plus a layer with the CUDA 12 and cuDNN 9 libraries pinned in cuda.lock
#                                (from a 2.0 GB Maven Central jar, downloaded once; see build_cuda)
#
# Reproducible: packages.lock pins each package's exact version and the SHA-256 of its .deb; every .deb
# is checked against it (apt also checks it against the signed archive index). Files are extracted with
# `dpkg-deb -x` (no maintainer scripts run: nothing here needs them), owned by root, stamped with time 0
# and archived in name order, so the same lock gives the same layer digest byte for byte.
#
# Debian keeps only the current version of a package in the archive. When a pinned version has been
# superseded (a point release or security update), the build stops and says to run `build-base.sh lock`.
#
# Needs: apt-get (Debian or Ubuntu host), /usr/share/keyrings/debian-archive-keyring.gpg, dpkg-deb, tar,
# gzip, sha256sum; for `cuda` also unzip and Maven (./mvnw). No root needed: apt runs on a private state
# folder under the cache.
set -Eeuo pipefail
trap 'echo "build-base: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
LOCK="$HERE/packages.lock"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SUITE=bookworm
ARCH=amd64
JAVA_HOME_IN_IMAGE=/usr/lib/jvm/java-17-openjdk-amd64
# The runtime user: uid/gid 185, what the Kubernetes manifests (deploy/k8s) run as.
RUN_UID=185

# What goes into the image, and why. Left out on purpose (openjdk-17-jre-headless depends on them for
# uses these services never have): fonts (libfreetype6, libharfbuzz0b, libfontconfig1: text rendering),
# sound (libasound2), smart cards (libpcsclite1), printing (libcups2), the NSS provider (libnss3), and
# the packages whose only job is running maintainer scripts (java-common, ca-certificates-java,
# util-linux, debconf).
PACKAGES=(
  libc6               # glibc: the JVM and ONNX Runtime (libonnxruntime.so needs libc, libm, libdl, librt, libpthread)
  libgcc-s1           # libgcc_s: the JVM and ONNX Runtime
  gcc-12-base         # required by libgcc-s1 and libstdc++6 (documentation only)
  libstdc++6          # the C++ runtime of libjvm.so and ONNX Runtime
  zlib1g              # libzip, libjli (jar files)
  libjpeg62-turbo     # libjavajpeg (javax.imageio JPEG)
  liblcms2-2          # liblcms (colour conversion of images)
  openjdk-17-jre-headless
)

OUTPUT="$ROOT/target/images/base/jre17.tar"
if [[ -n ${1:-} && $1 != lock && $1 != cuda ]]; then
  OUTPUT=$1
fi
CACHE="$ROOT/target/images/base/cache"

fail() {
  echo "build-base: $*" >&2
  exit 1
}

# A private apt: its own sources, lists and downloads under the cache, so the build neither needs root
# nor depends on (or changes) the host's apt configuration.
APT_DIR="$CACHE/apt"
APT_OPTS=(
  -o "Dir::State=$APT_DIR" -o "Dir::State::status=$APT_DIR/status" -o "Dir::Cache=$APT_DIR"
  -o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=/dev/null"
  -o "Dir::Etc::Trusted=/dev/null" -o "Dir::Etc::TrustedParts=/dev/null"
  -o "APT::Architecture=$ARCH" -o "APT::Architectures=$ARCH" -o "Debug::NoLocking=true"
  -o "APT::Sandbox::User=root" -o "Acquire::Languages=none"
)

apt_update() {
  [[ -r $KEYRING ]] || fail "$KEYRING is missing: install the debian-archive-keyring package"
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/archives/partial"
  : >"$APT_DIR/status"
  cat >"$APT_DIR/sources.list" <<EOF
deb [signed-by=$KEYRING] http://deb.debian.org/debian $SUITE main
deb [signed-by=$KEYRING] http://deb.debian.org/debian $SUITE-updates main
deb [signed-by=$KEYRING] http://deb.debian.org/debian-security $SUITE-security main
EOF
  apt-get "${APT_OPTS[@]}" -qq update || fail "apt-get update failed (is deb.debian.org reachable?)"
}

# packages.lock from the newest versions the archive has now.
write_lock() {
  apt_update
  local tmp="$LOCK.tmp" package version sha
  {
    echo "# Debian $SUITE ($ARCH) packages of the Likeness base image: name version sha256-of-the-.deb."
    echo "# Written by deploy/images/base/build-base.sh lock on $(date -u +%Y-%m-%d); edit PACKAGES there, not here."
    for package in "${PACKAGES[@]}"; do
      version=$(apt-cache "${APT_OPTS[@]}" policy "$package" | awk '/Candidate:/ {print $2}')
      [[ -n $version && $version != "(none)" ]] || fail "no candidate version of $package in $SUITE"
      sha=$(apt-cache "${APT_OPTS[@]}" show "$package=$version" | awk '/^SHA256:/ {print $2; exit}')
      [[ $sha =~ ^[0-9a-f]{64}$ ]] || fail "no SHA256 for $package=$version"
      echo "$package $version $sha"
    done
  } >"$tmp"
  mv "$tmp" "$LOCK"
  echo "build-base: wrote $LOCK"
}

# The .deb of one locked package, downloaded once into the cache and checked against the lock.
fetch_deb() {
  local package=$1 version=$2 sha=$3
  local deb="$CACHE/debs/${package}_${version//:/%3a}_$ARCH.deb"
  if [[ ! -f $deb ]] || ! sha256sum --check --status <<<"$sha  $deb"; then
    [[ -f "$APT_DIR/sources.list" ]] || apt_update
    local staging
    staging=$(mktemp -d "$CACHE/debs/download.XXXXXX")
    if ! (cd "$staging" && apt-get "${APT_OPTS[@]}" -qq download "$package=$version" >/dev/null 2>&1); then
      rm -rf "$staging"
      fail "$package=$version is not in the Debian archive any more (superseded by an update):" \
        "run 'bash deploy/images/base/build-base.sh lock', rebuild, and commit deploy/images/base/packages.lock"
    fi
    mv "$staging"/*.deb "$deb"
    rmdir "$staging"
    sha256sum --check --status <<<"$sha  $deb" \
      || fail "$deb does not match the SHA-256 in $LOCK: the archive serves different bytes for $package=$version"
  fi
  echo "$deb"
}

# Packs the root file system $1 as one layer into the image folder $2: name-sorted, root-owned, time 0, gzip
# without a name or time stamp; entries named usr/..., not ./usr/... (Jib refuses a "./" entry in the outer
# tarball). Prints the layer's diff_id (digest of the tar) and its digest (of the .tar.gz, also its file name).
pack_layer() {
  local rootfs=$1 image=$2 diff_id digest
  tar --create --file="$image/layer.tar" --directory="$rootfs" --sort=name --format=gnu \
    --owner=0 --group=0 --numeric-owner --mtime=@0 $(cd "$rootfs" && LC_ALL=C ls -A)
  diff_id=$(sha256sum "$image/layer.tar" | cut -c1-64)
  gzip -n -6 <"$image/layer.tar" >"$image/layer.tar.gz"
  rm "$image/layer.tar"
  digest=$(sha256sum "$image/layer.tar.gz" | cut -c1-64)
  mv "$image/layer.tar.gz" "$image/$digest.tar.gz"
  echo "$diff_id $digest"
}

# Writes the image folder $1 (its config.json and layers) as the docker archive $3 named $2, the form Jib
# reads a tar:// base in, stamps it with $4 and removes the work folder; then come the layer files, base first.
write_archive() {
  local image=$1 tag=$2 output=$3 stamp=$4 config_digest layers
  shift 4
  config_digest=$(sha256sum "$image/config.json" | cut -c1-64)
  mv "$image/config.json" "$image/$config_digest.json"
  layers=$(printf '"%s",' "$@")
  printf '[{"Config":"%s","RepoTags":["%s"],"Layers":[%s]}]\n' "$config_digest.json" "$tag" "${layers%,}" \
    >"$image/manifest.json"
  tar --create --file="$work/base.tar" --directory="$image" --sort=name --format=gnu \
    --owner=0 --group=0 --numeric-owner --mtime=@0 $(cd "$image" && LC_ALL=C ls -A)
  mv "$work/base.tar" "$output"
  echo "$stamp" >"$output.stamp"
  rm -rf "$work"
}

build() {
  [[ -f $LOCK ]] || fail "$LOCK is missing: run '$0 lock' first"
  local stamp
  stamp=$(cat "$LOCK" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-64)
  if [[ -f $OUTPUT && -f $OUTPUT.stamp && $(cat "$OUTPUT.stamp") == "$stamp" ]]; then
    return
  fi
  mkdir -p "$CACHE/debs" "$(dirname "$OUTPUT")"
  # The locked names must be exactly PACKAGES: an edit of PACKAGES needs a new lock.
  diff <(printf '%s\n' "${PACKAGES[@]}" | sort) <(grep -v '^#' "$LOCK" | awk '{print $1}' | sort) >/dev/null \
    || fail "$LOCK does not list exactly the PACKAGES of $0: run '$0 lock'"
  # Refresh the private apt index only when a .deb has to be downloaded (fetch_deb calls apt_update).
  rm -f "$APT_DIR/sources.list"

  echo "build-base: building $OUTPUT from $LOCK"
  # Global, not local: the EXIT trap removes it when the build stops half way.
  work=$(mktemp -d "$CACHE/build.XXXXXX")
  trap 'rm -rf "${work:-}"' EXIT
  local rootfs="$work/rootfs" image="$work/image"
  mkdir -p "$rootfs" "$image"

  local package version sha deb
  while read -r package version sha; do
    deb=$(fetch_deb "$package" "$version" "$sha")
    dpkg-deb -x "$deb" "$rootfs"
  done < <(grep -v '^#' "$LOCK")

  # What dpkg's maintainer scripts would have set up, reduced to what a JVM needs.
  mkdir -p "$rootfs/tmp" "$rootfs/etc" "$rootfs/usr/bin" "$rootfs/app"
  chmod 1777 "$rootfs/tmp"
  cat >"$rootfs/etc/passwd" <<EOF
root:x:0:0:root:/root:/usr/sbin/nologin
likeness:x:$RUN_UID:$RUN_UID:Likeness service:/tmp:/usr/sbin/nologin
EOF
  cat >"$rootfs/etc/group" <<EOF
root:x:0:
likeness:x:$RUN_UID:
EOF
  cat >"$rootfs/etc/nsswitch.conf" <<EOF
passwd: files
group: files
hosts: files dns
EOF
  ln -s "$JAVA_HOME_IN_IMAGE/bin/java" "$rootfs/usr/bin/java"
  # Java's default trust store is a link to the file ca-certificates-java generates at install time;
  # without it the JVM uses an empty trust store (Kafka's CA comes from a mounted PEM file instead).
  rm -f "$rootfs$JAVA_HOME_IN_IMAGE/lib/security/cacerts"
  # Documentation is no use in a container.
  rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/lintian" "$rootfs/usr/share/bug"

  local diff_id layer_digest
  read -r diff_id layer_digest < <(pack_layer "$rootfs" "$image")

  local packages_label
  packages_label=$(grep -v '^#' "$LOCK" | awk '{print $1 "=" $2}' | paste -sd' ')
  cat >"$image/config.json" <<EOF
{"architecture":"$ARCH","os":"linux","created":"1970-01-01T00:00:00Z",
"config":{"User":"$RUN_UID:$RUN_UID","WorkingDir":"/app",
"Env":["PATH=$JAVA_HOME_IN_IMAGE/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$JAVA_HOME_IN_IMAGE","LANG=C.UTF-8"],
"Labels":{"dev.likeness.base.packages":"$packages_label"}},
"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
"history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/images/base/build-base.sh (Debian $SUITE packages of packages.lock)"}]}
EOF
  write_archive "$image" "likeness/jre17-base:$SUITE" "$OUTPUT" "$stamp" "$layer_digest.tar.gz"
  echo "build-base: $OUTPUT (layer sha256:$layer_digest, $(du -h "$OUTPUT" | cut -f1))"
}

# Where ONNX Runtime's CUDA provider finds the CUDA libraries in the -cuda images (LD_LIBRARY_PATH). The
# driver's libcuda.so.1 is not in the image: the NVIDIA container toolkit mounts the host's.
CUDA_LIB_DIR=/usr/local/cuda/lib64
CUDA_LOCK="$HERE/cuda.lock"

# The -cuda base: the jre17 layer (the same blob as in every other image) and a second layer with the
# libraries of cuda.lock under $CUDA_LIB_DIR. They come from JavaCPP's jar of NVIDIA's redistributable CUDA
# and cuDNN libraries (org.bytedeco:cuda:...:linux-x86_64-redist, 2.0 GB), fetched with Maven into the local
# Maven repository once and checked against cuda.lock (the jar and every library); the layer is as
# reproducible as the first (sorted, root-owned, time 0, gzip -n). 1.8 GB of libraries, about 1 GB gzipped.
build_cuda() {
  local base=$OUTPUT output=$ROOT/target/images/base/jre17-cuda.tar
  [[ -f $CUDA_LOCK ]] || fail "$CUDA_LOCK is missing"
  build # the jre17 base, when it is not current
  local stamp
  stamp=$(cat "$LOCK" "$CUDA_LOCK" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-64)
  if [[ -f $output && -f $output.stamp && $(cat "$output.stamp") == "$stamp" ]]; then
    return
  fi
  local coordinates jar_sha group artifact version packaging classifier
  read -r _ coordinates jar_sha < <(grep '^artifact ' "$CUDA_LOCK")
  IFS=: read -r group artifact version packaging classifier <<<"$coordinates"
  local repository=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
  local jar="$repository/${group//.//}/$artifact/$version/$artifact-$version-$classifier.$packaging"
  if [[ ! -f $jar ]]; then
    echo "build-base: downloading $coordinates (2.0 GB) into $repository"
    "$ROOT/mvnw" -B -ntp -q dependency:get -Dartifact="$coordinates" -Dtransitive=false \
      || fail "could not download $coordinates from Maven Central"
    [[ -f $jar ]] || fail "Maven did not put $coordinates at $jar (set MAVEN_REPO_LOCAL to your local repository)"
  fi
  echo "build-base: checking $jar"
  sha256sum --check --status <<<"$jar_sha  $jar" || fail "$jar does not match the SHA-256 in $CUDA_LOCK"

  echo "build-base: building $output from $base and $CUDA_LOCK"
  # Global, not local: the EXIT trap removes it when the build stops half way.
  work=$(mktemp -d "$CACHE/build.XXXXXX")
  trap 'rm -rf "${work:-}"' EXIT
  local rootfs="$work/rootfs" image="$work/image" in_jar=org/bytedeco/cuda/linux-x86_64
  mkdir -p "$rootfs$CUDA_LIB_DIR" "$image" "$work/jar"
  local libraries=() library sha
  while read -r library sha; do
    libraries+=("$in_jar/$library")
  done < <(grep -v -e '^#' -e '^artifact ' "$CUDA_LOCK")
  (cd "$work/jar" && unzip -q "$jar" "${libraries[@]}") || fail "$jar lacks a library of $CUDA_LOCK"
  while read -r library sha; do
    sha256sum --check --status <<<"$sha  $work/jar/$in_jar/$library" \
      || fail "$library in $jar does not match its SHA-256 in $CUDA_LOCK"
    mv "$work/jar/$in_jar/$library" "$rootfs$CUDA_LIB_DIR/$library"
    chmod 0644 "$rootfs$CUDA_LIB_DIR/$library"
  done < <(grep -v -e '^#' -e '^artifact ' "$CUDA_LOCK")
  # NVIDIA's licences travel with the libraries (docs/deploy.md, "The CUDA images").
  {
    echo "The libraries in $CUDA_LIB_DIR are NVIDIA's redistributable CUDA runtime libraries (cudart, cuBLAS,"
    echo "cuBLASLt, cuRAND, cuFFT) and cuDNN libraries, unmodified, from the Maven artifact"
    echo "$coordinates (JavaCPP Presets). They are under NVIDIA's licences, not Likeness's:"
    echo "  CUDA Toolkit End User License Agreement (Attachment A lists the redistributable files):"
    echo "    https://docs.nvidia.com/cuda/eula/index.html"
    echo "  NVIDIA cuDNN Software License Agreement:"
    echo "    https://docs.nvidia.com/deeplearning/cudnn/latest/reference/eula.html"
  } >"$rootfs/usr/local/cuda/NOTICE"
  chmod 0644 "$rootfs/usr/local/cuda/NOTICE"

  local cuda_diff_id cuda_layer
  read -r cuda_diff_id cuda_layer < <(pack_layer "$rootfs" "$image")

  # The jre17 layer as the base tarball holds it, and its diff_id (the digest of the uncompressed tar).
  local base_layer base_diff_id
  base_layer=$(tar --list --file="$base" | grep '\.tar\.gz$')
  tar --extract --file="$base" --directory="$image" "$base_layer"
  base_diff_id=$(gzip -dc "$image/$base_layer" | sha256sum | cut -c1-64)

  local packages_label
  packages_label=$(grep -v '^#' "$LOCK" | awk '{print $1 "=" $2}' | paste -sd' ')
  cat >"$image/config.json" <<CONFIG
{"architecture":"$ARCH","os":"linux","created":"1970-01-01T00:00:00Z",
"config":{"User":"$RUN_UID:$RUN_UID","WorkingDir":"/app",
"Env":["PATH=$JAVA_HOME_IN_IMAGE/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$JAVA_HOME_IN_IMAGE","LANG=C.UTF-8",
"LD_LIBRARY_PATH=$CUDA_LIB_DIR","NVIDIA_VISIBLE_DEVICES=all","NVIDIA_DRIVER_CAPABILITIES=compute,utility"],
"Labels":{"dev.likeness.base.packages":"$packages_label","dev.likeness.base.cuda":"$coordinates"}},
"rootfs":{"type":"layers","diff_ids":["sha256:$base_diff_id","sha256:$cuda_diff_id"]},
"history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/images/base/build-base.sh (Debian $SUITE packages of packages.lock)"},
{"created":"1970-01-01T00:00:00Z","created_by":"deploy/images/base/build-base.sh cuda (CUDA and cuDNN libraries of cuda.lock)"}]}
CONFIG
  write_archive "$image" "likeness/jre17-cuda-base:$SUITE" "$output" "$stamp" "$base_layer" "$cuda_layer.tar.gz"
  echo "build-base: $output (CUDA layer sha256:$cuda_layer, $(du -h "$output" | cut -f1))"
}

mkdir -p "$CACHE"
# One build at a time per checkout: services may ask for the base in parallel.
exec 9>"$CACHE/.lock"
flock 9
case "${1:-}" in
  lock) write_lock ;;
  cuda) build_cuda ;;
  *) build ;;
esac
