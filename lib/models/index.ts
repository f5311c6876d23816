export { lenet5, forwardMacs } from "./lenet5";
export type { LeNet5Options } from "./lenet5";
export { quantLeNet5 } from "./quant_lenet5";
export type { LeNetLayerArgs } from "./quant_lenet5";
export { wageLeNet5 } from "./wage_lenet5";
export type { WageBits, WageLeNet5Options } from "./wage_lenet5";
