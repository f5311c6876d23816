/**
 * Makes the tslab (TypeScript) kernel available to Jupyter without a global install or system
 * writes:  npm run kernel
 * Writes the kernelspec to .jupyter/kernels/tslab/kernel.json inside the repository, with
 * absolute paths to this Node and to the repository's pinned tslab, so the kernel starts the
 * same from `npm run lab`, CI's nbconvert or any shell where JUPYTER_PATH=<repo>/.jupyter.
 * The kernel is named "tslab" like tslab's own installer, so notebooks carry the usual name.
 * plotly.js goes beside it, in .jupyter/nbextensions/lowbit/, where Jupyter Notebook serves it
 * to figures (see lib/viz/plotly_nbextension.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { installPlotlyNbextension, writeFileAtomic } from "lowbit";

export const ROOT = path.resolve(__dirname, "..");
/** The folder to put on JUPYTER_PATH. */
export const JUPYTER_DATA = path.join(ROOT, ".jupyter");

export function writeKernelSpec(): string {
  const tslab = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");
  if (!fs.existsSync(tslab)) {
    throw new Error(`tslab is not installed (${tslab} is missing): run npm install`);
  }
  const dir = path.join(JUPYTER_DATA, "kernels", "tslab");
  fs.mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (lowbit)",
    language: "typescript",
  };
  const file = path.join(dir, "kernel.json");
  writeFileAtomic(file, JSON.stringify(spec, null, 2) + "\n");
  installPlotlyNbextension(JUPYTER_DATA);
  return file;
}

if (require.main === module) {
  const file = writeKernelSpec();
  console.log(`tslab kernel written to ${path.relative(process.cwd(), file)}`);
  console.log(`Jupyter finds it with:  export JUPYTER_PATH=${JUPYTER_DATA}`);
}
