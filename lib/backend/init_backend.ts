/**
 * Chooses and initialises the tfjs backend lowbit computes on, in order of speed:
 *   node  @tensorflow/tfjs-node (native TensorFlow), when it is installed and loads;
 *   wasm  @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD) plus lowbit's training kernels;
 *   cpu   tfjs's pure-JavaScript backend, the last resort (about 35x slower than wasm).
 * LOWBIT_BACKEND=node|wasm|cpu (or the `backend` option) forces one; a forced backend that is
 * unavailable is an error, never a silent fallback.
 */
import * as tf from "./tf";
import { registerWasmKernels } from "./wasm_kernels";

export const BACKENDS = ["node", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** lowbit's name for the backend. */
  name: BackendName;
  /** tfjs's name for it ("tensorflow", "wasm" or "cpu"). */
  tfName: string;
  /** Whether wasm runs with SIMD instructions (undefined for other backends). */
  simd?: boolean;
  /** Kernels lowbit registered or replaced on this backend. */
  lowbitKernels: string[];
  /** Why faster backends were not chosen (automatic selection only). */
  skipped: string[];
}

export interface InitBackendOptions {
  /** Force a backend; defaults to LOWBIT_BACKEND, else the fastest that loads. */
  backend?: BackendName;
  /** Print nothing (the default prints one line on the first initialisation). */
  quiet?: boolean;
}

/** The backend could not be initialised: names it and says how to get it. */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    reason: string,
  ) {
    super(`lowbit: backend "${backend}" is unavailable: ${reason}`);
    this.name = "BackendUnavailableError";
  }
}

let current: BackendInfo | undefined;

function requestedBackend(option?: string): BackendName | undefined {
  const requested = option ?? process.env.LOWBIT_BACKEND;
  if (requested === undefined || requested === "") return undefined;
  if (!(BACKENDS as readonly string[]).includes(requested)) {
    throw new RangeError(`lowbit: LOWBIT_BACKEND / backend must be one of ${BACKENDS.join(", ")}; got "${requested}"`);
  }
  return requested as BackendName;
}

async function start(name: BackendName): Promise<BackendInfo> {
  switch (name) {
    case "node": {
      let packageName: string;
      try {
        packageName = require("@tensorflow/tfjs-node/package.json").name;
        if (packageName === "@tensorflow/tfjs-node") require("@tensorflow/tfjs-node");
      } catch (e) {
        throw new BackendUnavailableError(
          "node",
          `@tensorflow/tfjs-node did not load (${(e as Error).message.split("\n")[0]}). ` +
            "It is optional: it downloads libtensorflow when installed, which needs network access.",
        );
      }
      // What danfojs-node gets under that name may stand at the top of node_modules: lowbit's
      // stand-in (shims/tfjs-node) or an alias of plain tfjs. It loads, but registers no native
      // backend (findBackendFactory answers null for a name never registered).
      if (packageName !== "@tensorflow/tfjs-node" || tf.findBackendFactory("tensorflow") == null) {
        throw new BackendUnavailableError(
          "node",
          `node_modules/@tensorflow/tfjs-node is ${packageName}, not TensorFlow's native binding ` +
            "(a stand-in installed for danfojs-node)",
        );
      }
      if (!(await tf.setBackend("tensorflow"))) {
        throw new BackendUnavailableError("node", "@tensorflow/tfjs-node loaded but its backend failed to start");
      }
      return { name, tfName: "tensorflow", lowbitKernels: [], skipped: [] };
    }
    case "wasm": {
      try {
        require("@tensorflow/tfjs-backend-wasm");
      } catch (e) {
        throw new BackendUnavailableError(
          "wasm",
          `@tensorflow/tfjs-backend-wasm did not load (${(e as Error).message}); run npm install`,
        );
      }
      const lowbitKernels = registerWasmKernels();
      if (!(await tf.setBackend("wasm"))) {
        throw new BackendUnavailableError("wasm", "the WebAssembly module failed to start");
      }
      const simd = Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"));
      return { name, tfName: "wasm", simd, lowbitKernels, skipped: [] };
    }
    case "cpu": {
      if (!(await tf.setBackend("cpu"))) throw new BackendUnavailableError("cpu", "tfjs's cpu backend failed to start");
      return { name, tfName: "cpu", lowbitKernels: [], skipped: [] };
    }
  }
}

function describe(info: BackendInfo): string {
  const details =
    info.name === "wasm"
      ? ` (${info.simd ? "SIMD" : "no SIMD"}, single thread, lowbit kernels: ${info.lowbitKernels.join(", ")})`
      : "";
  return `lowbit: tfjs backend ${info.name}${details}`;
}

/**
 * Initialises the backend (once; later calls return the same answer unless another backend is
 * forced) and reports the choice in one line on stderr.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const forced = requestedBackend(options.backend);
  if (
    current !== undefined &&
    (forced === undefined || forced === current.name) &&
    tf.getBackend() === current.tfName
  ) {
    return current;
  }
  tf.enableProdMode();
  let info: BackendInfo;
  if (forced !== undefined) {
    info = await start(forced);
  } else {
    const skipped: string[] = [];
    let found: BackendInfo | undefined;
    for (const name of BACKENDS) {
      try {
        found = await start(name);
        break;
      } catch (e) {
        if (!(e instanceof BackendUnavailableError)) throw e;
        skipped.push(e.message);
      }
    }
    if (found === undefined) throw new Error(`lowbit: no tfjs backend could start:\n${skipped.join("\n")}`);
    info = { ...found, skipped };
  }
  if (!options.quiet && current?.name !== info.name) console.error(describe(info));
  current = info;
  return info;
}

/** The backend chosen by the last initBackend(), if any. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}
