/**
 * `lowbit/notebook`: what a notebook shows and records, apart from what it computes. Figures
 * (lineChart, heatmap, histogram, barChart, intervalChart; show, exportFigure), tables (showTable, and
 * toDataFrame of a training history), progress in place (ProgressBar; train()'s NotebookProgress,
 * registered when this module loads), the bridge to tslab's
 * display (cellDisplay, updatableDisplay); run profiles (byProfile: each notebook's smoke and
 * full sizes, chosen by LOWBIT_PROFILE), results files (writeResults, readResults under
 * data/results/) and the claims they record (claim, measured, toleranceVerdict,
 * orderingVerdict; showClaims, allClaims, claimsMarkdown), and the kernel registration (writeKernelSpec). It loads plotly.js,
 * playwright-core, danfojs-node and tslab when it needs them; importing the rest of lowbit loads
 * none of them (only a cost report's toDataFrame(), lowbit/hw, asks for danfojs-node when called).
 */
export { PROFILES, profile, byProfile } from "./profile";
export type { Profile } from "./profile";
export { recording, resultsDir, sweepFolder, writeResults, readResults } from "./results";
export {
  checkClaims,
  claim,
  formatMeasured,
  measured,
  MIN_SEEDS,
  orderingVerdict,
  toleranceVerdict,
  VERDICTS,
} from "./claims";
export type { Claim, Measured, PaperValue, Verdict } from "./claims";
export { allClaims, claimsMarkdown, showClaims } from "./claims_table";
export type { NotebookClaim } from "./claims_table";
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
  intervalChart,
  intervalSeries,
  lineChart,
  NotebookProgress,
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
  IntervalChartOptions,
  IntervalSeries,
  LineSeries,
  ProgressBarOptions,
  ShowOptions,
  TableOptions,
  Trace,
} from "../viz";
export { toDataFrame } from "../train/history";
