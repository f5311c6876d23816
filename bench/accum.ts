/**
 * Emulated low-precision accumulation: accumulate() terms/s and lowPrecisionMatMul MAC/s next
 * to two baselines measured in the same run: a plain float64 dot product loop over
 * Float32Arrays (for accumulate) and a plain JS matmul with float64 sums (for the matmul).
 * Target (issue 6): the round-to-nearest paths at >= 50% of their baseline's rate (met with
 * products inside the format's normal range; the range-checked rounding runs at about 25%).
 */
import { accumulate, floatingPoint, lowPrecisionMatMulArray, Rng } from "lowbit";
import { table } from "./timing";

/** Operations/s of `f` (which does `ops` operations): the best of `rounds` timed rounds. */
function rate(f: () => number, ops: number, rounds = 7, reps = 3): number {
  let sink = f();
  let best = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) sink += f();
    best = Math.max(best, (reps * ops) / ((performance.now() - t0) / 1000));
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
      const x = a[i * K + k], bk = k * N;
      for (let j = 0; j < N; j++) row[j] += x * b[bk + j];
    }
    for (let j = 0; j < N; j++) out[i * N + j] = row[j];
  }
  return out[0];
}

export async function run(): Promise<void> {
  const n = 1 << 16;
  const x = gaussian(n, 1), y = gaussian(n, 2);
  const products = x.map((v, i) => v * y[i]);
  const dotRate = rate(() => dot(x, y), n);
  const M = 64, K = 800, N = 64;
  const a = gaussian(M * K, 3), b = gaussian(K * N, 4), out = new Float32Array(M * N);
  const plainRate = rate(() => plainMatMul(a, b, M, K, N, out), M * K * N);
  // E8M5 products stay normal (the unchecked rounding step); E5M5 products of Gaussian operands
  // reach its subnormals, which takes the range-checked rounding.
  const e8m5 = floatingPoint({ exp: 8, man: 5 }), e5m5 = floatingPoint({ exp: 5, man: 5 });
  const mm = (accumulator: Parameters<typeof lowPrecisionMatMulArray>[2]["accumulator"], product = e8m5) =>
    rate(() => lowPrecisionMatMulArray({ values: a, shape: [M, K] }, { values: b, shape: [K, N] }, { product, accumulator })[0], M * K * N, 5, 1);
  const rows: Record<string, string | number>[] = [];
  const add = (what: string, r: number, base: number, baseName: string) =>
    rows.push({ what, "M MAC/s": +(r / 1e6).toFixed(1), ratio: +(r / base).toFixed(3), "vs": baseName });
  add("plain float64 dot product (baseline)", dotRate, dotRate, "dot");
  add(`accumulate n=${n}, m=8, nearest`, rate(() => accumulate(products, { mantissaBits: 8 }), n), dotRate, "dot");
  add(`accumulate n=${n}, m=8, nearest, chunk 64`, rate(() => accumulate(products, { mantissaBits: 8, chunk: 64 }), n), dotRate, "dot");
  add(`accumulate n=${n}, m=8, zero (exact path)`, rate(() => accumulate(products, { mantissaBits: 8, rounding: "zero" }), n, 3, 1), dotRate, "dot");
  add(`plain JS matmul ${M}x${K}x${N} (baseline)`, plainRate, plainRate, "matmul");
  const nearest = mm({ mantissaBits: 8 });
  add("lowPrecisionMatMul, products E8M5, m=8, nearest", nearest, plainRate, "matmul");
  add("  the same vs the dot product", nearest, dotRate, "dot");
  add("lowPrecisionMatMul, m=8, nearest, chunk 64", mm({ mantissaBits: 8, chunk: 64 }), plainRate, "matmul");
  add("lowPrecisionMatMul, products E5M5 (subnormals), m=8, nearest", mm({ mantissaBits: 8 }, e5m5), plainRate, "matmul");
  add("lowPrecisionMatMul, m=8, stochastic (exact path)", mm({ mantissaBits: 8, rounding: "stochastic" }), plainRate, "matmul");
  table(rows);
}
