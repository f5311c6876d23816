/**
 * corpusBleu against values computed by hand from the definition (Papineni et al. 2002) and
 * against NLTK's documented corpus_bleu example (0.5920778868801042).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { corpusBleu } from "lowbit/stats";

const words = (s: string) => s.split(" ");

describe("corpusBleu", () => {
  test("a perfect translation scores 1 with every precision 1", () => {
    const s = corpusBleu([words("a b c d e")], [[words("a b c d e")]]);
    assert.equal(s.bleu, 1);
    assert.deepEqual(s.precisions, [1, 1, 1, 1]);
    assert.equal(s.brevityPenalty, 1);
  });

  test("hand-computed: one sentence with partial matches and a brevity penalty", () => {
    // hyp "the cat sat on mat" (c = 5), ref "the cat sat on the mat" (r = 6)
    // 1-grams 5/5, 2-grams (the cat, cat sat, sat on; not "on mat") 3/4, 3-grams 2/3, 4-grams 1/2
    const s = corpusBleu([words("the cat sat on mat")], [[words("the cat sat on the mat")]]);
    const expected =
      Math.exp(1 - 6 / 5) * Math.exp((Math.log(1) + Math.log(3 / 4) + Math.log(2 / 3) + Math.log(1 / 2)) / 4);
    assert.deepEqual(s.precisions, [1, 3 / 4, 2 / 3, 1 / 2]);
    assert.equal(s.hypothesisLength, 5);
    assert.equal(s.referenceLength, 6);
    assert.ok(Math.abs(s.bleu - expected) < 1e-15, `${s.bleu} vs ${expected}`);
  });

  test("matches are clipped to the reference's count (Papineni's 'the the the' example)", () => {
    const s = corpusBleu([words("the the the the the the the")], [[words("the cat is on the mat")]], { maxOrder: 1 });
    assert.deepEqual(s.precisions, [2 / 7]);
    assert.equal(s.brevityPenalty, 1);
  });

  test("counts are summed over the corpus, not averaged per sentence", () => {
    // Sentence 1: 4 tokens, all four orders fully matched; sentence 2: 4 tokens, 1-grams 2/4, no higher match.
    // Corpus: p1 = 6/8, p2 = 3/6, p3 = 2/4, p4 = 1/2; c = r = 8.
    const s = corpusBleu([words("1 2 3 4"), words("5 6 7 8")], [[words("1 2 3 4")], [words("6 x 5 y")]]);
    assert.deepEqual(s.precisions, [6 / 8, 3 / 6, 2 / 4, 1 / 2]);
    const expected = Math.exp((Math.log(6 / 8) + Math.log(3 / 6) + Math.log(2 / 4) + Math.log(1 / 2)) / 4);
    assert.ok(Math.abs(s.bleu - expected) < 1e-15);
  });

  test("no 4-gram match anywhere gives 0 (no smoothing); empty hypotheses give 0", () => {
    assert.equal(corpusBleu([words("a b c")], [[words("a b c")]]).bleu, 0);
    assert.equal(corpusBleu([[]], [[words("a b")]]).bleu, 0);
  });

  test("the effective reference length is the closest one, the shorter on a tie", () => {
    const hyp = words("a b c d e");
    assert.equal(corpusBleu([hyp], [[words("a b c d"), words("a b c d e f")]]).referenceLength, 4);
    assert.equal(corpusBleu([hyp], [[words("a b c d e f g"), words("a b c d e f")]]).referenceLength, 6);
  });

  test("NLTK's documented corpus_bleu example: 0.5920778868801042", () => {
    const hyp1 = words(
      "It is a guide to action which ensures that the military always obeys the commands of the party",
    );
    const ref1a = words("It is a guide to action that ensures that the military will forever heed Party commands");
    const ref1b = words(
      "It is the guiding principle which guarantees the military forces always being under the command of the Party",
    );
    const ref1c = words("It is the practical guide for the army always to heed the directions of the party");
    const hyp2 = words("he read the book because he was interested in world history");
    const ref2a = words("he was interested in world history because he read the book");
    const s = corpusBleu([hyp1, hyp2], [[ref1a, ref1b, ref1c], [ref2a]]);
    assert.ok(Math.abs(s.bleu - 0.5920778868801042) < 1e-12, String(s.bleu));
  });

  test("bad input: a clear error", () => {
    assert.throws(() => corpusBleu([words("a")], []), RangeError);
    assert.throws(() => corpusBleu([words("a")], [[]]), RangeError);
    assert.throws(() => corpusBleu([words("a")], [[words("a")]], { maxOrder: 0 }), /maxOrder/);
  });
});
