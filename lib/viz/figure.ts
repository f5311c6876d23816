/**
 * Figure builders for what the papers plot: training curves with several series (optionally on
 * log axes, with error bars), heatmaps (confusion matrices, bit-width sweeps), histograms
 * (weight and gradient distributions) and grouped bars (accuracy or energy per configuration).
 *
 * A Figure is plain plotly.js JSON ({ data, layout }): nothing here loads plotly. The same value
 * is drawn inline by show(), written to .html/.svg/.png by exportFigure(), and can be edited
 * with any plotly attribute the builders do not cover (fig.layout.annotations = ...).
 */

/** A plotly.js trace (https://plotly.com/javascript/reference/): plain JSON. */
export type Trace = Record<string, unknown>;

/** A plotly.js figure: traces and layout, plain JSON. */
export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

export interface AxisOptions {
  title?: string;
  /** Logarithmic axis (loss curves, bit-width scaling laws). */
  log?: boolean;
  /** [min, max] in data units (for a log axis too: lowbit converts to plotly's log10 units). */
  range?: [number, number];
  /** Labelled ticks at exactly these values (e.g. bit widths 1, 2, 4, ... on a log axis), as written. */
  ticks?: readonly number[];
}

export interface FigureOptions {
  title?: string;
  x?: AxisOptions;
  y?: AxisOptions;
  /** Pixels; defaults 640 x 400, a column of a paper at 2x. */
  width?: number;
  height?: number;
}

export interface LineSeries {
  name: string;
  /** Defaults to 0, 1, 2, ... */
  x?: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Symmetric error bar per point (e.g. one standard deviation over seeds). */
  error?: ArrayLike<number>;
  /** "lines" (default), "markers" or "lines+markers". */
  mode?: "lines" | "markers" | "lines+markers";
  dash?: "solid" | "dash" | "dot" | "dashdot";
}

export interface HeatmapOptions extends FigureOptions {
  /** Labels of the columns (x) and rows (y); default indices. */
  xLabels?: readonly (string | number)[];
  yLabels?: readonly (string | number)[];
  /** Write each cell's value on it (small matrices: confusion matrices, tables of bits). */
  annotate?: boolean;
  /** A plotly colorscale name (e.g. "Greys", "Viridis"); default white to dark blue, so 0 is blank paper. */
  colorscale?: string;
  /** Title of the colour bar. */
  colorbarTitle?: string;
}

export interface HistogramSeries {
  name: string;
  values: ArrayLike<number>;
}

export interface HistogramOptions extends FigureOptions {
  /** Number of bins (default: plotly's choice). */
  bins?: number;
  /** "count" (default) or "probability density", so series of different sizes compare. */
  normalization?: "count" | "probability density";
}

export interface BarSeries {
  name: string;
  /** One value per category. */
  values: ArrayLike<number>;
  /** Symmetric error bar per category. */
  error?: ArrayLike<number>;
}

/** Pixels the plot area keeps at least, whatever the title and legend take above it. */
const MIN_PLOT_HEIGHT = 300;

/** Liberation Sans is Arial's metric twin in Debian's fonts-liberation: same layout everywhere. */
const FONT = { family: "Liberation Sans, Arial, sans-serif", size: 13 };

/** ColorBrewer's Blues, light to dark (plotly's own "Blues" runs dark to light). */
const WHITE_TO_BLUE = [
  [0, "#f7fbff"],
  [0.25, "#c6dbef"],
  [0.5, "#6baed6"],
  [0.75, "#2171b5"],
  [1, "#08306b"],
];

function axis(options: AxisOptions = {}): Record<string, unknown> {
  const result: Record<string, unknown> = { automargin: true, zeroline: false };
  if (options.title !== undefined) result.title = { text: options.title };
  if (options.log) result.type = "log";
  if (options.range !== undefined) {
    result.range = options.log ? options.range.map(Math.log10) : [...options.range];
  }
  if (options.ticks !== undefined) {
    result.tickmode = "array";
    result.tickvals = [...options.ticks];
    result.ticktext = options.ticks.map(String);
  }
  return result;
}

/**
 * Rows a horizontal legend of these names takes in `width` pixels: plotly places each entry,
 * a 40-pixel symbol and its text (about 0.6 em per character), left to right and wraps.
 */
