/**
 * A real Jupyter Notebook server for tests and benchmarks: 127.0.0.1 only, a free port, token
 * auth, its own config and runtime folders (nothing of the user's), lowbit's kernelspec and
 * plotly.js on JUPYTER_PATH (scripts/kernel.ts writes both). stop() shuts its kernels down,
 * then the server.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { JUPYTER_DATA, writeKernelSpec } from "./kernel";

/** The jupyter-notebook executable, or "" when it is not installed. */
export const JUPYTER_NOTEBOOK = spawnSync("sh", ["-c", "command -v jupyter-notebook"], {
  encoding: "utf8",
}).stdout.trim();

export interface JupyterServer {
  /** http://127.0.0.1:<port> */
  base: string;
  token: string;
  /** Everything the server printed so far. */
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net
      .createServer()
      .listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      })
      .on("error", reject);
  });
}

/**
 * Starts jupyter-notebook on `notebookDir` (which must be writable: config/ and runtime/ are
 * made in a fresh folder beside nothing else) and waits until it answers.
 */
export async function startJupyter(notebookDir: string, env: NodeJS.ProcessEnv = {}): Promise<JupyterServer> {
  if (!JUPYTER_NOTEBOOK) throw new Error("jupyter-notebook is not installed");
  writeKernelSpec();
  const state = fs.mkdtempSync(path.join(notebookDir, ".jupyter-state-"));
  for (const d of ["config", "runtime"]) fs.mkdirSync(path.join(state, d));
  const token = randomBytes(16).toString("hex");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(
    JUPYTER_NOTEBOOK,
    [
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${notebookDir}`,
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ],
    {
      env: {
        ...process.env,
        ...env,
        JUPYTER_PATH: JUPYTER_DATA,
        JUPYTER_CONFIG_DIR: path.join(state, "config"),
        JUPYTER_RUNTIME_DIR: path.join(state, "runtime"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout!.on("data", (d) => {
    output += d;
  });
  child.stderr!.on("data", (d) => {
    output += d;
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      try {
        const kernels = (await (await fetch(`${base}/api/kernels?token=${token}`)).json()) as { id: string }[];
        await Promise.all(
          kernels.map((k) => fetch(`${base}/api/kernels/${k.id}?token=${token}`, { method: "DELETE" })),
        );
      } catch {
        /* the server is going away anyway */
      }
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(state, { recursive: true, force: true });
  };

  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`jupyter-notebook exited with ${child.exitCode}:\n${output}`);
    }
    try {
      if ((await fetch(`${base}/api/status?token=${token}`)).ok) return { base, token, log: () => output, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`jupyter-notebook did not answer ${base} within 30 s:\n${output}`);
}
