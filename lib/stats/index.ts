/** Statistics for comparing training runs over seeds: t intervals, Welch's and the paired t-test. */
export { regularizedBeta, studentTCdf, studentTQuantile } from "./student_t";
export { meanInterval } from "./sample";
export type { MeanInterval, SampleStats } from "./sample";
export { pairedTTest } from "./paired";
export type { PairedResult } from "./paired";
export { welchTTest } from "./welch";
export type { WelchResult } from "./welch";
