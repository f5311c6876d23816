/**
 * One split (train, test, validation) of an image classification dataset, held as the raw bytes
 * of the files: uint8 pixels NHWC and uint8 labels. Tensors are made per batch, on demand,
 * because the float32 form of a split is 4x larger (MNIST's train images: 47 MB as bytes,
 * 188 MB as float32) and most of it is never needed at once.
 */
import * as tf from "../backend/tf";
import { checkInteger, checkOneOf } from "../core/checks";
import { hash32, Rng } from "../core/random";

/** How pixel bytes p in [0, 255] become floats. */
export type PixelRange = "unit" | "symmetric";
/** How labels become the y tensor. */
export type LabelEncoding = "int32" | "oneHot";

const PIXEL_RANGES: readonly PixelRange[] = ["unit", "symmetric"];
const LABEL_ENCODINGS: readonly LabelEncoding[] = ["int32", "oneHot"];

export interface TensorOptions {
  /** "unit" (default): x = p / 255 in [0, 1]; "symmetric": x = 2p / 255 - 1 in [-1, 1]. */
  range?: PixelRange;
  /** "int32" (default): y int32 [b] of class indices; "oneHot": y float32 [b, numClasses]. */
  labels?: LabelEncoding;
}

export interface BatchOptions extends TensorOptions {
  /** Examples per batch: an integer >= 1. */
  batchSize: number;
  /** Visit the examples in a seeded random order (default false: file order). */
  shuffle?: boolean;
  /** Seed of the shuffle, an integer in [0, 2^32) (default 0). Ignored without shuffle. */
  seed?: number;
  /** Epoch number, an integer in [0, 2^32) (default 0): each epoch has its own order. Ignored without shuffle. */
  epoch?: number;
  /** Leave out the last batch when it has fewer than batchSize examples (default false). */
  dropRemainder?: boolean;
}

/** A batch as tensors. The caller owns them: call dispose() when done. */
export interface Batch {
  /** Images, float32 NHWC [size, h, w, c], in [0, 1] or [-1, 1] by the range option. */
  x: tf.Tensor4D;
  /** Labels: int32 [size] class indices, or float32 [size, numClasses] one-hot rows. */
  y: tf.Tensor;
  /** Number of examples. */
  size: number;
  /** Disposes x and y. */
  dispose(): void;
}

/** What an ImageSplit is made of; the arrays are used as given, not copied. */
export interface ImageSplitInit {
  name: string;
  /** size * h * w * c pixel bytes, NHWC. */
  images: Uint8Array;
  /** One class index in [0, numClasses) per example. */
  labels: Uint8Array;
  imageShape: readonly [number, number, number];
  numClasses: number;
}

/**
 * Byte-to-float tables: a batch is built by one table lookup per pixel into a preallocated
 * Float32Array, rather than by tf ops (cast, div, sub) that would allocate three tensors each.
 */
const PIXEL_TABLES: Record<PixelRange, Float32Array> = {
  unit: Float32Array.from({ length: 256 }, (_, p) => p / 255),
  symmetric: Float32Array.from({ length: 256 }, (_, p) => (2 * p) / 255 - 1),
};

/**
 * subset() and split() draw from Rng(hash32(seed, tag, 0)) rather than from Rng(seed, stream):
 * batches() owns the streams of a seed (one per epoch), and a validation split drawn from the
 * same stream as epoch 0's shuffle would be correlated with it.
 */
const SUBSET_TAG = 0x73756273; // "subs"
const SPLIT_TAG = 0x73706c74; // "splt"

export class ImageSplit {
  /** e.g. "mnist/train". */
  readonly name: string;
  /** Number of examples. */
  readonly size: number;
  /** [height, width, channels]. */
  readonly imageShape: readonly [number, number, number];
  readonly numClasses: number;
  /** size * h * w * c pixel bytes, NHWC. Shared with the splits derived from this one: do not modify. */
  readonly images: Uint8Array;
  /** size class indices in [0, numClasses). Shared like images. */
  readonly labels: Uint8Array;

  /** Checks that images and labels agree in length and that every label is below numClasses. */
  constructor(init: ImageSplitInit) {
    const [h, w, c] = init.imageShape;
    checkInteger(`ImageSplit ${init.name} imageShape height`, h, 1);
    checkInteger(`ImageSplit ${init.name} imageShape width`, w, 1);
    checkInteger(`ImageSplit ${init.name} imageShape channels`, c, 1);
    checkInteger(`ImageSplit ${init.name} numClasses`, init.numClasses, 1, 256);
    const size = init.labels.length;
    if (init.images.length !== size * h * w * c) {
      throw new RangeError(
        `lowbit: ImageSplit ${init.name}: images has ${init.images.length} bytes; ` +
          `${size} labels x [${h}, ${w}, ${c}] need ${size * h * w * c}`,
      );
    }
    for (let i = 0; i < size; i++) {
      if (init.labels[i] >= init.numClasses) {
        throw new RangeError(
          `lowbit: ImageSplit ${init.name}: labels[${i}] = ${init.labels[i]}; ` +
            `labels must be in [0, ${init.numClasses - 1}]`,
        );
      }
    }
    this.name = init.name;
    this.size = size;
    this.imageShape = [h, w, c];
    this.numClasses = init.numClasses;
    this.images = init.images;
    this.labels = init.labels;
  }

  /** Pixels per image, h * w * c. */
  private get pixels(): number {
    return this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
  }

