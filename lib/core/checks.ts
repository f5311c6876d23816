/**
 * Argument checks shared by lowbit's public functions. Internal: not re-exported from "lowbit".
 * They throw RangeError with a message naming the parameter, the allowed range and the value
 * received, so a wrong call in a notebook says what to change without reading the source.
 */

/** Writes a bound readably: 2^32 - 1 rather than 4294967295. */
function formatBound(value: number): string {
  if (value === 2 ** 32 - 1) return "2^32 - 1";
  if (value === 2 ** 32) return "2^32";
  return String(value);
}

/**
 * Throws a RangeError unless `value` is an integer in [min, max]; `what` names the parameter
 * as the caller knows it (e.g. "Rng seed", "batches() batchSize").
 */
export function checkInteger(what: string, value: number, min: number, max: number = Number.MAX_SAFE_INTEGER): void {
  if (Number.isInteger(value) && value >= min && value <= max) return;
  const range = max === Number.MAX_SAFE_INTEGER
    ? `an integer >= ${formatBound(min)}`
    : `an integer in [${formatBound(min)}, ${formatBound(max)}]`;
  throw new RangeError(`lowbit: ${what} must be ${range}; got ${String(value)}`);
}

/** Throws a RangeError unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(what: string, value: string, allowed: readonly T[]): asserts value is T {
  if ((allowed as readonly string[]).includes(value)) return;
  throw new RangeError(`lowbit: ${what} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${JSON.stringify(value)}`);
}
