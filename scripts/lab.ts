/**
 * Starts Jupyter in notebooks/ with lowbit's tslab kernel:  npm run lab [-- <jupyter options>]
 * JupyterLab when `jupyter-lab` is on PATH, else the classic Notebook (Debian's
 * jupyter-notebook; Debian 12 does not package JupyterLab). Writes the kernelspec first (see
 * kernel.ts) and points JUPYTER_PATH at it. LOWBIT_PROFILE passes through to the kernel.
 */
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { JUPYTER_DATA, ROOT, writeKernelSpec } from "./kernel";

function onPath(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

const server = ["jupyter-lab", "jupyter-notebook"].find(onPath);
if (server === undefined) {
  console.error(
    "Jupyter is not installed. On Debian or Ubuntu:\n" +
      "  sudo apt-get install --no-install-recommends jupyter-notebook jupyter-nbconvert jupyter-client python3-nbclient\n" +
      "or with pip:  pip install notebook  (or jupyterlab)",
  );
  process.exit(1);
}
writeKernelSpec();
const jupyterPath = [JUPYTER_DATA, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
console.log(
  `${server} in notebooks/ with the tslab kernel (JUPYTER_PATH=${jupyterPath}), profile ${process.env.LOWBIT_PROFILE || "smoke"}`,
);
// Jupyter refuses to run as root without --allow-root; containers often run as root, and the
// server still listens on localhost with a token.
const args = [...(process.getuid?.() === 0 ? ["--allow-root"] : []), ...process.argv.slice(2)];
const child = spawn(server, args, {
  cwd: path.join(ROOT, "notebooks"),
  env: { ...process.env, JUPYTER_PATH: jupyterPath },
  stdio: "inherit",
});
// Ctrl-C reaches Jupyter through the terminal; wait for it to shut its kernels down.
process.on("SIGINT", () => undefined);
child.on("exit", (code) => process.exit(code ?? 1));
