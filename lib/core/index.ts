/**
 * `lowbit/core`: what the rest of lowbit is built on. Rng, the seeded counter-based random
 * numbers every stochastic part of lowbit draws from (same seed, same bits on every backend);
 * writeFileAtomic, how results and checkpoints reach disk (a temporary file renamed over the
 * target); numberFlag and FlagError, the checked number options of lowbit's commands and scripts.
 */
export { Rng } from "./random";
export { writeFileAtomic } from "./atomic_write";
export { FlagError, numberFlag } from "./flags";
export type { FlagRange } from "./flags";
export { DanfojsUnavailableError } from "./danfojs";
