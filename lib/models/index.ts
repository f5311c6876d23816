export { lenet5, forwardMacs } from "./lenet5";
export type { LeNet5Options } from "./lenet5";
