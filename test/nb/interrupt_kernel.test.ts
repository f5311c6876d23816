/**
 * Kernel > Interrupt through a real Jupyter kernel: a cell training with train() ends within
 * about a second of the interrupt (after the current step), reports that it was interrupted,
 * the kernel runs the next cells, and the step count no longer grows (before lowbit took over
 * SIGINT during training, tslab ended the cell at once while the loop went on in the
 * background). The kernel is driven by jupyter_client (Debian's python3-jupyter-client, as in
 * CI) through interrupt_kernel.py, on a kernel spec written for this test.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeKernelSpec } from "../../scripts/kernel";
import { runProcess } from "../run_process";

const ROOT = join(__dirname, "..", "..");

/** A python with jupyter_client: the one on PATH, else Debian's (where apt installs it). */
function jupyterPython(): string | undefined {
  for (const python of ["python3", "/usr/bin/python3"]) {
    if (spawnSync(python, ["-c", "import jupyter_client"], { stdio: "ignore" }).status === 0) return python;
  }
  return undefined;
}

describe("Kernel > Interrupt", () => {
  const python = jupyterPython();
  test(
    "stops a training cell after the current step and leaves the kernel usable",
    {
      skip: python === undefined ? "jupyter_client is not installed (apt-get install jupyter-client)" : false,
      timeout: 120_000,
    },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "lowbit-jupyter-"));
      writeKernelSpec(dataDir);
      const r = await runProcess(python!, [join(__dirname, "interrupt_kernel.py"), join(ROOT, "notebooks")], {
        env: { ...process.env, JUPYTER_PATH: dataDir },
        timeout: 110_000,
      });
      assert.equal(r.code, 0, `driver failed:\n${r.stderr}\n${r.stdout}`);
      const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
      assert.match(out.setup[0], /ready/, out.setup[1]);
      assert.match(out.backend[0], /backend/, out.backend[1]);
      const t = out.train;
      assert.equal(t.errors, "", "the cell ends normally, not with tslab's 'Interrupted asynchronously'");
      assert.notEqual(t.secondsAfterInterrupt, null, "the interrupt was sent");
      assert.ok(t.secondsAfterInterrupt < 2, `the cell ended ${t.secondsAfterInterrupt} s after the interrupt`);
      const m = /train returned: interrupted true, stepsDone (\d+), stepsSeen (\d+)/.exec(t.stdout);
      assert.ok(m !== null, `the cell prints the interrupted result:\n${t.stdout}`);
      assert.equal(m[1], m[2]);
      assert.match(t.stdout, /kernel test: interrupted after step \d+/);
      assert.ok(t.displayMentionsInterrupt, "the progress display shows the interrupt");
      const [first, second] = out.counts;
      assert.equal(first.steps, Number(m[1]), "no step after the result");
      assert.equal(second.steps, first.steps, "the step count does not grow after the interrupt");
      assert.equal(second.tensors, first.tensors);
      assert.equal(out.alive, true, "the kernel survives the interrupt");
    },
  );
});
