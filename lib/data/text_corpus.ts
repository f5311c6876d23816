/**
 * A real English text for character-level language models, read from a system package (no
 * download): Ambrose Bierce's "The Devil's Dictionary" (1906-1911; public domain, its copyright
 * has expired), in Debian's package dict-devil as /usr/share/dictd/devil.dict.dz (dictzip, a
 * gzip file), about 380 thousand characters.
 *
 * Preparation: the dictd header entries before the preface and the alphabet entry after the
 * last word are cut; the text is lowercased and runs of spaces (the indentation of the quoted
 * verses) become one space, which leaves a vocabulary of about 60 characters. The text is split
 * in order, not shuffled: the first 90% train, the next 5% validation, the last 5% test, so no
 * sentence is in two splits.
 */
import * as fs from "node:fs";
import * as tf from "../backend/tf";
import * as zlib from "node:zlib";
import { checkInteger } from "../core/checks";
import type { Rng } from "../core/random";
import { DatasetNotFoundError } from "./dataset_files";

export const DEVILS_DICTIONARY_FILE = "/usr/share/dictd/devil.dict.dz";

export interface TextCorpus {
  /** Title and author. */
  title: string;
  licence: string;
  /** The file it was read from. */
  file: string;
  /** The characters, sorted; a character's id is its index. */
  vocab: string[];
  /** Ids of the whole prepared text, and its three contiguous splits. */
  ids: Int32Array;
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
  /** Text of ids. */
  decode(ids: ArrayLike<number>): string;
}

/** The prepared text: from the preface to the last entry, lowercased, space runs collapsed. */
export function prepareDevilsDictionary(raw: string): string {
  const start = raw.indexOf("PREFACE");
  const end = raw.lastIndexOf("\n abcdefghijklmnopqrstuvwxyz");
  if (start < 0)
    throw new Error("lowbit: the Devil's Dictionary file has no PREFACE; is it dict-devil's devil.dict.dz?");
  return (
    raw
      .slice(start, end < 0 ? raw.length : end)
      .toLowerCase()
      .replace(/[ \t]+/g, " ")
      .replace(/ \n/g, "\n")
      .trim() + "\n"
  );
}

export interface LoadTextOptions {
  /** Read this file (gzip or plain text) instead of the Debian package's. */
  file?: string;
}

/** The Devil's Dictionary as a character corpus; throws DatasetNotFoundError with the install command when missing. */
export function loadDevilsDictionary(options: LoadTextOptions = {}): TextCorpus {
  const file = options.file ?? DEVILS_DICTIONARY_FILE;
  if (!fs.existsSync(file)) {
    throw new DatasetNotFoundError(
      "The Devil's Dictionary",
      [file],
      `lowbit: text corpus The Devil's Dictionary not found at ${file}.\n` +
        "Install it with: apt-get install --no-install-recommends dict-devil (Debian; public domain text)",
    );
  }
  const bytes = fs.readFileSync(file);
  const raw = (bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes).toString("utf8");
  const text = prepareDevilsDictionary(raw);
  const vocab = [...new Set(text)].sort();
  const index = new Map(vocab.map((c, i) => [c, i]));
  const ids = Int32Array.from(text, (c) => index.get(c)!);
  const a = Math.floor(ids.length * 0.9),
    b = Math.floor(ids.length * 0.95);
  return {
    title: "The Devil's Dictionary, Ambrose Bierce (1911 edition)",
    licence: "public domain (copyright expired); Debian package dict-devil",
    file,
    vocab,
    ids,
    train: ids.subarray(0, a),
    validation: ids.subarray(a, b),
    test: ids.subarray(b),
    decode: (xs) => Array.from(xs, (i) => vocab[i]).join(""),
  };
}

/**
 * Windows of a split for next-character prediction: x = ids[s, s + length), y = ids[s + 1,
 * s + length + 1), as start offsets. In order and non-overlapping (evaluation), or `count`
 * random starts drawn with `rng` (training).
 */
export function windowStarts(
  ids: Int32Array,
  length: number,
  sampling: { count: number; random: () => number } | "all",
): number[] {
  checkInteger("windowStarts length", length, 1, ids.length - 1);
  const last = ids.length - length - 1;
  if (sampling === "all") return Array.from({ length: Math.floor((ids.length - 1) / length) }, (_, i) => i * length);
  checkInteger("windowStarts count", sampling.count, 1);
  return Array.from({ length: sampling.count }, () => Math.floor(sampling.random() * (last + 1)));
}

/** One-hot windows at `starts`: x [b, length, vocab] and the next characters y [b, length, vocab], float32. */
export function oneHotWindows(
  ids: Int32Array,
  starts: readonly number[],
  length: number,
  vocab: number,
): { x: tf.Tensor3D; y: tf.Tensor3D } {
  const xs = new Int32Array(starts.length * length),
    ys = new Int32Array(starts.length * length);
  starts.forEach((s, b) => {
    if (!(Number.isInteger(s) && s >= 0 && s + length < ids.length))
      throw new RangeError(
        `lowbit: oneHotWindows start must be an integer in [0, ${ids.length - length - 1}]; got ${s}`,
      );
    xs.set(ids.subarray(s, s + length), b * length);
    ys.set(ids.subarray(s + 1, s + length + 1), b * length);
  });
  return tf.tidy(() => ({
    x: tf.oneHot(tf.tensor2d(xs, [starts.length, length], "int32"), vocab).toFloat() as tf.Tensor3D,
    y: tf.oneHot(tf.tensor2d(ys, [starts.length, length], "int32"), vocab).toFloat() as tf.Tensor3D,
  }));
}

/**
 * Endless training batches of `batch` one-hot windows of `length` characters of `ids`, their starts
 * drawn from `rng` (windowStarts, then oneHotWindows): the stream the character language models
 * train on (experiments char-lstm-devil and recipe-lm-devil, notebook 07).
 */
export function* randomWindows(ids: Int32Array, length: number, batch: number, vocab: number, rng: Rng) {
  for (;;) {
    const starts = windowStarts(ids, length, { count: batch, random: () => rng.next() });
    yield oneHotWindows(ids, starts, length, vocab);
  }
}
