#!/usr/bin/env node
// Reference outputs of TF.js models, computed by the pure-JavaScript @tensorflow/tfjs (CPU backend, float32),
// for the golden tests that compare ONNX Runtime with TF.js. No native add-on, no download at install time.
//
//   node run.js REQUEST.json
//
// REQUEST.json (paths relative to the request file's folder, or absolute):
//   {
//     "runner":  "graph-model" (default) or a path to a runner module (below),
//     "model":   "path/to/model.json"            (graph-model: a TF.js graph model with its weight shards),
//     "inputs":  { "NAME": { "shape": [2, 112, 112, 3], "dtype": "float32", "file": "input.bin" } },
//     "outputs": ["NODE", "NODE:1", ...]         (graph-model: any node of the graph, internal ones included),
//     "outputDir": "out",
//     "options": { ... }                         (passed to a runner module as it is)
//   }
// Input files hold little-endian float32 (or int32 for "dtype": "int32") values in row-major order.
// It writes OUTPUTDIR/outputs.json: { "outputs": { "NODE": { "shape": [...], "dtype": "float32", "file": "0.bin" } },
// "tfjs": VERSION, "backend": "cpu" }, the values in the named files in the same encoding.
//
// A runner module exports `async function run({ tf, inputs, outputs, options, request, resolve })` returning
// { NAME: tf.Tensor } for the names in `outputs`; `inputs` are tf.Tensors by name, `resolve` makes a request path
// absolute. Any module it loads (e.g. a library's dist bundle that requires '@tensorflow/tfjs') resolves
// packages from this folder's node_modules first, so everything runs on the one pinned tfjs.
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');

// Let runner modules and the bundles they load, wherever they lie, find this folder's pinned packages.
process.env.NODE_PATH = [path.join(__dirname, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
Module._initPaths();

const tf = require('@tensorflow/tfjs');

const TYPED_ARRAYS = { float32: Float32Array, int32: Int32Array };

function readTensor(spec, resolve, name) {
  const Type = TYPED_ARRAYS[spec.dtype || 'float32'];
  if (!Type) throw new Error(`input ${name}: dtype ${spec.dtype} is not supported (float32, int32)`);
  const bytes = fs.readFileSync(resolve(spec.file));
  const count = spec.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * Type.BYTES_PER_ELEMENT) {
    throw new Error(`input ${name}: ${spec.file} holds ${bytes.length} bytes, shape ${JSON.stringify(spec.shape)} needs ${count * Type.BYTES_PER_ELEMENT}`);
  }
  const values = new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return tf.tensor(values, spec.shape, spec.dtype || 'float32');
}

// A graph model's files, read without tfjs-node: model.json, then its shards concatenated in manifest order.
function graphModelHandler(modelJson) {
  return {
    load: async () => {
      const model = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
      const folder = path.dirname(modelJson);
      const weightSpecs = [];
      const shards = [];
      for (const group of model.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const shard of group.paths) shards.push(fs.readFileSync(path.join(folder, shard)));
      }
      const all = Buffer.concat(shards);
      return {
        modelTopology: model.modelTopology,
        format: model.format,
        generatedBy: model.generatedBy,
        convertedBy: model.convertedBy,
        signature: model.signature,
        userDefinedMetadata: model.userDefinedMetadata,
        weightSpecs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
      };
    },
  };
}

async function runGraphModel({ inputs, outputs, request, resolve }) {
  if (!request.model) throw new Error('graph-model runner: "model" (path to model.json) is missing');
  const model = await tf.loadGraphModel(graphModelHandler(resolve(request.model)));
  const results = await model.executeAsync(inputs, outputs);
  const list = Array.isArray(results) ? results : [results];
  return Object.fromEntries(outputs.map((name, index) => [name, list[index]]));
}

async function main() {
  const requestFile = process.argv[2];
  if (!requestFile) {
    console.error('usage: node run.js REQUEST.json');
    process.exit(2);
  }
  const request = JSON.parse(fs.readFileSync(requestFile, 'utf8'));
  const base = path.dirname(path.resolve(requestFile));
  const resolve = (file) => path.resolve(base, file);
  await tf.setBackend('cpu');
  await tf.ready();

  const inputs = Object.fromEntries(Object.entries(request.inputs || {}).map(([name, spec]) => [name, readTensor(spec, resolve, name)]));
  const outputs = request.outputs || [];
  const runner = !request.runner || request.runner === 'graph-model' ? runGraphModel : require(resolve(request.runner));
  const results = await runner({ tf, inputs, outputs, options: request.options || {}, request, resolve });

  const outputDir = resolve(request.outputDir || 'out');
  fs.mkdirSync(outputDir, { recursive: true });
  const written = {};
  let index = 0;
  for (const name of outputs) {
    const tensor = results[name];
    if (!tensor) throw new Error(`the runner returned no output ${name}`);
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    const data = await tensor.data();
    const typed = dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data);
    const file = `${index++}.bin`;
    fs.writeFileSync(path.join(outputDir, file), Buffer.from(typed.buffer));
    written[name] = { shape: tensor.shape, dtype, file };
  }
  fs.writeFileSync(path.join(outputDir, 'outputs.json'),
    JSON.stringify({ outputs: written, tfjs: tf.version.tfjs, backend: tf.getBackend() }, null, 2));
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
