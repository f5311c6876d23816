/**
 * The value rounding of the matrix-unit models: roundToGrid against exact BigInt rounding
 * (dyadic.ts) for both modes, several grids, subnormals, ties and overflow; roundFloat32Array
 * (the fast element-wise route) against roundToGrid on every kind of float32 value.
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "lowbit";
import { roundFloat32Array, roundToGrid } from "../../lib/accum/float_value";
import { dyadic, roundTo } from "./dyadic";

const GRIDS = [
  { man: 3, emin: -6, max: 448 },
  { man: 10, emin: -14, max: 65504 },
  { man: 13, emin: -126, max: (2 - 2 ** -13) * 2 ** 127 },
  { man: 23, emin: -126, max: (2 - 2 ** -23) * 2 ** 127 },
  { man: 1, emin: 0, max: 6 },
];

function randomValue(rng: Rng): number {
  const r = rng.next();
  const e = Math.floor(rng.next() * 300 - 160);
  if (r < 0.1) return (rng.next() < 0.5 ? -1 : 1) * 2 ** e * (1 + 2 ** -Math.floor(1 + rng.next() * 20)); // near ties
  if (r < 0.15) return 0;
  return (rng.next() - 0.5) * 2 ** e;
}

test("roundToGrid equals exact rounding toward zero and to nearest-even, with overflow", () => {
  const rng = new Rng(1, 0);
  for (let t = 0; t < 20000; t++) {
    const g = GRIDS[t % GRIDS.length];
    const x = Math.fround(randomValue(rng));
    if (!Number.isFinite(x)) continue;
    for (const mode of ["zero", "nearest"] as const) {
      const want = roundTo(dyadic(x), { man: g.man, emin: g.emin, max: g.max, overflow: Infinity }, mode);
      const got = roundToGrid(x, g.man, g.emin, mode, g.max, Infinity);
      assert.ok(got === want, `${mode} ${x} on ${JSON.stringify(g)}: ${got} vs ${want}`);
    }
  }
  assert.equal(roundToGrid(NaN, 3, -6, "zero", 448, Infinity), NaN);
  assert.equal(roundToGrid(-Infinity, 3, -6, "zero", 448, Infinity), -Infinity);
  assert.ok(Object.is(roundToGrid(-(2 ** -200), 3, -6, "zero", 448, Infinity), -0));
});

test("roundFloat32Array equals roundToGrid (nearest, saturating) element by element", () => {
  const rng = new Rng(2, 0);
  const x = new Float32Array(50000).map(() => randomValue(rng));
  x.set([Infinity, -Infinity, NaN, -0, 0, 2 ** -149, 3.4028234663852886e38, 464, -464, 448, 6.5, 0.25], 0);
  for (const g of GRIDS) {
    const got = roundFloat32Array(x, g.man, g.emin, g.max);
    for (let i = 0; i < x.length; i++) {
      const want = Math.fround(roundToGrid(x[i], g.man, g.emin, "nearest", g.max, g.max));
      if (!Object.is(got[i], want)) assert.fail(`${x[i]} on ${JSON.stringify(g)}: ${got[i]} vs ${want}`);
    }
  }
});
