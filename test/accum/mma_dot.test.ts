/**
 * mmaDot and MMA_PRESETS against a re-implementation of MMA-Sim's published algorithm (Xie et al.,
 * arXiv 2511.10909), written here from the description with exact BigInt arithmetic and its own
 * table of the presets' parameters: operands decoded from random codes of their formats (wide
 * exponent ranges, subnormals, zeros, powers of two, the largest values, cancellation, Inf and
 * NaN), each product exact, aligned to the largest exponent of the group including the addend,
 * truncated to F fractional bits, summed exactly, then truncated to float32 / e8m13 with
 * float32's subnormals and overflow to Inf; chained over groups of k; promotion adds each run's
 * result to a float32 accumulator rounded to nearest (lowbit's accumulators saturate). Bit for
 * bit over >= 10^4 random dot products per preset; then the published facts where they are exact.
 */
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { FP32, floatingPoint, Rng } from "lowbit";
import { MMA_PRESETS, mmaDot } from "lowbit/accum";
import { add, type Dyadic, dyadic, type Grid, log2Floor, mul, roundTo, truncScaled } from "./dyadic";

/** Code-level description of an operand format: decode(code) is the reference's own. */
interface CodeFormat {
  bits: number;
  exp: number;
  man: number;
  /** "ieee": top exponent is Inf/NaN; "fn": only S.1111.111 is NaN (OCP E4M3); "none": no specials. */
  specials: "ieee" | "fn" | "none";
}

const FP16: CodeFormat = { bits: 16, exp: 5, man: 10, specials: "ieee" };
const BF16: CodeFormat = { bits: 16, exp: 8, man: 7, specials: "ieee" };
const E4M3: CodeFormat = { bits: 8, exp: 4, man: 3, specials: "fn" };
const E2M1: CodeFormat = { bits: 4, exp: 2, man: 1, specials: "none" };

function decode(f: CodeFormat, code: number): number {
  const sign = code >>> (f.bits - 1) ? -1 : 1;
  const field = (code >>> f.man) & ((1 << f.exp) - 1),
    frac = code & ((1 << f.man) - 1);
  const bias = 2 ** (f.exp - 1) - 1,
    top = (1 << f.exp) - 1;
  if (f.specials === "ieee" && field === top) return frac === 0 ? sign * Infinity : NaN;
  if (f.specials === "fn" && field === top && frac === (1 << f.man) - 1) return NaN;
  if (field === 0) return sign * frac * 2 ** (1 - bias - f.man);
  return sign * (1 + frac / 2 ** f.man) * 2 ** (field - bias);
}

/** floor(log2 |x|) clamped to the format's emin; zero gets -126 (the reference model's convention). */
function operandExp(x: number, f: CodeFormat | "fp32"): number {
  if (x === 0) return -126;
  const emin = f === "fp32" ? -126 : 2 - 2 ** (f.exp - 1);
  return Math.max(log2Floor(dyadic(x)), emin);
}

interface RefUnit {
  input: CodeFormat;
  k: number;
  F: number;
  outMan: number;
  block?: { run: number; size: number; scale: "ue8m0" | "ue4m3" };
}

// The presets' parameters as MMA-Sim states them (NVIDIA models), written out independently.
const REF: Record<string, RefUnit> = {
  "volta-fp16": { input: FP16, k: 4, F: 23, outMan: 23 },
  "turing-fp16": { input: FP16, k: 8, F: 24, outMan: 23 },
  "ampere-fp16": { input: FP16, k: 8, F: 24, outMan: 23 },
  "ampere-bf16": { input: BF16, k: 8, F: 24, outMan: 23 },
  "ada-fp8": { input: E4M3, k: 16, F: 13, outMan: 13 },
  "hopper-fp16": { input: FP16, k: 16, F: 25, outMan: 23 },
  "hopper-bf16": { input: BF16, k: 16, F: 25, outMan: 23 },
  "hopper-fp8": { input: E4M3, k: 32, F: 13, outMan: 13 },
  "blackwell-fp16": { input: FP16, k: 16, F: 25, outMan: 23 },
  "blackwell-fp8": { input: E4M3, k: 32, F: 25, outMan: 23 },
  "blackwell-mxfp4": { input: E2M1, k: 64, F: 35, outMan: 23, block: { run: 16, size: 32, scale: "ue8m0" } },
  "blackwell-nvfp4": { input: E2M1, k: 64, F: 35, outMan: 23, block: { run: 16, size: 16, scale: "ue4m3" } },
};

