/**
 * gemmErrors(a, b, options) and summarizeGemmErrors(errors, { floor }): how far a GEMM computed
 * by lowPrecisionMatMul (any accumulator, a matrix-unit preset included) lies from the exact
 * product of the same operands, and the error metrics a reader can compare with a paper's.
 *
 * Reference: every product a_ik b_kj of two float32 values is exact in float64 (24 + 24 bits),
 * and the products are summed with Neumaier's compensated sum (Neumaier 1974; Higham, "Accuracy
 * and Stability of Numerical Algorithms", 2nd ed., section 4.3): |error| <= 2^-53 |c| +
 * O(K^2 2^-106) sum |a_ik b_kj|, many orders below any accumulator lowbit models. For FP8 E4M3
 * operands the plain float64 sum is already exact (products lie on 2^-18 and below 2^18, so a
 * sum of up to 2^16 of them spans fewer than 53 bits); the compensation makes the reference
 * hold for the wider formats (fp16, bf16, fp32) too.
 *
 * Metrics of summarizeGemmErrors, per output element with computed c^, exact c and
 * A_ij = sum_k |a_ik b_kj|:
 *   relative   r = |c^ - c| / |c|, over the elements with |c| >= floor * RMS(c) only: a dot
 *              product whose exact sum is near zero has an unbounded relative error, so a
 *              maximum over all elements measures how close to zero the closest sum came, not
 *              the accumulator; `excluded` counts the elements left out (floor 0: none);
 *   normwise   |c^ - c| / A_ij, Higham's normalisation of dot-product error bounds (section 3.1),
 *              defined for every element;
 *   frobenius  ||C^ - C||_F / ||C||_F over the whole matrix.
 */
import { checkOneOf } from "../core/checks";
import { isMatrixArray, lowPrecisionMatMulArray, type LowPrecisionMatMulOptions, type MatrixArray } from "./matmul";

export interface GemmErrors {
  /** The GEMM's output, row-major [M, N]. */
  computed: Float32Array;
  /** The exact product (see the file comment), row-major [M, N]. */
  exact: Float64Array;
  /** sum_k |a_ik b_kj| per element. */
  absSum: Float64Array;
}

export interface GemmErrorSummary {
  /** Elements measured. */
  count: number;
  /** Elements left out of the relative metric (|c| < floor * RMS(c)). */
  excluded: number;
  /** The floor used, as a fraction of RMS(c). */
  floor: number;
  relative: { median: number; p99: number; max: number };
  normwise: { median: number; max: number };
  frobenius: number;
}

function checkMatrix(what: string, x: MatrixArray): void {
  if (!isMatrixArray(x))
    throw new TypeError(
      `lowbit: gemmErrors ${what} must be { values: Float32Array, shape: [rows, columns] } with rows * columns = values.length`,
    );
}

/** The computed GEMM, the exact product and sum |a_ik b_kj| of every element. */
export function gemmErrors(a: MatrixArray, b: MatrixArray, options: LowPrecisionMatMulOptions): GemmErrors {
  checkMatrix("a", a);
  checkMatrix("b", b);
  const [M, K] = a.shape,
    [K2, N] = b.shape;
  if (K !== K2)
    throw new RangeError(`lowbit: gemmErrors inner dimensions must agree: a is [${M}, ${K}], b is [${K2}, ${N}]`);
  if (options !== null && typeof options === "object" && options.inputs !== undefined)
    checkOneOf("gemmErrors options inputs (the reference needs the operands the unit reads)", options.inputs, [
      "check",
    ]);
  const computed = lowPrecisionMatMulArray(a, b, options);
  const exact = new Float64Array(M * N),
    absSum = new Float64Array(M * N);
  const column = new Float64Array(K);
  for (let j = 0; j < N; j++) {
    for (let k = 0; k < K; k++) column[k] = b.values[k * N + j];
    for (let i = 0; i < M; i++) {
      // Neumaier: s + t is the compensated sum of the exact float64 products.
      let s = 0,
        t = 0,
        abs = 0;
      for (let k = 0; k < K; k++) {
        const p = a.values[i * K + k] * column[k];
        const sum = s + p;
        t += Math.abs(s) >= Math.abs(p) ? s - sum + p : p - sum + s;
        s = sum;
        abs += Math.abs(p);
      }
      exact[i * N + j] = s + t;
      absSum[i * N + j] = abs;
    }
  }
  return { computed, exact, absSum };
}

/** The q-quantile of sorted values (nearest rank: the value at floor(q (n - 1))). */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

/** The metrics of the file comment; floor (default 0.1) is a fraction of RMS(c) in [0, 1]. */
export function summarizeGemmErrors(errors: GemmErrors, options: { floor?: number } = {}): GemmErrorSummary {
  const { floor = 0.1 } = options;
  if (!(typeof floor === "number" && floor >= 0 && floor <= 1))
    throw new RangeError(
      `lowbit: summarizeGemmErrors floor must be a number in [0, 1] (a fraction of RMS(c)); got ${floor}`,
    );
  const { computed, exact, absSum } = errors;
  const n = exact.length;
  if (n === 0 || computed.length !== n || absSum.length !== n)
    throw new RangeError("lowbit: summarizeGemmErrors needs gemmErrors' output for at least one element");
  let squares = 0,
    errorSquares = 0;
  for (let i = 0; i < n; i++) {
    squares += exact[i] * exact[i];
    errorSquares += (computed[i] - exact[i]) ** 2;
  }
  const cut = floor * Math.sqrt(squares / n);
  const relative: number[] = [],
    normwise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const error = Math.abs(computed[i] - exact[i]);
    normwise[i] = absSum[i] === 0 ? 0 : error / absSum[i];
    if (Math.abs(exact[i]) >= cut && exact[i] !== 0) relative.push(error / Math.abs(exact[i]));
  }
  const rel = Float64Array.from(relative).sort();
  normwise.sort();
  return {
    count: n,
    excluded: n - rel.length,
    floor,
    relative:
      rel.length === 0
        ? { median: NaN, p99: NaN, max: NaN }
        : { median: quantile(rel, 0.5), p99: quantile(rel, 0.99), max: rel[rel.length - 1] },
    normwise: { median: quantile(normwise, 0.5), max: normwise[n - 1] },
    frobenius: squares === 0 ? (errorSquares === 0 ? 0 : Infinity) : Math.sqrt(errorSquares / squares),
  };
}
