/**
 * `npm run bench [-- name ...]`: runs the named benchmarks (all by default). Each prints its
 * measurements next to a baseline measured in the same run, as a ratio.
 */
import { run as accum } from "./accum";
import { run as quant } from "./quant";
import { run as train } from "./train";
import { run as xnor } from "./xnor";

const benchmarks: Record<string, () => Promise<void>> = { train, quant, accum, xnor };

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  for (const name of names) {
    if (!(name in benchmarks)) {
      throw new RangeError(`unknown benchmark "${name}"; choose from ${Object.keys(benchmarks).join(", ")}`);
    }
  }
  for (const name of names.length > 0 ? names : Object.keys(benchmarks)) {
    console.log(`\n== ${name} ==`);
    await benchmarks[name]();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
