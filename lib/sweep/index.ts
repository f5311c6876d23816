/**
 * `lowbit/sweep`: an experiment over configurations and seeds, on local worker processes or a
 * BullMQ queue in Redis. sweep(spec) runs it (exactly one record per configuration and seed in
 * results.jsonl, resumable), summarizeSweep and compareSweep summarise it; EXPERIMENTS lists
 * the registered experiments.
 */
export { EXPERIMENTS, loadExperiment } from "./experiments";
export type { Experiment, ExperimentContext, Metrics, RegisteredExperiment } from "./experiment";
export { canonicalJson } from "./json_value";
export type { JsonObject, JsonValue } from "./json_value";
export { configurationLabels } from "./labels";
export { leastSquaresSgd } from "./least_squares_sgd";
export { mnistMlp } from "./mnist_mlp";
export { dfpLeNet, dfpLenetExperiment, dfpQuantizers, DFP_ROUNDINGS } from "../experiments/dfp_lenet";
export type { DfpLeNetOptions, DfpRounding } from "../experiments/dfp_lenet";
export { dfpSeq2seqExperiment } from "../experiments/dfp_seq2seq";
export { trainWageLenet, wageLenet } from "../experiments/wage_lenet";
export type { TrainedWageLenet } from "../experiments/wage_lenet";
export { sqStageLearningRate, sqVgg } from "../experiments/sq_vgg";
export { charLstmDevil } from "../experiments/char_lstm_devil";
export { glorotLearningRateScale, qnnMlpMnist, trainQnnMlpMnist } from "../experiments/qnn_mlp_mnist";
export { runQueueWorker } from "./queue_worker";
export type { QueueWorkerOptions } from "./queue_worker";
export { sweepJobId } from "./queue_executor";
export type { SweepFailure, SweepRecord } from "./record";
export { checkRedisUrl, SWEEP_QUEUE } from "./redis";
export { FAILURES_FILE, RESULTS_FILE, readRecords, SweepLockedError, SweepWriteError } from "./results_log";
export { checkSweepSpec, runKey, sweepRuns } from "./spec";
export type { Sweep, SweepRun, SweepSpec } from "./spec";
export { compareSweep, summarizeSweep } from "./summary";
export type { SweepComparisonRow, SweepSummaryRow } from "./summary";
export { sweep, sweepRows } from "./sweep";
export type { SweepOptions, SweepResult, SweepRow } from "./sweep";
