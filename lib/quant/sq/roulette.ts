/**
 * Roulette-wheel selection without replacement: `count` distinct indices, drawn one after
 * another, each draw taking index i among those not yet taken with probability
 *   p_i = w_i / sum of w over the indices not yet taken.
 * SQ draws the filters that stay in full precision this way with w_i = e_i (a filter that
 * quantizes badly is more likely kept real); uniform weights give the ablation.
 *
 * How: Efraimidis & Spirakis (2006): with u_i uniform in (0, 1], the indices sorted by the key
 * ln(u_i) / w_i, largest first, come out in the order of the sequential draws above, with
 * exactly that distribution. O(n log n) instead of the authors' O(n * count) scan, which
 * matters for the element-wise ablation (count in the tens of thousands). Zero weights get the
 * key -Infinity: they are taken only after every positive one, uniformly among themselves (a
 * zero-error filter is the same quantized or real, so which one fills the count is moot).
 *
 * Seeded: u_i comes from Rng(seed, stream) (53-bit draws); the same (seed, stream) gives the
 * same selection everywhere.
 */
import { checkInteger } from "../../core/checks";
import { Rng } from "../../core/random";

/** The selected indices in draw order. */
export function roulette(
  weights: ArrayLike<number>,
  count: number,
  options: { seed: number; stream?: number },
): Int32Array {
  const n = weights.length;
  checkInteger("roulette count", count, 0, n);
  for (let i = 0; i < n; i++) {
    const v = weights[i];
    if (!(v >= 0 && Number.isFinite(v)))
      throw new RangeError(`lowbit: roulette weights must be finite numbers >= 0; got ${v} at index ${i}`);
  }
  const rng = new Rng(options.seed, options.stream ?? 0);
  const keys = new Float64Array(n),
    ties = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - rng.next(); // in (0, 1]
    keys[i] = weights[i] > 0 ? Math.log(u) / weights[i] : -Infinity;
    ties[i] = u;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => keys[b] - keys[a] || ties[b] - ties[a] || a - b);
  return order.slice(0, count);
}
