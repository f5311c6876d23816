/**
 * Runs a sweep's runs on a BullMQ queue in Redis: this process (the submitter) enqueues one job
 * per (configuration, seed), and `lowbit worker --queue URL` processes on any machine run them
 * (queue_worker.ts). Results come back as the jobs' return values, through QueueEvents'
 * "completed" events and a periodic check of the jobs' states (an event sent while this process
 * was disconnected is not replayed), and only this process writes them to the output folder.
 *
 * Exactly once: a job's id is deterministic, <submitter>-<run key>, with submitter a hash of this
 * host and the output folder, so a re-run of the sweep finds its jobs instead of adding new ones
 * (BullMQ ignores an add whose id exists): a completed job's record is taken from Redis, a failed
 * one is retried, a waiting or active one waited for. A job whose worker dies is moved back to the
 * queue by BullMQ's stalled-job check (its lock expires) and another worker runs it. The results
 * file dedupes by run key, so a job completed twice is written once. A job is removed from Redis
 * once its record is written.
 */
import { createHash } from "node:crypto";
import * as os from "node:os";
import type * as BullMQ from "bullmq";
import type { ExecutorCallbacks } from "./local_executor";
import type { SweepRecord } from "./record";
import { checkRedisReachable, redisConnection, SWEEP_QUEUE } from "./redis";
import type { SweepRun } from "./spec";

/** What a queued job carries: the run, and who submitted it (for a worker's log). */
export interface SweepJobData {
  run: SweepRun;
  submitter: string;
}

const RECONCILE_MS = 3000;

/** The deterministic job id of `run` in the sweep whose results go to `output` on this host. */
export function sweepJobId(output: string, run: SweepRun): string {
  const submitter = createHash("sha256").update(`${os.hostname()}\n${output}`).digest("hex").slice(0, 12);
  return `${submitter}-${run.key}`;
}

export async function runOnQueue(
  runs: readonly SweepRun[],
  options: { url: string; output: string; retries: number; signal: AbortSignal } & ExecutorCallbacks,
): Promise<void> {
  const { url, retries, signal } = options;
  if (runs.length === 0) return;
  await checkRedisReachable(url);
  // Loaded here: importing lowbit should not load BullMQ (90 ms) for sweeps that do not use it.
  const { Queue, QueueEvents } = require("bullmq") as typeof BullMQ;
  const connections = [redisConnection(url), redisConnection(url)];
  const queue = new Queue<SweepJobData>(SWEEP_QUEUE, { connection: connections[0] });
  const events = new QueueEvents(SWEEP_QUEUE, { connection: connections[1] });
  const pending = new Map<string, SweepRun>(runs.map((r) => [sweepJobId(options.output, r), r]));
  let wake: () => void = () => {};
  // An error of a callback (writing a record failed): it ends the sweep, thrown once the wait ends.
  // Settling runs in event listeners and in checks whose errors are ignored, where it would be lost.
  const fatal: unknown[] = [];
  const settle = (jobId: string, outcome: { record: SweepRecord } | { error: string; attempts: number }) => {
    const run = pending.get(jobId);
    if (run === undefined || fatal.length > 0) return;
    try {
      if ("record" in outcome) options.onRecord(outcome.record);
      else options.onFailure(run, outcome.error, outcome.attempts);
    } catch (error) {
      // The job stays in Redis: its record is taken from there when the sweep is run again.
      fatal.push(error);
      wake();
      return;
    }
    pending.delete(jobId);
    // Written (or reported): the job's work is done and Redis need not keep it.
    queue.remove(jobId).catch(() => {});
    if (pending.size === 0) wake();
  };
  /** Settles `jobId` if its job has finished; retries it if it failed in an earlier submission. */
  const check = async (jobId: string, retryFailed: boolean) => {
    const job = await queue.getJob(jobId);
    if (job === undefined) return "missing";
    const state = await job.getState();
    if (state === "completed") settle(jobId, { record: job.returnvalue as unknown as SweepRecord });
    else if (state === "failed") {
      if (retryFailed) await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      else settle(jobId, { error: job.failedReason, attempts: job.attemptsMade });
    }
    return state;
  };
  try {
    events.on("completed", ({ jobId, returnvalue }) => {
      const value = typeof returnvalue === "string" ? (JSON.parse(returnvalue) as SweepRecord) : returnvalue;
      settle(jobId, { record: value as unknown as SweepRecord });
    });
    events.on("failed", ({ jobId }) => {
      if (pending.has(jobId)) void check(jobId, false).catch(() => {});
    });
    // Listening before adding: no completion can come between the add and the subscription.
    await events.waitUntilReady();
    const ids = [...pending.keys()];
    // Jobs of an earlier, interrupted submission of this sweep: take the finished ones' records
    // and retry the failed ones; the others are (re)added below (an add of an existing id is ignored).
    for (const id of ids) if (fatal.length === 0) await check(id, true);
    if (fatal.length > 0) throw fatal[0];
    const toAdd = [...pending.entries()].map(([jobId, run]) => ({
      name: "run",
      data: { run, submitter: os.hostname() },
      opts: { jobId, attempts: retries + 1, removeOnComplete: false, removeOnFail: false },
    }));
    for (let i = 0; i < toAdd.length; i += 500) await queue.addBulk(toAdd.slice(i, i + 500));
    // Until every job is settled (or the sweep is stopped), checking the pending jobs' states every
    // few seconds besides the events.
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      const finish = () => {
        finished = true;
        clearTimeout(timer);
        signal.removeEventListener("abort", finish);
        resolve();
      };
      wake = finish;
      if (pending.size === 0 || signal.aborted || fatal.length > 0) return finish();
      signal.addEventListener("abort", finish, { once: true });
      const reconcile = async () => {
        // A copy of the keys: check() removes finished jobs from `pending` while this loop awaits.
        for (const id of Array.from(pending.keys())) if (!finished) await check(id, false).catch(() => {});
        if (!finished) timer = setTimeout(reconcile, RECONCILE_MS);
      };
      timer = setTimeout(reconcile, RECONCILE_MS);
    });
    if (fatal.length > 0) throw fatal[0];
    if (signal.aborted) {
      // Stop the sweep's jobs that no worker has started; running ones finish and their records
      // wait in Redis for the next run of the sweep.
      for (const id of pending.keys()) {
        const job = await queue.getJob(id);
        if (job !== undefined && ["waiting", "delayed", "prioritized"].includes(await job.getState()))
          await job.remove().catch(() => {});
      }
    }
  } finally {
    await events.close();
    await queue.close();
    for (const c of connections) c.disconnect();
  }
}
