/**
 * `lowbit/stats`: measuring and comparing results. meanInterval (Student's t interval of a mean
 * over seeds), welchTTest (two runs with unequal variances), pairedTTest (runs paired by seed),
 * studentTCdf and studentTQuantile;
 * corpusBleu, the BLEU score of a translation (Papineni et al., ACL 2002).
 */
export { studentTCdf, studentTQuantile } from "./student_t";
export { meanInterval } from "./sample";
export type { MeanInterval, SampleStats } from "./sample";
export { pairedTTest } from "./paired";
export type { PairedResult } from "./paired";
export { welchTTest } from "./welch";
export type { WelchResult } from "./welch";
export { corpusBleu } from "../metrics";
export type { BleuScore } from "../metrics";
