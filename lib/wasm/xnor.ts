// XNOR-popcount matrix product of bit-packed sign matrices (QNN, papers.md section 4). A sign
// matrix is stored row by row, 32 signs per u32 word (bit 1 iff the value is >= 0, element k
// of a row in bit k % 32 of word k / 32), each row padded with zero bits to `vecs` 128-bit
// vectors. For rows a of A [M, K] and b of B^T [N, K]:
//   dot(a, b) = K - 2 * popcount(a XOR b)
// (padding bits are zero in both, so their XOR is zero and they add nothing).

/** Sum of the 16 byte lanes of s (each <= 255) as an i32. */
// @ts-ignore: decorator
@inline function byteSum(s: v128): i32 {
  const w = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(s));
  return i32x4.extract_lane(w, 0) + i32x4.extract_lane(w, 1) + i32x4.extract_lane(w, 2) + i32x4.extract_lane(w, 3);
}

/** Stores K - 2 * popcount of the first `cols` of four columns at `row`. */
// @ts-ignore: decorator
@inline function storeDots(row: usize, cols: i32, K: i32, t0: i32, t1: i32, t2: i32, t3: i32): void {
  store<i32>(row, K - 2 * t0);
  if (cols > 1) store<i32>(row, K - 2 * t1, 4);
  if (cols > 2) store<i32>(row, K - 2 * t2, 8);
  if (cols > 3) store<i32>(row, K - 2 * t3, 12);
}

/** Popcounts accumulate in byte lanes: each step adds at most 8, so 31 steps cannot overflow 255. */
const CHUNK: i32 = 31;

/** Columns of out computed per pass over A's rows: their packed rows of B^T stay in cache. */
const COLUMN_TILE: i32 = 64;

/**
 * out[i, j] = K - 2 * popcount(a_i XOR b_j) as i32, out row-major [M, N]. Blocks of 2 rows of A
 * by 4 rows of B^T: 6 vector loads feed 8 XOR-popcounts. Rows past M or N are read from the
 * last valid row and not stored, so any M, N >= 1 works.
 */
export function xnorGemm(a: usize, b: usize, out: usize, M: i32, N: i32, vecs: i32, K: i32): void {
  const rowBytes = <usize>vecs << 4;
  for (let j0 = 0; j0 < N; j0 += COLUMN_TILE) {
    const j1 = min<i32>(N, j0 + COLUMN_TILE);
    for (let i = 0; i < M; i += 2) {
      const pa0 = a + <usize>i * rowBytes;
      const pa1 = a + <usize>min<i32>(i + 1, M - 1) * rowBytes;
      for (let j = j0; j < j1; j += 4) {
        const pb0 = b + <usize>j * rowBytes;
        const pb1 = b + <usize>min<i32>(j + 1, N - 1) * rowBytes;
        const pb2 = b + <usize>min<i32>(j + 2, N - 1) * rowBytes;
        const pb3 = b + <usize>min<i32>(j + 3, N - 1) * rowBytes;
        let t00 = 0, t01 = 0, t02 = 0, t03 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0;
        for (let c0 = 0; c0 < vecs; c0 += CHUNK) {
          const c1 = min<i32>(vecs, c0 + CHUNK);
          let s00 = i8x16.splat(0), s01 = i8x16.splat(0), s02 = i8x16.splat(0), s03 = i8x16.splat(0);
          let s10 = i8x16.splat(0), s11 = i8x16.splat(0), s12 = i8x16.splat(0), s13 = i8x16.splat(0);
          for (let c = c0; c < c1; c++) {
            const o = <usize>c << 4;
            const a0 = v128.load(pa0 + o), a1 = v128.load(pa1 + o);
            const b0 = v128.load(pb0 + o), b1 = v128.load(pb1 + o);
            const b2 = v128.load(pb2 + o), b3 = v128.load(pb3 + o);
            s00 = i8x16.add(s00, i8x16.popcnt(v128.xor(a0, b0)));
            s01 = i8x16.add(s01, i8x16.popcnt(v128.xor(a0, b1)));
            s02 = i8x16.add(s02, i8x16.popcnt(v128.xor(a0, b2)));
            s03 = i8x16.add(s03, i8x16.popcnt(v128.xor(a0, b3)));
            s10 = i8x16.add(s10, i8x16.popcnt(v128.xor(a1, b0)));
            s11 = i8x16.add(s11, i8x16.popcnt(v128.xor(a1, b1)));
            s12 = i8x16.add(s12, i8x16.popcnt(v128.xor(a1, b2)));
            s13 = i8x16.add(s13, i8x16.popcnt(v128.xor(a1, b3)));
          }
          t00 += byteSum(s00); t01 += byteSum(s01); t02 += byteSum(s02); t03 += byteSum(s03);
          t10 += byteSum(s10); t11 += byteSum(s11); t12 += byteSum(s12); t13 += byteSum(s13);
        }
        const cols = min<i32>(4, N - j);
        const r0 = out + ((<usize>i * <usize>N + <usize>j) << 2);
        storeDots(r0, cols, K, t00, t01, t02, t03);
        if (i + 1 < M) storeDots(r0 + (<usize>N << 2), cols, K, t10, t11, t12, t13);
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
