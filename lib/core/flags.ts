/**
 * Numbers from a command line (the `lowbit` command, npm run train): the text of one flag,
 * parsed strictly and checked against its range, so that a typo is an error naming the flag
 * and both bounds rather than a NaN that silently disables a check or trains to NaN.
 * Number("") is 0 and Number("0x10") is 16, so the text must look like a decimal number.
 */

import { formatBound } from "./checks";

/** A wrong flag value; commands print its message without a stack and exit with code 2. */
export class FlagError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

export interface FlagRange {
  /** Smallest allowed value (inclusive unless minExclusive). */
  min: number;
  /** Largest allowed value (inclusive). */
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

/** Optional sign, digits with an optional fraction, optional exponent: "3", "-0.5", "1e-3", ".25". */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** "an integer in [1, 100]", "a number in (0, 10]". */
export function describeRange(range: FlagRange): string {
  return (
    `${range.integer ? "an integer" : "a number"} in ${range.minExclusive ? "(" : "["}${formatBound(range.min)}, ` +
    `${formatBound(range.max)}${range.maxExclusive ? ")" : "]"}`
  );
}

/**
 * The value of flag `--name` given as `text`, or undefined when the flag is absent. Throws
 * FlagError "--name must be <range>; got "<text>"" unless text is a decimal number in range.
 * Without a range it only parses (the callee checks the range and names both bounds).
 */
export function numberFlag(name: string, text: string | undefined, range?: FlagRange): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  const parsed = DECIMAL.test(text.trim()) && Number.isFinite(value);
  if (range === undefined) {
    if (!parsed) throw new FlagError(`--${name} must be a number; got "${text}"`);
    return value;
  }
  const inRange =
    parsed &&
    (!range.integer || Number.isInteger(value)) &&
    (range.minExclusive ? value > range.min : value >= range.min) &&
    (range.maxExclusive ? value < range.max : value <= range.max);
  if (!inRange) throw new FlagError(`--${name} must be ${describeRange(range)}; got "${text}"`);
  return value;
}
