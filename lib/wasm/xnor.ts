// XNOR-popcount matrix product of bit-packed sign matrices (Hubara et al., JMLR 2017, QNN). A sign
// matrix is stored row by row, 32 signs per u32 word (bit 1 iff the value is >= 0, element k
// of a row in bit k % 32 of word k / 32), each row padded with zero bits to `vecs` 128-bit
// vectors. For rows a of A [M, K] and b of B^T [N, K]:
//   dot(a, b) = K - 2 * popcount(a XOR b)
// (padding bits are zero in both, so their XOR is zero and they add nothing).
//
// Why scalar 64-bit words and not v128: V8 (x64, without relaxed SIMD) lowers i8x16.popcnt to
// a nibble-table sequence of 6 vector instructions plus 2 constant loads, so one 128-bit step
// costs 8 vector ALU instructions (xor, popcount, byte add): 16 bits per instruction. A 64-bit
// step is xor + popcnt + add, 3 integer instructions: 21 bits per instruction, on the wider
// integer side of the core. Measured on the bench machine (AMD EPYC, Zen 5), the best v128
// kernel (1 row x 6 columns, byte accumulators) ran at about 155 G MAC/s, this one at about
// 190-210 G MAC/s (bench/xnor.ts).

/** Columns of B per panel: one row of A is XORed with 4 columns, whose words are interleaved. */
const PANEL: i32 = 4;

/** Columns computed per pass over A's rows: 64 packed rows of B^T (32 KB at K = 4096) stay in L1. */
const COLUMN_TILE: i32 = 64;

/** Bytes of panel scratch xnorGemm needs for N columns of `vecs` vectors. */
export function xnorPanelBytes(N: i32, vecs: i32): i32 {
  return ((N + PANEL - 1) / PANEL) * PANEL * (vecs << 4);
}

/**
 * Rearranges the rows of B^T [N, K] into panels of PANEL columns: word w of the panel's column
 * c at u64 index w * PANEL + c, so the inner loop reads one contiguous stream. Columns past N
 * are zero (their results are not stored).
 */
function packPanels(b: usize, panel: usize, N: i32, vecs: i32): void {
  const words = vecs << 1;
  const rowBytes = <usize>vecs << 4;
  for (let p = 0; p < N; p += PANEL) {
    const dst = panel + <usize>p * rowBytes;
    for (let c = 0; c < PANEL; c++) {
      const col = b + <usize>(p + c) * rowBytes;
      for (let w = 0; w < words; w++) {
        store<u64>(dst + (<usize>(w * PANEL + c) << 3), p + c < N ? load<u64>(col + (<usize>w << 3)) : 0);
      }
    }
  }
}

/**
 * out[i, j] = K - 2 * popcount(a_i XOR b_j) as i32, out row-major [M, N]; `panel` is scratch
 * of xnorPanelBytes(N, vecs) bytes. Register block: 1 row of A by the 4 columns of a panel,
 * 64-bit words, 4 popcount sums in registers; each loaded word of A feeds 4 XOR-popcounts.
 */
export function xnorGemm(a: usize, b: usize, panel: usize, out: usize, M: i32, N: i32, vecs: i32, K: i32): void {
  packPanels(b, panel, N, vecs);
  const rowBytes = <usize>vecs << 4;
  for (let j0 = 0; j0 < N; j0 += COLUMN_TILE) {
    const j1 = min<i32>(N, j0 + COLUMN_TILE);
    for (let i = 0; i < M; i++) {
      const row = a + <usize>i * rowBytes;
      const end = row + rowBytes;
      const outRow = out + ((<usize>i * <usize>N) << 2);
      for (let j = j0; j < j1; j += PANEL) {
        let q = panel + <usize>j * rowBytes;
        let t0: u64 = 0, t1: u64 = 0, t2: u64 = 0, t3: u64 = 0;
        for (let x = row; x < end; x += 8) {
          const w = load<u64>(x);
          t0 += popcnt<u64>(w ^ load<u64>(q));
          t1 += popcnt<u64>(w ^ load<u64>(q, 8));
          t2 += popcnt<u64>(w ^ load<u64>(q, 16));
          t3 += popcnt<u64>(w ^ load<u64>(q, 24));
          q += 32;
        }
        const o = outRow + (<usize>j << 2);
        const cols = N - j;
        store<i32>(o, K - 2 * <i32>t0);
        if (cols > 1) store<i32>(o, K - 2 * <i32>t1, 4);
        if (cols > 2) store<i32>(o, K - 2 * <i32>t2, 8);
        if (cols > 3) store<i32>(o, K - 2 * <i32>t3, 12);
      }
    }
  }
}

/**
 * Packs the signs of float32 x [rows, cols] (bit 1 iff x >= 0, so -0 gives 1 and NaN 0) into
 * dst, `vecs` 128-bit vectors per row, zero-padded. Four lanes compare at once; their bitmask
 * fills a nibble.
 */
export function packSigns(src: usize, rows: i32, cols: i32, dst: usize, vecs: i32): void {
  const zero = f32x4.splat(0);
  const words = vecs << 2;
  for (let r = 0; r < rows; r++) {
    const row = src + ((<usize>r * <usize>cols) << 2);
    const out = dst + ((<usize>r * <usize>words) << 2);
    for (let w = 0; w < words; w++) {
      const k0 = w << 5;
      let word: u32 = 0;
      if (k0 + 32 <= cols) {
        for (let q = 0; q < 8; q++) {
          const m = i32x4.bitmask(f32x4.ge(v128.load(row + (<usize>(k0 + (q << 2)) << 2)), zero));
          word |= <u32>m << <u32>(q << 2);
        }
      } else {
        for (let k = k0; k < min<i32>(cols, k0 + 32); k++) {
          if (load<f32>(row + (<usize>k << 2)) >= 0) word |= <u32>1 << <u32>(k - k0);
        }
      }
      store<u32>(out + (<usize>w << 2), word);
    }
  }
}

/**
 * Packs a thresholded integer matrix: bit (r, k) = 1 iff x[r, k] * dir[k] >= thr[k], with x
 * i32 [rows, cols], dir[k] in {+1, -1}, thr i32 [cols]. A batch norm followed by sign, on the
 * integer output of xnorGemm, is such a threshold (one per unit; dir -1 where it decreases).
 */
export function packThresholded(src: usize, rows: i32, cols: i32, dir: usize, thr: usize, dst: usize, vecs: i32): void {
  const words = vecs << 2;
  for (let r = 0; r < rows; r++) {
    const row = src + ((<usize>r * <usize>cols) << 2);
    const out = dst + ((<usize>r * <usize>words) << 2);
    for (let w = 0; w < words; w++) {
      const k0 = w << 5;
      const k1 = min<i32>(cols, k0 + 32);
      let word: u32 = 0;
      if (k0 + 32 <= cols) {
        for (let q = 0; q < 8; q++) {
          const at = <usize>(k0 + (q << 2)) << 2;
          const x = i32x4.mul(v128.load(row + at), v128.load(dir + at));
          word |= <u32>i32x4.bitmask(i32x4.ge_s(x, v128.load(thr + at))) << <u32>(q << 2);
        }
      } else {
        for (let k = k0; k < k1; k++) {
          const at = <usize>k << 2;
          if (load<i32>(row + at) * load<i32>(dir + at) >= load<i32>(thr + at)) word |= <u32>1 << <u32>(k - k0);
        }
      }
      store<u32>(out + (<usize>w << 2), word);
    }
  }
}
