/**
 * The networks' GEMM shapes: lengths worked out by hand for a few layers, layer counts, and a
 * snapshot of every network's n values; and a snapshot of LeNet-5's accumulation table (batch
 * 1, the cheapest real table: each minAccumulatorBits solve takes seconds).
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { accumulationTable, gemmShapes } from "lowbit/accum";

test("GEMM lengths by hand: FWD = C_in k k, BWD = C_out k k, GRAD = batch H_out W_out", () => {
  const byName = (net: string) => new Map(gemmShapes(net).map((g) => [g.layer, g]));
  // ResNet-32, first conv of stage 2: 16 -> 32 channels, 3x3, 16x16 output, batch 128.
  assert.deepEqual(byName("resnet32").get("stage2.block1.conv1"), {
    layer: "stage2.block1.conv1",
    fwd: 16 * 9,
    bwd: 32 * 9,
    grad: 128 * 16 * 16,
  });
  // ResNet-18 stem: 3 -> 64, 7x7, 112x112 output, batch 256: 147, 3136, 3211264.
  assert.deepEqual(byName("resnet18").get("conv1"), { layer: "conv1", fwd: 147, bwd: 3136, grad: 3211264 });
  // AlexNet fc6: 9216 -> 4096 (a dense layer: one "pixel" per example).
  assert.deepEqual(byName("alexnet").get("fc6"), { layer: "fc6", fwd: 9216, bwd: 4096, grad: 256 });
  // LeNet-5 conv2: 32 -> 64, 5x5, 12x12 input -> 8x8 output, batch 64.
  assert.deepEqual(byName("lenet5").get("conv2"), { layer: "conv2", fwd: 800, bwd: 1600, grad: 64 * 64 });
  // VGG-7 fc1: flatten 4x4x512 = 8192 -> 1024.
  assert.deepEqual(byName("vgg7").get("fc1"), { layer: "fc1", fwd: 8192, bwd: 1024, grad: 128 });
  assert.equal(gemmShapes("lenet5", { batch: 2 })[0].grad, 2 * 24 * 24);
});

test("layer counts and a snapshot of every network's lengths", () => {
  const counts = Object.fromEntries(
    ["resnet32", "resnet18", "alexnet", "lenet5", "vgg7"].map((n) => [n, gemmShapes(n).length]),
  );
  assert.deepEqual(counts, { resnet32: 32, resnet18: 21, alexnet: 8, lenet5: 4, vgg7: 8 });
  const digest = (net: string) =>
    gemmShapes(net)
      .map((g) => `${g.fwd}/${g.bwd}/${g.grad}`)
      .join(" ");
  assert.equal(
    digest("alexnet"),
    "363/11616/774400 2400/6400/186624 2304/3456/43264 3456/3456/43264 3456/2304/43264 9216/4096/256 4096/4096/256 4096/1000/256",
  );
  assert.equal(
    digest("vgg7"),
    "27/1152/131072 1152/1152/131072 1152/2304/32768 2304/2304/32768 2304/4608/8192 4608/4608/8192 8192/1024/128 1024/10/128",
  );
  // ResNet-18 shapes: stem, stage 1 (one shape), 3 per later stage (conv1, conv2, downsample), fc.
  assert.equal(new Set(gemmShapes("resnet18").map((g) => `${g.fwd}/${g.bwd}/${g.grad}`)).size, 12);
});

// Each width checked against monteCarloVrrEstimate (2e7 / n sums): e.g. n = 25 needs 4 bits
// (VRR 0.988 at 3, 0.996 at 4), n = 512 needs 6 (0.985 at 5, 0.996 at 6).
test("LeNet-5 accumulation table snapshot (mP = 5, batch 1)", () => {
  const table = accumulationTable("lenet5", { mP: 5, batch: 1 });
  assert.deepEqual(
    table.map((r) => [r.layer, r.fwd, r.fwdMAcc, r.bwd, r.bwdMAcc, r.grad, r.gradMAcc]),
    [
      ["conv1", 25, 4, 800, 6, 576, 6],
      ["conv2", 800, 6, 1600, 7, 64, 4],
      ["fc1", 1024, 6, 512, 6, 1, 1],
      ["fc2", 512, 6, 10, 3, 1, 1],
    ],
  );
});

test("bad networks and options: typed errors", () => {
  assert.throws(
    () => gemmShapes("resnet50"),
    /network must be one of "resnet32", "resnet18", "alexnet", "lenet5", "vgg7"/,
  );
  assert.throws(() => gemmShapes("lenet5", { batch: 0 }), /batch must be an integer in \[1, 2\^53 - 1\]/);
  assert.throws(() => accumulationTable("lenet5", { mP: -1 }), /mP must be an integer in \[0, 52\]/);
  assert.throws(() => accumulationTable("lenet5", { mP: 5, sparsity: 1 }), /sparsity must be a number in \[0, 1\)/);
  const bad = { name: "x", dataset: "y", batch: 1, layers: [{ name: "l", cIn: 0, cOut: 1, k: 1, hOut: 1, wOut: 1 }] };
  assert.throws(() => gemmShapes(bad), /layer l cIn must be an integer in \[1, 2\^53 - 1\]/);
});
