/** QNN's XNOR-popcount inference: bit-packed sign matrices, their product, binarized layers. */
export { packSigns } from "./packed_signs";
export type { PackedSigns } from "./packed_signs";
export { xnorMatMul } from "./xnor_matmul";
export { XnorDense } from "./xnor_dense";
export { xnorMlp } from "./xnor_mlp";
export type { XnorMlp } from "./xnor_mlp";
