// The fixed-point kind's reference rounding under overflow "wrap": q mod 2^bits into the two's
// complement range, checked against BigInt modular arithmetic (the definition), and the encoding
// of a wrapped value is the low `bits` bits of q.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fixedPoint, quantizeValue } from "lowbit";
import { decode, encode } from "lowbit/quant";

function wrapReference(q: bigint, bits: number): bigint {
  const m = 1n << BigInt(bits),
    half = m >> 1n;
  const r = ((q % m) + m) % m;
  return r >= half ? r - m : r;
}

test("fixed point with overflow wrap: the reference rounding wraps q modulo 2^bits", () => {
  for (const bits of [2, 3, 8, 12]) {
    for (const frac of [0, 3, -2]) {
      const f = fixedPoint({ bits, frac, overflow: "wrap" });
      for (let q = -5 * 2 ** bits; q <= 5 * 2 ** bits; q += 1) {
        const x = q * 2 ** -frac;
        const want = Number(wrapReference(BigInt(q), bits)) * 2 ** -frac;
        assert.equal(quantizeValue(f, x), want, `bits ${bits} frac ${frac} q ${q}`);
        if (bits <= 16) assert.equal(decode(f, encode(f, x)), want);
      }
    }
  }
  const f = fixedPoint({ bits: 8, frac: 0, overflow: "wrap" });
  assert.equal(quantizeValue(f, 127.5), -128); // nearest, ties to even: 128 wraps to -128
  assert.ok(Number.isNaN(quantizeValue(f, Infinity)));
  assert.ok(Number.isNaN(quantizeValue(f, NaN)));
  // Saturation stays the default.
  assert.equal(quantizeValue(fixedPoint({ bits: 8, frac: 0 }), 300), 127);
});
