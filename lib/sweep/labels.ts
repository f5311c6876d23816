/**
 * Short names of a sweep's configurations for tables and plot axes: the keys whose values differ
 * between the configurations, as "key=value" joined by ", " ("default" when there is one
 * configuration). A format value is written by its label (e.g. "fixed<8,6>"), other objects as
 * canonical JSON.
 */
import { checkFormat, formatLabel } from "../quant/formats/registry";
import { canonicalJson, isPlainObject, type JsonObject, type JsonValue } from "./json_value";

function valueLabel(value: JsonValue): string {
  if (typeof value === "string") return value;
  if (isPlainObject(value) && typeof value.kind === "string") {
    try {
      return formatLabel(checkFormat("label", value));
    } catch {
      // Not a format: its JSON below.
    }
  }
  return canonicalJson(value);
}

/** One label per configuration, in order. */
export function configurationLabels(configurations: readonly JsonObject[]): string[] {
  const keys = [...new Set(configurations.flatMap((c) => Object.keys(c)))];
  const varying = keys.filter(
    (k) => new Set(configurations.map((c) => (k in c ? canonicalJson(c[k]) : "\u0000absent"))).size > 1,
  );
  return configurations.map((c) =>
    varying.length === 0
      ? "default"
      : varying
          .filter((k) => k in c)
          .map((k) => `${k}=${valueLabel(c[k])}`)
          .join(", "),
  );
}
