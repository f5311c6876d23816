/** Notebook support: run profiles, results files, the bridge to the notebook display, the kernel registration. */
export { PROFILES, profile, byProfile } from "./profile";
export type { Profile } from "./profile";
export { resultsDir, writeResults, readResults } from "./results";
export type { ResultsFile } from "./results";
export { inNotebook, cellDisplay, updatableDisplay } from "./display";
export type { NotebookDisplay } from "./display";
export {
  KERNEL_NAME,
  TSLAB_VERSION,
  TslabNotFoundError,
  findTslab,
  jupyterDataDir,
  writeKernelSpec,
} from "./kernel_spec";
export type { JupyterDataDirOptions, KernelSpec, WriteKernelSpecOptions, WrittenKernelSpec } from "./kernel_spec";
