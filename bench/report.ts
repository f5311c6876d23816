/**
 * What `npm run bench -- --json out.json` writes: the machine the figures were measured on and,
 * per benchmark, every table it printed (each row carries its baseline measured in the same run)
 * plus any structured figures it records. The README's performance section is generated from
 * this file (scripts/bench-readme.ts), so no figure there is typed by hand.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface Machine {
  cpuModel: string;
  /** Logical cores the OS reports (the machine may be shared: see loadAverage). */
  cores: number;
  node: string;
  v8: string;
  platform: string;
  /** The tfjs backend the benchmarks ran on. */
  backend: string;
  /** ISO date and time at the start of the run. */
  date: string;
  /** 1, 5 and 15 minute load averages at the start and at the end of the run. */
  loadAverage: { start: number[]; end: number[] };
}

export function machine(backend: string): Machine {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.arch()}`,
    backend,
    date: new Date().toISOString(),
    loadAverage: { start: os.loadavg(), end: [] },
  };
}

/** Figures recorded by the benchmark that is running, in order. */
let current: unknown[] | undefined;

/** Starts collecting the figures of one benchmark; returns the list they go into. */
export function collect(): unknown[] {
  current = [];
  return current;
}

/** Records a figure (a table or a structured object) for the JSON report. */
export function record(figure: unknown): void {
  current?.push(figure);
}

/** Writes `text` to `file` atomically: a temporary file in the same folder, then a rename. */
export function writeFileAtomic(file: string, text: string): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
