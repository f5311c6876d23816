export { hadamardMatrix, hadamardSigns, inverseRandomHadamard, randomHadamard } from "./hadamard";
export type { HadamardOptions } from "./hadamard";
