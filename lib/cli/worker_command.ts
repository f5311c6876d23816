/**
 * `lowbit worker --queue redis://host:port`: pulls sweep jobs from the queue and runs them until
 * stopped. Ctrl-C or SIGTERM: stop taking jobs, finish the running ones, exit 0; a second Ctrl-C
 * stops at once (exit code 130), and the running jobs go back to the queue when their locks
 * expire. lib/sweep (and BullMQ) are loaded only when the command runs.
 */
import type { Command } from "commander";
import { numberFlag } from "../core/flags";
import { action, UsageError } from "./action";

interface WorkerCommandOptions {
  queue?: string;
  concurrency: string;
  lockDuration: string;
  stalledInterval: string;
}

const HELP_AFTER = `
Start as many workers as the machine has cores to spare (each runs --concurrency jobs at once), on
as many machines as you like: each needs this project installed (the same lowbit version, and any
module a sweep names, at the same path), and network access to the Redis server.

Example:
  lowbit worker --queue redis://10.0.0.5:6379 --concurrency 4`;

async function workerCommand(options: WorkerCommandOptions): Promise<void> {
  if (options.queue === undefined) throw new UsageError("--queue is required: lowbit worker --queue redis://host:port");
  const lib = require("../sweep") as typeof import("../sweep");
  const url = lib.checkRedisUrl("--queue", options.queue);
  const concurrency = numberFlag("concurrency", options.concurrency, { min: 1, max: 256, integer: true })!;
  const lockDuration = numberFlag("lock-duration", options.lockDuration, {
    min: 100,
    max: 2 ** 31 - 1,
    integer: true,
  })!;
  const stalledInterval = numberFlag("stalled-interval", options.stalledInterval, {
    min: 100,
    max: 2 ** 31 - 1,
    integer: true,
  })!;
  const controller = new AbortController();
  let signals = 0;
  const stop = () => {
    if (++signals === 1) {
      process.stderr.write("lowbit worker: stopping after the running jobs (Ctrl-C again stops now)\n");
      controller.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    await lib.runQueueWorker({ url, concurrency, lockDuration, stalledInterval, signal: controller.signal });
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

export function addWorkerCommand(program: Command): void {
  program
    .command("worker")
    .summary("run sweep jobs from a Redis queue (lowbit sweep --queue)")
    .description(
      "Pulls the jobs that `lowbit sweep --queue <url>` submitters put on the BullMQ queue in Redis, runs each " +
        "in a worker process and returns its record to the submitter. A job whose worker dies is retried by " +
        "another worker once its lock expires.",
    )
    .option("--queue <url>", "required: the Redis server, redis://host:port")
    .option("--concurrency <n>", "jobs run at once (worker processes), an integer in [1, 256]", "1")
    .option(
      "--lock-duration <ms>",
      "milliseconds a job stays assigned to this worker without a sign of life (BullMQ's lockDuration)",
      "30000",
    )
    .option(
      "--stalled-interval <ms>",
      "milliseconds between this worker's checks for jobs whose worker died (BullMQ's stalledInterval)",
      "30000",
    )
    .showHelpAfterError("(lowbit worker --help lists the options)")
    .addHelpText("after", HELP_AFTER)
    .action(action(workerCommand));
}
