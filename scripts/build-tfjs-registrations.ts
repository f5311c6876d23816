/**
 * Builds lib/backend/generated/tfjs_registrations.js and its copy in lib/dist (npm run
 * build:tfjs; the source tree's copy is for tools that run lib's TypeScript directly, tsx): tfjs-core's
 * gradient registrations and chained tensor methods (`x.argMax()`), as one CommonJS file.
 *
 * tfjs-core's CommonJS build (what Node loads) has neither: they exist only as ES modules with
 * extensionless imports, which Node cannot load, and the `@tensorflow/tfjs` umbrella package
 * (141 MB, with the converter, tf.data and WebGL) is where they are bundled for Node. lowbit
 * depends on tfjs-core and tfjs-layers instead and bundles just these two entry points the way
 * the umbrella does. The bundle carries copies of the core modules they use; those share the
 * engine, the kernel and gradient registries and the Tensor class with the CommonJS tfjs-core,
 * because tfjs-core keeps all four in a global (getGlobal), so the registrations land in the one
 * TensorFlow.js instance (test/backend/tf_instance.test.ts checks it).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "lib", "backend", "generated", "tfjs_registrations.js");
const DIST_COPY = path.join(ROOT, "lib", "dist", "backend", "generated", "tfjs_registrations.js");
const CORE = "@tensorflow/tfjs-core/dist";

buildSync({
  stdin: {
    contents: `import "${CORE}/register_all_gradients";\nimport "${CORE}/public/chained_ops/register_all_chained_ops";\n`,
    resolveDir: ROOT,
  },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outfile: OUT,
  legalComments: "none",
  logLevel: "warning",
});
fs.mkdirSync(path.dirname(DIST_COPY), { recursive: true });
fs.copyFileSync(OUT, DIST_COPY);
console.log(`build-tfjs: ${path.relative(ROOT, OUT)}, ${path.relative(ROOT, DIST_COPY)}`);
