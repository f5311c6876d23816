/**
 * `lowbit kernel`: registers the tslab (TypeScript) kernel for Jupyter and VS Code:
 *   lowbit kernel [--user]        in the user's Jupyter data directory (the default)
 *   lowbit kernel --dir <path>    in another Jupyter data directory (then JUPYTER_PATH=<path>)
 * tslab is found from the current folder (npm install tslab next to lowbit), then from lowbit.
 */
import { type Command, Option } from "commander";
import { jupyterDataDir, writeKernelSpec } from "../nb/kernel_spec";
import { action } from "./action";
import { writeJson, writeLines } from "./output";

interface KernelOptions {
  user?: boolean;
  dir?: string;
  name?: string;
  json?: boolean;
}

function kernel(options: KernelOptions): void {
  const dataDir = options.dir ?? jupyterDataDir();
  const written = writeKernelSpec({ dataDir, name: options.name });
  if (options.json) {
    writeJson({ name: written.name, file: written.file, dataDir, argv: written.spec.argv });
    return;
  }
  writeLines([
    `kernel "${written.name}" (${written.spec.display_name}) written to ${written.file}`,
    options.dir === undefined
      ? "Jupyter Notebook, JupyterLab, nbconvert and VS Code find it there."
      : `Jupyter finds it with:  export JUPYTER_PATH=${dataDir}`,
  ]);
}

export function addKernelCommand(program: Command): void {
  program
    .command("kernel")
    .summary("register the TypeScript (tslab) kernel for Jupyter and VS Code")
    .description(
      "Writes the kernelspec of the tslab kernel, with absolute paths to this Node and to tslab, " +
        "so that notebooks importing lowbit run from any Jupyter front end or VS Code. tslab is an optional " +
        "dependency: install it next to lowbit (npm install tslab).",
    )
    .addOption(
      new Option(
        "--user",
        "in the user's Jupyter data directory, where every front end looks " +
          "(the default; `jupyter --data-dir` prints it)",
      ).conflicts("dir"),
    )
    .option("--dir <path>", "in this Jupyter data directory instead (front ends find it through JUPYTER_PATH)")
    .option("--name <name>", "the kernel's name, which notebooks' metadata refers to", "tslab")
    .option("--json", "print one JSON object")
    .showHelpAfterError("(lowbit kernel --help lists the options)")
    .action(action(kernel));
}
