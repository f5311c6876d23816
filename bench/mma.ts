/**
 * Matrix-unit presets (MMA_PRESETS) inside lowPrecisionMatMul and inside training: MAC/s of each
 * preset's GEMM next to tfjs's float32 matMul on the same backend in the same run, and the
 * training step of a small MLP (784-256-10, batch 64, quantDense layers, all three GEMMs of both
 * layers through the preset, operands rounded to its input format) next to the same model's float
 * step. Issue 23's target: the preset step at >= 10% of the float step's speed. Times are process
 * CPU time (user + system), alternating baseline and preset runs (timing.ts paired), so that a
 * busy shared machine slows both alike.
 */
import * as tf from "lowbit/tf";
import { type EmulatedAccumulation, lowPrecisionMatMulArray, MMA_PRESETS, type MmaPresetName } from "lowbit/accum";
import { quantDense, Rng } from "lowbit";
import { paired, table } from "./timing";

function uniform(n: number, seed: number): Float32Array {
  const rng = new Rng(seed, 0);
  return new Float32Array(n).map(() => rng.next() * 2 - 1);
}

function gemms(): void {
  const [M, K, N] = [128, 512, 128];
  const macs = M * K * N;
  const a = uniform(M * K, 1),
    b = uniform(K * N, 2);
  const at = tf.tensor2d(a, [M, K]),
    bt = tf.tensor2d(b, [K, N]);
  // Read outside tf.tidy: a typed array returned from tidy is walked element by element.
  const float = () => {
    const c = tf.matMul(at, bt);
    c.dataSync();
    c.dispose();
  };
  const rows = [];
  const cases: [MmaPresetName, number | undefined][] = [
    ["hopper-fp8", undefined],
    ["hopper-fp8", 128],
    ["blackwell-fp8", undefined],
    ["hopper-fp16", undefined],
    ["ampere-fp16", undefined],
    ["volta-fp16", undefined],
    ["fp32-sequential", undefined],
  ];
  for (const [preset, promoteEvery] of cases) {
    const unit = () =>
      lowPrecisionMatMulArray(
        { values: a, shape: [M, K] },
        { values: b, shape: [K, N] },
        { accumulator: preset, promoteEvery, inputs: "round" },
      );
    const r = paired(float, unit, 5, 2, 500);
    rows.push({
      preset: promoteEvery === undefined ? preset : `${preset}, promoteEvery ${promoteEvery}`,
      "float GEMM M MAC/s": Math.round(macs / r.baselineCpuMs / 1e3),
      "preset M MAC/s": Math.round(macs / r.kernelCpuMs / 1e3),
      "preset / float": Number(r.cpuRatio.toFixed(4)),
    });
  }
  tf.dispose([at, bt]);
  table(
    rows,
    `GEMM [${M}, ${K}] x [${K}, ${N}] through lowPrecisionMatMul with a preset vs tf.matMul (${tf.getBackend()})`,
  );
}

function mlp(accumulation: EmulatedAccumulation | undefined): tf.Sequential {
  return tf.sequential({
    layers: [
      quantDense({ units: 256, activation: "relu", inputShape: [784], seed: 1, accumulation }),
      quantDense({ units: 10, seed: 2, accumulation }),
    ],
  });
}

function training(): void {
  const batch = 64;
  const x = tf.tensor2d(
    uniform(batch * 784, 3).map((v) => Math.abs(v)),
    [batch, 784],
  );
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      "int32",
    ),
    10,
  );
  const rows = [];
  const macs = 3 * batch * (784 * 256 + 256 * 10);
  for (const [preset, promoteEvery] of [
    ["hopper-fp8", undefined],
    ["hopper-fp8", 128],
    ["hopper-fp16", undefined],
  ] as const) {
    const float = mlp(undefined),
      emulated = mlp({ accumulator: preset, promoteEvery, inputs: "round" });
    const opt = [tf.train.sgd(0.01), tf.train.sgd(0.01)];
    const step = (model: tf.Sequential, o: tf.Optimizer) => () =>
      tf.tidy(() => {
        const loss = o.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
        );
        loss?.dataSync();
      });
    const r = paired(step(float, opt[0]), step(emulated, opt[1]), 5, 2, 500);
    rows.push({
      preset: promoteEvery === undefined ? preset : `${preset}, promoteEvery ${promoteEvery}`,
      "float step ms (cpu)": Number(r.baselineCpuMs.toFixed(1)),
      "preset step ms (cpu)": Number(r.kernelCpuMs.toFixed(1)),
      "preset / float speed": Number(r.cpuRatio.toFixed(3)),
      "preset GEMM M MAC/s": Math.round(macs / r.kernelCpuMs / 1e3),
    });
    float.dispose();
    emulated.dispose();
    opt.forEach((o) => o.dispose());
  }
  tf.dispose([x, y]);
  table(rows, `MLP 784-256-10 training step, batch ${batch}: all GEMMs through the preset vs float32 (target >= 0.1)`);
}

export async function run(): Promise<void> {
  if (!("hopper-fp8" in MMA_PRESETS)) throw new Error("MMA_PRESETS lacks hopper-fp8");
  gemms();
  training();
}
