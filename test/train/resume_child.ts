/**
 * The second process of the cross-process resume test: for every combination, a fresh model
 * and optimizer load `<dir>/<name>.half`, train the second half of the steps and save
 * `<dir>/<name>.resumed`. Usage: node --import tsx resume_child.ts <dir>
 */
import { join } from "node:path";
import { initBackend } from "lowbit";
import { loadCheckpoint, saveCheckpoint } from "lowbit/train";
import { COMBINATIONS, makeOptimizer, model, STEPS, trainSteps } from "./resume_fixture";

async function main(dir: string): Promise<void> {
  await initBackend({ backend: "wasm", quiet: true });
  for (const { optimizer: o, wrapper, name } of COMBINATIONS) {
    const m = model(),
      optimizer = makeOptimizer(o, wrapper);
    const { epochsDone, history } = await loadCheckpoint(join(dir, `${name}.half`), m, optimizer);
    trainSteps(m, optimizer, STEPS / 2, STEPS);
    await saveCheckpoint(join(dir, `${name}.resumed`), m, optimizer, epochsDone, history);
  }
}

void main(process.argv[2]);
