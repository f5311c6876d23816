// Reductions that the data-dependent formats need before they quantize (the scale rules of
// lib/quant/scaled), in one pass over float32 data at byte offset src.

/** max |x| over the finite values (NaN and +-Inf never set a scale; 0 when there are none). */
export function maxAbs(src: usize, n: i32): f32 {
  const absMask = i32x4.splat(0x7fffffff);
  const inf = f32x4.splat(Infinity);
  let m = f32x4.splat(0);
  const vecN = n & ~3;
  for (let i = 0; i < vecN; i += 4) {
    const a = v128.and(v128.load(src + (<usize>i << 2)), absMask);
    // a < Inf is false for Inf and NaN: those lanes become 0, which never raises the maximum.
    m = f32x4.pmax(m, v128.and(a, f32x4.lt(a, inf)));
  }
  let r = max<f32>(max<f32>(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max<f32>(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (let i = vecN; i < n; i++) {
    const a = abs<f32>(load<f32>(src + (<usize>i << 2)));
    if (a > r && a < Infinity) r = a;
  }
  return r;
}

/** How many |x| > limit (an Inf counts: it saturates; NaN does not). */
export function countAbove(src: usize, n: i32, limit: f32): i32 {
  const absMask = i32x4.splat(0x7fffffff);
  const lim = f32x4.splat(limit);
  let count = i32x4.splat(0);
  const vecN = n & ~3;
  for (let i = 0; i < vecN; i += 4) {
    const a = v128.and(v128.load(src + (<usize>i << 2)), absMask);
    count = i32x4.sub(count, f32x4.gt(a, lim)); // true lanes are -1
  }
  let c = i32x4.extract_lane(count, 0) + i32x4.extract_lane(count, 1) + i32x4.extract_lane(count, 2) + i32x4.extract_lane(count, 3);
  for (let i = vecN; i < n; i++) if (abs<f32>(load<f32>(src + (<usize>i << 2))) > limit) c++;
  return c;
}
