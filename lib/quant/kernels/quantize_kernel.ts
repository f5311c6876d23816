/**
 * The tfjs kernel "LowbitQuantize": on the wasm backend it runs in place on the backend's heap;
 * on the others (cpu, tensorflow) it copies the data through lowbit's own wasm memory. Both run
 * the same WebAssembly code, so every backend gives the same bits.
 */
import {
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  registerKernel,
  type TensorInfo,
  util,
} from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { lowbitWasm, standaloneWasm } from "../../backend/lowbit_wasm";
import { checkKernelSize } from "../../core/checks";
import { placedWords, type QuantizeAttrs, runQuantizeKernel } from "./elementwise";

export const LOWBIT_QUANTIZE = "LowbitQuantize";

/** Quantizes a float32 array through lowbit's own wasm memory; returns a new array. */
export function quantizeArray(x: Float32Array, attrs: QuantizeAttrs): Float32Array {
  checkKernelSize("quantize x", x.length);
  const { kernels, buffer } = standaloneWasm(x.byteLength + 4 * placedWords(attrs.format));
  new Float32Array(buffer, 0, x.length).set(x);
  runQuantizeKernel(kernels, 0, 0, x.length, attrs, (array) => {
    new Int32Array(buffer, x.byteLength, array.length).set(array);
    return x.byteLength;
  });
  // new + set rather than slice(): slice copied at a fifth of set's rate here (node 20, 16 MB).
  const y = new Float32Array(x.length);
  y.set(new Float32Array(buffer, 0, x.length));
  return y;
}

type Args = { inputs: { x: TensorInfo }; attrs: NamedAttrMap };

function onWasm({ inputs: { x }, backend, attrs }: Args & { backend: BackendWasm }): TensorInfo {
  checkKernelSize("quantize x", util.sizeFromShape(x.shape));
  const out = backend.makeOutput(x.shape, "float32");
  const address = (t: TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  let scratch: number | undefined;
  runQuantizeKernel(
    lowbitWasm(backend),
    address(x),
    address(out),
    util.sizeFromShape(x.shape),
    attrs as unknown as QuantizeAttrs,
    (array) => {
      scratch = backend.wasm._malloc(array.byteLength);
      backend.wasm.HEAP32.set(array, scratch >> 2);
      return scratch;
    },
  );
  if (scratch !== undefined) backend.wasm._free(scratch);
  return out;
}

interface CopyingBackend {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): TensorInfo;
}

function copying({ inputs: { x }, backend, attrs }: Args & { backend: CopyingBackend }): TensorInfo {
  // Before readSync, which would copy the whole tensor first.
  checkKernelSize("quantize x", util.sizeFromShape(x.shape));
  const values = quantizeArray(backend.readSync(x.dataId) as Float32Array, attrs as unknown as QuantizeAttrs);
  return backend.makeTensorInfo(x.shape, "float32", values);
}

const configs: KernelConfig[] = [
  { kernelName: LOWBIT_QUANTIZE, backendName: "wasm", kernelFunc: onWasm as unknown as KernelFunc },
  { kernelName: LOWBIT_QUANTIZE, backendName: "cpu", kernelFunc: copying as unknown as KernelFunc },
  { kernelName: LOWBIT_QUANTIZE, backendName: "tensorflow", kernelFunc: copying as unknown as KernelFunc },
];
for (const config of configs) registerKernel(config);
