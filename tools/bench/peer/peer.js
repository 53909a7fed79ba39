// The peer of `make bench`: the same face pipeline as libs/face-pipeline (detect, 68 landmarks,
// 5-point similarity alignment, embed, L2-normalise) on onnxruntime-node, with sharp (libvips) to decode.
// Same models, same images, same batching; prints one JSON line with the seconds of each measured run.
//
// Usage: node peer.js MODELS_DIR BATCH WARM_UP RUNS IMAGE...
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const sharp = require('sharp');

const DETECT = { width: 320, height: 240, mean: 127, std: 128 };
const LANDMARK = { size: 64, mean: 0, std: 256 };
const EMBED = { size: 112, mean: 127, std: 128 };
const SCORE_THRESHOLD = 0.65;
const NMS_IOU = 0.4;
const MAX_FACES = 32;
const MIN_FACE_PX = 16;
const TEMPLATE_112 = [38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041];

// As the Java sessions: ORT's default intra-op threads, one inter-op thread, no spinning while idle.
const SESSION_OPTIONS = {
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all',
  interOpNumThreads: 1,
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};

async function main() {
  const [modelsDir, batchArg, warmUpArg, runsArg, ...imagePaths] = process.argv.slice(2);
  const batch = Number(batchArg);
  const models = {};
  for (const name of ['fr_detect', 'fr_landmark', 'fr_feature']) {
    models[name] = await ort.InferenceSession.create(path.join(modelsDir, 'face/batch', name + '.onnx'), SESSION_OPTIONS);
  }
  const images = imagePaths.map((file) => fs.readFileSync(file));
  let faces = 0;
  const runOnce = async () => {
    faces = 0;
    for (let from = 0; from < images.length; from += batch) {
      const results = await analyseAll(models, images.slice(from, from + batch), batch);
      results.forEach((found) => { faces += found.length; });
    }
  };
  for (let i = 0; i < Number(warmUpArg); i++) {
    await runOnce();
  }
  const seconds = [];
  for (let i = 0; i < Number(runsArg); i++) {
    const start = process.hrtime.bigint();
    await runOnce();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  console.log(JSON.stringify({ runtime: `node ${process.version}, onnxruntime-node ${require('onnxruntime-node/package.json').version}, sharp ${require('sharp/package.json').version}`,
    images: images.length, faces, seconds }));
}

/** Images -> per image, the faces with their embeddings; each network runs once per chunk of `batch`. */
async function analyseAll(models, buffers, batch) {
  const decoded = [];
  const detectInput = new Float32Array(buffers.length * 3 * DETECT.width * DETECT.height);
  for (let i = 0; i < buffers.length; i++) {
    // Detection input straight from libvips (shrink-on-load, like the Java side's reduced decode).
    const small = await sharp(buffers[i]).rotate().removeAlpha().resize(DETECT.width, DETECT.height, { fit: 'fill' }).raw().toBuffer();
    toPlanar(small, 3, DETECT.width * DETECT.height, DETECT.mean, DETECT.std, detectInput, i * 3 * DETECT.width * DETECT.height);
    const full = await sharp(buffers[i]).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    decoded.push({ data: full.data, width: full.info.width, height: full.info.height, channels: full.info.channels });
  }
  const detected = await run(models.fr_detect, detectInput, [buffers.length, 3, DETECT.height, DETECT.width]);
  const jobs = [];
  const anchors = detected.scores.dims[1];
  for (let i = 0; i < buffers.length; i++) {
    for (const box of decodeDetections(detected.scores.data, detected.boxes.data, i, anchors, decoded[i])) {
      jobs.push({ image: i, box });
    }
  }
  for (let from = 0; from < jobs.length; from += batch) {
    const chunk = jobs.slice(from, from + batch);
    const plane = LANDMARK.size * LANDMARK.size;
    const input = new Float32Array(chunk.length * plane);
    chunk.forEach((job, j) => {
      const side = job.box.y2 - job.box.y1;
      const crop = { x: (job.box.x1 + job.box.x2) / 2 - side / 2, y: (job.box.y1 + job.box.y2) / 2 - side / 2, side };
      job.crop = crop;
      const scale = side / LANDMARK.size;
      sample(decoded[job.image], [scale, 0, crop.x + 0.5 * scale - 0.5, 0, scale, crop.y + 0.5 * scale - 0.5],
        LANDMARK.size, LANDMARK.size, true, LANDMARK.mean, LANDMARK.std, input, j * plane);
    });
    const out = await run(models.fr_landmark, input, [chunk.length, 1, LANDMARK.size, LANDMARK.size]);
    const points = Object.values(out)[0];
    const perFace = points.dims[1];
    chunk.forEach((job, j) => {
      const p68 = new Float32Array(perFace);
      for (let p = 0; p < perFace; p += 2) {
        p68[p] = job.crop.x + points.data[j * perFace + p] * job.crop.side;
        p68[p + 1] = job.crop.y + points.data[j * perFace + p + 1] * job.crop.side;
      }
      job.five = fivePoints(p68);
    });
  }
  for (let from = 0; from < jobs.length; from += batch) {
    const chunk = jobs.slice(from, from + batch);
    const plane = EMBED.size * EMBED.size;
    const input = new Float32Array(chunk.length * 3 * plane);
    chunk.forEach((job, j) => {
      const m = invert(similarity(job.five, TEMPLATE_112));
      sample(decoded[job.image], m, EMBED.size, EMBED.size, false, EMBED.mean, EMBED.std, input, j * 3 * plane);
    });
    const out = await run(models.fr_feature, input, [chunk.length, 3, EMBED.size, EMBED.size]);
    const vectors = Object.values(out)[0];
    const dim = vectors.dims[1];
    chunk.forEach((job, j) => { job.embedding = l2Normalised(vectors.data, j * dim, dim); });
  }
  return buffers.map((_, i) => jobs.filter((job) => job.image === i));
}

async function run(session, data, dims) {
  return session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
}

function toPlanar(rgb, channels, plane, mean, std, out, offset) {
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < channels; c++) {
      out[offset + c * plane + i] = (rgb[i * channels + c] - mean) / std;
    }
  }
}