function legendRows(names: string[], width: number): number {
  const entry = (name: string) => 40 + 0.6 * FONT.size * name.length;
  let rows = 1,
    used = 0;
  for (const name of names) {
    if (used > 0 && used + entry(name) > width) {
      rows++;
      used = 0;
    }
    used += entry(name);
  }
  return rows;
}

/**
 * A title broken at spaces into lines (`<br>`) that fit `width` pixels: plotly draws a title on
 * one line and clips what overflows the figure. Title text is about 1.4 times the body font, at
 * about 0.6 em per character; breaks already in the title are kept.
 */
function wrapTitle(title: string, width: number): string[] {
  const perLine = Math.max(20, Math.floor(width / (0.6 * 1.4 * FONT.size)));
  const lines: string[] = [];
  for (const given of title.split("<br>")) {
    let line = "";
    for (const word of given.split(" ")) {
      if (line !== "" && line.length + 1 + word.length > perLine) {
        lines.push(line);
        line = word;
      } else line = line === "" ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * The common layout. A legend (the series' names; none for fewer than two) goes in rows above
 * the plot rather than plotly's default column at the right, which takes a third of a
 * 640-pixel figure once names are long; the top margin grows with its rows and the title sits
 * above them. The figure grows taller when title and legend would leave the plot less than
 * MIN_PLOT_HEIGHT pixels: a short plot crowds its ticks and clips a long axis title.
 */
function layout(options: FigureOptions, legendNames: string[]): Record<string, unknown> {
  const legend = legendNames.length > 1;
  const width = options.width ?? 640;
  const legendHeight = legend ? 24 * legendRows(legendNames, width - 80) + 6 : 0;
  const titleLines = options.title === undefined ? [] : wrapTitle(options.title, width - 40);
  const titleHeight = titleLines.length === 0 ? 20 : 26 + 36 * titleLines.length - 12;
  const top = titleHeight + legendHeight,
    bottom = 50;
  const height = Math.max(options.height ?? 400, top + bottom + MIN_PLOT_HEIGHT);
  return {
    title:
      options.title === undefined
        ? undefined
        : {
            text: titleLines.join("<br>"),
            yref: "container",
            y: 1,
            yanchor: "top",
            // plotly anchors a title of several lines by its middle line, not its first.
            pad: { t: 12 + 12 * (titleLines.length - 1) },
          },
    xaxis: axis(options.x),
    yaxis: axis(options.y),
    width,
    height,
    font: FONT,
    margin: { l: 60, r: 20, t: top, b: bottom },
    paper_bgcolor: "white",
    plot_bgcolor: "white",
    showlegend: legend,
    legend: { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom" },
  };
}

function errorBars(error: ArrayLike<number> | undefined): Record<string, unknown> | undefined {
  return error === undefined ? undefined : { type: "data", array: Array.from(error), visible: true };
}

function checkLengths(what: string, expected: number, actual: number): void {
  if (expected !== actual) {
    throw new RangeError(`lowbit: ${what} has ${actual} entries; expected ${expected}`);
  }
}

/** Curves y(x), one trace per series: loss per step, accuracy per epoch, error per bit-width. */
export function lineChart(series: readonly LineSeries[], options: FigureOptions = {}): Figure {
  const data = series.map((s): Trace => {
    const x = s.x === undefined ? Array.from({ length: s.y.length }, (_, i) => i) : Array.from(s.x);
    checkLengths(`lineChart series "${s.name}" y`, x.length, s.y.length);
    if (s.error !== undefined) checkLengths(`lineChart series "${s.name}" error`, x.length, s.error.length);
    return {
      type: "scatter",
      name: s.name,
      x,
      y: Array.from(s.y),
      mode: s.mode ?? "lines",
      line: { dash: s.dash ?? "solid" },
      error_y: errorBars(s.error),
    };
  });
  const result = {
    data,
    layout: layout(
      options,
      series.map((s) => s.name),
    ),
  };
  for (const key of ["x", "y"] as const) {
    const axisOptions = options[key];
    if (!axisOptions?.log || axisOptions.ticks !== undefined) continue;
    const values = axisOptions.range ?? data.flatMap((t) => Array.from((t[key] as ArrayLike<number>) ?? []));
    const layoutKey = key === "x" ? "xaxis" : "yaxis";
    result.layout[layoutKey] = { ...(result.layout[layoutKey] as object), ...decadeTicks(values) };
  }
  return result;
}

/**
 * On a log axis whose values hold two powers of ten or more, one labelled tick per decade and
 * unlabelled minor ticks at 2..9 times it: plotly's default labels 2 and 5 inside every decade,
 * which crowds the axis into unreadable digit runs. Narrower spans keep plotly's labels (decade
 * ticks alone would leave one label or none).
 */
function decadeTicks(values: ArrayLike<number>): Record<string, unknown> {
  let low = Infinity,
    high = -Infinity;
  for (const v of Array.from(values)) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  // Decades whose power of ten lies within the values: the labels a decade tick would show.
  const decades = Math.floor(Math.log10(high)) - Math.ceil(Math.log10(low)) + 1;
  if (!(decades >= 2)) return {};
  // Major ticks drawn outside too, so that their labels stand clear of the minor ticks.
  return {
    dtick: 1,
    ticks: "outside",
    ticklen: 6,
    minor: { ticks: "outside", ticklen: 3, dtick: "D1", showgrid: false },
  };
}

/** A matrix as colours, z[row][column], row 0 at the top (as a confusion matrix is read). */
export function heatmap(z: readonly (readonly number[])[], options: HeatmapOptions = {}): Figure {
  const rows = z.length,
    columns = rows === 0 ? 0 : z[0].length;
  z.forEach((row, i) => checkLengths(`heatmap row ${i}`, columns, row.length));
  const xLabels = options.xLabels ?? Array.from({ length: columns }, (_, i) => i);
  const yLabels = options.yLabels ?? Array.from({ length: rows }, (_, i) => i);
  checkLengths("heatmap xLabels", columns, xLabels.length);
  checkLengths("heatmap yLabels", rows, yLabels.length);
  const x = xLabels.map(String),
    y = yLabels.map(String);
  const trace: Trace = {
    type: "heatmap",
    z: z.map((row) => [...row]),
    x,
    y,
    colorscale: options.colorscale ?? WHITE_TO_BLUE,
    colorbar: options.colorbarTitle === undefined ? undefined : { title: { text: options.colorbarTitle } },
  };
  const base = layout(options, []);
  const result: Figure = {
    data: [trace],
    layout: {
      ...base,
      xaxis: { ...(base.xaxis as object), type: "category" },
      yaxis: { ...(base.yaxis as object), type: "category", autorange: "reversed" },
    },
  };
  if (options.annotate) {
    const max = Math.max(...z.flat());
    result.layout.annotations = z.flatMap((row, i) =>
      row.map((value, j) => ({
        x: x[j],
        y: y[i],
        text: String(value),
        showarrow: false,
        font: { size: 11, color: value > max / 2 ? "white" : "black" },
      })),
    );
  }
  return result;
}

/** Distributions, overlaid and translucent so several (e.g. before and after quantization) compare. */
export function histogram(series: readonly HistogramSeries[], options: HistogramOptions = {}): Figure {
  const data = series.map((s): Trace => ({
    type: "histogram",
    name: s.name,
    x: Array.from(s.values),
    opacity: series.length > 1 ? 0.6 : 1,
    nbinsx: options.bins,
    histnorm: options.normalization === "probability density" ? "probability density" : "",
  }));
  return {
    data,
    layout: {
      ...layout(
        options,
        series.map((s) => s.name),
      ),
      barmode: "overlay",
    },
  };
}

/** Grouped bars: one group per category, one bar per series, optional error bars. */
export function barChart(
  categories: readonly string[],
  series: readonly BarSeries[],
  options: FigureOptions = {},
): Figure {
  const data = series.map((s): Trace => {
    checkLengths(`barChart series "${s.name}" values`, categories.length, s.values.length);
    if (s.error !== undefined) checkLengths(`barChart series "${s.name}" error`, categories.length, s.error.length);
    return { type: "bar", name: s.name, x: [...categories], y: Array.from(s.values), error_y: errorBars(s.error) };
  });
  const base = layout(
    options,
    series.map((s) => s.name),
  );
  // Category axis even for names like "8" or "32", which plotly would otherwise place on a number line.
  return { data, layout: { ...base, xaxis: { ...(base.xaxis as object), type: "category" }, barmode: "group" } };
}
