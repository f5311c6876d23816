// MaxPoolGrad, NHWC: each output's gradient goes to the first maximum of its window in
// row-major window order (tfjs's cpu backend rule); taps in the padding are skipped.
// `best` and `where` are scratch arrays of C float32 / int32 provided by the caller.

export function maxPoolGrad(
  x: usize, dy: usize, dx: usize, N: i32, H: i32, W: i32, C: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, top: i32, left: i32, best: usize, where: usize,
): void {
  memory.fill(dx, 0, <usize>N * H * W * C << 2);
  const cBytes = <usize>C << 2;
  const vecEnd = <usize>(C & ~3) << 2;
  let g = dy;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - top;
      const hLo = max(0, h0), hHi = min(H, h0 + KH);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - left;
        const wLo = max(0, w0), wHi = min(W, w0 + KW);
        let first = true;
        for (let h = hLo; h < hHi; h++) {
          for (let w = wLo; w < wHi; w++) {
            const pixel = ((n * H + h) * W + w) * C;
            const src = x + (<usize>pixel << 2);
            const idx = i32x4(pixel, pixel + 1, pixel + 2, pixel + 3);
            let i: usize = 0;
            if (first) {
              memory.copy(best, src, cBytes);
              let k = idx;
              for (; i < vecEnd; i += 16) {
                v128.store(where + i, k);
                k = i32x4.add(k, i32x4.splat(4));
              }
              for (; i < cBytes; i += 4) store<i32>(where + i, pixel + <i32>(i >> 2));
              first = false;
              continue;
            }
            let k = idx;
            for (; i < vecEnd; i += 16) {
              const v = v128.load(src + i), b = v128.load(best + i);
              const greater = f32x4.gt(v, b);
              v128.store(best + i, v128.bitselect(v, b, greater));
              v128.store(where + i, v128.bitselect(k, v128.load(where + i), greater));
              k = i32x4.add(k, i32x4.splat(4));
            }
            for (; i < cBytes; i += 4) {
              const v = load<f32>(src + i);
              if (v > load<f32>(best + i)) {
                store<f32>(best + i, v);
                store<i32>(where + i, pixel + <i32>(i >> 2));
              }
            }
          }
        }
        if (!first) {
          for (let i: usize = 0; i < cBytes; i += 4) {
            const at = dx + (<usize>load<i32>(where + i) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(g + i));
          }
        }
        g += cBytes;
      }
    }
  }
}
