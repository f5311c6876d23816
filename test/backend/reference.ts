/**
 * Float64 brute-force references for the backward convolutions, written from the definition
 * of the forward convolution (NHWC, filter [KH, KW, CI, CO]):
 *   y[n, oh, ow, co] = sum_{kh, kw, ci} x[n, oh*sh + kh - top, ow*sw + kw - left, ci] * W[kh, kw, ci, co]
 * dW and dx are the sums of dy times the factor each term multiplies.
 */
import * as tf from "lowbit/tf";

export interface ConvGeometry {
  N: number;
  H: number;
  W: number;
  CI: number;
  KH: number;
  KW: number;
  CO: number;
  sh: number;
  sw: number;
  OH: number;
  OW: number;
  top: number;
  left: number;
}

function forEachTerm(g: ConvGeometry, visit: (xi: number, wi: number, yi: number) => void): void {
  for (let n = 0; n < g.N; n++) {
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++) {
        for (let kh = 0; kh < g.KH; kh++) {
          const ih = oh * g.sh + kh - g.top;
          if (ih < 0 || ih >= g.H) continue;
          for (let kw = 0; kw < g.KW; kw++) {
            const iw = ow * g.sw + kw - g.left;
            if (iw < 0 || iw >= g.W) continue;
            for (let ci = 0; ci < g.CI; ci++) {
              const xi = ((n * g.H + ih) * g.W + iw) * g.CI + ci;
              const wBase = ((kh * g.KW + kw) * g.CI + ci) * g.CO;
              const yBase = ((n * g.OH + oh) * g.OW + ow) * g.CO;
              for (let co = 0; co < g.CO; co++) visit(xi, wBase + co, yBase + co);
            }
          }
        }
      }
    }
  }
}

export function convBackpropFilterRef(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float64Array {
  const dW = new Float64Array(g.KH * g.KW * g.CI * g.CO);
  forEachTerm(g, (xi, wi, yi) => {
    dW[wi] += x[xi] * dy[yi];
  });
  return dW;
}

export function convBackpropInputRef(g: ConvGeometry, w: Float32Array, dy: Float32Array): Float64Array {
  const dx = new Float64Array(g.N * g.H * g.W * g.CI);
  forEachTerm(g, (xi, wi, yi) => {
    dx[xi] += w[wi] * dy[yi];
  });
  return dx;
}

/** max |a - b| / max |b|: the error relative to the reference's scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let err = 0,
    scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / (scale || 1);
}

/** Deterministic test data in [-1, 1) (a linear congruential sequence, independent of lowbit). */
export function testData(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Runs `f` on another tfjs backend (the cpu reference), then returns to the current one. */
export function onBackend<T>(name: string, f: () => T): T {
  const previous = tf.getBackend();
  tf.setBackend(name);
  try {
    return f();
  } finally {
    tf.setBackend(previous);
  }
}

/**
 * A copy of t's values, then t disposed. Tests read results this way rather than returning
 * dataSync() from tf.tidy, which makes tfjs walk every element of the array (issue 17).
 */
export function readAndDispose(t: tf.Tensor): Float32Array {
  const values = (t.dataSync() as Float32Array).slice();
  t.dispose();
  return values;
}
