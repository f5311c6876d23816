/**
 * The exact path of the accumulator emulator on lowbit's wasm kernels (lib/wasm/accumulate.ts),
 * on lowbit's own memory (standaloneWasm), so every tfjs backend gets the same bits. The kernels
 * compute sumLanes (rounding.ts, kept as the JavaScript reference) with the same float64
 * operations in the same order: the same results and the same hash32 draws, bit for bit
 * (test/accum/exact_wasm.test.ts). Four lanes run interleaved with one SIMD hash for the four,
 * which JavaScript could not do (V8 boxes the doubles of a step it does not inline).
 */
import type { LowbitWasm } from "../backend/lowbit_wasm";
import { wasmRegions } from "../xnor/wasm_regions";
import { DIRECT_MAX_MANTISSA, type ExactFormat } from "./rounding";

const TABLE_BYTES = 3 * 2048 * 8;
/** Scratch of the kernel's draws (DRAWS_BYTES of lib/wasm/accumulate.ts), after the table. */
const DRAWS_BYTES = 8 * 128 * 8;

/** The lane arguments of accumulateLanes as views on the wasm memory, with their byte offsets. */
interface LaneViews {
  base: Int32Array;
  counter0: Int32Array;
  keyA: Int32Array;
  keyB: Int32Array;
  at: { base: number; counter0: number; keyA: number; keyB: number };
}

function laneViews(buffer: ArrayBuffer, offsets: number[], count: number): LaneViews {
  const [base, counter0, keyA, keyB] = offsets;
  const view = (at: number) => new Int32Array(buffer, at, count);
  return {
    base: view(base),
    counter0: view(counter0),
    keyA: view(keyA),
    keyB: view(keyB),
    at: { base, counter0, keyA, keyB },
  };
}

/** Writes the format's binade table (q, 1 / q, C) at byte offset `at`. */
function writeTable(buffer: ArrayBuffer, at: number, f: ExactFormat): void {
  const table = new Float64Array(buffer, at, 3 * 2048);
  table.set(f.table.q, 0);
  table.set(f.table.inverse, 2048);
  table.set(f.table.C, 4096);
}

/** accumulateLanes over `lanes` lanes starting at lane `first` of the lane views. */
function runLanes(
  kernels: LowbitWasm,
  f: ExactFormat,
  terms: number,
  L: LaneViews,
  first: number,
  stride: number,
  lanes: number,
  length: number,
  sums: number,
  table: number,
): void {
  const o = 4 * first,
    max = f.maxFinite;
  kernels.accumulateLanes(
    terms,
    L.at.base + o,
    stride,
    L.at.counter0 + o,
    L.at.keyA + o,
    L.at.keyB + o,
    lanes,
    length,
    sums + 8 * first,
    table,
    f.mode,
    f.mantissaBits,
    f.emin,
    max,
    f.mantissaBits <= DIRECT_MAX_MANTISSA ? 1 : 0,
    table + TABLE_BYTES,
  );
}

/**
 * accumulate()'s exact path: chunks of c terms summed as interleaved lanes, counters j c + i,
 * then the chunk sums in order with counters n + j; the key words (a, b) of the stream.
 */
export function sumExactWasm(x: Float32Array | Float64Array, f: ExactFormat, c: number, a: number, b: number): number {
  const n = x.length;
  const full = Math.floor(n / c),
    last = n - full * c,
    chunks = full + (last > 0 ? 1 : 0);
  const { kernels, buffer, offsets } = wasmRegions([
    8 * n,
    4 * chunks,
    4 * chunks,
    4 * chunks,
    4 * chunks,
    8 * chunks,
    8,
    TABLE_BYTES + DRAWS_BYTES,
  ]);
  const [terms, , , , , sums, total, table] = offsets;
  new Float64Array(buffer, terms, n).set(x);
  writeTable(buffer, table, f);
  const L = laneViews(buffer, offsets.slice(1), chunks);
  for (let j = 0; j < chunks; j++) {
    L.base[j] = L.counter0[j] = j * c;
    L.keyA[j] = a;
    L.keyB[j] = b;
  }
  const chunkSums = new Float64Array(buffer, sums, chunks);
  chunkSums.fill(0);
  runLanes(kernels, f, terms, L, 0, 1, full, c, sums, table);
  if (last > 0) runLanes(kernels, f, terms, L, full, 1, 1, last, sums, table);
  if (chunks === 1) return chunkSums[0];
  L.base[0] = 0;
  L.counter0[0] = n;
  const totalView = new Float64Array(buffer, total, 1);
  totalView[0] = 0;
  runLanes(kernels, f, sums, L, 0, 1, 1, chunks, total, table);
  return totalView[0];
}

