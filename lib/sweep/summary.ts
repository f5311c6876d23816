/**
 * Summaries of a sweep's records per configuration, from lib/stats:
 *   summarizeSweep: n, mean, sample standard deviation and the t interval of the mean
 *     (mean +- t_{(1+level)/2, n-1} s / sqrt(n), default 95%) of one metric;
 *   compareSweep: each configuration against a baseline over the seeds both ran, by the paired
 *     t-test (runs with the same seed share initial weights and data order, so their difference
 *     is free of the seed's luck): mean difference, its interval, t and p.
 */
import { meanInterval } from "../stats/sample";
import { pairedTTest } from "../stats/paired";
import { canonicalJson, type JsonObject } from "./json_value";
import { configurationLabels } from "./labels";
import type { SweepRecord } from "./record";

export interface SweepSummaryRow {
  configuration: string;
  config: JsonObject;
  metric: string;
  n: number;
  mean: number;
  sd: number;
  /** The interval of the mean; null with one run. */
  low: number | null;
  high: number | null;
}

export interface SweepComparisonRow {
  configuration: string;
  baseline: string;
  metric: string;
  /** Seeds both configurations ran. */
  pairs: number;
  /** Mean over shared seeds of (configuration - baseline); null when they share none. */
  difference: number | null;
  /** Interval of the mean difference, t and two-sided p; null with fewer than 2 pairs or no variance. */
  low: number | null;
  high: number | null;
  t: number | null;
  p: number | null;
}

interface Group {
  config: JsonObject;
  label: string;
  bySeed: Map<number, number>;
}

function groups(records: readonly SweepRecord[], metric: string): Group[] {
  const byConfig = new Map<string, { config: JsonObject; bySeed: Map<number, number> }>();
  for (const r of records) {
    const value = r.metrics[metric];
    if (value === undefined)
      throw new RangeError(
        `lowbit: sweep metric "${metric}" is not among the runs' metrics ${Object.keys(r.metrics).join(", ")}`,
      );
    const text = canonicalJson(r.config);
    let g = byConfig.get(text);
    if (g === undefined) {
      g = { config: r.config, bySeed: new Map() };
      byConfig.set(text, g);
    }
    g.bySeed.set(r.seed, value);
  }
  const list = [...byConfig.values()];
  const labels = configurationLabels(list.map((g) => g.config));
  return list.map((g, i) => ({ ...g, label: labels[i] }));
}

/** Per configuration (in the order of their first record): n, mean, sd and the interval of `metric`. */
export function summarizeSweep(
  records: readonly SweepRecord[],
  metric: string,
  options: { level?: number } = {},
): SweepSummaryRow[] {
  const { level = 0.95 } = options;
  return groups(records, metric).map((g) => {
    const xs = [...g.bySeed.values()];
    if (xs.length === 1)
      return { configuration: g.label, config: g.config, metric, n: 1, mean: xs[0], sd: 0, low: null, high: null };
    const m = meanInterval(xs, level);
    return {
      configuration: g.label,
      config: g.config,
      metric,
      n: m.n,
      mean: m.mean,
      sd: m.std,
      low: m.low,
      high: m.high,
    };
  });
}

/**
 * Every configuration against `baseline` (its label, or its index in the order of summarizeSweep;
 * default the first), paired by seed.
 */
export function compareSweep(
  records: readonly SweepRecord[],
  metric: string,
  options: { baseline?: string | number; level?: number } = {},
): SweepComparisonRow[] {
  const { baseline = 0, level = 0.95 } = options;
  const gs = groups(records, metric);
  const base = typeof baseline === "number" ? gs[baseline] : gs.find((g) => g.label === baseline);
  if (base === undefined)
    throw new RangeError(
      `lowbit: compareSweep baseline must be one of the configurations ${gs.map((g) => JSON.stringify(g.label)).join(", ")} ` +
        `or an index below ${gs.length}; got ${JSON.stringify(baseline)}`,
    );
  return gs
    .filter((g) => g !== base)
    .map((g) => {
      const seeds = [...g.bySeed.keys()].filter((s) => base.bySeed.has(s));
      const a = seeds.map((s) => g.bySeed.get(s)!),
        b = seeds.map((s) => base.bySeed.get(s)!);
      const differences = a.map((x, i) => x - b[i]);
      const difference = differences.length === 0 ? null : differences.reduce((s, d) => s + d, 0) / seeds.length;
      const row: SweepComparisonRow = {
        configuration: g.label,
        baseline: base.label,
        metric,
        pairs: seeds.length,
        difference,
        low: null,
        high: null,
        t: null,
        p: null,
      };
      if (seeds.length >= 2 && new Set(differences).size > 1) {
        const r = pairedTTest(a, b, { level });
        Object.assign(row, { low: r.low, high: r.high, t: r.t, p: r.p });
      }
      return row;
    });
}