const F32_MAX = (2 - 2 ** -23) * 2 ** 127;

/** One fused dot-add step of the definition. terms: [value, exponent] pairs; c the addend. */
function refStep(terms: [Dyadic, number][], c: number, F: number, outMan: number): number {
  let E = operandExp(c, "fp32");
  for (const [, e] of terms) E = Math.max(E, e);
  let S = c === 0 ? 0n : truncScaled(dyadic(c), F - E);
  for (const [v] of terms) S += truncScaled(v, F - E);
  const max = outMan === 23 ? F32_MAX : (2 - 2 ** -outMan) * 2 ** 127;
  const grid: Grid = { man: outMan, emin: -126, max, overflow: Infinity };
  return roundTo({ m: S, x: E - F }, grid, "zero");
}

/** The unit's dot product per the definition (no special values in a, b). */
function refDot(u: RefUnit, a: number[], b: number[], sa?: number[], sb?: number[], from = 0, to = a.length): number {
  let d = 0;
  for (let g = from; g < to; g += u.k) {
    const end = Math.min(to, g + u.k);
    const terms: [Dyadic, number][] = [];
    // A NaN or infinite product or addend: the IEEE sum of the products and the addend.
    let ieee = d;
    for (let i = g; i < end; i++) ieee += a[i] * b[i];
    if (!Number.isFinite(d) || a.slice(g, end).some((x, i) => !Number.isFinite(x * b[g + i]))) {
      d = ieee;
      continue;
    }
    if (u.block === undefined) {
      for (let i = g; i < end; i++)
        terms.push([mul(dyadic(a[i]), dyadic(b[i])), operandExp(a[i], u.input) + operandExp(b[i], u.input)]);
    } else {
      const { run, size } = u.block;
      for (let i = g; i < end; i += run) {
        let r: Dyadic = { m: 0n, x: 0 };
        for (let j = i; j < Math.min(end, i + run); j++) r = add(r, mul(dyadic(a[j]), dyadic(b[j])));
        const s1 = sa![Math.floor(i / size)],
          s2 = sb![Math.floor(i / size)];
        const scaleExp = (x: number) => (u.block!.scale === "ue8m0" ? log2Floor(dyadic(x)) : operandExp(x, E4M3));
        terms.push([mul(r, mul(dyadic(s1), dyadic(s2))), scaleExp(s1) + scaleExp(s2)]);
      }
    }
    d = refStep(terms, d, u.F, u.outMan);
  }
  return d;
}

const FP32_GRID: Grid = { man: 23, emin: -126, max: F32_MAX, overflow: F32_MAX };

function refPromoted(u: RefUnit, a: number[], b: number[], N: number): number {
  let acc = 0;
  for (let k = 0; k < a.length; k += N) {
    const partial = refDot(u, a, b, undefined, undefined, k, Math.min(a.length, k + N));
    if (!Number.isFinite(partial)) return acc + partial;
    acc = roundTo(add(dyadic(acc), dyadic(partial)), FP32_GRID, "nearest");
  }
  return acc;
}

