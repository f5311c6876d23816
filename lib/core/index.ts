/** Core utilities shared by the rest of lowbit. */
export { elementHash, hash32, hashKey, uniform32, Rng } from "./random";
export { removeStaleTemporaryFiles, writeFileAtomic } from "./atomic_write";
