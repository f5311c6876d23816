/**
 * Claims: what a notebook set out to reproduce and what it found, one entry per claim of a paper
 * (or of the field), recorded in the notebook's results file beside the raw results:
 *
 *   { id, claim, metric, dataset, paper: { value, source }, ours: { mean, ci95, seeds, values },
 *     verdict, note }
 *
 * `ours` is computed from the per-seed values (at least 3; the 95% interval is Student's t
 * interval of the mean), never typed. A verdict is one of "reproduced", "partial",
 * "not reproduced", "not attempted"; the two rules below make it computed rather than chosen
 * (toleranceVerdict for a value, orderingVerdict for a per-seed difference), and `note` says
 * why and names every deviation from the paper's protocol as ours.
 */
import { meanInterval } from "../stats/sample";

export const VERDICTS = ["reproduced", "partial", "not reproduced", "not attempted"] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What the paper reports, and where: "Table 1", "Sec. 4.4, Fig. 4". `value` null when it gives no number. */
export interface PaperValue {
  value: number | string | null;
  source: string;
}

/** A measurement over seeds: mean, 95% t interval of the mean, how many seeds, each seed's value. */
export interface Measured {
  mean: number;
  ci95: [number, number];
  seeds: number;
  values: number[];
}

export interface Claim {
  /** Unique within the notebook: letters, digits, "-", "_", "." (e.g. "wage-kg-sweep"). */
  id: string;
  /** The claim, as one sentence. */
  claim: string;
  /** What is measured and in which unit, e.g. "test error (%)". */
  metric: string;
  dataset: string;
  paper: PaperValue;
  /** null only when the verdict is "not attempted". */
  ours: Measured | null;
  verdict: Verdict;
  /** Why this verdict, and each deviation from the paper's protocol (ours). */
  note?: string;
}

/** The fewest seeds a measured claim rests on. */
export const MIN_SEEDS = 3;

const ID = /^[A-Za-z0-9._-]+$/;

/** mean, 95% interval and values of per-seed measurements (at least MIN_SEEDS finite numbers). */
export function measured(values: readonly number[]): Measured {
  if (!Array.isArray(values) || values.length < MIN_SEEDS) {
    throw new RangeError(
      `lowbit: a measured claim needs values from at least ${MIN_SEEDS} seeds; got ${Array.isArray(values) ? values.length : typeof values}`,
    );
  }
  const m = meanInterval(values, 0.95);
  return { mean: m.mean, ci95: [m.low, m.high], seeds: m.n, values: [...values] };
}

/**
 * Whether our measurement agrees with the paper's value to within `tolerance`, the notebook's
 * stated standard (e.g. 0.5 points of error at toy scale): "reproduced" when the whole 95%
 * interval lies within `tolerance` of the paper's value (a mean inside the band with an interval
 * reaching past it is not evidence of agreement), "not reproduced" when the whole interval lies
 * outside that band, "partial" when the interval straddles its edge.
 */
export function toleranceVerdict(ours: Measured, paper: number, tolerance: number): Verdict {
  if (!Number.isFinite(paper))
    throw new RangeError(`lowbit: toleranceVerdict paper must be a finite number; got ${paper}`);
  if (!(tolerance >= 0)) throw new RangeError(`lowbit: toleranceVerdict tolerance must be >= 0; got ${tolerance}`);
  const [low, high] = ours.ci95;
  if (paper - tolerance <= low && high <= paper + tolerance) return "reproduced";
  return high < paper - tolerance || low > paper + tolerance ? "not reproduced" : "partial";
}

/**
 * For a claimed ordering measured as per-seed differences (paired by seed): "reproduced" when the
 * 95% interval of the difference excludes 0 on the claimed side, "partial" when the mean is on
 * that side but the interval includes 0, "not reproduced" otherwise. `side` is the sign the claim
 * predicts ("positive": the first is larger). For "A matches B" claims use toleranceVerdict on the
 * difference with 0 as the paper value.
 */
export function orderingVerdict(difference: Measured, side: "positive" | "negative"): Verdict {
  const sign = side === "positive" ? 1 : side === "negative" ? -1 : NaN;
  if (Number.isNaN(sign))
    throw new RangeError(`lowbit: orderingVerdict side must be "positive" or "negative"; got ${side}`);
  const [low, high] = difference.ci95;
  if (sign > 0 ? low > 0 : high < 0) return "reproduced";
  return sign * difference.mean > 0 ? "partial" : "not reproduced";
}

/** Builds and checks a claim; `values` (one per seed) become `ours`; omit them only for "not attempted". */
export function claim(entry: Omit<Claim, "ours"> & { values?: readonly number[] }): Claim {
  const { values, ...rest } = entry;
  const built: Claim = { ...rest, ours: values === undefined ? null : measured(values) };
  checkClaim(built);
  return built;
}

function checkClaim(c: Claim): void {
  const where = `claim ${JSON.stringify(c?.id)}`;
  if (typeof c !== "object" || c === null) throw new TypeError("lowbit: a claim must be an object");
  if (typeof c.id !== "string" || !ID.test(c.id)) {
    throw new RangeError(`lowbit: claim id must use letters, digits, ".", "-" and "_"; got ${JSON.stringify(c.id)}`);
  }
  for (const key of ["claim", "metric", "dataset"] as const) {
    if (typeof c[key] !== "string" || c[key].trim() === "") {
      throw new TypeError(`lowbit: ${where}: ${key} must be a non-empty string`);
    }
  }
  if (typeof c.paper !== "object" || c.paper === null || typeof c.paper.source !== "string" || c.paper.source === "") {
    throw new TypeError(`lowbit: ${where}: paper must be { value, source } with a non-empty source`);
  }
  if (!VERDICTS.includes(c.verdict)) {
    throw new RangeError(
      `lowbit: ${where}: verdict must be one of ${VERDICTS.join(", ")}; got ${JSON.stringify(c.verdict)}`,
    );
  }
  if (c.ours === null) {
    if (c.verdict !== "not attempted") {
      throw new RangeError(`lowbit: ${where}: a claim without measurements can only be "not attempted"`);
    }
  } else if (c.ours.seeds < MIN_SEEDS || c.ours.values.length !== c.ours.seeds) {
    throw new RangeError(`lowbit: ${where}: ours must rest on at least ${MIN_SEEDS} seeds; got ${c.ours.seeds}`);
  }
}

/** Checks every claim and that ids are unique; returns the claims. */
export function checkClaims(claims: readonly Claim[]): readonly Claim[] {
  if (!Array.isArray(claims)) throw new TypeError("lowbit: claims must be an array of claims");
  const seen = new Set<string>();
  for (const c of claims) {
    checkClaim(c);
    if (seen.has(c.id)) throw new RangeError(`lowbit: claim id ${JSON.stringify(c.id)} appears twice`);
    seen.add(c.id);
  }
  return claims;
}

/** "1.23 [1.10, 1.36], 3 seeds" with `digits` significant digits; "—" for null. */
export function formatMeasured(m: Measured | null, digits = 3): string {
  if (m === null) return "—";
  const f = (x: number) => String(Number(x.toPrecision(digits)));
  return `${f(m.mean)} [${f(m.ci95[0])}, ${f(m.ci95[1])}], ${m.seeds} seeds`;
}