/** A random operand vector: codes from a random exponent window, some zeros, ties, cancellation. */
function operands(rng: Rng, f: CodeFormat, n: number, specials: boolean): [number[], number[]] {
  const codes = 1 << f.bits;
  const finite = (x: number) => (specials ? true : Number.isFinite(x));
  const draw = (): number => {
    for (;;) {
      const x = decode(f, Math.floor(rng.next() * codes));
      if (finite(x)) return x;
    }
  };
  const a: number[] = [],
    b: number[] = [];
  const style = Math.floor(rng.next() * 4);
  for (let i = 0; i < n; i++) {
    let x = draw(),
      y = draw();
    if (style === 1 && rng.next() < 0.3) x = 0;
    if (style === 2 && i >= n / 2) {
      // Cancellation: the second half repeats the first with one sign flipped.
      x = -a[i - Math.floor(n / 2)];
      y = b[i - Math.floor(n / 2)];
    }
    if (style === 3) y = rng.next() < 0.5 ? 1 : -1; // a sum of a's values: many equal exponents
    a.push(Number.isNaN(x) && !specials ? 0 : x);
    b.push(y);
  }
  return [a, b];
}

function scales(rng: Rng, kind: "ue8m0" | "ue4m3", n: number): number[] {
  return Array.from({ length: n }, () => {
    if (kind === "ue8m0") return 2 ** (Math.floor(rng.next() * 60) - 30);
    for (;;) {
      const x = decode(E4M3, Math.floor(rng.next() * 128));
      if (Number.isFinite(x)) return x;
    }
  });
}

const same = (x: number, y: number) => Object.is(x, y) || (x === 0 && y === 0) || (Number.isNaN(x) && Number.isNaN(y));

for (const [name, u] of Object.entries(REF)) {
  test(`mmaDot ${name} equals the published algorithm bit for bit on 10^4 random dot products`, () => {
    const rng = new Rng(7, name.length);
    for (let t = 0; t < 10000; t++) {
      const n = 1 + Math.floor(rng.next() * (t % 10 === 0 ? 200 : 3 * u.k));
      // One case in ten draws Inf and NaN codes too (formats that have them).
      const [a, b] = operands(rng, u.input, n, t % 10 === 3);
      let sa: number[] | undefined, sb: number[] | undefined;
      if (u.block !== undefined) {
        const count = Math.ceil(n / u.block.size);
        sa = scales(rng, u.block.scale, count);
        sb = scales(rng, u.block.scale, count);
      }
      const want = refDot(u, a, b, sa, sb);
      const got = mmaDot(new Float32Array(a), new Float32Array(b), {
        preset: name as keyof typeof MMA_PRESETS,
        ...(sa !== undefined ? { scalesA: new Float32Array(sa), scalesB: new Float32Array(sb!) } : {}),
      });
      if (!same(got, want)) assert.fail(`${name} case ${t}: got ${got}, want ${want}; a ${a}; b ${b}`);
    }
  });
}

test("mmaDot with promotion equals the definition: runs of N chained from 0, added to float32 to nearest", () => {
  const rng = new Rng(11, 0);
  for (const name of ["hopper-fp8", "volta-fp16", "hopper-fp16"] as const) {
    const u = REF[name];
    for (let t = 0; t < 2000; t++) {
      const n = 1 + Math.floor(rng.next() * 300);
      const N = u.k * (1 + Math.floor(rng.next() * 6));
      const [a, b] = operands(rng, u.input, n, false);
      const got = mmaDot(new Float32Array(a), new Float32Array(b), { preset: name, promoteEvery: N });
      const want = refPromoted(u, a, b, N);
      if (!same(got, want)) assert.fail(`${name} N ${N} case ${t}: got ${got}, want ${want}`);
    }
  }
});

