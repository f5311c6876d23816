/**
 * The GEMMs of training and the accumulator each needs. A convolution (or dense) layer with
 * C_in input and C_out output channels, a k x k kernel and an H_out x W_out output runs three
 * matrix products per step, each a set of dot products of length n:
 *   FWD  (activations forward):       n = C_in  k k       (one output pixel: all inputs it sees)
 *   BWD  (errors to the layer input): n = C_out k k       (one input pixel: all outputs it feeds)
 *   GRAD (weight gradient):           n = batch H_out W_out (one weight: every position it slid over)
 * A dense layer is the case k = 1, H_out = W_out = 1. The first layer's BWD is listed although
 * training does not need it (nothing upstream learns). A network is a NetworkSpec or the name of
 * one in lib/networks' registry (the specs there and lowbit's model zoo).
 *
 * accumulationTable() puts minAccumulatorBits() next to each n. Those solves take seconds each,
 * so results are cached for the process by (n, mP, chunk, sparsity, tolerance): layers that
 * repeat a shape (most of a ResNet) cost nothing.
 */
import { checkInteger } from "../core/checks";
import type { NetworkSpec } from "../networks/network_spec";
import { resolveNetwork } from "../networks/registry";
import { DEFAULT_VRR_TOLERANCE, minAccumulatorBits } from "./min_bits";
import type { FloatingPointFormat } from "../quant/formats";
import { checkSparsity, mantissaOf } from "./vrr";

export interface GemmShape {
  layer: string;
  fwd: number;
  bwd: number;
  grad: number;
}

export interface AccumulationRow extends GemmShape {
  fwdMAcc: number;
  bwdMAcc: number;
  gradMAcc: number;
}

export interface AccumulationTableOptions {
  /** The products' format: a floatingPoint format. Give this or mP. */
  product?: FloatingPointFormat;
  /** Short form: product mantissa bits, an integer in [0, 52]. */
  mP?: number;
  /** Chunk length; a GEMM with n <= chunk is not chunked. */
  chunk?: number;
  /** Batch size of GRAD (default: the network's). */
  batch?: number;
  /** Fraction of zero products, in [0, 1) (e.g. after ReLU); default 0. */
  sparsity?: number;
  /** minAccumulatorBits' tolerance on |1 - VRR|; default DEFAULT_VRR_TOLERANCE. */
  tolerance?: number;
}

/** n of the FWD, BWD and GRAD dot products of every layer. */
export function gemmShapes(network: NetworkSpec | string, { batch }: { batch?: number } = {}): GemmShape[] {
  const spec = resolveNetwork("gemmShapes", network);
  const b = batch ?? spec.batch;
  checkInteger("gemmShapes batch", b, 1);
  return spec.layers.map((l) => ({
    layer: l.name,
    fwd: l.cIn * l.k * l.k,
    bwd: l.cOut * l.k * l.k,
    grad: b * l.hOut * l.wOut,
  }));
}

const solved = new Map<string, number>();

/** minAccumulatorBits, cached by its arguments; chunking only where n exceeds the chunk. */
function cachedMinBits(n: number, mP: number, chunk: number | undefined, sparsity: number, tolerance: number): number {
  const c = chunk !== undefined && chunk < n ? chunk : undefined;
  const key = `${n}:${mP}:${c}:${sparsity}:${tolerance}`;
  let m = solved.get(key);
  if (m === undefined) {
    m = minAccumulatorBits({ n, mP, chunk: c, sparsity, criterion: { tolerance } });
    solved.set(key, m);
  }
  return m;
}

/** gemmShapes with the predicted minimum accumulator mantissa of each GEMM. */
export function accumulationTable(network: NetworkSpec | string, options: AccumulationTableOptions): AccumulationRow[] {
  if (typeof options !== "object" || options === null)
    throw new TypeError(
      "lowbit: accumulationTable takes options { product (or mP), chunk?, batch?, sparsity?, tolerance? }",
    );
  const { chunk, batch, sparsity = 0, tolerance = DEFAULT_VRR_TOLERANCE } = options;
  const mP = mantissaOf("accumulationTable", "product", options.product, "mP", options.mP, [0, 52]);
  if (chunk !== undefined) checkInteger("accumulationTable chunk", chunk, 1);
  checkSparsity("accumulationTable", sparsity);
  return gemmShapes(network, { batch }).map((g) => ({
    ...g,
    fwdMAcc: cachedMinBits(g.fwd, mP, chunk, sparsity, tolerance),
    bwdMAcc: cachedMinBits(g.bwd, mP, chunk, sparsity, tolerance),
    gradMAcc: cachedMinBits(g.grad, mP, chunk, sparsity, tolerance),
  }));
}
