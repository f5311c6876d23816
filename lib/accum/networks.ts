/**
 * The GEMMs of training and the accumulator each needs. A convolution (or dense) layer with
 * C_in input and C_out output channels, a k x k kernel and an H_out x W_out output runs three
 * matrix products per step, each a set of dot products of length n:
 *   FWD  (activations forward):       n = C_in  k k       (one output pixel: all inputs it sees)
 *   BWD  (errors to the layer input): n = C_out k k       (one input pixel: all outputs it feeds)
 *   GRAD (weight gradient):           n = batch H_out W_out (one weight: every position it slid over)
 * A dense layer is the case k = 1, H_out = W_out = 1. The first layer's BWD is listed although
 * training does not need it (nothing upstream learns). Strides, padding and pooling enter only
 * through H_out and W_out, which the specs below give directly.
 *
 * accumulationTable() puts minAccumulatorBits() next to each n. Those solves take seconds each,
 * so results are cached for the process by (n, mP, chunk, sparsity, tolerance): layers that
 * repeat a shape (most of a ResNet) cost nothing.
 */
import { checkInteger } from "../core/checks";
import { DEFAULT_VRR_TOLERANCE, minAccumulatorBits } from "./min_bits";
import type { FloatingPointFormat } from "../quant/formats";
import { checkSparsity, mantissaOf } from "./vrr";

/** One weight layer: a k x k convolution, or a dense layer (k = 1, hOut = wOut = 1). */
export interface LayerSpec {
  name: string;
  cIn: number;
  cOut: number;
  k: number;
  hOut: number;
  wOut: number;
}

/** A network as plain data: its weight layers in order and the batch size it trains with. */
export interface NetworkSpec {
  name: string;
  dataset: string;
  batch: number;
  layers: LayerSpec[];
}

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

const conv = (name: string, cIn: number, cOut: number, k: number, size: number): LayerSpec => ({ name, cIn, cOut, k, hOut: size, wOut: size });
const dense = (name: string, cIn: number, cOut: number): LayerSpec => ({ name, cIn, cOut, k: 1, hOut: 1, wOut: 1 });

/** ResNet-32 for CIFAR-10 (He et al. 2016): 3 stages of 5 basic blocks, identity shortcuts. */
function resnet32(): NetworkSpec {
  const layers = [conv("conv1", 3, 16, 3, 32)];
  const stages: [number, number][] = [[16, 32], [32, 16], [64, 8]];
  let channels = 16;
  stages.forEach(([width, size], s) => {
    for (let b = 0; b < 5; b++) {
      layers.push(conv(`stage${s + 1}.block${b + 1}.conv1`, channels, width, 3, size));
      layers.push(conv(`stage${s + 1}.block${b + 1}.conv2`, width, width, 3, size));
      channels = width;
    }
  });
  layers.push(dense("fc", 64, 10));
  return { name: "resnet32", dataset: "CIFAR-10 (32x32)", batch: 128, layers };
}

/** ResNet-18 for ImageNet (224x224): 4 stages of 2 basic blocks, 1x1 projection shortcuts. */
function resnet18(): NetworkSpec {
  const layers = [conv("conv1", 3, 64, 7, 112)];
  const stages: [number, number][] = [[64, 56], [128, 28], [256, 14], [512, 7]];
  let channels = 64;
  stages.forEach(([width, size], s) => {
    for (let b = 0; b < 2; b++) {
      const name = `layer${s + 1}.${b}`;
      layers.push(conv(`${name}.conv1`, channels, width, 3, size));
      layers.push(conv(`${name}.conv2`, width, width, 3, size));
      if (channels !== width) layers.push(conv(`${name}.downsample`, channels, width, 1, size));
      channels = width;
    }
  });
  layers.push(dense("fc", 512, 1000));
  return { name: "resnet18", dataset: "ImageNet (224x224)", batch: 256, layers };
}

/** AlexNet for ImageNet (Krizhevsky et al. 2012), its convolutions ungrouped. */
function alexnet(): NetworkSpec {
  return {
    name: "alexnet", dataset: "ImageNet (227x227)", batch: 256,
    layers: [
      conv("conv1", 3, 96, 11, 55), conv("conv2", 96, 256, 5, 27), conv("conv3", 256, 384, 3, 13),
      conv("conv4", 384, 384, 3, 13), conv("conv5", 384, 256, 3, 13),
      dense("fc6", 256 * 6 * 6, 4096), dense("fc7", 4096, 4096), dense("fc8", 4096, 1000),
    ],
  };
}

/** lowbit's LeNet-5: 32C5-MP2-64C5-MP2-512FC-10 on 28x28 MNIST, valid convolutions. */
function lenet5(): NetworkSpec {
  return {
    name: "lenet5", dataset: "MNIST (28x28)", batch: 64,
    layers: [conv("conv1", 1, 32, 5, 24), conv("conv2", 32, 64, 5, 8), dense("fc1", 64 * 4 * 4, 512), dense("fc2", 512, 10)],
  };
}

/** VGG-7: 2x128C3-MP2-2x256C3-MP2-2x512C3-MP2-1024FC-10 on 32x32, same-padded convolutions. */
function vgg7(): NetworkSpec {
  return {
    name: "vgg7", dataset: "CIFAR-10 (32x32)", batch: 128,
    layers: [
      conv("conv1", 3, 128, 3, 32), conv("conv2", 128, 128, 3, 32), conv("conv3", 128, 256, 3, 16),
      conv("conv4", 256, 256, 3, 16), conv("conv5", 256, 512, 3, 8), conv("conv6", 512, 512, 3, 8),
      dense("fc1", 512 * 4 * 4, 1024), dense("fc2", 1024, 10),
    ],
  };
}

/** The network specs by name. */
export const NETWORKS: Readonly<Record<string, NetworkSpec>> = {
  resnet32: resnet32(), resnet18: resnet18(), alexnet: alexnet(), lenet5: lenet5(), vgg7: vgg7(),
};

function resolve(what: string, network: NetworkSpec | string): NetworkSpec {
  if (typeof network === "string") {
    const spec = NETWORKS[network];
    if (!spec) throw new RangeError(`lowbit: ${what} network must be one of ${Object.keys(NETWORKS).map((n) => `"${n}"`).join(", ")} or a NetworkSpec; got ${JSON.stringify(network)}`);
    return spec;
  }
  if (typeof network !== "object" || network === null || !Array.isArray(network.layers)) {
    throw new TypeError(`lowbit: ${what} network must be a network name or a NetworkSpec { name, dataset, batch, layers }`);
  }
  for (const l of network.layers) {
    for (const key of ["cIn", "cOut", "k", "hOut", "wOut"] as const) checkInteger(`${what} layer ${l.name} ${key}`, l[key], 1);
  }
  return network;
}

/** n of the FWD, BWD and GRAD dot products of every layer. */
export function gemmShapes(network: NetworkSpec | string, { batch }: { batch?: number } = {}): GemmShape[] {
  const spec = resolve("gemmShapes", network);
  const b = batch ?? spec.batch;
  checkInteger("gemmShapes batch", b, 1);
  return spec.layers.map((l) => ({ layer: l.name, fwd: l.cIn * l.k * l.k, bwd: l.cOut * l.k * l.k, grad: b * l.hOut * l.wOut }));
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
  if (typeof options !== "object" || options === null) throw new TypeError("lowbit: accumulationTable takes options { product (or mP), chunk?, batch?, sparsity?, tolerance? }");
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
