/**
 * MAC energy by scheme, against sums written from the published table; the accumulator width
 * of FINN-R against a brute-force bound of the largest sum; binary cheaper than 2-bit; the WAGE
 * claim (8-bit integer MAC vs FP16 and FP32).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FP16, fixedPoint, powerOfTwo } from "lowbit";
import { binary, ternary } from "lowbit/quant";
import {
  accumulatorFor,
  BINARY_OPERAND,
  FP16_OPERAND,
  FP32_OPERAND,
  finnAccumulatorBits,
  floatOperand,
  intOperand,
  logOperand,
  macCost,
  operandBits,
  operandName,
  operandOf,
  TERNARY_OPERAND,
} from "lowbit/hw";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${a} vs ${b}`);
const CELL = 0.03 / 8;

test("quant formats map to operands; names and storage bits", () => {
  assert.deepEqual(operandOf("x", fixedPoint({ bits: 8, frac: 7 })), intOperand(8));
  assert.deepEqual(operandOf("x", FP16), FP16_OPERAND);
  assert.deepEqual(operandOf("x", binary()), BINARY_OPERAND);
  assert.deepEqual(operandOf("x", ternary()), TERNARY_OPERAND);
  assert.deepEqual(operandOf("x", powerOfTwo({ bits: 6 })), logOperand(6));
  assert.deepEqual(
    [
      FP32_OPERAND,
      FP16_OPERAND,
      floatOperand(8, 7),
      floatOperand(5, 2),
      intOperand(2),
      BINARY_OPERAND,
      TERNARY_OPERAND,
    ].map(operandName),
    ["fp32", "fp16", "bf16", "e5m2", "int2", "binary", "ternary"],
  );
  assert.deepEqual(
    [FP32_OPERAND, floatOperand(5, 2), BINARY_OPERAND, TERNARY_OPERAND, logOperand(6)].map(operandBits),
    [32, 8, 1, 2, 6],
  );
  assert.throws(
    () => operandOf("hwConfig weight", { kind: "decimal" } as never),
    /hwConfig weight kind must be one of/,
  );
  assert.throws(() => operandOf("hwConfig weight", 8 as never), TypeError);
});

test("FINN-R's accumulator width equals the brute-force bits of the largest signed sum", () => {
  // Signed operands: the largest |product| is 2^(W-1) 2^(A-1); n of them need the smallest b with 2^(b-1) - 1 >= n 2^(W+A-2).
  for (let n = 1; n <= 300; n += 7) {
    for (let w = 1; w <= 8; w++) {
      for (let a = 1; a <= 8; a++) {
        const max = n * 2 ** (w + a - 2);
        let b = 1;
        while (2 ** (b - 1) - 1 < max) b++;
        assert.equal(finnAccumulatorBits(n, w, a), b, `n ${n}, W ${w}, A ${a}`);
      }
    }
  }
  assert.equal(finnAccumulatorBits(1024, 8, 8), 26);
  assert.equal(finnAccumulatorBits(1024, 1, 1), 12); // popcount difference in [-1024, 1024]
  assert.equal(finnAccumulatorBits(1, 1, 1, false), 3); // FINN-R's unsigned case: alpha = 1
  assert.throws(
    () => finnAccumulatorBits(0, 8, 8),
    /finnAccumulatorBits n must be an integer in \[1, 2\^53 - 1\]; got 0/,
  );
});

test("accumulatorFor: exact integer width, the operands' float, or the config's operand", () => {
  assert.deepEqual(accumulatorFor(intOperand(2), intOperand(8), 800, "exact"), intOperand(19));
  assert.deepEqual(accumulatorFor(BINARY_OPERAND, BINARY_OPERAND, 1024, "exact"), intOperand(12));
  assert.deepEqual(
    accumulatorFor(TERNARY_OPERAND, intOperand(8), 16, "exact"),
    intOperand(finnAccumulatorBits(16, 2, 8)),
  );
  assert.deepEqual(accumulatorFor(BINARY_OPERAND, FP32_OPERAND, 100, "exact"), FP32_OPERAND);
  assert.deepEqual(accumulatorFor(FP16_OPERAND, floatOperand(5, 2), 100, "exact"), FP16_OPERAND);
  assert.deepEqual(accumulatorFor(FP16_OPERAND, FP16_OPERAND, 100, FP32_OPERAND), FP32_OPERAND);
  assert.throws(
    () => accumulatorFor(FP16_OPERAND, FP16_OPERAND, 100, BINARY_OPERAND),
    /accumulator must be an integer or float operand/,
  );
});

test("each scheme's energy is the sum of its published or bit-cell parts", () => {
  const int8 = intOperand(8),
    int32 = intOperand(32);
  let m = macCost(int8, int8, int32);
  assert.equal(m.scheme, "int");
  close(m.energyPj, 0.2 + 0.1);
  close(m.areaUm2, 282 + 137);
  m = macCost(FP32_OPERAND, FP32_OPERAND, FP32_OPERAND);
  assert.equal(m.scheme, "float");
  close(m.energyPj, 3.7 + 0.9);
  m = macCost(FP16_OPERAND, FP16_OPERAND, FP32_OPERAND);
  close(m.energyPj, 1.1 + 0.9);
  m = macCost(intOperand(8), FP16_OPERAND, FP16_OPERAND); // the integer is converted for free
  close(m.energyPj, 1.1 + 0.4);
  m = macCost(BINARY_OPERAND, BINARY_OPERAND, intOperand(12));
  assert.equal(m.scheme, "xnor-popcount");
  close(m.energyPj, 3 * CELL);
  m = macCost(BINARY_OPERAND, int8, intOperand(16));
  assert.equal(m.scheme, "sign-select");
  close(m.energyPj, 8 * CELL + 0.05);
  m = macCost(TERNARY_OPERAND, int8, intOperand(16));
  close(m.energyPj, 16 * CELL + 0.05);
  m = macCost(BINARY_OPERAND, FP32_OPERAND, FP32_OPERAND);
  close(m.energyPj, CELL + 0.9);
  m = macCost(TERNARY_OPERAND, FP32_OPERAND, FP32_OPERAND);
  close(m.energyPj, 33 * CELL + 0.9);
  m = macCost(logOperand(6), int8, intOperand(16));
  assert.equal(m.scheme, "shift");
  close(m.energyPj, 5 * 8 * CELL + 0.05);
  m = macCost(logOperand(4), FP16_OPERAND, FP16_OPERAND);
  close(m.energyPj, (0.03 * 5) / 8 + 0.4); // an add of the 5 exponent bits, then the FP16 add
  assert.throws(
    () => macCost(int8, int8, BINARY_OPERAND),
    /accumulator must be an integer or float operand; got binary/,
  );
});

test("a binary MAC costs less than a 2-bit one, and MAC energy grows with the width", () => {
  const n = 1024;
  const exact = (bits: number) => {
    const op = bits === 1 ? BINARY_OPERAND : intOperand(bits);
    return macCost(op, op, accumulatorFor(op, op, n, "exact"));
  };
  assert.ok(exact(1).energyPj < exact(2).energyPj);
  assert.ok(exact(1).areaUm2 < exact(2).areaUm2);
  for (let b = 1; b < 32; b++) assert.ok(exact(b + 1).energyPj > exact(b).energyPj, `${b} bits`);
});

test("the WAGE claim recomputed: FP16 and FP32 MACs vs an 8-bit integer MAC", () => {
  // With a 32-bit integer accumulator, from the table alone: (1.1 + 0.4) / (0.2 + 0.1) = 5 and (3.7 + 0.9) / 0.3.
  const int8 = macCost(intOperand(8), intOperand(8), intOperand(32)).energyPj;
  close(macCost(FP16_OPERAND, FP16_OPERAND, FP16_OPERAND).energyPj / int8, 5);
  close(macCost(FP32_OPERAND, FP32_OPERAND, FP32_OPERAND).energyPj / int8, 4.6 / 0.3);
  // With a 16-bit accumulator the integer MAC is cheaper still: 6x and 18.4x.
  const int8acc16 = macCost(intOperand(8), intOperand(8), intOperand(16)).energyPj;
  close(macCost(FP16_OPERAND, FP16_OPERAND, FP16_OPERAND).energyPj / int8acc16, 1.5 / 0.25);
  close(macCost(FP32_OPERAND, FP32_OPERAND, FP32_OPERAND).energyPj / int8acc16, 4.6 / 0.25);
});
