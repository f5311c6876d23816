/**
 * Registers the tslab (TypeScript) kernel with the repository's pinned tslab:
 *   npm run kernel              in the repository's .jupyter/ (found with JUPYTER_PATH=<repo>/.jupyter;
 *                               what npm run lab, CI's nbconvert and the tests use)
 *   npm run kernel -- --user    in the user's Jupyter data directory, where Jupyter Notebook,
 *                               JupyterLab and VS Code find it without JUPYTER_PATH
 *   npm run kernel -- --dir D   in the Jupyter data directory D
 * The spec (lowbit's writeKernelSpec) holds absolute paths to this Node and to the repository's
 * tslab; the kernel is named "tslab" like tslab's own installer, so notebooks carry the usual name.
 * plotly.js goes beside it, in <data dir>/nbextensions/lowbit/, where Jupyter Notebook serves it
 * to figures (lib/viz/plotly_nbextension.ts).
 */
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { writeKernelSpec as writeSpec } from "lowbit/notebook";

export const ROOT = path.resolve(__dirname, "..");
/** The repository's Jupyter data directory: the folder to put on JUPYTER_PATH. */
export const JUPYTER_DATA = path.join(ROOT, ".jupyter");
const TSLAB = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");

/** Writes the kernelspec (default: into the repository's .jupyter/) and returns its file. */
export function writeKernelSpec(dataDir: string = JUPYTER_DATA): string {
  return writeSpec({ dataDir, tslab: TSLAB }).file;
}

function main(): number {
  const program = new Command("npm run kernel --")
    .description("Register the tslab (TypeScript) kernel of this repository for Jupyter and VS Code.")
    .addOption(
      new Option("--user", "in the user's Jupyter data directory (where every front end and VS Code look)").conflicts(
        "dir",
      ),
    )
    .option(
      "--dir <path>",
      "in this Jupyter data directory (default: the repository's .jupyter/, found through JUPYTER_PATH)",
    )
    .showHelpAfterError("(npm run kernel -- --help lists the options)")
    .exitOverride();
  try {
    program.parse();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const options = program.opts<{ user?: boolean; dir?: string }>();
  const file = options.user ? writeSpec({ tslab: TSLAB }).file : writeKernelSpec(options.dir ?? JUPYTER_DATA);
  console.log(`tslab kernel written to ${file}`);
  if (!options.user)
    console.log(`Jupyter finds it with:  export JUPYTER_PATH=${path.dirname(path.dirname(path.dirname(file)))}`);
  return 0;
}

if (require.main === module) process.exitCode = main();