function decodeDetections(scores, boxes, item, anchors, image) {
  const w = image.width, h = image.height;
  const clamp = (v, max) => Math.max(0, Math.min(max, v));
  const candidates = [];
  for (let k = 0; k < anchors; k++) {
    const score = scores[(item * anchors + k) * 2 + 1];
    if (score < SCORE_THRESHOLD) continue;
    const b = (item * anchors + k) * 4;
    const box = { x1: clamp(boxes[b] * w, w), y1: clamp(boxes[b + 1] * h, h), x2: clamp(boxes[b + 2] * w, w), y2: clamp(boxes[b + 3] * h, h), score };
    if (Math.min(box.x2 - box.x1, box.y2 - box.y1) >= MIN_FACE_PX) candidates.push(box);
  }
  candidates.sort((a, b) => b.score - a.score);
  const kept = [];
  for (const box of candidates) {
    if (kept.length === MAX_FACES) break;
    if (!kept.some((k) => iou(box, k) > NMS_IOU)) kept.push(box);
  }
  return kept;
}

function iou(a, b) {
  const ix = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const iy = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = ix * iy;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

function fivePoints(p) {
  const mean = (...idx) => [idx.reduce((s, i) => s + p[2 * i], 0) / idx.length, idx.reduce((s, i) => s + p[2 * i + 1], 0) / idx.length];
  return [...mean(37, 38, 40, 41), ...mean(43, 44, 46, 47), ...mean(30), ...mean(48, 60), ...mean(54, 64)];
}

/** Least-squares similarity (Umeyama, 2-D closed form) mapping src points onto dst: [a, -b, tx, b, a, ty]. */
function similarity(src, dst) {
  const n = src.length / 2;
  let sx = 0, sy = 0, dx = 0, dy = 0;
  for (let i = 0; i < n; i++) { sx += src[2 * i]; sy += src[2 * i + 1]; dx += dst[2 * i]; dy += dst[2 * i + 1]; }
  sx /= n; sy /= n; dx /= n; dy /= n;
  let dot = 0, cross = 0, variance = 0;
  for (let i = 0; i < n; i++) {
    const px = src[2 * i] - sx, py = src[2 * i + 1] - sy, qx = dst[2 * i] - dx, qy = dst[2 * i + 1] - dy;
    dot += px * qx + py * qy; cross += px * qy - py * qx; variance += px * px + py * py;
  }
  const a = dot / variance, b = cross / variance;
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

function invert(m) {
  const det = m[0] * m[4] - m[1] * m[3];
  return [m[4] / det, -m[1] / det, (m[1] * m[5] - m[2] * m[4]) / det, -m[3] / det, m[0] / det, (m[2] * m[3] - m[0] * m[5]) / det];
}

/** Bilinear sampling of target pixel (x, y) at source (m * (x, y)), OpenCV conventions, border value 0. */
function sample(image, m, width, height, grey, mean, std, out, offset) {
  const { data, channels } = image;
  const plane = width * height;
  const maxX = image.width - 0.5, maxY = image.height - 0.5;
  const border = (0 - mean) / std;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      const sx = m[0] * x + m[1] * y + m[2], sy = m[3] * x + m[4] * y + m[5];
      if (!(sx >= -0.5 && sx <= maxX && sy >= -0.5 && sy <= maxY)) {
        out[offset + index] = border;
        if (!grey) { out[offset + plane + index] = border; out[offset + 2 * plane + index] = border; }
        continue;
      }
      const left = Math.floor(sx), top = Math.floor(sy);
      const fx = sx - left, fy = sy - top;
      const x0 = Math.max(left, 0), x1 = Math.min(left + 1, image.width - 1);
      const y0 = Math.max(top, 0), y1 = Math.min(top + 1, image.height - 1);
      const i00 = (y0 * image.width + x0) * channels, i01 = (y0 * image.width + x1) * channels;
      const i10 = (y1 * image.width + x0) * channels, i11 = (y1 * image.width + x1) * channels;
      const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
      const channel = (c) => w00 * data[i00 + c] + w01 * data[i01 + c] + w10 * data[i10 + c] + w11 * data[i11 + c];
      if (grey) {
        out[offset + index] = (0.299 * channel(0) + 0.587 * channel(1) + 0.114 * channel(2) - mean) / std;
      } else {
        out[offset + index] = (channel(0) - mean) / std;
        out[offset + plane + index] = (channel(1) - mean) / std;
        out[offset + 2 * plane + index] = (channel(2) - mean) / std;
      }
    }
  }
}

function l2Normalised(data, offset, length) {
  let sum = 0;
  for (let i = 0; i < length; i++) sum += data[offset + i] * data[offset + i];
  const inverse = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  const vector = new Float32Array(length);
  for (let i = 0; i < length; i++) vector[i] = data[offset + i] * inverse;
  return vector;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
