/**
 * `lowbit/viz`: figures. lineChart, heatmap, histogram and barChart build plain plotly.js JSON;
 * show() draws one inline in a notebook (interactive, with a static SVG fallback), showTable() a
 * DataFrame; exportFigure() writes .html, .svg or .png (figureHtml: the standalone page), through
 * headless Chromium (findChromium, closeFigureRenderer); ProgressBar shows progress in place, and
 * NotebookProgress shows train()'s progress in a notebook (registered with lowbit/train on load).
 * With lowbit/notebook (which re-exports what a notebook needs of it), the only part of lowbit
 * that loads plotly.js and playwright-core, when it draws.
 */
export { NotebookProgress } from "./notebook_progress";
export { ProgressBar } from "./progress_bar";
export type { ProgressBarOptions } from "./progress_bar";
export { lineChart, heatmap, histogram, barChart } from "./figure";
export type {
  AxisOptions,
  BarSeries,
  Figure,
  FigureOptions,
  HeatmapOptions,
  HistogramOptions,
  HistogramSeries,
  LineSeries,
  Trace,
} from "./figure";
export { intervalChart, intervalSeries } from "./interval_chart";
export type { IntervalChartOptions, IntervalSeries } from "./interval_chart";
export { show } from "./show";
export type { ShowOptions } from "./show";
export { showTable } from "./table";
export type { DataFrameLike, TableOptions } from "./table";
export { exportFigure, figureHtml } from "./export";
export { OptionalPackageMissingError } from "../core/optional_package";
export { closeFigureRenderer, findChromium, ChromiumNotFoundError } from "./renderer";
export type { ImageFormat, ImageOptions } from "./renderer";
