/** Display: figure builders, inline figures and tables in notebooks, export to files, progress. */
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
export { show } from "./show";
export type { ShowOptions } from "./show";
export { showTable } from "./table";
export type { DataFrameLike, TableOptions } from "./table";
export { exportFigure, figureHtml } from "./export";
export { installPlotlyNbextension, plotlyNbextensionUrl, plotlyVersion } from "./plotly_nbextension";
export { renderImage, closeFigureRenderer, findChromium, ChromiumNotFoundError } from "./renderer";
export type { ImageFormat, ImageOptions } from "./renderer";
