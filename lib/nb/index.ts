/** Notebook support: run profiles, results files, the bridge to the notebook display. */
export { PROFILES, profile, byProfile } from "./profile";
export type { Profile } from "./profile";
export { resultsDir, writeResults, readResults } from "./results";
export type { ResultsFile } from "./results";
export { inNotebook, cellDisplay, updatableDisplay } from "./display";
export type { NotebookDisplay } from "./display";
