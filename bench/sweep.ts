/**
 * Sweep throughput: the same sweep of equal runs (least-squares-sgd, one configuration, one run
 * per seed: the same work each) on 1 local worker process and on 2, alternately in one run (1, 2,
 * 1, 2, ...) so that a busy machine slows both alike. Each sweep writes to a fresh folder and is
 * timed whole: worker start-up, dispatch, the results file. Reported: runs per hour of each, and
 * the ratio (median over the pairs), next to the cores and the load average, which bound it (the
 * target on a 2-core machine: >= 1.8x). Beside it, in the same pairs, the ceiling the machine
 * allows: the same runs computed by 1 and by 2 plain Node processes (no sweep: no results file, no
 * dispatch), whose ratio is what any executor could reach at that moment. On a shared machine
 * the kernel's autogroup scheduling gives a terminal session a share of the CPUs however many
 * processes it runs, and the ceiling shows it.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { sweep } from "lowbit/sweep";
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

/** The sweep's runs computed by `processes` plain Node processes (seeds dealt round-robin), in runs per hour. */
async function plainRunsPerHour(processes: number): Promise<number> {
  // The experiment's compiled file, by path (the package exports only its index, which loads TensorFlow.js).
  const file = path.join(path.dirname(require.resolve("lowbit")), "sweep", "least_squares_sgd.js");
  const config = JSON.stringify({
    steps: STEPS,
    format: { kind: "fixed", bits: 12, frac: 10 },
    rounding: "stochastic",
  });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: processes }, (_, p) => {
      const script =
        `const { leastSquaresSgd } = require(${JSON.stringify(file)});` +
        `for (let seed = ${p}; seed < ${RUNS}; seed += ${processes}) leastSquaresSgd(${config}, { seed });`;
      return new Promise<void>((resolve, reject) =>
        spawn(process.execPath, ["-e", script], { stdio: "inherit" }).on("exit", (code) =>
          code === 0 ? resolve() : reject(new Error(`a plain process exited with code ${code}`)),
        ),
      );
    }),
  );
  return (RUNS / ((performance.now() - t0) / 1000)) * 3600;
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-bench-sweep-"));
  try {
    const rows: Record<string, string | number>[] = [];
    const ratios: number[] = [],
      ceilings: number[] = [];
    for (let pair = 0; pair < PAIRS; pair++) {
      const one = await runsPerHour(1, path.join(dir, `one-${pair}`));
      const two = await runsPerHour(2, path.join(dir, `two-${pair}`));
      const plainOne = await plainRunsPerHour(1);
      const plainTwo = await plainRunsPerHour(2);
      ratios.push(two / one);
      ceilings.push(plainTwo / plainOne);
      rows.push({
        pair,
        "1 worker (runs/h)": Math.round(one),
        "2 workers (runs/h)": Math.round(two),
        ratio: Number((two / one).toFixed(3)),
        "ceiling: 2 plain processes / 1": Number((plainTwo / plainOne).toFixed(3)),
        "load (1 min)": Number(os.loadavg()[0].toFixed(2)),
      });
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)].toFixed(3);
    table(
      rows,
      `sweep of ${RUNS} equal runs (least-squares-sgd, ${STEPS} steps) on 1 and 2 local workers, ` +
        `alternately; ${os.availableParallelism()} cores; median ratio ${median(ratios)} (target >= 1.8), ` +
        `ceiling ${median(ceilings)}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