  /**
   * The split in batches of batchSize examples: ceil(size / batchSize) batches, or
   * floor(size / batchSize) with dropRemainder. With shuffle, the order is
   * Rng(seed, epoch).permutation(size): reproducible from (seed, epoch), different per epoch,
   * every example exactly once per epoch. Options are checked here, before the first batch.
   * Each batch's tensors are made when it is reached; dispose each batch after use.
   */
  batches(options: BatchOptions): Generator<Batch, void, undefined> {
    const { batchSize, shuffle = false, seed = 0, epoch = 0, dropRemainder = false } = options;
    const { range = "unit", labels = "int32" } = options;
    checkInteger(`${this.name} batches() batchSize`, batchSize, 1);
    checkInteger(`${this.name} batches() seed`, seed, 0, 2 ** 32 - 1);
    checkInteger(`${this.name} batches() epoch`, epoch, 0, 2 ** 32 - 1);
    checkOneOf(`${this.name} batches() range`, range, PIXEL_RANGES);
    checkOneOf(`${this.name} batches() labels`, labels, LABEL_ENCODINGS);
    const order = shuffle ? new Rng(seed, epoch).permutation(this.size) : undefined;
    const end = dropRemainder ? this.size - (this.size % batchSize) : this.size;
    return this.generate(order, batchSize, end, range, labels);
  }

  private *generate(
    order: Int32Array | undefined,
    batchSize: number,
    end: number,
    range: PixelRange,
    labels: LabelEncoding,
  ): Generator<Batch, void, undefined> {
    for (let start = 0; start < end; start += batchSize) {
      yield this.batch(order, start, Math.min(batchSize, end - start), range, labels);
    }
  }

  /** The whole split as one Batch (MNIST train: 188 MB of float32 images). */
  tensors(options: TensorOptions = {}): Batch {
    const { range = "unit", labels = "int32" } = options;
    checkOneOf(`${this.name} tensors() range`, range, PIXEL_RANGES);
    checkOneOf(`${this.name} tensors() labels`, labels, LABEL_ENCODINGS);
    return this.batch(undefined, 0, this.size, range, labels);
  }

  /**
   * A split of n examples, n in [0, size]: the first n (a zero-copy view) without seed, else a
   * seeded random sample without replacement, kept in this split's order.
   */
  subset(n: number, seed?: number): ImageSplit {
    checkInteger(`${this.name} subset() n`, n, 0, this.size);
    if (seed === undefined) {
      return this.derive(`${this.name}[:${n}]`, this.images.subarray(0, n * this.pixels), this.labels.subarray(0, n));
    }
    checkInteger(`${this.name} subset() seed`, seed, 0, 2 ** 32 - 1);
    const chosen = new Rng(hash32(seed, SUBSET_TAG, 0)).permutation(this.size).subarray(0, n).sort();
    return this.select(chosen, `${this.name}[${n} sampled, seed ${seed}]`);
  }

  /**
   * Splits off a random validation set: `validation` is a fraction in (0, 1) of size (rounded)
   * or a count in [0, size]. Returns [train, validation], disjoint, together every example,
   * each kept in this split's order; the same seed gives the same split.
   */
  split(validation: number, seed: number): [ImageSplit, ImageSplit] {
    const count = validation > 0 && validation < 1 ? Math.round(validation * this.size) : validation;
    if (!Number.isInteger(count) || count < 0 || count > this.size) {
      throw new RangeError(
        `lowbit: ${this.name} split() validation must be a fraction in (0, 1) or an ` +
          `integer count in [0, ${this.size}]; got ${String(validation)}`,
      );
    }
    checkInteger(`${this.name} split() seed`, seed, 0, 2 ** 32 - 1);
    const order = new Rng(hash32(seed, SPLIT_TAG, 0)).permutation(this.size);
    return [
      this.select(order.subarray(count).sort(), `${this.name}[train]`),
      this.select(order.subarray(0, count).sort(), `${this.name}[validation]`),
    ];
  }

  private derive(name: string, images: Uint8Array, labels: Uint8Array): ImageSplit {
    return new ImageSplit({ name, images, labels, imageShape: this.imageShape, numClasses: this.numClasses });
  }

  /** A new split of the examples at `indices`, copied. */
  private select(indices: Int32Array, name: string): ImageSplit {
    const pixels = this.pixels;
    const images = new Uint8Array(indices.length * pixels);
    const labels = new Uint8Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const src = indices[i] * pixels;
      images.set(this.images.subarray(src, src + pixels), i * pixels);
      labels[i] = this.labels[indices[i]];
    }
    return this.derive(name, images, labels);
  }

  /**
   * Examples order[start .. start + count) (or start .. start + count without order) as tensors,
   * the images converted in one pass through a pixel table into a preallocated Float32Array.
   */
  private batch(
    order: Int32Array | undefined,
    start: number,
    count: number,
    range: PixelRange,
    labels: LabelEncoding,
  ): Batch {
    const [h, w, c] = this.imageShape;
    const pixels = this.pixels;
    const table = PIXEL_TABLES[range];
    const images = this.images;
    const xs = new Float32Array(count * pixels);
    const classes = new Int32Array(count);
    for (let b = 0; b < count; b++) {
      const example = order === undefined ? start + b : order[start + b];
      const src = example * pixels;
      const dst = b * pixels;
      for (let k = 0; k < pixels; k++) xs[dst + k] = table[images[src + k]];
      classes[b] = this.labels[example];
    }
    const x = tf.tensor4d(xs, [count, h, w, c], "float32");
    let y: tf.Tensor;
    if (labels === "int32") {
      y = tf.tensor1d(classes, "int32");
    } else {
      const oneHot = new Float32Array(count * this.numClasses);
      for (let b = 0; b < count; b++) oneHot[b * this.numClasses + classes[b]] = 1;
      y = tf.tensor2d(oneHot, [count, this.numClasses], "float32");
    }
    return { x, y, size: count, dispose: () => tf.dispose([x, y]) };
  }
}
