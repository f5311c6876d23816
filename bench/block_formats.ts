/**
 * Block-scaled quantization (OCP MX, NVFP4) on 4M float32 elements: elements/s of each format,
 * as tensors on the current backend and as Float32Arrays, next to the fixed-point nearest path
 * measured in the same run (the ratio the target is stated in).
 * Target (issue 22): MX and NVFP4 quantization at >= 0.25 of fixed point's nearest rate.
 */
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import {
  fixedPoint,
  type Format,
  MXFP4,
  MXFP6_E3M2,
  MXFP8_E4M3,
  MXINT8,
  mx,
  NVFP4,
  nvfp4,
  OCP_E4M3,
  quantize,
  type QuantizeOptions,
} from "lowbit/quant";
import { table } from "./timing";

const N = 1 << 22;

/** Elements/s of one timed round of `reps` calls. */
function roundRate(f: () => void, reps: number): number {
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (reps * N) / ((performance.now() - t0) / 1000);
}

/**
 * Elements/s of `f` and of the baseline, each the best of `rounds` rounds taken alternately
 * (baseline, f, baseline, f, ...), so that a busy shared core slows both alike.
 */
function paired(baseline: () => void, f: () => void, rounds = 7, reps = 2): { rate: number; base: number } {
  baseline();
  f();
  let rate = 0,
    base = 0;
  for (let r = 0; r < rounds; r++) {
    base = Math.max(base, roundRate(baseline, reps));
    rate = Math.max(rate, roundRate(f, reps));
  }
  return { rate, base };
}

export async function run(): Promise<void> {
  const backend = await initBackend();
  // Weights-like data: mostly small, a few outliers.
  const data = new Float32Array(N).map((_, i) => Math.sin(i) * (i % 97 === 0 ? 40 : 1));
  const x = tf.tensor(data, [N / 1024, 1024]);
  const fixed = fixedPoint({ bits: 8, frac: 4 });
  const fixedOnTensor = () => quantize(x, fixed).dispose();
  const fixedOnArray = () => quantize(data, fixed);
  const rows: Record<string, string | number>[] = [];
  const cases: [string, Format, QuantizeOptions][] = [
    ["MXFP8_E4M3 nearest", MXFP8_E4M3, {}],
    ["MXFP6_E3M2 nearest", MXFP6_E3M2, {}],
    ["MXFP4 nearest", MXFP4, {}],
    ["MXFP4 stochastic", MXFP4, { rounding: "stochastic", seed: 1 }],
    ["MXINT8 nearest", MXINT8, {}],
    ["MXFP8 E4M3, scale rounded up", mx({ element: OCP_E4M3, scaleRounding: "ceil" }), {}],
    ["MXFP4 blocks along axis 0", mx({ element: MXFP4.element, axis: 0 }), {}],
    ["NVFP4 nearest", NVFP4, {}],
    ["NVFP4 stochastic", NVFP4, { rounding: "stochastic", seed: 1 }],
    ["NVFP4 16x16 tiles", nvfp4({ blockSize: [16, 16] }), {}],
  ];
  for (const [name, format, options] of cases) {
    const onTensor = paired(fixedOnTensor, () => quantize(x, format, options).dispose());
    rows.push({
      what: `${name}, ${backend.name} tensor`,
      "M elements/s": +(onTensor.rate / 1e6).toFixed(0),
      "fixed 8.4 nearest, M elements/s": +(onTensor.base / 1e6).toFixed(0),
      "vs fixed": +(onTensor.rate / onTensor.base).toFixed(3),
    });
    if (!name.includes("axis") && !name.includes("tiles")) {
      const onArray = paired(fixedOnArray, () => quantize(data, format, options));
      rows.push({
        what: `${name}, Float32Array`,
        "M elements/s": +(onArray.rate / 1e6).toFixed(0),
        "fixed 8.4 nearest, M elements/s": +(onArray.base / 1e6).toFixed(0),
        "vs fixed": +(onArray.rate / onArray.base).toFixed(3),
      });
    }
  }
  x.dispose();
  table(rows, `block-scaled quantization on ${N} elements, against fixed point's nearest path timed alternately:`);
}
