#!/usr/bin/env bash
# `make broker`: a single-node Apache Kafka broker (KRaft, broker and controller in one JVM) on
# localhost:9092, run in the foreground from Kafka's Maven jars; data in var/kafka survives restarts.
# Options go to LocalKafkaBroker: --port, --controller-port (default port+1), --data-dir, --host.
# Ctrl-C or SIGTERM stops it cleanly: `exec` makes the JVM this script's process, so signals reach it.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/module.sh"
MAIN_CLASS=dev.likeness.local.kafka.LocalKafkaBroker
ensure_built "$MAIN_CLASS"

cd "$ROOT"
exec "$JAVA" ${JAVA_OPTS:-} -cp "$LOCAL_CLASSPATH" "$MAIN_CLASS" --data-dir var/kafka "$@"
