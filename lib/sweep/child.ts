/**
 * The worker process of a sweep (forked by child_runner.ts, for local workers and for each job of
 * a queue worker): runs the runs its parent sends, one at a time, and sends back each record or
 * the experiment's error. It ignores SIGINT, which a terminal's Ctrl-C sends to the whole process
 * group, because its parent decides how to stop (it sends SIGTERM), and it exits when the parent
 * is gone (the IPC channel closes): at once when idle, after its current run when the parent was
 * killed mid-run (a synchronous experiment holds the event loop until it returns), so a killed
 * worker leaves no orphan beyond one run.
 */
import { runJob } from "./run_job";
import type { ChildReply, ChildRequest } from "./child_runner";

process.on("SIGINT", () => {});
process.on("disconnect", () => process.exit(0));
process.on("message", (message: ChildRequest) => {
  runJob(message.run, message.attempt).then(
    (record) => process.send!({ type: "done", key: message.run.key, record } satisfies ChildReply),
    (e: unknown) =>
      process.send!({
        type: "failed",
        key: message.run.key,
        error: e instanceof Error ? (e.message.startsWith("lowbit:") ? e.message : (e.stack ?? e.message)) : String(e),
      } satisfies ChildReply),
  );
});
