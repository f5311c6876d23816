/**
 * Dot-and-interval plots: per category, a dot at the mean with its confidence interval as a bar
 * and, when given, each seed's value as a small open marker beside it. One series per run (a
 * recorded full run beside this run), side by side within each category, each in its own colour.
 * Unlike bars drawn from 0, the axis spans only the values, so differences of a tenth of a point
 * stay visible; reference values (0 for paired differences, a float baseline, a paper's bound)
 * are dashed horizontal lines named in the legend.
 */
import { meanInterval } from "../stats/sample";
import { lineChart, type Figure, type FigureOptions } from "./figure";

export interface IntervalSeries {
  name: string;
  /** One entry per category (categories missing from this series: null). */
  mean: readonly (number | null)[];
  /** The interval's ends (null: a single value, drawn without an interval). */
  low: readonly (number | null)[];
  high: readonly (number | null)[];
  /** Each seed's value per category, drawn as open markers (null or absent: none). */
  values?: readonly (readonly number[] | null)[];
}

export interface IntervalChartOptions extends FigureOptions {
  /** Horizontal reference lines across the plot. */
  references?: readonly { name: string; y: number }[];
}

/** A colour-blind-safe qualitative palette (Okabe and Ito, 2008). */
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];
const REFERENCE_COLOUR = "#555";

/**
 * A series from per-seed values per category: the mean and 95% Student's t interval of each
 * (one value: a dot without an interval; none or null: the category is missing), every seed drawn.
 */
export function intervalSeries(name: string, values: readonly (readonly number[] | null)[]): IntervalSeries {
  const stats = values.map((v) =>
    v === null || v.length === 0 ? null : v.length === 1 ? { mean: v[0], low: null, high: null } : meanInterval(v),
  );
  return {
    name,
    mean: stats.map((s) => s?.mean ?? null),
    low: stats.map((s) => s?.low ?? null),
    high: stats.map((s) => s?.high ?? null),
    values: values.map((v) => (v === null ? null : [...v])),
  };
}

/** Means with intervals per category (categories along x), series side by side in each. */
export function intervalChart(
  categories: readonly string[],
  series: readonly IntervalSeries[],
  options: IntervalChartOptions = {},
): Figure {
  if (series.length === 0) throw new RangeError("lowbit: intervalChart needs at least one series");
  const n = categories.length;
  for (const s of series) {
    for (const key of ["mean", "low", "high", "values"] as const) {
      const entries = s[key];
      if (entries !== undefined && entries.length !== n)
        throw new RangeError(
          `lowbit: intervalChart series "${s.name}" ${key} has ${entries.length} entries; expected ${n}`,
        );
    }
    s.mean.forEach((m, i) => {
      const low = s.low[i] ?? m,
        high = s.high[i] ?? m;
      if (m !== null && !(low! <= m && m <= high!))
        throw new RangeError(
          `lowbit: intervalChart series "${s.name}" category "${categories[i]}" needs low <= mean <= high; got ${low}, ${m}, ${high}`,
        );
    });
  }
  // Series spread over 0.4 of a category's width, centred on it; seeds just right of their dot.
  const offset = (k: number) => (series.length === 1 ? 0 : -0.2 + (0.4 * k) / (series.length - 1));
  const seedShift = series.length === 1 ? 0.08 : 0.4 / (series.length - 1) / 3;
  const references = options.references ?? [];
  const fig = lineChart(
    [
      ...series.map((s) => ({ name: s.name, x: [0], y: [0], mode: "markers" as const })),
      ...references.map((r) => ({ name: r.name, x: [-0.6, n - 0.4], y: [r.y, r.y], dash: "dash" as const })),
    ],
    options,
  );
  series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const shown = s.mean.map((m, i) => (m === null ? -1 : i)).filter((i) => i >= 0);
    fig.data[k].x = shown.map((i) => i + offset(k));
    fig.data[k].y = shown.map((i) => s.mean[i]);
    // Plotly's asymmetric error bars: distances above and below the dot.
    fig.data[k].error_y = {
      type: "data",
      symmetric: false,
      array: shown.map((i) => (s.high[i] === null ? 0 : s.high[i]! - s.mean[i]!)),
      arrayminus: shown.map((i) => (s.low[i] === null ? 0 : s.mean[i]! - s.low[i]!)),
      visible: true,
      color: colour,
      thickness: 2,
      width: 6,
    };
    fig.data[k].marker = { size: 10, color: colour };
  });
  references.forEach((_, j) => {
    fig.data[series.length + j].line = { dash: "dash", color: REFERENCE_COLOUR, width: 1 + j };
  });
  series.forEach((s, k) => {
    const seeds = (s.values ?? []).flatMap((v, i) => (v ?? []).map((y) => ({ x: i + offset(k) + seedShift, y })));
    if (seeds.length === 0) return;
    fig.data.push({
      type: "scatter",
      name: `${s.name}: each seed`,
      x: seeds.map((p) => p.x),
      y: seeds.map((p) => p.y),
      mode: "markers",
      marker: { size: 6, symbol: "circle-open", color: COLOURS[k % COLOURS.length] },
      showlegend: false,
    });
  });
  // Labels with a line wider than a category's share of the plot (about 0.6 em per character at
  // 13 px) are slanted up to their tick: plotly would slant them itself, but down to the right,
  // where the last one runs past the figure's edge and is dropped from the image.
  const share = ((fig.layout.width as number) - 120) / n;
  const slanted = categories.some((c) => c.split("<br>").some((line) => 0.6 * 13 * line.length > share));
  fig.layout.xaxis = {
    ...(fig.layout.xaxis as object),
    tickmode: "array",
    tickvals: categories.map((_, i) => i),
    ticktext: [...categories],
    range: [-0.6, n - 0.4],
    ...(slanted ? { tickangle: -30 } : {}),
  };
  return fig;
}
