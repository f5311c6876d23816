/**
 * `npm run bench [-- name ...] [--json out.json]`: runs the named benchmarks (all by default).
 * Each prints its measurements next to a baseline measured in the same run, as a ratio. With
 * --json, every table and figure, with the machine it was measured on (CPU, cores, Node, backend,
 * date, load average), is written to that file atomically; `npm run bench:readme -- out.json`
 * then regenerates the README's performance section from it.
 */
import * as os from "node:os";
import { parseArgs } from "node:util";
import { initBackend } from "lowbit";
import { run as accum } from "./accum";
import { run as blockFormats } from "./block_formats";
import { run as quant } from "./quant";
import { run as figure } from "./figure";
import { run as mma } from "./mma";
import { collect, machine, writeFileAtomic } from "./report";
import { run as sweep } from "./sweep";
import { run as train } from "./train";
import { run as xnor } from "./xnor";

const benchmarks: Record<string, () => Promise<void>> = { train, quant, blockFormats, accum, mma, xnor, figure, sweep };

async function main(): Promise<void> {
  const { values, positionals: names } = parseArgs({ options: { json: { type: "string" } }, allowPositionals: true });
  for (const name of names) {
    if (!(name in benchmarks)) {
      throw new RangeError(`unknown benchmark "${name}"; choose from ${Object.keys(benchmarks).join(", ")}`);
    }
  }
  const backend = await initBackend();
  const report = { machine: machine(backend.name), benchmarks: {} as Record<string, unknown[]> };
  for (const name of names.length > 0 ? names : Object.keys(benchmarks)) {
    console.log(`\n== ${name} ==`);
    report.benchmarks[name] = collect();
    await benchmarks[name]();
  }
  report.machine.loadAverage.end = os.loadavg();
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
  console.log(
    `\nload average (1, 5, 15 min): ${load(report.machine.loadAverage.start)} at the start, ${load(report.machine.loadAverage.end)} at the end; ${report.machine.cores} cores`,
  );
  if (values.json !== undefined) {
    writeFileAtomic(values.json, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`figures written to ${values.json}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
