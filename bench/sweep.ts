/**
 * Sweep throughput: the same sweep of equal runs (least-squares-sgd, one configuration, one run
 * per seed: the same work each) on 1 local worker process and on 2, alternately in one run (1, 2,
 * 1, 2, ...) so that a busy machine slows both alike. Each sweep writes to a fresh folder and is
 * timed whole: worker start-up, dispatch, the results file. Reported: runs per hour of each, and
 * the ratio (median over the pairs), next to the cores and the load average, which bound it (the
 * target on a 2-core machine: >= 1.8x).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sweep } from "lowbit";
import { table } from "./timing";

const RUNS = 32;
const PAIRS = 3;
/** Steps per run: about 0.5 s of one core here. */
const STEPS = 100000;

async function runsPerHour(workers: number, folder: string): Promise<number> {
  const t0 = performance.now();
  const result = await sweep(
    {
      experiment: "least-squares-sgd",
      configurations: [{ steps: STEPS, format: { kind: "fixed", bits: 12, frac: 10 }, rounding: "stochastic" }],
      seeds: { count: RUNS },
      output: folder,
    },
    { workers, progress: false },
  );
  const seconds = (performance.now() - t0) / 1000;
  if (result.ran !== RUNS) throw new Error(`the sweep ran ${result.ran} of ${RUNS} runs`);
  return (RUNS / seconds) * 3600;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-bench-sweep-"));
  try {
    const rows: Record<string, string | number>[] = [];
    const ratios: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const one = await runsPerHour(1, path.join(dir, `one-${pair}`));
      const two = await runsPerHour(2, path.join(dir, `two-${pair}`));
      ratios.push(two / one);
      rows.push({
        pair,
        "1 worker (runs/h)": Math.round(one),
        "2 workers (runs/h)": Math.round(two),
        ratio: Number((two / one).toFixed(3)),
        "load (1 min)": Number(os.loadavg()[0].toFixed(2)),
      });
    }
    ratios.sort((a, b) => a - b);
    table(
      rows,
      `sweep of ${RUNS} equal runs (least-squares-sgd, ${STEPS} steps) on 1 and 2 local workers, ` +
        `alternately; ${os.availableParallelism()} cores; median ratio ${ratios[Math.floor(PAIRS / 2)].toFixed(3)} (target >= 1.8)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
