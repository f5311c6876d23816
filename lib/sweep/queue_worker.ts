/**
 * `lowbit worker --queue URL`: a process that pulls sweep jobs from the BullMQ queue in Redis and
 * runs each in a worker process of its own (child_runner.ts), `concurrency` at a time, returning
 * the record as the job's return value. BullMQ renews each job's lock every lockDuration / 2 from
 * this process's event loop, which the experiments (in the child processes) never block; if this
 * process dies, the lock expires and another worker's stalled-job check (every stalledInterval)
 * puts the job back in the queue.
 */
import * as os from "node:os";
import type * as BullMQ from "bullmq";
import { ChildRunner } from "./child_runner";
import type { SweepJobData } from "./queue_executor";
import type { SweepRecord } from "./record";
import { checkRedisReachable, redisConnection, SWEEP_QUEUE } from "./redis";

export interface QueueWorkerOptions {
  url: string;
  /** Jobs run at once (worker processes); default 1. */
  concurrency?: number;
  /** Milliseconds a job's lock lasts without renewal (BullMQ's lockDuration); default 30000. */
  lockDuration?: number;
  /** Milliseconds between stalled-job checks (BullMQ's stalledInterval); default 30000. */
  stalledInterval?: number;
  /** Stops taking jobs when aborted; running jobs finish first. */
  signal?: AbortSignal;
  /** Where the worker says what it does (default: stderr). */
  log?: (line: string) => void;
}

/** Runs until `signal` aborts; resolves once the running jobs have finished and the worker is closed. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const { url, concurrency = 1, lockDuration = 30000, stalledInterval = 30000, signal } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await checkRedisReachable(url);
  const { Worker } = require("bullmq") as typeof BullMQ;
  const idle = Array.from({ length: concurrency }, () => new ChildRunner());
  const all = [...idle];
  const connection = redisConnection(url);
  const worker = new Worker<SweepJobData, SweepRecord>(
    SWEEP_QUEUE,
    async (job: BullMQ.Job<SweepJobData, SweepRecord>) => {
      const runner = idle.pop()!;
      const { run } = job.data;
      // attemptsStarted counts every start, also those whose worker died (attemptsMade counts failures only).
      const attempt = Math.max(1, job.attemptsStarted);
      const what = `${run.key.slice(0, 8)} ${run.experiment} seed ${run.seed} attempt ${attempt}`;
      log(`lowbit worker ${process.pid}: started ${what} (from ${job.data.submitter})`);
      const t0 = performance.now();
      try {
        const record = await runner.run(run, attempt);
        log(`lowbit worker ${process.pid}: finished ${what} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
        return record;
      } catch (e) {
        log(`lowbit worker ${process.pid}: failed ${what}: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      } finally {
        idle.push(runner);
      }
    },
    { connection, concurrency, lockDuration, stalledInterval, maxStalledCount: 2, autorun: false },
  );
  worker.on("error", (e) => log(`lowbit worker ${process.pid}: ${e.message}`));
  log(
    `lowbit worker ${process.pid} on ${os.hostname()}: pulling sweep jobs from ${url} ` +
      `(${concurrency} at a time; Ctrl-C stops after the running jobs)`,
  );
  const stopped = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  const running = worker.run();
  await stopped;
  await worker.close();
  await running;
  await Promise.all(all.map((r) => r.stop()));
  connection.disconnect();
}
