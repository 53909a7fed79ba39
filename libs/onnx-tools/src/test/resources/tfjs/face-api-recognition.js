// tfjs-reference runner: face-api's own FaceRecognitionNet (dlib's face descriptor ResNet) from its CommonJS bundle
// dist/face-api.node-wasm.js of @vladmandic/face-api@1.7.15, on the harness's pinned @tensorflow/tfjs (CPU backend).
//   inputs:  { chips: [N, 150, 150, 3] RGB values 0..255 }
//   outputs: ["descriptors"] -> [N, 128], as computeFaceDescriptor returns them
//   options: { bundle: ".../face-api.node-wasm.js", manifest: ".../face_recognition_model-weights_manifest.json" }
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');

module.exports = async function run({ tf, inputs, options }) {
  // The bundle re-exports the wasm backend next to tfjs; the CPU reference never uses it, so it gets a stand-in
  // instead of a second package to install.
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === '@tensorflow/tfjs-backend-wasm' ? {} : load.call(this, request, ...rest);
  };
  let faceapi;
  try {
    faceapi = require(options.bundle);
  } finally {
    Module._load = load;
  }
  const manifest = JSON.parse(fs.readFileSync(options.manifest, 'utf8'));
  const folder = path.dirname(options.manifest);
  const specs = [];
  const shards = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const shard of group.paths) shards.push(fs.readFileSync(path.join(folder, shard)));
  }
  const bytes = Buffer.concat(shards);
  const weights = tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), specs);
  const net = faceapi.nets.faceRecognitionNet;
  await net.loadFromWeightMap(weights);
  const chips = tf.unstack(inputs.chips);
  const descriptors = [];
  for (const chip of chips) {
    descriptors.push(Array.from(await net.computeFaceDescriptor(chip)));
  }
  return { descriptors: tf.tensor2d(descriptors) };
};
