/**
 * Argument checks shared by lowbit's public functions. Internal: not re-exported from "lowbit".
 * They throw RangeError with a message naming the parameter, the allowed range and the value
 * received, so a wrong call in a notebook says what to change without reading the source.
 */

/** Writes a bound readably: 2^32 - 1 rather than 4294967295 (powers of two from 2^16 on). */
export function formatBound(value: number): string {
  for (let k = 16; k <= 53; k++) {
    if (value === 2 ** k) return `2^${k}`;
    if (value === 2 ** k - 1) return `2^${k} - 1`;
  }
  return String(value);
}

/**
 * Throws a RangeError unless `value` is an integer in [min, max]; `what` names the parameter
 * as the caller knows it (e.g. "Rng seed", "batches() batchSize").
 */
export function checkInteger(what: string, value: number, min: number, max: number = Number.MAX_SAFE_INTEGER): void {
  if (Number.isInteger(value) && value >= min && value <= max) return;
  // Both bounds, also the default one: "an integer >= 1" left open whether 1e300 was meant to pass.
  throw new RangeError(
    `lowbit: ${what} must be an integer in [${formatBound(min)}, ${formatBound(max)}]; got ${String(value)}`,
  );
}

/** Throws a RangeError unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(what: string, value: string, allowed: readonly T[]): asserts value is T {
  if ((allowed as readonly string[]).includes(value)) return;
  throw new RangeError(
    `lowbit: ${what} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${JSON.stringify(value)}`,
  );
}

/** Throws a TypeError unless `value` is true or false (a format read from JSON may say "yes"). */
export function checkBoolean(what: string, value: unknown): asserts value is boolean {
  if (typeof value === "boolean") return;
  throw new TypeError(`lowbit: ${what} must be true or false; got ${JSON.stringify(value)}`);
}

/**
 * The largest seed of lowbit's model constructors: layer i of a model gets seed * 16 + i as its
 * own seed, which must stay a valid Rng seed (below 2^32).
 */
export const MODEL_SEED_MAX = 2 ** 28 - 1;

/**
 * Throws unless `value` is a seed: an integer in [0, max] (default 2^32 - 1, Rng's range). A
 * non-number (e.g. the string "abc" from a config file) is a TypeError, NaN or 1.5 a RangeError.
 */
export function checkSeed(what: string, value: unknown, max: number = 2 ** 32 - 1): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(
      `lowbit: ${what} must be an integer in [0, ${formatBound(max)}]; got ${JSON.stringify(value)} (${typeof value})`,
    );
  }
  checkInteger(what, value, 0, max);
}

/**
 * The most elements a tensor or array passed to lowbit's wasm kernels may have: 2^28 (1 GiB of
 * float32). Input and output live in one 32-bit WebAssembly memory (at most 4 GiB; on the wasm
 * backend it is tfjs-backend-wasm's heap, shared with every other tensor) and the kernels take
 * byte offsets as 32-bit integers: 2^28 keeps input and output together within 2 GiB, where an
 * offset cannot turn negative. Larger tensors failed deep inside tfjs with an offset error. One
 * limit for every backend, so that a size that works on one works on all.
 */
export const MAX_KERNEL_ELEMENTS = 2 ** 28;

/** Throws a RangeError naming the limit unless `size` (an element count) is at most MAX_KERNEL_ELEMENTS. */
export function checkKernelSize(what: string, size: number): void {
  if (size <= MAX_KERNEL_ELEMENTS) return;
  throw new RangeError(
    `lowbit: ${what} must have a size in [0, ${formatBound(MAX_KERNEL_ELEMENTS)}] (${MAX_KERNEL_ELEMENTS} elements: ` +
      `lowbit's wasm kernels address a 32-bit heap); got ${size} elements: split it into smaller tensors`,
  );
}
