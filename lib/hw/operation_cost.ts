/**
 * Energy and area of one arithmetic operation at any width, from the published 45 nm points
 * (published.ts) and documented scaling laws. A published point is returned exactly; between
 * points the cost follows the power law through its two neighbours; outside the table it follows
 * the circuit's nominal law anchored at the nearest published point:
 *
 *   integer add, b bits          ripple/carry adder, cost ~ b:           E(b) = E(b0) (b / b0)^1
 *   integer multiply, a x b bits array multiplier, a b partial products: E(a, b) = E(s0) (a b / s0^2)^1
 *                                (s = sqrt(a b), the square multiplier with as many cells)
 *   between 8 and 32 bits the fitted exponents are: add 0.74 (8-16) and 1.0 (16-32);
 *   multiply energy 1.98 (so 32-bit / 8-bit = 15.5 exactly, the table's ratio), area 1.82.
 *
 *   float add / multiply with e exponent and m mantissa bits:
 *     cost(e, m) = c_m (m + 1)^2 + c_e e
 *   (m + 1)^2 the mantissa datapath (the multiplier's partial products; the adder's alignment
 *   and normalisation grow faster than m), e the exponent logic. c_m and c_e are the unique
 *   solution through the FP16 (e5m10) and FP32 (e8m23) points; both come out positive, so the
 *   cost grows with either width. A two-point fit, not a circuit model: formats far from FP16/FP32
 *   (FP8, FP64) are extrapolations.
 *
 * One adder bit-cell (the published 8-bit add / 8) prices the gates the binary schemes use:
 * an XNOR, a sign flip (XOR), a zeroing AND, a multiplexer bit.
 */
import { checkInteger } from "../core/checks";
import { type ArithmeticOp, HOROWITZ_2014, HOROWITZ_45NM, PUBLISHED_FLOAT_FORMATS, publishedOpCost } from "./published";

export interface OpCost {
  energyPj: number;
  areaUm2: number;
  /** "Horowitz 2014 (45 nm)" for a published point, else the law that produced it. */
  source: string;
}

type Metric = "energyPj" | "areaUm2";

function points(op: ArithmeticOp, metric: Metric): [number, number][] {
  return HOROWITZ_45NM.filter((e) => e.op === op)
    .map((e): [number, number] => [e.bits, e[metric]])
    .sort((a, b) => a[0] - b[0]);
}

/**
 * The piecewise power law through `pts` (sorted by x) evaluated at x; beyond the ends,
 * y = y_end (x / x_end)^outside.
 */
function powerLaw(pts: [number, number][], x: number, outside: number): number {
  const [x0, y0] = pts[0],
    [xn, yn] = pts[pts.length - 1];
  if (x <= x0) return y0 * (x / x0) ** outside;
  if (x >= xn) return yn * (x / xn) ** outside;
  for (let i = 1; i < pts.length; i++) {
    const [xa, ya] = pts[i - 1],
      [xb, yb] = pts[i];
    if (x <= xb) return ya * (x / xa) ** (Math.log(yb / ya) / Math.log(xb / xa));
  }
  throw new Error("unreachable");
}

function scaled(op: ArithmeticOp, x: number, outside: number, law: string): OpCost {
  return {
    energyPj: powerLaw(points(op, "energyPj"), x, outside),
    areaUm2: powerLaw(points(op, "areaUm2"), x, outside),
    source: `lowbit: ${law}, through ${HOROWITZ_2014}`,
  };
}

function published(op: ArithmeticOp, bits: number): OpCost | undefined {
  const p = publishedOpCost(op, bits);
  return p && { energyPj: p.energyPj, areaUm2: p.areaUm2, source: p.source };
}

/** One integer addition of `bits`-bit operands. */
export function intAdd(bits: number): OpCost {
  checkInteger("intAdd bits", bits, 1, 128);
  return published("intAdd", bits) ?? scaled("intAdd", bits, 1, "integer add ~ bits");
}

/** One integer multiplication of an a-bit by a b-bit operand (b defaults to a). */
export function intMultiply(a: number, b: number = a): OpCost {
  checkInteger("intMultiply a", a, 1, 128);
  checkInteger("intMultiply b", b, 1, 128);
  return (
    (a === b ? published("intMultiply", a) : undefined) ??
    scaled("intMultiply", Math.sqrt(a * b), 2, "integer multiply ~ a x b")
  );
}

/** The coefficients [c_m, c_e] of cost = c_m (m + 1)^2 + c_e e through the FP16 and FP32 points. */
export function floatLawCoefficients(op: "floatAdd" | "floatMultiply", metric: Metric): [number, number] {
  const [p16, p32] = [16, 32].map((bits) => {
    const f = PUBLISHED_FLOAT_FORMATS[bits as 16 | 32];
    return { x: (f.man + 1) ** 2, e: f.exp, y: publishedOpCost(op, bits)![metric] };
  });
  // Cramer's rule on [x16 e16; x32 e32] [c_m; c_e] = [y16; y32].
  const det = p16.x * p32.e - p32.x * p16.e;
  return [(p16.y * p32.e - p32.y * p16.e) / det, (p16.x * p32.y - p32.x * p16.y) / det];
}

function floatOp(op: "floatAdd" | "floatMultiply", exp: number, man: number): OpCost {
  checkInteger(`${op} exp`, exp, 1, 15);
  checkInteger(`${op} man`, man, 0, 112);
  for (const bits of [16, 32] as const) {
    const f = PUBLISHED_FLOAT_FORMATS[bits];
    if (f.exp === exp && f.man === man) return published(op, bits)!;
  }
  const law = (metric: Metric) => {
    const [cm, ce] = floatLawCoefficients(op, metric);
    return cm * (man + 1) ** 2 + ce * exp;
  };
  return {
    energyPj: law("energyPj"),
    areaUm2: law("areaUm2"),
    source: `lowbit: float cost = c_m (m+1)^2 + c_e e, fitted to ${HOROWITZ_2014}`,
  };
}

/** One floating-point addition in a format with `exp` exponent and `man` mantissa bits. */
export function floatAdd(exp: number, man: number): OpCost {
  return floatOp("floatAdd", exp, man);
}

/** One floating-point multiplication in a format with `exp` exponent and `man` mantissa bits. */
export function floatMultiply(exp: number, man: number): OpCost {
  return floatOp("floatMultiply", exp, man);
}

/** One adder bit-cell: the published 8-bit integer add divided by 8 (an XNOR, XOR, AND or mux bit). */
export function bitCell(): OpCost {
  const add8 = publishedOpCost("intAdd", 8)!;
  return {
    energyPj: add8.energyPj / 8,
    areaUm2: add8.areaUm2 / 8,
    source: `lowbit: one bit of the 8-bit add, ${HOROWITZ_2014}`,
  };
}