test("mmaDot special values: IEEE sums of the products (NaN for Inf * 0, Inf - Inf, NaN operands)", () => {
  const dot = (a: number[], b: number[], preset: keyof typeof MMA_PRESETS = "hopper-fp16") =>
    mmaDot(new Float32Array(a), new Float32Array(b), { preset });
  assert.equal(dot([Infinity, 1], [1, 2]), Infinity);
  assert.equal(dot([-Infinity, 1], [1, 2]), -Infinity);
  assert.ok(Number.isNaN(dot([Infinity, 0], [0, 2])));
  assert.ok(Number.isNaN(dot([Infinity, -Infinity], [1, 1])));
  assert.ok(Number.isNaN(dot([NaN, 1], [1, 1])));
  assert.ok(Number.isNaN(dot([NaN, 1], [1, 1], "hopper-fp8")));
  // An Inf in an early group stays: later groups add to it.
  assert.equal(dot([Infinity, ...new Array(40).fill(1)], new Array(41).fill(1)), Infinity);
  // Overflow of the exact sum past float32's range gives Inf (the reference model's conversion).
  const big = new Array(4).fill(3.3895313892515355e38 / 2 ** 120); // bf16 max / 2^120
  assert.equal(dot(big, new Array(4).fill(2 ** 120), "hopper-bf16"), Infinity);
  // A NaN block scale (ue8m0 code 0xFF) gives NaN.
  const e = new Float32Array(32).fill(1);
  assert.ok(
    Number.isNaN(
      mmaDot(e, e, { preset: "blackwell-mxfp4", scalesA: new Float32Array([NaN]), scalesB: new Float32Array([1]) }),
    ),
  );
});

test("hopper-fp8 keeps 13 fractional bits: DeepSeek-V3's ~14-bit accumulation, exact cases", () => {
  // 1 + 2^-13 survives in e8m13, 1 + 2^-14 is truncated away (13 fractional bits, RZ).
  const one = new Float32Array([1, 2 ** -6, 2 ** -6]);
  assert.equal(mmaDot(one, new Float32Array([1, 2 ** -7, 0]), { preset: "hopper-fp8" }), 1 + 2 ** -13);
  assert.equal(mmaDot(one, new Float32Array([1, 2 ** -8, 0]), { preset: "hopper-fp8" }), 1);
  assert.equal(mmaDot(one, new Float32Array([1, 2 ** -8, 0]), { preset: "hopper-fp16" }), 1 + 2 ** -14);
  // Swamping: K ones then small terms. 4096 x 1 plus 4096 x 2^-9: each small product is
  // truncated against the running sum of about 2^12, whose e8m13 step is 2^-1: all of them lost.
  const K = 8192;
  const a = new Float32Array(K).fill(1),
    b = new Float32Array(K).map((_, i) => (i < K / 2 ? 1 : 2 ** -9));
  assert.equal(mmaDot(a, b, { preset: "hopper-fp8" }), 4096);
  // Promotion every 128: each run of 128 small products is 0.25, added in float32: all kept.
  assert.equal(mmaDot(a, b, { preset: "hopper-fp8", promoteEvery: 128 }), 4096 + 8);
  // Blackwell's FP8 unit keeps 25 bits: exact here.
  assert.equal(mmaDot(a, b, { preset: "blackwell-fp8" }), 4096 + 8);
});

test("presets differ on a crafted FP16 product of the FTTN kind (our vector: a large term cancelled in one group)", () => {
  // Ours, not FTTN's published matrix: 2^10 + 2^-14 - 2^10 in one group. The small product sits
  // 24 bits below the largest: Volta (23 fractional bits) truncates it, Ampere and Hopper (24, 25) keep it.
  const a = new Float32Array([1024, 2 ** -7, -1024, 0]),
    b = new Float32Array([1, 2 ** -7, 1, 0]);
  assert.equal(mmaDot(a, b, { preset: "volta-fp16" }), 0);
  assert.equal(mmaDot(a, b, { preset: "ampere-fp16" }), 2 ** -14);
  assert.equal(mmaDot(a, b, { preset: "hopper-fp16" }), 2 ** -14);
  // Sequential float32 FMAs lose it: 1024 + 2^-14 is a tie of float32's grid, rounded to even.
  assert.equal(mmaDot(a, b, { preset: "fp32-sequential" }), 0);
});

