// Linear integer quantization with any step (QNN's LinearQuant, DoReFa's k-bit grid):
// q = round(x / step) clamped to [qmin, qmax], y = q * step, where x / step is the exact
// quotient of the two float32 values (not its float32 rounding: 0.35f / 0.1f is 3.4999999,
// which float32 division rounds to the tie 3.5).
//
// How, exactly: with a = |x| and s = step, w = floor(a / s) computed in float64 is the exact
// floor (the float64 quotient cannot cross an integer while a / s < 2^25, and beyond that every
// candidate saturates), so the remainder r = a - w * s in [0, s) is exact in float64 (w * s has
// at most 49 significant bits and r at most 24). Every rounding then compares r with s:
//   nearest      away from zero iff r > s / 2, or r = s / 2 and w is odd (ties to even);
//   stochastic   frac = exact fractional part of x / s, up iff u < frac (lib/wasm/rounding.ts):
//                x >= 0: away iff u * s < r; x < 0: away iff r >= (1 - u) * s (both exact);
//   zero         w;   floor   away iff x < 0 and r > 0.
// NaN stays NaN; +-Inf (r NaN: no step away) saturate.
import { elementHash } from "./random";
import { FLOOR, NEAREST, STOCHASTIC } from "./rounding";

export function quantizeLinear(
  src: usize, dst: usize, n: i32, step: f32, qmin: f32, qmax: f32, mode: i32, a: u32, b: u32,
): void {
  const s = <f64>step;
  const half = s * 0.5;
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const x = load<f32>(src + at);
    const v = abs<f64>(<f64>x);
    const negative = x < 0;
    const w = floor<f64>(v / s);
    const r = v - w * s;
    let away = false;
    if (mode == NEAREST) away = r > half || (r == half && floor<f64>(w * 0.5) != w * 0.5);
    else if (mode == STOCHASTIC) {
      const u = <f64>(elementHash(a, b, <u32>i) >>> 8) * 5.9604644775390625e-8;
      away = negative ? r >= (1 - u) * s : u * s < r;
    } else if (mode == FLOOR) away = negative && r > 0;
    const q = <f32>copysign<f64>(away ? w + 1 : w, <f64>x);
    store<f32>(dst + at, (q < qmin ? qmin : q > qmax ? qmax : q) * step);
  }
}