/** The product rounding of lowPrecisionMatMul (matmul.ts ProductRounder), as the kernel takes it. */
export interface ProductRounding {
  K: number;
  minNormal: number;
  C: number;
  maxFinite: number;
  overflow: number;
  inRange: boolean;
}

/**
 * lowPrecisionMatMul's exact path: for each row i and group of up to `group` columns, the
 * rounded products column by column, then every (column, chunk) pair a lane (lane h G + l:
 * chunk h of column l, counters h c + k, the stream (stream + i N + j) mod 2^32 keyed by
 * `key`), then each column's chunk sums in order with counters K + h.
 */
export function matMulExactWasm(
  a: Float32Array,
  bt: Float32Array,
  M: number,
  K: number,
  N: number,
  p: ProductRounding,
  f: ExactFormat,
  c: number,
  group: number,
  key: (stream: number) => [number, number],
  stream: number,
  out: Float32Array,
): void {
  const full = Math.floor(K / c),
    last = K - full * c,
    chunks = full + (last > 0 ? 1 : 0);
  const lanes = group * chunks;
  const { kernels, buffer, offsets } = wasmRegions([
    4 * lanes,
    4 * lanes,
    4 * lanes,
    4 * lanes,
    4 * M * K,
    4 * K * N,
    8 * group * K,
    8 * lanes,
    8 * group,
    TABLE_BYTES + DRAWS_BYTES,
  ]);
  const [, , , , A, B, products, sums, totals, table] = offsets;
  new Float32Array(buffer, A, M * K).set(a);
  new Float32Array(buffer, B, K * N).set(bt);
  writeTable(buffer, table, f);
  const L = laneViews(buffer, offsets, lanes);
  const chunkSums = new Float64Array(buffer, sums, lanes),
    totalSums = new Float64Array(buffer, totals, group);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j += group) {
      const G = Math.min(group, N - j);
      kernels.roundedProducts(
        A + 4 * i * K,
        B + 4 * j * K,
        G,
        K,
        products,
        p.K,
        p.inRange ? 1 : 0,
        p.minNormal,
        p.C,
        p.maxFinite,
        p.overflow,
      );
      for (let l = 0; l < G; l++) {
        const [ka, kb] = key((stream + i * N + j + l) >>> 0);
        for (let h = 0; h < chunks; h++) {
          const lane = h * G + l;
          L.base[lane] = l * K + h * c;
          L.counter0[lane] = h * c;
          L.keyA[lane] = ka;
          L.keyB[lane] = kb;
        }
      }
      chunkSums.fill(0);
      runLanes(kernels, f, products, L, 0, 1, full * G, c, sums, table);
      if (last > 0) runLanes(kernels, f, products, L, full * G, 1, G, last, sums, table);
      if (chunks === 1) {
        for (let l = 0; l < G; l++) out[i * N + j + l] = chunkSums[l];
        continue;
      }
      for (let l = 0; l < G; l++) {
        L.base[l] = l;
        L.counter0[l] = K;
      }
      totalSums.fill(0);
      runLanes(kernels, f, sums, L, 0, G, G, chunks, totals, table);
      for (let l = 0; l < G; l++) out[i * N + j + l] = totalSums[l];
    }
  }
}
