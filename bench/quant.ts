/**
 * Quantizers on 4M float32 elements: elements/s of each format x rounding, as
 * tensors on the current backend and as Float32Arrays, next to two baselines measured in the
 * same run: a Float32Array.set copy of the same data, and stochastic rounding to fixed point
 * composed from tfjs ops (what quantization costs without lowbit's kernels).
 * Target (issue 4): fixed and float stochastic rounding at >= 25% of the copy's rate.
 */
import * as tf from "lowbit/tf";
import {
  blockFloatingPoint,
  dynamicFixedPoint,
  FP16,
  FP8_E4M3,
  fixedPoint,
  type Format,
  initBackend,
  powerOfTwo,
  quantize,
} from "lowbit";
import { BASIC_ROUNDINGS, binary, integer, ternary } from "lowbit/quant";
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
  // The result is read outside tf.tidy: returning its data from tidy would time tfjs's walk
  // over the returned array (issue 17), not the ops.
  const composed = rate(
    () => {
      const q = tf.tidy(() =>
        x
          .mul(16)
          .add(tf.randomUniform([N]))
          .floor()
          .clipByValue(-128, 127)
          .div(16),
      );
      q.dataSync();
      q.dispose();
    },
    2,
    1,
  );
  const rows: Record<string, string | number>[] = [
    { what: "Float32Array.set copy (baseline)", "M elements/s": +(copy / 1e6).toFixed(0), "vs copy": 1 },
    {
      what: "composed tfjs ops, fixed SR",
      "M elements/s": +(composed / 1e6).toFixed(1),
      "vs copy": +(composed / copy).toFixed(4),
    },
  ];
  const formats: [string, Format][] = [
    ["fixed 8.4", fixedPoint({ bits: 8, frac: 4 })],
    ["FP16", FP16],
    ["FP8 E4M3", FP8_E4M3],
    ["integer 4, scale 0.1", integer({ bits: 4, scale: 0.1 })],
    ["powerOfTwo 4", powerOfTwo({ bits: 4, maxExponent: 2 })],
    ["blockFloat 8 / 32", blockFloatingPoint({ bits: 8, blockSize: 32 })],
  ];
  for (const [name, format] of formats) {
    for (const rounding of BASIC_ROUNDINGS) {
      const onTensor = rate(() => quantize(x, format, { rounding, seed: 1 }).dispose());
      const onArray = rate(() => quantize(data, format, { rounding, seed: 1 }));
      rows.push({
        what: `${name} ${rounding}, ${backend.name} tensor`,
        "M elements/s": +(onTensor / 1e6).toFixed(0),
        "vs copy": +(onTensor / copy).toFixed(3),
      });
      rows.push({
        what: `${name} ${rounding}, Float32Array`,
        "M elements/s": +(onArray / 1e6).toFixed(0),
        "vs copy": +(onArray / copy).toFixed(3),
      });
    }
  }
  for (const [name, format] of [
    ["binary", binary()],
    ["binary stochastic", binary({ stochastic: true })],
    ["ternary (TWN)", ternary()],
  ] as const) {
    const onTensor = rate(() => quantize(x, format, { seed: 1 }).dispose());
    rows.push({
      what: `${name}, ${backend.name} tensor`,
      "M elements/s": +(onTensor / 1e6).toFixed(0),
      "vs copy": +(onTensor / copy).toFixed(3),
    });
  }
  const dfp = dynamicFixedPoint({ bits: 8, exponent: "overflow", updateEvery: 1 });
  const dfpRate = rate(() => dfp.quantize(x, { rounding: "stochastic", seed: 1 }).dispose());
  rows.push({
    what: `dynamicFixedPoint 8, overflow rule every call, SR, ${backend.name} tensor`,
    "M elements/s": +(dfpRate / 1e6).toFixed(0),
    "vs copy": +(dfpRate / copy).toFixed(3),
  });
  x.dispose();
  const vsComposed =
    ((rows.find((r) => r.what === `fixed 8.4 stochastic, ${backend.name} tensor`)!["M elements/s"] as number) * 1e6) /
    composed;
  table(
    rows,
    `quantizers on ${N} elements; lowbit's fixed-point stochastic rounding is ${vsComposed.toFixed(0)}x the composed tfjs ops:`,
  );
}
