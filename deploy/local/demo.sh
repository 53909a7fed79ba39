#!/usr/bin/env bash
# Run by `make run` once every service is ready: enrols one person from each sample photo through the
# mesh (REST upload -> Kafka -> embedding -> matching -> gallery topic), then recognises every face of
# every sample photo and prints who was found, and publishes a style request through the console (watch
# its progress there). Real models, real photos, real broker.
set -euo pipefail
cd "$(dirname "$0")/../.."
MATCHING=${MATCHING_URL:-http://localhost:8082}
CONSOLE=${CONSOLE_URL:-http://localhost:8084}
SAMPLES=models/samples
# The style picture: Munch's Scream from Debian's darknet package when a test has fetched it, else a sample photo.
STYLE=models/.cache/darknet/scream.jpg
[[ -f "$STYLE" ]] || STYLE=$SAMPLES/sample4.jpg

echo
echo "==> Demo: enrolling the best face of each sample photo (one-shot, through Kafka)"
for n in 1 2 3 4 5 6; do
  curl -fsS -X POST -H 'Content-Type: image/jpeg' --data-binary "@$SAMPLES/sample$n.jpg" \
    "$MATCHING/api/v1/identities/demo-sample$n/images?displayName=Person%20of%20sample$n" >/dev/null
  echo "    enrolled demo-sample$n"
done

echo "==> Demo: recognising every face of every sample photo (1:K against the gallery)"
for n in 1 2 3 4 5 6; do
  curl -fsS -X POST -H 'Content-Type: image/jpeg' --data-binary "@$SAMPLES/sample$n.jpg" \
    "$MATCHING/api/v1/identify/image?topK=1" | node -e '
      let body = ""; process.stdin.on("data", d => body += d).on("end", () => {
        const result = JSON.parse(body);
        const faces = result.faces.map(f => f.unknown || !f.candidates.length ? "unknown"
          : `${f.candidates[0].identityId} (d=${f.candidates[0].distance.toFixed(2)}, p=${f.candidates[0].probability.toFixed(2)})`);
        console.log(`    sample'"$n"'.jpg: ${faces.length} faces: ${faces.join(", ")}`);
      });'
done
echo "    (threshold tau: a face farther than it from every identity is unknown; see docs/matching.md)"

echo "==> Demo: style transfer of sample1.jpg in the style of $STYLE, published through the console"
style_request=$(curl -fsS -F "content=@$SAMPLES/sample1.jpg;type=image/jpeg" -F "style=@$STYLE;type=image/jpeg" \
  -F "size=${DEMO_STYLE_SIZE:-256}" -F "iterations=${DEMO_STYLE_ITERATIONS:-100}" "$CONSOLE/api/style" |
  node -e 'let b = ""; process.stdin.on("data", d => b += d).on("end", () => console.log(JSON.parse(b).requestId));')
echo "    published $style_request to likeness.style.requests.v1: its progress and result show in the console ($CONSOLE)"
