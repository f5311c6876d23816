/**
 * `lowbit/stats`: measuring and comparing results over seeds. sampleMean, sampleStd and
 * meanInterval (Student's t interval of a mean), welchTTest (two runs with unequal variances),
 * pairedTTest (runs paired by seed), pairedTTestPower and minimalDetectableDifference (what a
 * paired design can detect), studentTCdf and studentTQuantile; movingAverage (a smoothed
 * curve); corpusBleu, the BLEU score of a translation (Papineni et al., ACL 2002).
 */
export { studentTCdf, studentTQuantile } from "./student_t";
export { meanInterval, sampleMean, sampleStd } from "./sample";
export { movingAverage } from "./moving_average";
export type { MeanInterval, SampleStats } from "./sample";
export { pairedTTest } from "./paired";
export { minimalDetectableDifference, pairedTTestPower } from "./power";
export type { PairedResult } from "./paired";
export { welchTTest } from "./welch";
export type { WelchResult } from "./welch";
export { corpusBleu } from "../metrics";
export type { BleuScore } from "../metrics";
