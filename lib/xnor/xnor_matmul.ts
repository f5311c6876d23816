/**
 * Binary matrix product by XNOR and popcount (Hubara et al., JMLR 2017, QNN). For +-1 vectors a, b
 * of length K packed as bits (1 for +1), the products a_k * b_k are +1 where the bits agree, so
 *
 *   a . b = (#agree) - (#differ) = K - 2 * popcount(a XOR b),
 *
 * an integer computed exactly (QNN writes it with XNOR: 2 * popcount(XNOR(a, b)) - K). The
 * kernel (lib/wasm/xnor.ts) rearranges B's packed columns into panels of 4, then XORs 64-bit
 * words of one row of A with the 4 columns of a panel and counts bits with i64.popcnt, 4 sums in
 * registers (why scalar words beat i8x16.popcnt on V8: see the kernel).
 */
import { wasmRegions } from "./wasm_regions";
import type { PackedSigns } from "./packed_signs";

/**
 * C = A B for A [M, K] and B [K, N] with entries +-1: `a` packs A's rows, `b` packs B's
 * columns (packSigns(B, { along: "columns" })). Returns C row-major [M, N] as exact integers,
 * equal to the float product of the +-1 matrices. With `out` (an Int32Array of M * N), C is
 * written there and `out` returned, like GEMM's C argument: a caller that multiplies
 * repeatedly reuses one array instead of allocating M * N * 4 fresh bytes per call (at 1024^3
 * measured here, a fresh 4 MB array cost 0.4-20 ms of page faults, the kernel about 5.7 ms).
 */
export function xnorMatMul(a: PackedSigns, b: PackedSigns, out?: Int32Array): Int32Array {
  if (a.cols !== b.cols) {
    throw new RangeError(
      `lowbit: xnorMatMul needs a.cols = b.cols (the shared dimension K); got ${a.cols} and ${b.cols}`,
    );
  }
  const { rows: M, cols: K, wordsPerRow } = a;
  const N = b.rows;
  if (out !== undefined) {
    if (!(out instanceof Int32Array)) throw new TypeError("lowbit: xnorMatMul out must be an Int32Array");
    if (out.length !== M * N) {
      throw new RangeError(`lowbit: xnorMatMul out.length must be a.rows * b.rows = ${M * N}; got ${out.length}`);
    }
  }
  const vecs = wordsPerRow / 4;
  const panelBytes = wasmRegions([]).kernels.xnorPanelBytes(N, vecs);
  const {
    kernels,
    buffer,
    offsets: [pa, pb, panel, product],
  } = wasmRegions([a.words.byteLength, b.words.byteLength, panelBytes, M * N * 4]);
  new Uint32Array(buffer, pa, a.words.length).set(a.words);
  new Uint32Array(buffer, pb, b.words.length).set(b.words);
  kernels.xnorGemm(pa, pb, panel, product, M, N, vecs, K);
  const result = new Int32Array(buffer, product, M * N);
  if (out === undefined) return result.slice();
  out.set(result);
  return out;
}
