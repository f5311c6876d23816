/**
 * The synthetic translation task: number words checked against hand-written cases, seeded
 * determinism, disjoint splits, the batch tensors' layout, and Vocabulary.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { BOS, EOS, numberTranslation, numberWords, PAD, translationBatch, Vocabulary } from "lowbit/data";
import { numberSplit } from "../../lib/dist/data/number_translation";

describe("numberWords", () => {
  test("hand-written cases", () => {
    const cases: [number, string][] = [
      [0, "zero"],
      [7, "seven"],
      [13, "thirteen"],
      [20, "twenty"],
      [42, "forty two"],
      [100, "one hundred"],
      [105, "one hundred five"],
      [990, "nine hundred ninety"],
      [1000, "one thousand"],
      [5006, "five thousand six"],
      [305020, "three hundred five thousand twenty"],
      [999999, "nine hundred ninety nine thousand nine hundred ninety nine"],
    ];
    for (const [n, s] of cases) assert.equal(numberWords(n).join(" "), s, String(n));
  });

  test("distinct numbers have distinct words (0 .. 10^6 - 1): the task is a function both ways", () => {
    const seen = new Set<string>();
    for (let n = 0; n < 1e6; n++) seen.add(numberWords(n).join(" "));
    assert.equal(seen.size, 1e6);
  });

  test("bad input", () => {
    assert.throws(() => numberWords(1e6), /numberWords n must be an integer in \[0, 999999\]/);
    assert.throws(() => numberWords(1.5), RangeError);
  });
});

describe("numberTranslation", () => {
  test("the same seed gives the same pairs; another seed others", () => {
    const a = numberTranslation({ split: "train", size: 500, seed: 3 });
    const b = numberTranslation({ split: "train", size: 500, seed: 3 });
    const c = numberTranslation({ split: "train", size: 500, seed: 4 });
    assert.deepEqual(a.pairs, b.pairs);
    assert.notDeepEqual(a.pairs, c.pairs);
  });

  test("targets are the digits of the number the source names; splits are disjoint", () => {
    const train = numberTranslation({ split: "train", size: 3000, seed: 1 });
    const test_ = numberTranslation({ split: "test", size: 300, seed: 1 });
    const numbers = (pairs: typeof train.pairs) => new Set(pairs.map((p) => Number(p.target.join(""))));
    for (const p of [...train.pairs, ...test_.pairs])
      assert.deepEqual(p.source, numberWords(Number(p.target.join(""))));
    const inTrain = numbers(train.pairs);
    for (const n of numbers(test_.pairs)) assert.ok(!inTrain.has(n), `${n} is in both splits`);
    for (const n of inTrain) assert.equal(numberSplit(n), "train");
  });

  test("lengths: uniform number of digits in [1, maxDigits]; sentence lengths within the declared maxima", () => {
    const t = numberTranslation({ split: "train", size: 6000, seed: 2, maxDigits: 3 });
    const counts = [0, 0, 0];
    for (const p of t.pairs) {
      counts[p.target.length - 1]++;
      assert.ok(p.source.length <= t.sourceLength);
      assert.ok(p.target.length + 1 <= t.targetLength);
    }
    for (const c of counts) assert.ok(Math.abs(c - 2000) < 200, String(counts));
    // The longest below 1000: hundreds, "hundred", tens, ones ("one hundred twenty one"); below 10^6, twice that plus "thousand".
    assert.equal(t.sourceLength, 4);
    assert.equal(numberTranslation({ split: "test", size: 1, seed: 0 }).sourceLength, 9);
  });

  test("bad options", () => {
    assert.throws(() => numberTranslation({ split: "dev" as "train", size: 1, seed: 0 }), /split/);
    assert.throws(() => numberTranslation({ split: "train", size: 0, seed: 0 }), /size/);
    assert.throws(() => numberTranslation({ split: "train", size: 1, seed: 0, maxDigits: 7 }), /maxDigits/);
  });
});

describe("translationBatch", () => {
  before(async () => {
    await initBackend({ backend: "wasm", quiet: true });
  });

  test("one-hot layout: reversed left-padded source, BOS-shifted decoder input, EOS-terminated target", () => {
    const t = numberTranslation({ split: "train", size: 1, seed: 0, maxDigits: 2 });
    const pairs = [
      { source: ["forty", "two"], target: ["4", "2"] },
      { source: ["seven"], target: ["7"] },
    ];
    const before_ = tf.memory().numTensors;
    const b = translationBatch(pairs, t);
    const ids = (x: tf.Tensor3D) => {
      const t = x.argMax(-1);
      const v = t.arraySync() as number[][];
      t.dispose();
      return v;
    };
    const s = t.source,
      g = t.target;
    assert.equal(t.sourceLength, 2);
    assert.equal(t.targetLength, 3);
    assert.deepEqual(ids(b.source), [
      [s.id("two"), s.id("forty")],
      [s.id(PAD), s.id("seven")],
    ]);
    assert.deepEqual(ids(b.decoderInput), [
      [g.id(BOS), g.id("4"), g.id("2")],
      [g.id(BOS), g.id("7"), g.id(PAD)],
    ]);
    assert.deepEqual(ids(b.decoderTarget), [
      [g.id("4"), g.id("2"), g.id(EOS)],
      [g.id("7"), g.id(EOS), g.id(PAD)],
    ]);
    const sums = b.source.sum(-1);
    assert.deepEqual(sums.arraySync(), [
      [1, 1],
      [1, 1],
    ]);
    sums.dispose();
    b.dispose();
    assert.equal(tf.memory().numTensors, before_);
  });

  test("a sentence longer than the shape is a RangeError", () => {
    const t = numberTranslation({ split: "train", size: 1, seed: 0, maxDigits: 1 });
    assert.throws(() => translationBatch([{ source: ["forty", "two"], target: ["4", "2"] }], t), /at most 1 fit/);
  });
});

describe("Vocabulary", () => {
  test("special tokens first, ids both ways, decode stops at EOS", () => {
    const v = new Vocabulary(["a", "b"]);
    assert.deepEqual(v.tokens, [PAD, BOS, EOS, "a", "b"]);
    assert.equal(v.id("b"), 4);
    assert.equal(v.token(3), "a");
    assert.deepEqual(v.decode([1, 3, 0, 4, 2, 3]), ["a", "b"]);
    assert.throws(() => v.id("c"), RangeError);
    assert.throws(() => new Vocabulary(["a", "a"]), RangeError);
  });
});
