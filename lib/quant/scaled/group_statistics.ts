/**
 * The statistics of a scaled format's groups: the one code path behind every data-scaled format
 * of lowbit (dynamic fixed point, block floating point, BWN/TWN, WAGE's E and G, the log
 * quantizer, MX and NVFP4 blocks).
 *
 * Layout: element j of the flat data belongs to group floor(j / inner) % groups (a tensor:
 * inner = n, one group; a channel of axis a: inner = the product of the later axes, groups =
 * the length of a; blocks of consecutive elements: inner = the block size).
 *
 * Statistics use the finite values only, sum in float64 and return the exact float64 result of
 * those sums (max |x| is itself a float32). A group without a finite nonzero value (and, for
 * meanAbsKept, without a kept value) has statistic 0.
 */
export interface GroupLayout {
  readonly inner: number;
  readonly groups: number;
}

/**
 * Calls visit(g, start, end) for every run of consecutive elements [start, end) of one group g
 * (a run per group and position: the loops over a run's elements stay tight).
 */
function forEachRun(n: number, layout: GroupLayout, visit: (g: number, start: number, end: number) => void): void {
  const { inner, groups } = layout;
  let g = 0;
  for (let start = 0; start < n; start += inner) {
    visit(g, start, Math.min(n, start + inner));
    if (++g === groups) g = 0;
  }
}

/** Largest finite |x| per group. */
export function groupMaxAbs(x: Float32Array, layout: GroupLayout): Float64Array {
  const m = new Float64Array(layout.groups);
  forEachRun(x.length, layout, (g, start, end) => {
    let r = m[g];
    for (let j = start; j < end; j++) {
      const a = Math.abs(x[j]);
      if (a > r && a !== Infinity) r = a; // NaN fails a > r
    }
    m[g] = r;
  });
  return m;
}

/**
 * Mean of |x - center_g| per group over the finite values (center 0: mean |x|), and, with
 * `keep`, only over the finite values with keep(x) true.
 */
export function groupMeanAbs(
  x: Float32Array,
  layout: GroupLayout,
  center?: Float64Array,
  keep?: (v: number) => boolean,
): Float64Array {
  const sum = new Float64Array(layout.groups),
    count = new Float64Array(layout.groups);
  forEachRun(x.length, layout, (g, start, end) => {
    const c = center === undefined ? 0 : center[g];
    for (let j = start; j < end; j++) {
      const v = x[j];
      if (Number.isFinite(v) && (keep === undefined || keep(v))) {
        sum[g] += Math.abs(v - c); // v - 0 is v exactly
        count[g]++;
      }
    }
  });
  return means(sum, count);
}

/** sum / count per group, 0 for an empty group (a loop: typed arrays' map is slow in V8). */
function means(sum: Float64Array, count: Float64Array): Float64Array {
  for (let g = 0; g < sum.length; g++) sum[g] = count[g] > 0 ? sum[g] / count[g] : 0;
  return sum;
}

/** Mean of x per group over the finite values. */
export function groupMean(x: Float32Array, layout: GroupLayout): Float64Array {
  const sum = new Float64Array(layout.groups),
    count = new Float64Array(layout.groups);
  forEachRun(x.length, layout, (g, start, end) => {
    for (let j = start; j < end; j++) {
      if (Number.isFinite(x[j])) {
        sum[g] += x[j];
        count[g]++;
      }
    }
  });
  return means(sum, count);
}

/** Per group: how many |x| exceed limits[g] (an Inf counts: it saturates), and the group sizes. */
export function groupCountAbove(
  x: Float32Array,
  layout: GroupLayout,
  limits: ArrayLike<number>,
): { above: Float64Array; size: Float64Array } {
  const above = new Float64Array(layout.groups),
    size = new Float64Array(layout.groups);
  forEachRun(x.length, layout, (g, start, end) => {
    size[g] += end - start;
    const limit = limits[g];
    for (let j = start; j < end; j++) if (Math.abs(x[j]) > limit) above[g]++;
  });
  return { above, size };
}

/** Per group: 1 where some element is NaN or +-Inf. */
export function groupHasNonFinite(x: Float32Array, layout: GroupLayout): Uint8Array {
  const special = new Uint8Array(layout.groups);
  forEachRun(x.length, layout, (g, start, end) => {
    for (let j = start; j < end; j++) if (!Number.isFinite(x[j])) special[g] = 1;
  });
  return special;
}
