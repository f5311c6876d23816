/**
 * JSON values as sweeps store them (configurations, metrics, records), and their canonical text:
 * object keys sorted at every level, so that two configurations that differ only in the order
 * their keys were written are the same configuration, with the same run key.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Throws a TypeError naming the path of the first part of `value` that JSON cannot hold as it is
 * (undefined, a function, a class instance, NaN or +-Infinity, which JSON.stringify would turn
 * into null): a configuration must read back exactly as it was written.
 */
export function checkJson(what: string, value: unknown): asserts value is JsonValue {
  const visit = (v: unknown, path: string): void => {
    if (v === null || typeof v === "boolean" || typeof v === "string") return;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new TypeError(`lowbit: ${path} must be a finite number (JSON); got ${v}`);
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        visit(x, `${path}[${i}]`);
      });
      return;
    }
    if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) visit(x, `${path}.${k}`);
      return;
    }
    throw new TypeError(
      `lowbit: ${path} must be a JSON value (null, boolean, number, string, array or plain object); got ${
        typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v
      }`,
    );
  };
  visit(value, what);
}

/** JSON text with the keys of every object sorted (code-unit order); `value` must pass checkJson. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
