/** Statistics for comparing training runs over seeds: means, deviations, t intervals, Welch's t-test; moving averages. */
export { regularizedBeta, studentTCdf, studentTQuantile } from "./student_t";
export { meanInterval, sampleMean, sampleStd } from "./sample";
export { movingAverage } from "./moving_average";
export type { MeanInterval, SampleStats } from "./sample";
export { welchTTest } from "./welch";
export type { WelchResult } from "./welch";
