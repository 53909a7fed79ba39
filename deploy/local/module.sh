# Sourced by broker.sh and tenant-manifests.sh: deploy/local's classpath, built first when the module changed.
# After `ensure_built MAIN_CLASS`, "$JAVA" -cp "$LOCAL_CLASSPATH" runs it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODULE="$ROOT/deploy/local"
CLASSPATH_FILE="$MODULE/target/classpath.txt"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# True when deploy/local was built after its last change and every jar it needs is still there.
built() {
  [[ -f "$CLASSPATH_FILE" && -f "$MODULE/target/classes/${1//.//}.class" ]] || return 1
  [[ -z "$(find "$MODULE/src/main" "$MODULE/pom.xml" "$ROOT/pom.xml" -newer "$CLASSPATH_FILE" -print -quit)" ]] || return 1
  local entry entries
  # `|| true`: the file has no final newline, so read reports end-of-file after reading it all.
  IFS=: read -r -a entries <"$CLASSPATH_FILE" || true
  for entry in "${entries[@]}"; do
    [[ -e "$entry" ]] || return 1
  done
}

# Builds deploy/local unless built; progress on stderr, so that a tool's stdout stays its output.
ensure_built() {
  if ! built "$1"; then
    echo "$(basename "$0" .sh): building deploy/local" >&2
    if ! (cd "$ROOT" && ./mvnw -B -ntp -q -pl deploy/local -am install -DskipTests) >&2; then
      echo "$(basename "$0" .sh): building deploy/local failed" >&2
      exit 1
    fi
    # Maven leaves an unchanged classpath.txt untouched; its time marks the last build for the check above.
    touch "$CLASSPATH_FILE"
  fi
  LOCAL_CLASSPATH="$MODULE/target/classes:$(cat "$CLASSPATH_FILE")"
}
