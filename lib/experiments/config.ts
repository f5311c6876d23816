/**
 * Reading an experiment's configuration (JSON from a sweep spec) into typed values, with the
 * errors lowbit gives for bad input: a RangeError naming the experiment, the key, the allowed
 * range and the value it got. A missing key takes the default.
 */
import type { JsonObject } from "../sweep/json_value";

export class ConfigReader {
  constructor(
    private readonly experiment: string,
    private readonly config: JsonObject,
  ) {}

  private fail(key: string, allowed: string): never {
    throw new RangeError(
      `lowbit: experiment "${this.experiment}" ${key} must be ${allowed}; got ${JSON.stringify(this.config[key])}`,
    );
  }

  integer(key: string, fallback: number, min: number, max: number): number {
    const v = this.config[key] ?? fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      this.fail(key, `an integer in [${min}, ${max}]`);
    return v;
  }

  /** A number in (min, max]. */
  number(key: string, fallback: number, min: number, max: number): number {
    const v = this.config[key] ?? fallback;
    if (typeof v !== "number" || !(v > min && v <= max)) this.fail(key, `a number in (${min}, ${max}]`);
    return v;
  }

  oneOf<T extends string | number>(key: string, fallback: T, allowed: readonly T[]): T {
    const v = this.config[key] ?? fallback;
    if (!(allowed as readonly unknown[]).includes(v))
      this.fail(key, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
    return v as T;
  }

  /** A non-empty list of integers in [min, max]. */
  integers(key: string, fallback: number[], min: number, max: number): number[] {
    const v = this.config[key] ?? fallback;
    if (
      !Array.isArray(v) ||
      v.length === 0 ||
      !v.every((x) => typeof x === "number" && Number.isInteger(x) && x >= min && x <= max)
    )
      this.fail(key, `a non-empty array of integers in [${min}, ${max}]`);
    return v as number[];
  }
}
