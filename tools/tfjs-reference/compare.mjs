// Usage: node compare.mjs MODEL.json MODEL.onnx CARD.json
// Runs the TF.js graph (pure-JS CPU backend) and the converted ONNX model (onnxruntime-node) on the same
// deterministic synthetic image and prints, per head, the max absolute difference and the max |reference|.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import fs from 'node:fs';
import path from 'node:path';

const [modelJson, onnxPath, cardPath] = process.argv.slice(2);
const card = JSON.parse(fs.readFileSync(cardPath, 'utf8'));
const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
const dir = path.dirname(modelJson);
const specs = [], shards = [];
for (const g of json.weightsManifest) { specs.push(...g.weights); for (const p of g.paths) shards.push(fs.readFileSync(path.join(dir, p))); }
const all = Buffer.concat(shards);
const model = await tf.loadGraphModel({
  load: async () => ({ modelTopology: json.modelTopology, weightSpecs: specs, format: json.format, generatedBy: json.generatedBy,
    convertedBy: json.convertedBy, signature: json.signature, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) }),
});

const [h, w] = [card.input.height, card.input.width];
const pixels = new Float32Array(h * w * 3);
for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {   // smooth shapes, 0..255
  const v = 128 + 60 * Math.sin(x / (9 + 4 * c)) * Math.cos(y / 13) + 60 * (((x - w / 2) ** 2 + (y - h / 2) ** 2) < (h / 4) ** 2 ? 1 : -1);
  pixels[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
}
const isInt = card.input.dtype === 'int32';
const tfInput = isInt ? tf.tensor(Int32Array.from(pixels), [1, h, w, 3], 'int32') : tf.tensor(pixels, [1, h, w, 3], 'float32');
const heads = Object.entries(card.tfjs.outputs);            // [tfTensor, onnxName]
const t0 = Date.now();
const tfOut = model.execute({ [card.tfjs.input]: tfInput }, heads.map(([t]) => t));
const tfMs = Date.now() - t0;
const session = await ort.InferenceSession.create(onnxPath);
const ortInput = new ort.Tensor(isInt ? 'int32' : 'float32', isInt ? Int32Array.from(pixels) : pixels, [1, h, w, 3]);
const ortOut = await session.run({ [card.input.name]: ortInput });
console.log(`${path.basename(modelJson)}: TF.js ${tfMs} ms`);
heads.forEach(([tensor, name], i) => {
  const ref = (Array.isArray(tfOut) ? tfOut[i] : tfOut);
  const [, rh, rw, rc] = ref.shape;
  const refData = ref.dataSync();
  const ours = ortOut[name];
  let maxDiff = 0, maxRef = 0;
  for (let c = 0; c < rc; c++) for (let y = 0; y < rh; y++) for (let x = 0; x < rw; x++) {
    const a = refData[(y * rw + x) * rc + c], b = ours.data[(c * rh + y) * rw + x];
    maxDiff = Math.max(maxDiff, Math.abs(a - b)); maxRef = Math.max(maxRef, Math.abs(a));
  }
  console.log(`  ${name} (${tensor}) [${ref.shape}]: max |diff| = ${maxDiff.toExponential(3)}, max |ref| = ${maxRef.toExponential(3)}`);
});
