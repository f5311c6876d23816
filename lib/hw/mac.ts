/**
 * Energy and area of one multiply-accumulate: a product of two operands added into an
 * accumulator. The product's scheme depends on the operand kinds:
 *   xnor-popcount  binary x binary: the product of two +-1 is an XNOR of their sign bits, and a
 *                  dot product of n of them is n - 2 popcount(a XOR b) (Hubara et al., JMLR 2017).
 *                  Per MAC: the XNOR (1 bit-cell) and the MAC's share of the popcount tree: a tree
 *                  summing n bits has n/2 one-bit adders, n/4 two-bit ones, ..., sum l n/2^l -> 2n
 *                  bit-cells, 2 per input bit. The tree's output joins the accumulator once per
 *                  dot product, which is not counted.
 *   sign-select    binary or ternary times a b-bit integer: no multiplier, a conditional negate
 *                  (one XOR per bit, b cells; the +1 of two's complement rides on the adder's
 *                  carry-in), ternary also a zeroing AND per bit (2b cells); times a float, one
 *                  cell for the sign bit (ternary also zeroes its 1 + e + m bits).
 *   shift          a power of two (k-bit code) times a b-bit integer: a barrel shifter, k - 1
 *                  stages of b multiplexer bits; times a float, an exponent add; times another
 *                  power of two, an add of the k-bit codes.
 *   float          a float operand: the float multiply of that format (of the wider of two
 *                  floats); an integer partner is converted for free.
 *   int            integer times integer: intMultiply(a, b).
 * The accumulate is one add in the accumulator's format (intAdd or floatAdd), except for
 * xnor-popcount (the tree above). Bit-cells are priced by bitCell() (operation_cost.ts).
 */
import { bitCell, floatAdd, floatMultiply, intAdd, intMultiply, type OpCost } from "./operation_cost";
import { type Operand, operandBits, operandOf } from "./operand";
import type { Format } from "../quant/formats";

export type MacScheme = "xnor-popcount" | "sign-select" | "shift" | "float" | "int";

export interface MacCost {
  scheme: MacScheme;
  multiply: OpCost;
  accumulate: OpCost;
  /** multiply + accumulate. */
  energyPj: number;
  areaUm2: number;
}

const SCHEME_SOURCE = "lowbit's MAC model (mac.ts)";

function cells(n: number): OpCost {
  const c = bitCell();
  return { energyPj: n * c.energyPj, areaUm2: n * c.areaUm2, source: `${SCHEME_SOURCE}: ${n} bit-cells` };
}

function add(acc: Operand): OpCost {
  if (acc.kind === "float") return floatAdd(acc.exp, acc.man);
  if (acc.kind === "int") return intAdd(acc.bits);
  throw new RangeError(`lowbit: macCost accumulator must be an integer or float operand; got ${acc.kind}`);
}

function product(a: Operand, b: Operand): { scheme: MacScheme; multiply: OpCost } {
  const signLike = (o: Operand) => o.kind === "binary" || o.kind === "ternary";
  if (a.kind === "binary" && b.kind === "binary") return { scheme: "xnor-popcount", multiply: cells(1) };
  if (signLike(a) || signLike(b)) {
    const [s, x] = signLike(a) ? [a, b] : [b, a];
    const zeroing = s.kind === "ternary";
    if (x.kind === "float") return { scheme: "sign-select", multiply: cells(1 + (zeroing ? operandBits(x) : 0)) };
    return { scheme: "sign-select", multiply: cells(operandBits(x) * (zeroing ? 2 : 1)) };
  }
  if (a.kind === "log" || b.kind === "log") {
    const [l, x] = (a.kind === "log" ? [a, b] : [b, a]) as [{ kind: "log"; bits: number }, Operand];
    if (x.kind === "log") return { scheme: "shift", multiply: intAdd(Math.max(l.bits, x.bits)) };
    if (x.kind === "float") return { scheme: "shift", multiply: intAdd(x.exp) };
    return { scheme: "shift", multiply: cells((l.bits - 1) * operandBits(x)) };
  }
  if (a.kind === "float" || b.kind === "float") {
    const floats = [a, b].filter((o): o is Extract<Operand, { kind: "float" }> => o.kind === "float");
    const f = floats.reduce((x, y) => (operandBits(y) > operandBits(x) ? y : x));
    return { scheme: "float", multiply: floatMultiply(f.exp, f.man) };
  }
  return { scheme: "int", multiply: intMultiply(operandBits(a), operandBits(b)) };
}

/** One MAC of a times b into `accumulator`. */
export function macCost(a: Operand | Format, b: Operand | Format, accumulator: Operand | Format): MacCost {
  const x = operandOf("macCost a", a),
    y = operandOf("macCost b", b),
    acc = operandOf("macCost accumulator", accumulator);
  const { scheme, multiply } = product(x, y);
  const accumulate = scheme === "xnor-popcount" ? cells(2) : add(acc);
  return {
    scheme,
    multiply,
    accumulate,
    energyPj: multiply.energyPj + accumulate.energyPj,
    areaUm2: multiply.areaUm2 + accumulate.areaUm2,
  };
}
