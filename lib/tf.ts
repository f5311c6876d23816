/**
 * `lowbit/tf`: TensorFlow.js on lowbit's backend, for notebooks, scripts and tests:
 * `import * as tf from "lowbit/tf"`. The same instance lowbit computes with (lib/backend/tf.ts:
 * tfjs-core with its gradients, tfjs-layers, the cpu fallback), with the wasm backend and
 * lowbit's kernels picked on first use, as importing lowbit does.
 */
import "./backend";

export * from "./backend/tf";
// The chained methods' types (x.argMax()) for whoever imports lowbit/tf: an export that tf.d.ts
// keeps, where lib/backend/tf.ts's `import type {}` of the same declarations leaves nothing.
export type {} from "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
