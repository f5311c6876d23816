/**
 * lib/networks' registry: one name, one network, read by accum (gemmShapes, accumulationTable)
 * and hw (cost) alike; the zoo's networks join it when lib/models loads; a name cannot be
 * registered twice; building a zoo network for its shapes leaks nothing.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend, vggNet } from "lowbit";
import { networkNames, registeredNetwork, registerNetwork } from "lowbit/models";
import { gemmShapes } from "lowbit/accum";
import { cost } from "lowbit/hw";
import { builtModelLayers } from "../../lib/dist/layers/model_layers";

const lengths = (net: string) => gemmShapes(net).map((g) => `${g.fwd}/${g.bwd}/${g.grad}`);

before(async () => {
  await initBackend({ backend: "wasm", quiet: true });
});

test("the specs and the model zoo in one registry, each name once, in registration order", () => {
  assert.deepEqual(networkNames(), [
    "resnet32",
    "resnet18",
    "alexnet",
    "lenet5",
    "vgg7",
    "wage-lenet5",
    "qnn-mlp",
    "vgg-net",
    "char-lstm",
  ]);
  const wage = registeredNetwork("wage-lenet5");
  assert.equal(wage.batch, 64);
  assert.match(wage.description, /wageLeNet5/);
  assert.equal(registeredNetwork("wage-lenet5"), wage); // built once, then cached
  assert.throws(
    () => registerNetwork({ name: "lenet5", description: "again", dataset: "MNIST", batch: 1, layers: () => [] }),
    /registerNetwork: a network "lenet5" is already registered/,
  );
  assert.throws(
    () => registeredNetwork("resnet50"),
    /registeredNetwork network must be one of "resnet32", .*"char-lstm" or a NetworkSpec; got "resnet50"/,
  );
});

test("accum and hw read the same registered shapes: a zoo network's GEMM lengths and costs", () => {
  // WAGE's LeNet-5 (pool inside its convolutions) has LeNet-5's GEMMs: conv0's GRAD runs over the
  // 24 x 24 positions before its pool (regression: it took the pooled 12 x 12).
  assert.deepEqual(lengths("wage-lenet5"), lengths("lenet5"));
  assert.deepEqual(lengths("wage-lenet5")[0], "25/800/36864");
  const fromCost = cost("qnn-mlp", "bnn", { phase: "training" }).layers.map((l) => l.gemms.map((g) => g.n));
  assert.deepEqual(
    fromCost,
    gemmShapes("qnn-mlp").map((g, i) => (i === 0 ? [g.fwd, g.grad] : [g.fwd, g.bwd, g.grad])),
  );
  assert.deepEqual(lengths("char-lstm")[0], `${64 + 256}/${4 * 256}/${64 * 64}`);
});

test("building a zoo model for its shapes leaks no tensors", () => {
  builtModelLayers(() => vggNet());
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) builtModelLayers(() => vggNet());
  assert.equal(tf.memory().numTensors, before);
});
