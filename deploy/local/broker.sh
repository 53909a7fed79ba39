#!/usr/bin/env bash
# `make broker`: a single-node Apache Kafka broker (KRaft, broker and controller in one JVM) on
# localhost:9092, run in the foreground from Kafka's Maven jars; data in var/kafka survives restarts.
# Options go to LocalKafkaBroker: --port, --controller-port (default port+1), --data-dir, --host.
# Ctrl-C or SIGTERM stops it cleanly: `exec` makes the JVM this script's process, so signals reach it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MODULE="$ROOT/deploy/local"
CLASSPATH_FILE="$MODULE/target/classpath.txt"
MAIN_CLASS=dev.likeness.local.kafka.LocalKafkaBroker

fail() {
  echo "broker: $*" >&2
  exit 1
}

# True when deploy/local was built after its last change and every jar it needs is still there.
built() {
  [[ -f "$CLASSPATH_FILE" && -f "$MODULE/target/classes/${MAIN_CLASS//.//}.class" ]] || return 1
  [[ -z "$(find "$MODULE/src/main" "$MODULE/pom.xml" "$ROOT/pom.xml" -newer "$CLASSPATH_FILE" -print -quit)" ]] || return 1
  local entry entries
  # `|| true`: the file has no final newline, so read reports end-of-file after reading it all.
  IFS=: read -r -a entries <"$CLASSPATH_FILE" || true
  for entry in "${entries[@]}"; do
    [[ -e "$entry" ]] || return 1
  done
}

if ! built; then
  echo "broker: building deploy/local"
  (cd "$ROOT" && ./mvnw -B -ntp -q -pl deploy/local -am install -DskipTests) || fail "building deploy/local failed"
  # Maven leaves an unchanged classpath.txt untouched; its time marks the last build for the check above.
  touch "$CLASSPATH_FILE"
fi

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cd "$ROOT"
exec "$JAVA" ${JAVA_OPTS:-} -cp "$MODULE/target/classes:$(cat "$CLASSPATH_FILE")" "$MAIN_CLASS" --data-dir var/kafka "$@"
