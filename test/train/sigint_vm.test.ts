/**
 * Regression: train() called in the synchronous part of a vm script with breakOnSigint (how
 * tslab runs a notebook cell) must still catch SIGINT. A listener added there was left without
 * a signal handler once vm restored the signal's disposition, so Kernel > Interrupt ended the
 * kernel. After training, SIGINT goes to the process's own listeners again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runProcess } from "../run_process";

test("SIGINT stops train() started under vm's breakOnSigint, and the process lives on", async () => {
  const r = await runProcess(process.execPath, ["--import", "tsx", join(__dirname, "sigint_child.ts")], {
    timeout: 60_000,
  });
  assert.equal(r.code, 0, `child ended with ${r.code}:\n${r.stderr}`);
  assert.deepEqual(JSON.parse(r.stdout.trim()), { interrupted: true, steps: 5, kernelInterrupts: 1 });
});
