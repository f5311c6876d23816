/**
 * Element-wise quantizers on 4M float32 elements: elements/s of each format x rounding, as
 * tensors on the current backend and as Float32Arrays, next to two baselines measured in the
 * same run: a Float32Array.set copy of the same data, and stochastic rounding to fixed point
 * composed from tfjs ops (what quantization costs without lowbit's kernels).
 * Target (issue 4): fixed and float stochastic rounding at >= 25% of the copy's rate.
 */
import * as tf from "@tensorflow/tfjs";
import { FP16, FP8_E4M3, fixedPoint, initBackend, quantize, ROUNDINGS } from "lowbit";
import { table } from "./timing";

const N = 1 << 22;

/** Elements/s of `f` over N elements: the best of `rounds` timed rounds (after a warm-up), so
 * that a busy second core or a garbage collection does not decide the ratio. */
function rate(f: () => void, rounds = 5, reps = 4): number {
  f();
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    best = Math.max(best, (reps * N) / ((performance.now() - t0) / 1000));
  }
  return best;
}

export async function run(): Promise<void> {
  const backend = await initBackend();
  const data = new Float32Array(N).map((_, i) => Math.sin(i) * 4);
  const target = new Float32Array(N);
  const copy = rate(() => target.set(data));
  const x = tf.tensor(data);
  const composed = rate(() => tf.tidy(() => {
    const scaled = x.mul(16).add(tf.randomUniform([N]));
    return scaled.floor().clipByValue(-128, 127).div(16).dataSync();
  }), 2, 1);
  const rows: Record<string, string | number>[] = [
    { what: "Float32Array.set copy (baseline)", "M elements/s": +(copy / 1e6).toFixed(0), "vs copy": 1 },
    { what: "composed tfjs ops, fixed SR", "M elements/s": +(composed / 1e6).toFixed(1), "vs copy": +(composed / copy).toFixed(4) },
  ];
  for (const [name, format] of [["fixed 8.4", fixedPoint({ bits: 8, frac: 4 })], ["FP16", FP16], ["FP8 E4M3", FP8_E4M3]] as const) {
    for (const rounding of ROUNDINGS) {
      const onTensor = rate(() => quantize(x, format, { rounding, seed: 1 }).dispose());
      const onArray = rate(() => quantize(data, format, { rounding, seed: 1 }));
      rows.push({ what: `${name} ${rounding}, ${backend.name} tensor`, "M elements/s": +(onTensor / 1e6).toFixed(0), "vs copy": +(onTensor / copy).toFixed(3) });
      rows.push({ what: `${name} ${rounding}, Float32Array`, "M elements/s": +(onArray / 1e6).toFixed(0), "vs copy": +(onArray / copy).toFixed(3) });
    }
  }
  x.dispose();
  console.log(`${N} elements; lowbit's stochastic rounding vs composed ops: ` +
    `${(rows.find((r) => r.what === `fixed 8.4 stochastic, ${backend.name} tensor`)!["M elements/s"] as number * 1e6 / composed).toFixed(0)}x`);
  table(rows);
}
