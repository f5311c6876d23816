/**
 * Dot-and-interval plots: per category, a dot at the mean with its interval as a bar, and each
 * seed's value as a small open marker beside it. Unlike bars drawn from 0, the axis spans only
 * the values, so differences of a fraction of a point stay visible; with `reference` (e.g. 0
 * for paired differences) a dashed line marks "no effect". Several series (e.g. a recorded full
 * run and this run) sit side by side within each category, each in its own colour.
 */
import { lineChart, type Figure, type FigureOptions } from "./figure";

export interface IntervalPoint {
  /** The category (x axis). */
  label: string;
  mean: number;
  /** The interval, e.g. the 95% t interval of the mean. */
  low: number;
  high: number;
  /** Each seed's value, drawn as open markers. */
  values?: readonly number[];
}

export interface IntervalSeries {
  name: string;
  points: readonly IntervalPoint[];
}

export interface DotIntervalOptions extends FigureOptions {
  /** A horizontal dashed line at this value (0 for differences). */
  reference?: number;
}

/** A colour-blind-safe qualitative palette (Okabe and Ito, 2008). */
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

export function dotIntervalChart(series: readonly IntervalSeries[], options: DotIntervalOptions = {}): Figure {
  if (series.length === 0) throw new RangeError("lowbit: dotIntervalChart needs at least one series");
  const labels = [...new Set(series.flatMap((s) => s.points.map((p) => p.label)))];
  const width = 0.5 / series.length;
  const shift = (k: number) => (k - (series.length - 1) / 2) * width;
  for (const s of series)
    for (const p of s.points)
      if (!(p.low <= p.mean && p.mean <= p.high))
        throw new RangeError(
          `lowbit: dotIntervalChart series "${s.name}" point "${p.label}" needs low <= mean <= high; got ${p.low}, ${p.mean}, ${p.high}`,
        );
  const figure = lineChart(
    series.map((s, k) => ({
      name: s.name,
      x: s.points.map((p) => labels.indexOf(p.label) + shift(k)),
      y: s.points.map((p) => p.mean),
      mode: "markers" as const,
    })),
    options,
  );
  figure.data.forEach((trace, k) => {
    const points = series[k].points;
    const colour = COLOURS[k % COLOURS.length];
    trace.marker = { size: 10, color: colour };
    // Plotly's asymmetric error bars: distances above and below the dot.
    trace.error_y = {
      type: "data",
      symmetric: false,
      array: points.map((p) => p.high - p.mean),
      arrayminus: points.map((p) => p.mean - p.low),
      visible: true,
      color: colour,
      thickness: 2,
      width: 6,
    };
  });
  series.forEach((s, k) => {
    const seeds = s.points.flatMap((p) =>
      (p.values ?? []).map((v) => ({ x: labels.indexOf(p.label) + shift(k) + width / 3, y: v })),
    );
    if (seeds.length === 0) return;
    figure.data.push({
      type: "scatter",
      name: `${s.name}: each seed`,
      x: seeds.map((p) => p.x),
      y: seeds.map((p) => p.y),
      mode: "markers",
      marker: { size: 6, symbol: "circle-open", color: COLOURS[k % COLOURS.length] },
      showlegend: false,
    });
  });
  const xaxis = figure.layout.xaxis as Record<string, unknown>;
  figure.layout.xaxis = {
    ...xaxis,
    tickmode: "array",
    tickvals: labels.map((_, i) => i),
    ticktext: labels,
    range: [-0.6, labels.length - 0.4],
  };
  if (options.reference !== undefined)
    figure.layout.shapes = [
      {
        type: "line",
        xref: "paper",
        x0: 0,
        x1: 1,
        y0: options.reference,
        y1: options.reference,
        line: { dash: "dash", color: "#555", width: 1 },
      },
    ];
  return figure;
}
