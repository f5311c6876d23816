/**
 * The character corpus: preparation of the Devil's Dictionary's dictd file (header and alphabet
 * entry cut, lowercase, space runs collapsed), the in-order 90/5/5 split, the clear error when
 * the Debian package is missing, and the one-hot windows (y is x shifted by one character).
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import * as tf from "lowbit/tf";
import { DatasetNotFoundError, initBackend } from "lowbit";
import { loadDevilsDictionary, oneHotWindows, windowStarts } from "lowbit/data";
import { DEVILS_DICTIONARY_FILE, prepareDevilsDictionary } from "../../lib/dist/data/text_corpus";

const RAW =
  "00-database-short\n     The Devil's Dictionary\n\n   PREFACE\n\nThe  Devil's   Dictionary was begun.  \n\n" +
  'ABASE, v.t.  To lower.\n    Said a man:  "So."\n                      G.J.\n\n abcdefghijklmnopqrstuvwxyz\n';

describe("text corpus", () => {
  before(async () => {
    await initBackend({ backend: "cpu", quiet: true });
  });

  it("prepares the dictd text: from the preface to the last entry, lowercase, one space per run", () => {
    assert.equal(
      prepareDevilsDictionary(RAW),
      'preface\n\nthe devil\'s dictionary was begun.\n\nabase, v.t. to lower.\n said a man: "so."\n g.j.\n',
    );
  });

  it("loads a gzip file: sorted vocabulary, ids that decode to the text, contiguous 90/5/5 splits", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-text-")), "devil.dict.dz");
    fs.writeFileSync(file, zlib.gzipSync(Buffer.from(RAW.repeat(20))));
    const c = loadDevilsDictionary({ file: file });
    const text = prepareDevilsDictionary(RAW.repeat(20));
    assert.deepEqual(c.vocab, [...new Set(text)].sort());
    assert.equal(c.decode(c.ids), text);
    assert.equal(c.train.length, Math.floor(text.length * 0.9));
    assert.equal(c.train.length + c.validation.length + c.test.length, text.length);
    assert.equal(c.decode(c.train) + c.decode(c.validation) + c.decode(c.test), text);
  });

  it("names the install command when the Debian package is missing", () => {
    assert.throws(
      () => loadDevilsDictionary({ file: "/nonexistent/devil.dict.dz" }),
      (e: unknown) =>
        e instanceof DatasetNotFoundError && /apt-get install --no-install-recommends dict-devil/.test(e.message),
    );
  });

  it("the installed dict-devil: about 358 thousand characters of English", {
    skip: !fs.existsSync(DEVILS_DICTIONARY_FILE) && "dict-devil not installed",
  }, () => {
    const c = loadDevilsDictionary();
    assert.ok(c.ids.length > 350000 && c.ids.length < 370000, `${c.ids.length}`);
    assert.ok(c.vocab.length < 64, `${c.vocab.length}`);
    assert.ok(c.decode(c.ids.subarray(0, 40)).startsWith("preface\n"));
  });

  it("one-hot windows: y is x shifted by one character; windowStarts in range", () => {
    const ids = Int32Array.from([0, 1, 2, 3, 2, 1, 0, 3, 3, 1]);
    const { x, y } = oneHotWindows(ids, [0, 5], 4, 4);
    assert.deepEqual(x.shape, [2, 4, 4]);
    assert.deepEqual([...x.argMax(-1).dataSync()], [0, 1, 2, 3, 1, 0, 3, 3]);
    assert.deepEqual([...y.argMax(-1).dataSync()], [1, 2, 3, 2, 0, 3, 3, 1]);
    tf.dispose([x, y]);
    assert.deepEqual(windowStarts(ids, 4, "all"), [0, 4]);
    let u = 0;
    const starts = windowStarts(ids, 4, { count: 50, random: () => (u = (u + 0.137) % 1) });
    assert.ok(starts.every((s) => Number.isInteger(s) && s >= 0 && s + 4 < ids.length));
    assert.throws(() => oneHotWindows(ids, [7], 4, 4), {
      name: "RangeError",
      message: /oneHotWindows start must be an integer in \[0, 5\]; got 7/,
    });
  });
});
