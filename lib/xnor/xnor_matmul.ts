/**
 * Binary matrix product by XNOR and popcount (QNN, papers.md section 4). For +-1 vectors a, b
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
 * equal to the float product of the +-1 matrices.
 */
export function xnorMatMul(a: PackedSigns, b: PackedSigns): Int32Array {
  if (a.cols !== b.cols) {
    throw new RangeError(`lowbit: xnorMatMul needs a.cols = b.cols (the shared dimension K); got ${a.cols} and ${b.cols}`);
  }
  const { rows: M, cols: K, wordsPerRow } = a;
  const N = b.rows;
  const vecs = wordsPerRow / 4;
  const panelBytes = wasmRegions([]).kernels.xnorPanelBytes(N, vecs);
  const { kernels, buffer, offsets: [pa, pb, panel, out] } =
    wasmRegions([a.words.byteLength, b.words.byteLength, panelBytes, M * N * 4]);
  new Uint32Array(buffer, pa, a.words.length).set(a.words);
  new Uint32Array(buffer, pb, b.words.length).set(b.words);
  kernels.xnorGemm(pa, pb, panel, out, M, N, vecs, K);
  return new Int32Array(buffer, out, M * N).slice();
}
