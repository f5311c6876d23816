/** Timing helpers shared by the benchmarks: warm up, then the median of repeated runs. */
import * as tf from "@tensorflow/tfjs";

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

export function table(rows: Record<string, string | number>[]): void {
  console.table(rows);
}
