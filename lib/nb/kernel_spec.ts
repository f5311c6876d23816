/**
 * Registers the tslab (TypeScript) kernel that lowbit's notebooks run on, as a Jupyter
 * kernelspec: <data dir>/kernels/<name>/kernel.json. The spec holds absolute paths to this Node
 * and to a tslab installed with npm, so the kernel starts the same from any front end, without a
 * global install.
 *
 * Where front ends look: every Jupyter front end (Notebook, Lab, nbconvert) and VS Code's Jupyter
 * extension search the user's Jupyter data directory, which `jupyter --data-dir` prints:
 * $JUPYTER_DATA_DIR, else ~/.local/share/jupyter ($XDG_DATA_HOME/jupyter) on Linux,
 * ~/Library/Jupyter on macOS, %APPDATA%\jupyter on Windows (jupyter_core's rules, used when the
 * jupyter command is not installed: VS Code needs no Python). A folder of one's own (the
 * repository's .jupyter, for CI) is found only through JUPYTER_PATH.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomic } from "../core/atomic_write";
import { installPlotlyNbextension } from "../viz/plotly_nbextension";

/** The kernel's name; notebooks' metadata carries it, and tslab's own installer uses it too. */
export const KERNEL_NAME = "tslab";

/** The tslab release lowbit's notebooks are tested with. */
export const TSLAB_VERSION = "1.0.22";

/** tslab could not be found: it is an optional peer dependency of lowbit (it builds zeromq). */
export class TslabNotFoundError extends Error {
  /** where: the folders searched from, or the executable that is missing. */
  constructor(where: string) {
    super(
      `lowbit: the tslab kernel is not installed (${where}); ` +
        `install it next to lowbit with: npm install tslab@${TSLAB_VERSION}`,
    );
    this.name = "TslabNotFoundError";
  }
}

export interface JupyterDataDirOptions {
  /** Environment to read JUPYTER_DATA_DIR, XDG_DATA_HOME and APPDATA from (default process.env). */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  home?: string;
  /** Ask `jupyter --data-dir` first when the jupyter command exists (default true). */
  askJupyter?: boolean;
}

/** The user's Jupyter data directory: what `jupyter --data-dir` prints, or jupyter_core's rules. */
export function jupyterDataDir(options: JupyterDataDirOptions = {}): string {
  const { env = process.env, platform = process.platform, home = os.homedir(), askJupyter = true } = options;
  if (askJupyter) {
    // jupyter knows settings of its own (JUPYTER_PLATFORM_DIRS, a changed default): its answer wins.
    const r = spawnSync("jupyter", ["--data-dir"], { env, encoding: "utf8", timeout: 20000 });
    const dir = r.status === 0 ? r.stdout.trim() : "";
    if (dir !== "" && path.isAbsolute(dir)) return dir;
  }
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (platform === "win32") {
    if (env.APPDATA) return path.join(env.APPDATA, "jupyter");
    return path.join(env.JUPYTER_CONFIG_DIR || path.join(home, ".jupyter"), "data");
  }
  return path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter");
}

/**
 * tslab's executable: the tslab package resolved from each folder in turn (default: the current
 * folder, where a user's own install is, then lowbit's own location).
 */
export function findTslab(from: readonly string[] = [process.cwd(), __dirname]): string {
  for (const folder of from) {
    let manifest: string;
    try {
      manifest = require.resolve("tslab/package.json", { paths: [folder] });
    } catch {
      continue;
    }
    const bin = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { bin?: string | Record<string, string> }).bin;
    const relative = typeof bin === "string" ? bin : bin?.tslab;
    if (relative !== undefined) return path.join(path.dirname(manifest), relative);
  }
  throw new TslabNotFoundError(`looked from ${from.join(", ")}`);
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
}

export interface WriteKernelSpecOptions {
  /** The Jupyter data directory to register in (default jupyterDataDir(): the user's). */
  dataDir?: string;
  /** Kernel name (default KERNEL_NAME). */
  name?: string;
  /** tslab's executable (default findTslab()). */
  tslab?: string;
}

export interface WrittenKernelSpec {
  name: string;
  /** The kernel.json written. */
  file: string;
  spec: KernelSpec;
}

/** Writes (atomically; replacing an earlier one of the same name) the kernelspec of tslab. */
export function writeKernelSpec(options: WriteKernelSpecOptions = {}): WrittenKernelSpec {
  const name = options.name ?? KERNEL_NAME;
  // Jupyter's rule for kernel names: ASCII letters, digits, ".", "_" and "-".
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    throw new RangeError(
      `lowbit: kernel name must be ASCII letters, digits, ".", "_" or "-"; got ${JSON.stringify(name)}`,
    );
  }
  const tslab = path.resolve(options.tslab ?? findTslab());
  if (!fs.existsSync(tslab)) throw new TslabNotFoundError(`${tslab} is missing`);
  const dataDir = path.resolve(options.dataDir ?? jupyterDataDir());
  const dir = path.join(dataDir, "kernels", name);
  const spec: KernelSpec = {
    argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (lowbit)",
    language: "typescript",
  };
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "kernel.json");
  writeFileAtomic(file, JSON.stringify(spec, null, 2) + "\n");
  // Figures load plotly.js from the Jupyter server (lib/viz/show.ts), not from the notebook file.
  installPlotlyNbextension(dataDir);
  return { name, file, spec };
}
