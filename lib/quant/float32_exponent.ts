/**
 * floor(log2 m) of a positive finite float32 m, exact from its bits (Math.log2 of a value just
 * below a power of two can round up to the power): the exponent field minus the bias for a
 * normal m, -149 plus the position of the highest set bit for a subnormal one.
 */
const f32 = new Float32Array(1),
  u32 = new Uint32Array(f32.buffer);

export function float32Exponent(m: number): number {
  f32[0] = m;
  const field = u32[0] >>> 23;
  return field > 0 ? field - 127 : -149 + 31 - Math.clz32(u32[0]);
}
