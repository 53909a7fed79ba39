#!/usr/bin/env bash
# `make run`: build, start a local KRaft broker and every service, wait until all are ready, keep running
# until Ctrl-C, then stop everything and check that no process is left behind.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Settings (environment): KAFKA_PORT, EMBEDDING_PORT, MATCHING_PORT, STYLISING_PORT, CONSOLE_PORT,
# LIKENESS_VAR_DIR (logs and broker data, default var), LIKENESS_SKIP_BUILD=1 (use the jars already built),
# LIKENESS_SKIP_DEMO=1, READY_TIMEOUT_S. The browser test (tests/e2e) runs this script on free ports.
MVN=${MVN:-./mvnw -B -ntp}
KAFKA_PORT=${KAFKA_PORT:-9092}
EMBEDDING_PORT=${EMBEDDING_PORT:-8081}
MATCHING_PORT=${MATCHING_PORT:-8082}
STYLISING_PORT=${STYLISING_PORT:-8083}
CONSOLE_PORT=${CONSOLE_PORT:-8084}
VAR=${LIKENESS_VAR_DIR:-var}
LOGS=$VAR/log
SERVICES=(embedding:$EMBEDDING_PORT matching:$MATCHING_PORT stylising:$STYLISING_PORT console:$CONSOLE_PORT)
READY_TIMEOUT_S=${READY_TIMEOUT_S:-120}
PIDS=()

mkdir -p "$LOGS"

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping Likeness..."
  # Services first (they commit offsets on the way down), then the broker.
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[$i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  left=$(for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && echo "$pid"; done || true)
  if [[ -n "$left" ]]; then echo "Processes still running: $left" >&2; exit 1; fi
  echo "Stopped: no Likeness process left."
}
trap stop_all INT TERM EXIT

# Every port is checked before the build: a service that finds its port taken stops at once, and what answers there
# instead (another program, or a Likeness left from an earlier run) would be mistaken for it.
for entry in kafka:$KAFKA_PORT "${SERVICES[@]}"; do
  name=${entry%%:*}; port=${entry##*:}
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
    echo "Something already listens on localhost:$port, $name's port: stop it (or set ${name^^}_PORT) and retry." >&2
    exit 1
  fi
done

if [[ -z "${LIKENESS_SKIP_BUILD:-}" ]]; then
  echo "==> Building (first time: a few minutes)"
  $MVN -q -DskipTests install
fi

echo "==> Starting Kafka (KRaft, Apache Kafka jars) on localhost:$KAFKA_PORT, log in $LOGS/broker.log"
bash deploy/local/broker.sh --port "$KAFKA_PORT" --data-dir "$VAR/kafka" >"$LOGS/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  grep -q "Kafka broker ready" "$LOGS/broker.log" 2>/dev/null && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { tail -20 "$LOGS/broker.log" >&2; exit 1; }
  sleep 1
done
if ! grep -q "Kafka broker ready" "$LOGS/broker.log" 2>/dev/null; then
  echo "The broker is not ready after 60s; the end of $LOGS/broker.log:" >&2
  tail -20 "$LOGS/broker.log" >&2
  exit 1
fi

# The JVM options a service's image adds to its entrypoint (services/*/pom.xml, quarkus.jib.jvm-additional-arguments).
service_jvm_options() {
  case "$1" in
    embedding) echo "-XX:G1HeapRegionSize=8m" ;;
  esac
}

for entry in "${SERVICES[@]}"; do
  name=${entry%%:*}; port=${entry##*:}
  echo "==> Starting $name on http://localhost:$port, log in $LOGS/$name.log"
  KAFKA_BOOTSTRAP_SERVERS=localhost:$KAFKA_PORT QUARKUS_HTTP_PORT=$port \
    LIKENESS_CONSOLE_MATCHING_URL=http://localhost:$MATCHING_PORT \
    LIKENESS_STYLISING_INSIGHT_RESULTS_DIR="$VAR/insight" LIKENESS_EMBEDDING_INSIGHT_RESULTS_DIR="$VAR/insight" \
    LIKENESS_CONSOLE_INSIGHT_RESULTS_DIRS="$VAR/insight" \
    java ${JAVA_OPTS:-} $(service_jvm_options "$name") -jar "services/$name/target/quarkus-app/quarkus-run.jar" \
      >"$LOGS/$name.log" 2>&1 &
  PIDS+=($!)
done

started=$(date +%s)
for i in "${!SERVICES[@]}"; do
  entry=${SERVICES[$i]}; name=${entry%%:*}; port=${entry##*:}
  pid=${PIDS[$((i + 1))]} # PIDS[0] is the broker
  until curl -fs "http://localhost:$port/q/health/ready" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name stopped before it was ready; the end of $LOGS/$name.log:" >&2
      tail -30 "$LOGS/$name.log" >&2
      exit 1
    fi
    if (( $(date +%s) - started > READY_TIMEOUT_S )); then
      echo "$name is not ready after ${READY_TIMEOUT_S}s; its health says:" >&2
      curl -s "http://localhost:$port/q/health/ready" >&2 || true
      printf '\nThe end of %s:\n' "$LOGS/$name.log" >&2
      tail -30 "$LOGS/$name.log" >&2
      exit 1
    fi
    sleep 1
  done
  echo "    $name ready after $(( $(date +%s) - started ))s"
done

if [[ -z "${LIKENESS_SKIP_DEMO:-}" ]]; then
  MATCHING_URL=http://localhost:$MATCHING_PORT CONSOLE_URL=http://localhost:$CONSOLE_PORT \
    bash deploy/local/demo.sh || echo "The demo failed; the services keep running (logs in $LOGS/)." >&2
fi

cat <<MSG

Likeness is running.
  console:    http://localhost:$CONSOLE_PORT   <- open this: live recognitions, gallery, verify, style transfer, dead letters
  Kafka:      localhost:$KAFKA_PORT; topics to look at (tools/cli/likeness watch TOPIC --from-beginning):
              likeness.images.v1 -> likeness.faces.v1 -> likeness.matches.v1, likeness.gallery.v1 (compacted),
              likeness.style.requests.v1 -> likeness.style.progress.v1 -> likeness.style.results.v1,
              likeness.insight.requests.v1 -> likeness.insight.progress.v1 -> likeness.insight.results.v1,
              likeness.insight.atlases.v1 (compacted),
              likeness.{embedding,matching,stylising}.dlq.v1
  embedding:  http://localhost:$EMBEDDING_PORT/q/health  http://localhost:$EMBEDDING_PORT/q/metrics
  matching:   http://localhost:$MATCHING_PORT/q/health  http://localhost:$MATCHING_PORT/q/metrics  http://localhost:$MATCHING_PORT/q/openapi
  stylising:  http://localhost:$STYLISING_PORT/q/health  http://localhost:$STYLISING_PORT/q/metrics
  console:    http://localhost:$CONSOLE_PORT/q/health  http://localhost:$CONSOLE_PORT/q/metrics
  logs:       $LOGS/
Press Ctrl-C to stop everything.
MSG
if [[ -n "${LIKENESS_RUN_EXIT_AFTER_READY:-}" ]]; then exit 0; fi
wait "${PIDS[0]}"
