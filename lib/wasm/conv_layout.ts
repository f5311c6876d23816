// im2col / col2im for the backward convolutions; see lib/backend/kernels/conv_layout.ts for the
// matrix formulation. All pointers are byte offsets of float32 arrays.

/**
 * colT[r, p] for r = (kh, kw, ci), p = (n - nStart, oh, ow), from xT = x transposed to
 * [CI, N, H, W]; zero where the tap falls into the padding.
 */
export function im2colTransposed(
  xT: usize, batch: i32, H: i32, W: i32, CI: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, top: i32, left: i32,
  nStart: i32, nCount: i32, colT: usize,
): void {
  let o = colT;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const dxw = kw * dw - left;
      let owLo = dxw >= 0 ? 0 : (-dxw + sw - 1) / sw;
      if (owLo > OW) owLo = OW;
      let owHi = (W - dxw + sw - 1) / sw;
      if (owHi > OW) owHi = OW;
      if (owHi < owLo) owHi = owLo;
      for (let ci = 0; ci < CI; ci++) {
        for (let n = nStart; n < nStart + nCount; n++) {
          const plane = (ci * batch + n) * H;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh + kh * dh - top;
            if (ih < 0 || ih >= H) {
              memory.fill(o, 0, <usize>OW << 2);
              o += <usize>OW << 2;
              continue;
            }
            if (owLo > 0) memory.fill(o, 0, <usize>owLo << 2);
            const src = xT + ((<usize>((plane + ih) * W + dxw)) << 2);
            if (sw == 1) {
              memory.copy(o + (<usize>owLo << 2), src + (<usize>owLo << 2), <usize>(owHi - owLo) << 2);
            } else {
              for (let ow = owLo; ow < owHi; ow++) {
                store<f32>(o + (<usize>ow << 2), load<f32>(src + (<usize>(ow * sw) << 2)));
              }
            }
            if (owHi < OW) memory.fill(o + (<usize>owHi << 2), 0, <usize>(OW - owHi) << 2);
            o += <usize>OW << 2;
          }
        }
      }
    }
  }
}

/**
 * dx[n, ih, iw, ci] += dcol[p, (kh, kw, ci)] for every tap inside the image (NHWC dx, which the
 * caller zeroes). The inner loop adds CI contiguous values four at a time.
 */
export function col2imAdd(
  dcol: usize, H: i32, W: i32, CI: i32, OH: i32, OW: i32,
  KH: i32, KW: i32, sh: i32, sw: i32, dh: i32, dw: i32, top: i32, left: i32,
  nStart: i32, nCount: i32, dx: usize,
): void {
  const rowBytes = <usize>CI << 2;
  const vecEnd = <usize>(CI & ~3) << 2;
  let src = dcol;
  for (let n = nStart; n < nStart + nCount; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh * dh - top;
          if (ih < 0 || ih >= H) {
            src += <usize>KW * rowBytes;
            continue;
          }
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - left;
            if (iw >= 0 && iw < W) {
              const d = dx + (<usize>(((n * H + ih) * W + iw) * CI) << 2);
              let i: usize = 0;
              for (; i < vecEnd; i += 16) {
                v128.store(d + i, f32x4.add(v128.load(d + i), v128.load(src + i)));
              }
              for (; i < rowBytes; i += 4) store<f32>(d + i, load<f32>(d + i) + load<f32>(src + i));
            }
            src += rowBytes;
          }
        }
      }
    }
  }
}
