/** Timing helpers shared by the benchmarks: warm up, then medians of repeated runs. */
import type * as tf from "lowbit/tf";
import { record } from "./report";

/** Median wall time in ms of `f` (which returns a tensor to read back and dispose). */
export function medianMs(f: () => tf.Tensor, reps = 7, warmup = 2): number {
  for (let i = 0; i < warmup; i++) {
    const r = f();
    r.dataSync();
    r.dispose();
  }
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const r = f();
    r.dataSync();
    times.push(performance.now() - t0);
    r.dispose();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(reps / 2)];
}

/** CPU time in ms (user + system, this process) that `f` takes. */
export function cpuMs(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

function median(v: readonly number[]): number {
  return [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
}

export interface Paired {
  /** Median wall times in ms. */
  baselineMs: number;
  kernelMs: number;
  /** Median CPU times in ms (user + system of this process). */
  baselineCpuMs: number;
  kernelCpuMs: number;
  /** Median over the pairs of baseline / kernel, by wall time and by CPU time. */
  ratio: number;
  cpuRatio: number;
}

/**
 * The baseline and the kernel run alternately (baseline, kernel, baseline, ...), so that a busy
 * machine slows both alike; the ratio is the median of the per-pair ratios. CPU times are
 * reported too: on a shared machine they exclude the time this process waits for a core, which
 * wall time includes.
 *
 * Warm-up: V8 first runs WebAssembly through its baseline compiler (Liftoff) and swaps in the
 * optimized code (TurboFan) only after a function has run a while and a background compile has
 * finished. Measured here on a busy machine, xnorMatMul's first 6 calls at 1024^3 took 21 ms of
 * CPU each and the later ones 6.5 ms; with --no-liftoff the first calls were slow too, so
 * tier-up is not the only cause (not isolated). Both run at least `warmup` times and for at
 * least `warmupMs` before timing.
 */
export function paired(baseline: () => void, kernel: () => void, reps: number, warmup = 4, warmupMs = 1500): Paired {
  const start = performance.now();
  for (let i = 0; i < warmup || performance.now() - start < warmupMs; i++) {
    baseline();
    kernel();
  }
  const wall: [number[], number[]] = [[], []],
    cpu: [number[], number[]] = [[], []];
  for (let i = 0; i < reps; i++) {
    for (const [k, f] of [baseline, kernel].entries()) {
      const c0 = process.cpuUsage(),
        t0 = performance.now();
      f();
      wall[k].push(performance.now() - t0);
      const d = process.cpuUsage(c0);
      cpu[k].push((d.user + d.system) / 1000);
    }
  }
  return {
    baselineMs: median(wall[0]),
    kernelMs: median(wall[1]),
    baselineCpuMs: median(cpu[0]),
    kernelCpuMs: median(cpu[1]),
    ratio: median(wall[0].map((b, i) => b / wall[1][i])),
    cpuRatio: median(cpu[0].map((b, i) => b / cpu[1][i])),
  };
}

/** Prints rows as a table (after `title`, if given) and records them for `--json`. */
export function table(rows: Record<string, string | number>[], title?: string): void {
  if (title !== undefined) console.log(title);
  console.table(rows);
  record({ title: title ?? null, rows });
}
