/** Core utilities shared by the rest of lowbit. */
export { hash32, uniform32, Rng } from "./random";
