/**
 * Loads lowbit's WebAssembly kernels (lib/wasm, compiled to dist/wasm/lowbit.wasm): onto the
 * memory of tfjs's wasm backend, so they work on tensors in place (one instance per backend),
 * or onto a memory of their own for data outside that backend (plain arrays, the cpu backend),
 * so that every backend computes the same bits with the same code.
 */
import { readFileSync } from "fs";
import { join } from "path";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

/** The exports of lib/wasm; pointers are byte offsets into the backend's heap. */
export interface LowbitWasm {
  im2colTransposed(
    xT: number, batch: number, H: number, W: number, CI: number, OH: number, OW: number,
    KH: number, KW: number, sh: number, sw: number, dh: number, dw: number, top: number,
    left: number, nStart: number, nCount: number, colT: number): void;
  col2imAdd(
    dcol: number, H: number, W: number, CI: number, OH: number, OW: number, KH: number,
    KW: number, sh: number, sw: number, dh: number, dw: number, top: number, left: number,
    nStart: number, nCount: number, dx: number): void;
  maxPoolGrad(
    x: number, dy: number, dx: number, N: number, H: number, W: number, C: number, OH: number,
    OW: number, KH: number, KW: number, sh: number, sw: number, top: number, left: number,
    best: number, where: number): void;
  quantizeFixed(
    src: number, dst: number, n: number, scale: number, invScale: number, qmin: number,
    qmax: number, mode: number, a: number, b: number): void;
  quantizeFloat(
    src: number, dst: number, n: number, man: number, minNormalBits: number, maxBits: number,
    saturate: number, quantum: number, up1: number, up2: number, mode: number, a: number, b: number): void;
  quantizeFixedGrouped(
    src: number, dst: number, n: number, inner: number, groups: number, fracs: number,
    qmin: number, qmax: number, mode: number, a: number, b: number): void;
  quantizeLinear(
    src: number, dst: number, n: number, step: number, qmin: number, qmax: number, mode: number,
    a: number, b: number): void;
  quantizePowerOfTwo(
    src: number, dst: number, n: number, minExp: number, maxExp: number, mode: number, a: number,
    b: number): void;
  ap2(src: number, dst: number, n: number): void;
  binarize(src: number, dst: number, n: number, stochastic: number, a: number, b: number): void;
  maxAbs(src: number, n: number): number;
  countAbove(src: number, n: number, limit: number): number;
  xnorGemm(a: number, b: number, panel: number, out: number, M: number, N: number, vecs: number, K: number): void;
  xnorPanelBytes(N: number, vecs: number): number;
  packSigns(src: number, rows: number, cols: number, dst: number, vecs: number): void;
  packThresholded(src: number, rows: number, cols: number, dir: number, thr: number, dst: number, vecs: number): void;
  accumulateLanes(
    terms: number, base: number, stride: number, counter0: number, keyA: number, keyB: number,
    lanes: number, length: number, sums: number, table: number, mode: number, mantissaBits: number,
    emin: number, maxFinite: number, direct: number, draws: number): void;
  roundedProducts(
    a: number, bt: number, columns: number, K: number, out: number, splitter: number, inRange: number,
    minNormal: number, C: number, maxFinite: number, overflow: number): void;
}

export const WASM_FILE = join(__dirname, "..", "wasm", "lowbit.wasm");

// The JS WebAssembly API, typed here because lib.dom is not in lowbit's compilation (and
// @types/emscripten declares a partial WebAssembly namespace that hides the real one).
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiled: object | undefined;
const instances = new WeakMap<object, LowbitWasm>();

function instantiate(memory: object): LowbitWasm {
  compiled ??= new webAssembly.Module(readFileSync(WASM_FILE));
  return new webAssembly.Instance(compiled, { env: { memory } }).exports as LowbitWasm;
}

export function lowbitWasm(backend: BackendWasm): LowbitWasm {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof (webAssembly.Memory as unknown as abstract new () => object))) {
    throw new Error("lowbit: cannot reach the memory of @tensorflow/tfjs-backend-wasm (is it version 4.22.0?)");
  }
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    kernels = instantiate(memory);
    instances.set(memory, kernels);
  }
  return kernels;
}

const PAGE = 65536;
let standalone: { kernels: LowbitWasm; memory: InstanceType<WebAssemblyApi["Memory"]> } | undefined;

/**
 * The kernels on lowbit's own memory, grown to at least `bytes`. Its buffer is valid until the
 * next call (growing detaches it): take views after calling.
 */
export function standaloneWasm(bytes: number): { kernels: LowbitWasm; buffer: ArrayBuffer } {
  if (standalone === undefined) {
    const memory = new webAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    standalone = { kernels: instantiate(memory), memory };
  }
  const missing = Math.ceil((bytes - standalone.memory.buffer.byteLength) / PAGE);
  if (missing > 0) standalone.memory.grow(missing);
  return { kernels: standalone.kernels, buffer: standalone.memory.buffer };
}
