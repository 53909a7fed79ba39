#!/usr/bin/env bash
# Run by `make run` once every service is ready: enrols the subject of each sample photo through the
# mesh (REST upload -> Kafka -> embedding -> matching -> gallery topic), then one-shot recognition across
# photos: the woman on the right of sample1.jpg, enrolled from that photo alone, is found in sample3.jpg.
# Then it recognises every face of every sample photo and prints who was found, and publishes a style
# request through the console (watch its progress there). Real models, real photos, real broker.
set -euo pipefail
cd "$(dirname "$0")/../.."
MATCHING=${MATCHING_URL:-http://localhost:8082}
CONSOLE=${CONSOLE_URL:-http://localhost:8084}
SAMPLES=models/samples
# The style picture: Munch's Scream from Debian's darknet package when a test has fetched it, else a sample photo.
STYLE=models/.cache/darknet/scream.jpg
[[ -f "$STYLE" ]] || STYLE=$SAMPLES/sample4.jpg

echo
echo "==> Demo: enrolling the subject of each sample photo (one-shot, through Kafka; the subject is the large"
echo "    face near the middle, docs/embedding.md)"
for n in 1 2 3 4 5 6; do
  curl -fsS -X POST -H 'Content-Type: image/jpeg' --data-binary "@$SAMPLES/sample$n.jpg" \
    "$MATCHING/api/v1/identities/demo-sample$n/images?displayName=Person%20of%20sample$n" >/dev/null
  echo "    enrolled demo-sample$n"
done

# The faces of a photo, as "x1 y1 x2 y2 index" lines (from the identify answer, which carries the boxes).
boxes() {
  curl -fsS -X POST -H 'Content-Type: image/jpeg' --data-binary "@$1" "$MATCHING/api/v1/identify/image?topK=1" |
    node -e 'let b = ""; process.stdin.on("data", d => b += d).on("end", () => JSON.parse(b).faces.forEach(f =>
      console.log(`${f.box.x1} ${f.box.y1} ${f.box.x2} ${f.box.y2} ${f.faceIndex}`)));'
}

echo "==> Demo: one-shot recognition across photos: the woman on the right of sample1.jpg, enrolled from that photo"
# She is not the photo's subject, so the upload names her face by a point inside its box (faceAt=X,Y).
read -r x1 y1 x2 y2 _ < <(boxes "$SAMPLES/sample1.jpg" | sort -n -k1 | tail -1)
at="$(( (${x1%.*} + ${x2%.*}) / 2 )),$(( (${y1%.*} + ${y2%.*}) / 2 ))"
curl -fsS -X POST -H 'Content-Type: image/jpeg' --data-binary "@$SAMPLES/sample1.jpg" \
  "$MATCHING/api/v1/identities/demo-woman/images?displayName=Woman%20of%20sample1&faceAt=$at" >/dev/null
echo "    enrolled demo-woman from sample1.jpg (the face at $at)"
curl -fsS -X POST -H 'Content-Type: image/jpeg' --data-binary "@$SAMPLES/sample3.jpg" \
  "$MATCHING/api/v1/identify/image?topK=1" | node -e '
    let body = ""; process.stdin.on("data", d => body += d).on("end", () => {
      const found = JSON.parse(body).faces.filter(f => !f.unknown && f.candidates[0].identityId === "demo-woman");
      console.log(found.length
        ? found.map(f => `    sample3.jpg, another photo: face ${f.faceIndex + 1} is demo-woman (d=${f.candidates[0].distance.toFixed(2)}, p=${f.candidates[0].probability.toFixed(2)})`).join("\n")
        : "    sample3.jpg, another photo: demo-woman not found");
    });'

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
