/**
 * `lowbit/notebook`: what a notebook shows and records, apart from what it computes. Figures
 * (lineChart, heatmap, histogram, barChart; show, exportFigure), tables (showTable, and
 * toDataFrame of a training history), progress in place (ProgressBar), the bridge to tslab's
 * display (cellDisplay, updatableDisplay); run profiles (byProfile: each notebook's smoke and
 * full sizes, chosen by LOWBIT_PROFILE), results files (writeResults, readResults under
 * data/results/), and the kernel registration (writeKernelSpec). It loads plotly.js,
 * playwright-core, danfojs-node and tslab when used, which the rest of lowbit never does.
 */
export { PROFILES, profile, byProfile } from "./profile";
export type { Profile } from "./profile";
export { resultsDir, writeResults, readResults } from "./results";
export type { ResultsFile } from "./results";
export { inNotebook, cellDisplay, updatableDisplay } from "./display";
export type { NotebookDisplay } from "./display";
export { KERNEL_NAME, TSLAB_VERSION, TslabNotFoundError, jupyterDataDir, writeKernelSpec } from "./kernel_spec";
export type { JupyterDataDirOptions, KernelSpec, WriteKernelSpecOptions, WrittenKernelSpec } from "./kernel_spec";
export {
  barChart,
  exportFigure,
  heatmap,
  histogram,
  lineChart,
  OptionalPackageMissingError,
  ProgressBar,
  show,
  showTable,
} from "../viz";
export type {
  AxisOptions,
  BarSeries,
  DataFrameLike,
  Figure,
  FigureOptions,
  HeatmapOptions,
  HistogramOptions,
  HistogramSeries,
  LineSeries,
  ProgressBarOptions,
  ShowOptions,
  TableOptions,
  Trace,
} from "../viz";
export { toDataFrame } from "../train/history";
