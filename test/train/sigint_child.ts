/**
 * Child of sigint_vm.test.ts: calls train() in the synchronous part of a script run with vm's
 * breakOnSigint, as tslab runs a cell, then sends itself SIGINT at step 5. Prints the result;
 * before the fix the process died of the signal instead.
 */
import * as vm from "node:vm";
import * as tf from "lowbit/tf";
import { initBackend } from "lowbit";
import { train } from "lowbit/train";

async function main(): Promise<void> {
  await initBackend({ backend: "cpu", quiet: true });
  let kernelInterrupts = 0;
  process.on("SIGINT", () => {
    kernelInterrupts++;
  });
  const g = globalThis as Record<string, unknown>;
  Object.assign(g, { tf, train, kernelInterrupts: () => kernelInterrupts });
  const cell = `(async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
    function* endless() { for (;;) yield { x: tf.ones([8, 4]), y: tf.ones([8, 2]) }; }
    const run = await train({ model: model, optimizer: tf.train.sgd(0.01), batches: endless(), stepsPerEpoch: 1e7,
      progress: false, onStep: (s) => { if (s.step === 5) process.kill(process.pid, "SIGINT"); } });
    return { interrupted: run.interrupted, steps: run.stepsDone };
  })()`;
  const result = await (vm.runInThisContext(cell, { breakOnSigint: true }) as Promise<object>);
  // A second SIGINT after training goes to the process's own listener again.
  process.kill(process.pid, "SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 200));
  console.log(JSON.stringify({ ...result, kernelInterrupts: kernelInterrupts }));
}

void main();
