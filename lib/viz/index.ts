export { ProgressBar } from "./progress_bar";
export type { ProgressBarOptions } from "./progress_bar";