test("fp32-sequential is float32 FMA in order: each exact product-plus-sum rounded once to nearest (BigInt reference)", () => {
  const rng = new Rng(3, 1);
  for (let t = 0; t < 2000; t++) {
    const n = 1 + Math.floor(rng.next() * 50);
    const a = new Float32Array(n).map(() => (rng.next() - 0.5) * 2 ** Math.floor(rng.next() * 40 - 20));
    const b = new Float32Array(n).map(() => (rng.next() - 0.5) * 2 ** Math.floor(rng.next() * 40 - 20));
    let s = 0;
    for (let i = 0; i < n; i++) s = roundTo(add(mul(dyadic(a[i]), dyadic(b[i])), dyadic(s)), FP32_GRID, "nearest");
    assert.equal(mmaDot(a, b, { preset: "fp32-sequential" }), s);
  }
});

test("mmaDot refuses operands outside the preset's input format, and bad options, with typed errors", () => {
  const ok = new Float32Array([1, 2]);
  assert.throws(() => mmaDot(new Float32Array([1, 0.1]), ok, { preset: "hopper-fp8" }), /mmaDot a\[1\].*e4m3/);
  assert.throws(() => mmaDot(ok, new Float32Array([1, 480]), { preset: "hopper-fp8" }), /mmaDot b\[1\]/);
  assert.throws(() => mmaDot(ok, new Float32Array([1, Infinity]), { preset: "hopper-fp8" }), /finite values of e4m3/);
  assert.throws(() => mmaDot(ok, new Float32Array([1, 2 ** -25]), { preset: "hopper-fp16" }), /fp16/);
  assert.throws(() => mmaDot(ok, ok, { preset: "tpu-v9" as "hopper-fp8" }), /preset must be one of/);
  assert.throws(() => mmaDot(ok, ok, { preset: "hopper-fp8", promoteEvery: 100 }), /multiple of the unit's group 32/);
  assert.throws(() => mmaDot(ok, ok, { preset: "hopper-fp8", promoteEvery: 0 }), RangeError);
  assert.throws(() => mmaDot(ok, ok, { preset: "hopper-fp8", promoteTo: FP32 }), /promoteTo needs promoteEvery/);
  assert.throws(
    () =>
      mmaDot(ok, ok, {
        preset: "hopper-fp8",
        promoteEvery: 128,
        promoteTo: floatingPoint({ exp: 8, man: 23, saturate: false }),
      }),
    /saturate/,
  );
  assert.throws(() => mmaDot(ok, new Float32Array(3), { preset: "hopper-fp8" }), /same length/);
  assert.throws(
    () => mmaDot(ok, ok, { preset: "blackwell-mxfp4" }),
    /scalesA must be a Float32Array of 1 block scales/,
  );
  assert.throws(
    () => mmaDot(ok, ok, { preset: "blackwell-mxfp4", scalesA: new Float32Array([3]), scalesB: new Float32Array([1]) }),
    /scalesA\[0\].*ue8m0/,
  );
  assert.throws(() => mmaDot(ok, ok, { preset: "hopper-fp8", scalesA: new Float32Array([1]) }), /block-scaled presets/);
  const custom = { ...MMA_PRESETS["hopper-fp8"], unit: { ...MMA_PRESETS["hopper-fp8"].unit, fractionalBits: 52 } };
  assert.throws(() => mmaDot(ok, ok, { preset: custom }), /fractionalBits/);
});

test("every preset names its source and describes itself", () => {
  for (const [name, p] of Object.entries(MMA_PRESETS)) {
    assert.equal(p.name, name);
    assert.ok(p.source.length > 20 && p.description.length > 20, name);
  }
  for (const name of [
    "volta-fp16",
    "ampere-fp16",
    "hopper-fp16",
    "hopper-fp8",
    "blackwell-fp8",
    "blackwell-mxfp4",
    "fp32-sequential",
  ])
    assert.ok(name in MMA_PRESETS, name);
});
