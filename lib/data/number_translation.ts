/**
 * A synthetic translation task, lowbit's laptop-scale stand-in for GNMT's English-German: English
 * number words to digits,
 *
 *   "three hundred five thousand twenty"  ->  "3 0 5 0 2 0"
 *
 * The target is not a word-for-word rendering: "thousand" and "hundred" become positions,
 * missing words become zeros ("five thousand six" -> "5 0 0 6"), "twenty" becomes one digit or
 * two ("twenty" -> "2 0", "twenty one" -> "2 1"), so the model must read the whole source before
 * it knows the first digit.
 * Numbers are drawn with a uniform number of digits in [1, maxDigits], then uniformly among the
 * numbers of that length. A fixed hash of the number (not of the seed) puts one number in ten in
 * the test split, so no test sentence is ever seen in training, for any seed or size.
 */
import { checkInteger, checkOneOf } from "../core/checks";
import { hash32, Rng } from "../core/random";
import { Vocabulary } from "./vocabulary";

export interface TranslationPair {
  source: string[];
  target: string[];
}

const ONES = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/** The tokens of the source side (number words) and of the target side (digits). */
export const NUMBER_WORDS: readonly string[] = [...ONES, ...TENS.slice(2), "hundred", "thousand"];
export const DIGITS: readonly string[] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

function below1000(n: number): string[] {
  const words: string[] = [];
  if (n >= 100) words.push(ONES[Math.floor(n / 100)], "hundred");
  const rest = n % 100;
  if (rest >= 20) {
    words.push(TENS[Math.floor(rest / 10)]);
    if (rest % 10 !== 0) words.push(ONES[rest % 10]);
  } else if (rest > 0) {
    words.push(ONES[rest]);
  }
  return words;
}

/** English words of an integer n in [0, 10^6): 305020 -> three hundred five thousand twenty. */
export function numberWords(n: number): string[] {
  checkInteger("numberWords n", n, 0, 999999);
  if (n === 0) return ["zero"];
  const thousands = Math.floor(n / 1000);
  return [...(thousands > 0 ? [...below1000(thousands), "thousand"] : []), ...below1000(n % 1000)];
}

/** Which split a number belongs to: one in ten goes to test, by a fixed hash of the number. */
const SPLIT_KEY = 0x6e756d73; // "nums"
export function numberSplit(n: number): "train" | "test" {
  return hash32(SPLIT_KEY, 0, n) % 10 === 0 ? "test" : "train";
}

export interface NumberTranslationOptions {
  split: "train" | "test";
  /** Number of sentence pairs, an integer >= 1. */
  size: number;
  /** Seed of the draw, an integer in [0, 2^32). */
  seed: number;
  /** Largest number of digits, an integer in [1, 6] (default 6). */
  maxDigits?: number;
}

export interface NumberTranslation {
  pairs: TranslationPair[];
  source: Vocabulary;
  target: Vocabulary;
  /** Longest source sentence of the task at this maxDigits (words). */
  sourceLength: number;
  /** Longest target sentence plus its EOS. */
  targetLength: number;
}

/** The longest words of a number with at most `digits` digits (by brute force, at most 10^6 numbers, once). */
const LONGEST = new Map<number, number>();
function longestSource(digits: number): number {
  let longest = LONGEST.get(digits);
  if (longest === undefined) {
    longest = 0;
    for (let n = 0; n < 10 ** digits; n++) longest = Math.max(longest, numberWords(n).length);
    LONGEST.set(digits, longest);
  }
  return longest;
}

/** `size` pairs of the split, the same pairs for the same seed; duplicates may occur, as in a corpus. */
export function numberTranslation(options: NumberTranslationOptions): NumberTranslation {
  const { split, size, seed, maxDigits = 6 } = options;
  checkOneOf("numberTranslation split", split, ["train", "test"] as const);
  checkInteger("numberTranslation size", size, 1);
  checkInteger("numberTranslation seed", seed, 0, 2 ** 32 - 1);
  checkInteger("numberTranslation maxDigits", maxDigits, 1, 6);
  // The test split's stream differs from the training split's, so equal seeds do not mirror each other.
  const rng = new Rng(seed, split === "train" ? 0 : 1);
  const pairs: TranslationPair[] = [];
  while (pairs.length < size) {
    const digits = 1 + rng.int(maxDigits);
    const low = digits === 1 ? 0 : 10 ** (digits - 1);
    const n = low + rng.int(10 ** digits - low);
    if (numberSplit(n) !== split) continue;
    pairs.push({ source: numberWords(n), target: String(n).split("") });
  }
  return {
    pairs,
    source: new Vocabulary(NUMBER_WORDS),
    target: new Vocabulary(DIGITS),
    sourceLength: longestSource(maxDigits),
    targetLength: maxDigits + 1,
  };
}
