/** Core utilities shared by the rest of lowbit. */
export { elementHash, hash32, hashKey, uniform32, Rng } from "./random";
export { removeStaleTemporaryFiles, writeFileAtomic } from "./atomic_write";
export { describeRange, FlagError, numberFlag } from "./flags";
export type { FlagRange } from "./flags";
export { DanfojsUnavailableError } from "./danfojs";
