/**
 * Dot-and-interval plots: a mean per category with its confidence interval, one series per run
 * (e.g. "recorded full run" beside "this run"), side by side within each category so that no
 * bar drawn from 0 hides a difference of a tenth of a point. Reference values (a float baseline,
 * a paper's number) are dashed horizontal lines across the plot.
 */
import { lineChart, type Figure, type FigureOptions } from "./figure";

export interface IntervalSeries {
  name: string;
  /** One entry per category (categories missing from this series: null). */
  mean: readonly (number | null)[];
  /** The interval's ends (null: a single value, drawn without an interval). */
  low: readonly (number | null)[];
  high: readonly (number | null)[];
}

export interface IntervalChartOptions extends FigureOptions {
  /** Horizontal reference lines across the plot. */
  references?: readonly { name: string; y: number }[];
}

/** Means with intervals per category (categories along x), series side by side in each. */
export function intervalChart(
  categories: readonly string[],
  series: readonly IntervalSeries[],
  options: IntervalChartOptions = {},
): Figure {
  const n = categories.length;
  for (const s of series)
    for (const key of ["mean", "low", "high"] as const)
      if (s[key].length !== n)
        throw new RangeError(
          `lowbit: intervalChart series "${s.name}" ${key} has ${s[key].length} entries; expected ${n}`,
        );
  // Series spread over 0.4 of a category's width, centred on it.
  const offset = (k: number) => (series.length === 1 ? 0 : -0.2 + (0.4 * k) / (series.length - 1));
  const references = options.references ?? [];
  const fig = lineChart(
    [
      ...series.map((s) => ({ name: s.name, x: [0], y: [0], mode: "markers" as const })),
      ...references.map((r) => ({ name: r.name, x: [-0.5, n - 0.5], y: [r.y, r.y], dash: "dash" as const })),
    ],
    options,
  );
  series.forEach((s, k) => {
    const shown = s.mean.map((m, i) => (m === null ? -1 : i)).filter((i) => i >= 0);
    fig.data[k].x = shown.map((i) => i + offset(k));
    fig.data[k].y = shown.map((i) => s.mean[i]);
    fig.data[k].error_y = {
      type: "data",
      symmetric: false,
      array: shown.map((i) => (s.high[i] === null ? 0 : s.high[i]! - s.mean[i]!)),
      arrayminus: shown.map((i) => (s.low[i] === null ? 0 : s.mean[i]! - s.low[i]!)),
      visible: true,
    };
    fig.data[k].marker = { size: 9 };
  });
  fig.layout.xaxis = {
    ...(fig.layout.xaxis as object),
    tickmode: "array",
    tickvals: categories.map((_, i) => i),
    ticktext: [...categories],
    range: [-0.6, n - 0.4],
  };
  return fig;
}
