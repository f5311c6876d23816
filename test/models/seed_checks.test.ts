/**
 * Seeds and initialisation limits are checked where they are given: every model constructor of
 * lib/models (seed an integer in [0, 2^28 - 1], since layer i gets seed * 16 + i), the quantized
 * layers and every quantizer that takes a seed (an integer in [0, 2^32 - 1]). NaN, fractions,
 * out-of-range numbers are RangeErrors, a non-number a TypeError, each naming the option and
 * both bounds; none is silently replaced by a default.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import {
  charLstm,
  dfpQuantizer,
  fixedPoint,
  formatQuantizer,
  initBackend,
  lenet5,
  qnnMlp,
  quantConv2d,
  quantDense,
  quantLstm,
  seq2seq,
  vggNet,
  wageLeNet5,
} from "lowbit";
import { logQuantizer, wageGradient } from "lowbit/layers";

const BAD_NUMBERS = [NaN, -1, 0.5, Infinity];

function assertSeedErrors(what: string, max: string, make: (seed: unknown) => unknown): void {
  for (const seed of [...BAD_NUMBERS, 2 ** 32]) {
    assert.throws(
      () => make(seed),
      { name: "RangeError", message: `lowbit: ${what} seed must be an integer in [0, ${max}]; got ${seed}` },
      `${what} ${seed}`,
    );
  }
  for (const seed of ["abc", "1", null]) {
    assert.throws(
      () => make(seed),
      {
        name: "TypeError",
        message: new RegExp(
          `^lowbit: ${what} seed must be an integer in \\[0, ${max.replace(/[\^]/g, "\\^")}\\]; got ${JSON.stringify(seed)}`,
        ),
      },
      `${what} ${JSON.stringify(seed)}`,
    );
  }
}

describe("seed checks", () => {
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });

  it("every model constructor refuses a seed outside [0, 2^28 - 1]", () => {
    const models: [string, (seed: unknown) => unknown][] = [
      ["lenet5", (seed) => lenet5({ seed } as never)],
      ["wageLeNet5", (seed) => wageLeNet5({ seed } as never)],
      ["qnnMlp", (seed) => qnnMlp({ seed } as never)],
      ["vggNet", (seed) => vggNet({ seed } as never)],
      ["charLstm", (seed) => charLstm({ vocab: 8, seed } as never)],
      [
        "seq2seq",
        (seed) => seq2seq({ sourceVocab: 8, targetVocab: 8, sourceLength: 4, targetLength: 4, seed } as never),
      ],
    ];
    for (const [name, make] of models) {
      assertSeedErrors(name, "2^28 - 1", make);
      assert.throws(
        () => make(2 ** 28),
        { name: "RangeError", message: /seed must be an integer in \[0, 2\^28 - 1\]; got 268435456/ },
        name,
      );
    }
    lenet5({ seed: 2 ** 28 - 1 }).dispose(); // the largest seed still builds
  });

  it("layers and quantizers refuse a seed outside [0, 2^32 - 1]", () => {
    assertSeedErrors("QuantDense", "2^32 - 1", (seed) => quantDense({ units: 2, seed } as never));
    assertSeedErrors("QuantConv2d", "2^32 - 1", (seed) => quantConv2d({ filters: 2, kernelSize: 3, seed } as never));
    assertSeedErrors("QuantLstm", "2^32 - 1", (seed) => quantLstm({ units: 2, seed } as never));
    assertSeedErrors("logQuantizer", "2^32 - 1", (seed) => logQuantizer(4, { seed } as never));
    assertSeedErrors("formatQuantizer", "2^32 - 1", (seed) =>
      formatQuantizer(fixedPoint({ bits: 8, frac: 4 }), { seed } as never),
    );
    assertSeedErrors("dfpQuantizer", "2^32 - 1", (seed) => dfpQuantizer({ bits: 8 }, { seed } as never));
    assertSeedErrors("wageGradient", "2^32 - 1", (seed) => wageGradient(8, { seed } as never));
  });

  it("initLimit must be a finite number > 0, not NaN turned into the default", () => {
    for (const initLimit of [NaN, 0, -1, Infinity]) {
      assert.throws(() => quantDense({ units: 2, initLimit }), {
        name: "RangeError",
        message: `lowbit: QuantDense initLimit must be a finite number > 0 (or undefined for Glorot uniform); got ${initLimit}`,
      });
    }
    const layer = quantDense({ units: 3, initLimit: 0.25, inputShape: [4] });
    const model = tf.sequential({ layers: [layer] });
    const w = layer.masterKernel().dataSync();
    assert.ok(w.every((v) => Math.abs(v) <= 0.25) && w.some((v) => v !== 0));
    model.dispose();
  });

  it("range messages name both bounds (finite is the upper one)", () => {
    assert.throws(() => quantDense({ units: 2, scale: Infinity }), {
      message: "lowbit: QuantDense scale must be a finite number > 0; got Infinity",
    });
    assert.throws(() => quantDense({ units: 2, weightClip: -1 }), {
      message: "lowbit: QuantDense weightClip must be a number in (0, Infinity]; got -1",
    });
    assert.throws(() => wageGradient(8, { eta: Infinity }), {
      message: "lowbit: wageGradient eta must be a finite number > 0; got Infinity",
    });
    assert.throws(() => quantDense({ units: 0 }), {
      message: "lowbit: quantDense units must be an integer in [1, 2^53 - 1]; got 0",
    });
    assert.throws(() => vggNet({ units: 0 }), {
      message: "lowbit: vggNet units must be an integer in [1, 2^53 - 1]; got 0",
    });
  });
});
