/**
 * Bit-packed sign matrices (Hubara et al., JMLR 2017, QNN): the sign of each value as one bit,
 * 1 iff value >= 0 (so +1, 0 and -0 pack to 1; -1 and NaN to 0), 32 signs per u32 word with
 * element k of a row in bit k % 32 of word k / 32. Each row is padded with zero bits to a whole
 * number of 128-bit vectors (wordsPerRow a multiple of 4), the unit of the SIMD kernel; the
 * padding is zero in every operand, so it never changes a popcount of an XOR.
 */
import * as tf from "../backend/tf";
import { checkInteger } from "../core/checks";
import { wasmRegions } from "./wasm_regions";

export interface PackedSigns {
  /** Number of packed rows. */
  readonly rows: number;
  /** Signs per row (the length of the dot products). */
  readonly cols: number;
  /** u32 words per row: 4 * ceil(cols / 128). */
  readonly wordsPerRow: number;
  /** rows * wordsPerRow words, row-major. */
  readonly words: Uint32Array;
}

/** Words per packed row of `cols` signs: whole 128-bit vectors. */
export function packedWordsPerRow(cols: number): number {
  return 4 * Math.ceil(cols / 128);
}

/**
 * Packs the signs of the rows of a matrix given as float32 values, row-major [rows, cols].
 * With `along: "columns"` a tensor [K, N] is packed column by column (the rows of its
 * transpose), which is how xnorMatMul wants its right operand.
 */
export function packSigns(x: tf.Tensor2D, options?: { along?: "rows" | "columns" }): PackedSigns;
export function packSigns(x: Float32Array, rows: number, cols: number): PackedSigns;
export function packSigns(
  x: tf.Tensor2D | Float32Array,
  a?: number | { along?: "rows" | "columns" },
  b?: number,
): PackedSigns {
  if (x instanceof Float32Array) {
    checkInteger("packSigns rows", a as number, 1);
    checkInteger("packSigns cols", b as number, 1);
    const rows = a as number,
      cols = b as number;
    if (x.length !== rows * cols)
      throw new RangeError(`lowbit: packSigns values must hold rows * cols = ${rows * cols} numbers; got ${x.length}`);
    return packFloat32(x, rows, cols);
  }
  if (!(x instanceof tf.Tensor) || x.rank !== 2)
    throw new TypeError("lowbit: packSigns x must be a Float32Array or a rank-2 tensor");
  const along = (a as { along?: string } | undefined)?.along ?? "rows";
  if (along !== "rows" && along !== "columns")
    throw new RangeError(`lowbit: packSigns along must be "rows" or "columns"; got ${JSON.stringify(along)}`);
  const m = along === "rows" ? x : tf.transpose(x);
  const values = m.dataSync() as Float32Array;
  const [rows, cols] = m.shape;
  if (m !== x) m.dispose();
  return packFloat32(x.dtype === "float32" ? values : Float32Array.from(values), rows, cols);
}

function packFloat32(x: Float32Array, rows: number, cols: number): PackedSigns {
  const wordsPerRow = packedWordsPerRow(cols);
  const {
    kernels,
    buffer,
    offsets: [src, dst],
  } = wasmRegions([x.byteLength, rows * wordsPerRow * 4]);
  new Float32Array(buffer, src, x.length).set(x);
  kernels.packSigns(src, rows, cols, dst, wordsPerRow / 4);
  return { rows, cols, wordsPerRow, words: new Uint32Array(buffer, dst, rows * wordsPerRow).slice() };
}

/** The +-1 values of a packed matrix, row-major [rows, cols] (a bit 1 is +1, 0 is -1). */
export function unpackSigns(p: PackedSigns): Float32Array {
  const out = new Float32Array(p.rows * p.cols);
  for (let r = 0; r < p.rows; r++) {
    for (let k = 0; k < p.cols; k++) {
      const bit = (p.words[r * p.wordsPerRow + (k >>> 5)] >>> (k & 31)) & 1;
      out[r * p.cols + k] = bit === 1 ? 1 : -1;
    }
  }
  return out;
}
