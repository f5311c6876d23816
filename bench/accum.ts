/**
 * Emulated low-precision accumulation: accumulate() terms/s and lowPrecisionMatMul MAC/s next
 * to two baselines measured in the same run: a plain float64 dot product loop over
 * Float32Arrays (for accumulate) and a plain JS matmul with float64 sums (for the matmul).
 * Targets: issue 6, the round-to-nearest paths at >= 50% of their baseline's rate (met with
 * products inside the format's normal range; the range-checked rounding runs at about 25%);
 * issue 17, the exact path (stochastic rounding, truncation; the wasm kernel of
 * lib/wasm/accumulate.ts) at >= 25% of the nearest path's rate with the same settings, printed
 * as the ratio "stochastic / nearest".
 * Rates are operations per second of process CPU time (user + system), best of several rounds:
 * on a shared machine wall-clock time also counts the other processes' time slices.
 */
import { accumulate, floatingPoint, Rng } from "lowbit";
import { lowPrecisionMatMulArray } from "lowbit/accum";
import { table } from "./timing";

/** Operations/s of `f` (which does `ops` operations) in process CPU time: the best of `rounds` timed rounds. */
function rate(f: () => number, ops: number, rounds = 7, reps = 3): number {
  let sink = f();
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) sink += f();
    const used = process.cpuUsage(t0);
    best = Math.max(best, (reps * ops) / ((used.user + used.system) / 1e6));
  }
  if (Number.isNaN(sink)) console.log("(sink)");
  return best;
}

function gaussian(n: number, seed: number): Float32Array {
  const rng = new Rng(seed, 0);
  return new Float32Array(n).map(() => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

function dot(x: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/** C = A B, i-k-j order (row-major streams), float64 sums stored to float32. */
function plainMatMul(a: Float32Array, b: Float32Array, M: number, K: number, N: number, out: Float32Array): number {
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    for (let k = 0; k < K; k++) {
      const x = a[i * K + k],
        bk = k * N;
      for (let j = 0; j < N; j++) row[j] += x * b[bk + j];
    }
    for (let j = 0; j < N; j++) out[i * N + j] = row[j];
  }
  return out[0];
}

export async function run(): Promise<void> {
  const n = 1 << 16;
  const x = gaussian(n, 1),
    y = gaussian(n, 2);
  const products = x.map((v, i) => v * y[i]);
  const dotRate = rate(() => dot(x, y), n);
  const M = 64,
    K = 800,
    N = 64;
  const a = gaussian(M * K, 3),
    b = gaussian(K * N, 4),
    out = new Float32Array(M * N);
  const plainRate = rate(() => plainMatMul(a, b, M, K, N, out), M * K * N);
  // E8M5 products stay normal (the unchecked rounding step); E5M5 products of Gaussian operands
  // reach its subnormals, which takes the range-checked rounding.
  const e8m5 = floatingPoint({ exp: 8, man: 5 }),
    e5m5 = floatingPoint({ exp: 5, man: 5 });
  const mm = (accumulator: Parameters<typeof lowPrecisionMatMulArray>[2]["accumulator"], product = e8m5) =>
    rate(
      () =>
        lowPrecisionMatMulArray(
          { values: a, shape: [M, K] },
          { values: b, shape: [K, N] },
          { product, accumulator },
        )[0],
      M * K * N,
      5,
      1,
    );
  const rows: Record<string, string | number>[] = [];
  const add = (what: string, r: number, base: number, baseName: string) =>
    rows.push({ what, "M MAC/s": +(r / 1e6).toFixed(1), ratio: +(r / base).toFixed(3), vs: baseName });
  const sum = (options: Parameters<typeof accumulate>[1], rounds = 7) =>
    rate(() => accumulate(products, options), n, rounds);
  add("plain float64 dot product (baseline)", dotRate, dotRate, "dot");
  const nearest = sum({ mantissaBits: 8 }),
    nearest64 = sum({ mantissaBits: 8, chunk: 64 });
  add(`accumulate n=${n}, m=8, nearest`, nearest, dotRate, "dot");
  add(`accumulate n=${n}, m=8, nearest, chunk 64`, nearest64, dotRate, "dot");
  add(`accumulate n=${n}, m=8, stochastic`, sum({ mantissaBits: 8, rounding: "stochastic" }), nearest, "nearest");
  add(
    `accumulate n=${n}, m=8, stochastic, chunk 64`,
    sum({ mantissaBits: 8, rounding: "stochastic", chunk: 64 }),
    nearest64,
    "nearest chunk 64",
  );
  add(`accumulate n=${n}, m=8, zero`, sum({ mantissaBits: 8, rounding: "zero" }), nearest, "nearest");
  add(
    `accumulate n=${n}, m=8, E5, stochastic, chunk 64`,
    sum({ mantissaBits: 8, exponentBits: 5, rounding: "stochastic", chunk: 64 }),
    nearest64,
    "nearest chunk 64",
  );
  add(`plain JS matmul ${M}x${K}x${N} (baseline)`, plainRate, plainRate, "matmul");
  const mmNearest = mm({ mantissaBits: 8 }),
    mmNearest64 = mm({ mantissaBits: 8, chunk: 64 });
  add("lowPrecisionMatMul, products E8M5, m=8, nearest", mmNearest, plainRate, "matmul");
  add("  the same vs the dot product", mmNearest, dotRate, "dot");
  add("lowPrecisionMatMul, m=8, nearest, chunk 64", mmNearest64, plainRate, "matmul");
  add(
    "lowPrecisionMatMul, products E5M5 (subnormals), m=8, nearest",
    mm({ mantissaBits: 8 }, e5m5),
    plainRate,
    "matmul",
  );
  add("lowPrecisionMatMul, m=8, stochastic", mm({ mantissaBits: 8, rounding: "stochastic" }), mmNearest, "mm nearest");
  add(
    "lowPrecisionMatMul, m=8, stochastic, chunk 64",
    mm({ mantissaBits: 8, rounding: "stochastic", chunk: 64 }),
    mmNearest64,
    "mm nearest chunk 64",
  );
  add("lowPrecisionMatMul, m=8, zero", mm({ mantissaBits: 8, rounding: "zero" }), mmNearest, "mm nearest");
  table(rows);
  console.log("ratio stochastic / nearest (issue 17 target >= 0.25): the rows whose 'vs' is a nearest path");
}
