/**
 * TensorFlow.js as lowbit uses it: the core ops with their gradients and chained methods, the
 * layers API, and the cpu backend as the fallback beside lowbit's wasm backend.
 *
 * lowbit depends on these packages rather than the `@tensorflow/tfjs` umbrella, which adds the
 * graph-model converter, tf.data and the WebGL backend (none used in Node) and ships 141 MB of
 * bundles and source maps. Every module of lowbit, and every notebook, test and script, takes
 * `tf` from here (`import * as tf from "lowbit/tf"` outside lib/, lib/tf.ts), so that there is one
 * TensorFlow.js instance whose engine lowbit's backends and kernels are registered on.
 */
import "@tensorflow/tfjs-core";
// Gradients and chained methods (x.argMax()), bundled at build time (scripts/build-tfjs-registrations.ts).
import "./generated/tfjs_registrations";
import "@tensorflow/tfjs-backend-cpu";
// The chained methods' type declarations (the bundle above carries their code).
import type {} from "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";

export * from "@tensorflow/tfjs-core";
export * from "@tensorflow/tfjs-layers";
