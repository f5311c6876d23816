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

/** Calls visit(g, j) for every element j in group order of the flat layout. */
function forEachElement(n: number, layout: GroupLayout, visit: (g: number, j: number) => void): void {
  const { inner, groups } = layout;
  let g = 0, left = inner;
  for (let j = 0; j < n; j++) {
    visit(g, j);
    if (--left === 0) {
      left = inner;
      if (++g === groups) g = 0;
    }
  }
}

/** Largest finite |x| per group. */
export function groupMaxAbs(x: Float32Array, layout: GroupLayout): Float64Array {
  const m = new Float64Array(layout.groups);
  forEachElement(x.length, layout, (g, j) => {
    const a = Math.abs(x[j]);
    if (a > m[g] && a !== Infinity) m[g] = a; // NaN fails a > m
  });
  return m;
}

/**
 * Mean of |x - center_g| per group over the finite values (center 0: mean |x|), and, with
 * `keep`, only over the finite values with keep(x) true.
 */
export function groupMeanAbs(x: Float32Array, layout: GroupLayout, center?: Float64Array, keep?: (v: number) => boolean): Float64Array {
  const sum = new Float64Array(layout.groups), count = new Float64Array(layout.groups);
  forEachElement(x.length, layout, (g, j) => {
    const v = x[j];
    if (Number.isFinite(v) && (keep === undefined || keep(v))) {
      sum[g] += Math.abs(center === undefined ? v : v - center[g]);
      count[g]++;
    }
  });
  return sum.map((s, g) => (count[g] > 0 ? s / count[g] : 0));
}

/** Mean of x per group over the finite values. */
export function groupMean(x: Float32Array, layout: GroupLayout): Float64Array {
  const sum = new Float64Array(layout.groups), count = new Float64Array(layout.groups);
  forEachElement(x.length, layout, (g, j) => {
    if (Number.isFinite(x[j])) {
      sum[g] += x[j];
      count[g]++;
    }
  });
  return sum.map((s, g) => (count[g] > 0 ? s / count[g] : 0));
}

/** Per group: how many |x| exceed limits[g] (an Inf counts: it saturates), and the group sizes. */
export function groupCountAbove(x: Float32Array, layout: GroupLayout, limits: ArrayLike<number>): { above: Float64Array; size: Float64Array } {
  const above = new Float64Array(layout.groups), size = new Float64Array(layout.groups);
  forEachElement(x.length, layout, (g, j) => {
    size[g]++;
    if (Math.abs(x[j]) > limits[g]) above[g]++;
  });
  return { above, size };
}
