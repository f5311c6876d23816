/**
 * `lowbit accum`: the accumulator precision a dot product needs (Sakr et al., ICLR 2019):
 *   lowbit accum --n 4096 --mp 5 [--chunk 64] [--sparsity 0.5] [--tolerance 0.01]
 *     the minimum accumulator mantissa (minAccumulatorBits) and the VRR around it
 *   lowbit accum --network resnet18 --mp 5 [--chunk 64] [--batch 256] [--sparsity 0.5]
 *     every layer's FWD / BWD / GRAD length and minimum accumulator mantissa
 * Numbers are parsed strictly (numberFlag: "0x10" and "" are errors, not 16 and 0) and the
 * functions called check their ranges. It imports only lib/accum's analytic parts, so that it
 * starts without loading TensorFlow.js.
 */
import { type Command, Option } from "commander";
import { DEFAULT_VRR_TOLERANCE, minAccumulatorBits } from "../accum/min_bits";
import { accumulationTable } from "../accum/networks";
import { networkNames, registeredNetwork } from "../networks/registry";
import { vrr } from "../accum/vrr";
import { numberFlag } from "../core/flags";
import { action, UsageError } from "./action";
import { formatCsv, formatTable, type Row, wrapText, writeJson, writeLines } from "./output";

interface AccumOptions {
  n?: string;
  network?: string;
  mp?: string;
  chunk?: string;
  sparsity?: string;
  tolerance?: string;
  batch?: string;
  csv?: boolean;
  json?: boolean;
}

/** The accumulator widths shown around the minimum: 3 below, 2 above, within [1, 52]. */
const BELOW = 3,
  ABOVE = 2;

const HELP_AFTER = `
Examples:
  lowbit accum --n 4096 --mp 5                  a dot product of 4096 products of 5 mantissa bits
  lowbit accum --n 4096 --mp 5 --chunk 64       the same, summed in chunks of 64
  lowbit accum --network resnet18 --mp 5 --csv  every GEMM of ResNet-18, as CSV

VRR, the variance retention ratio, is Var(computed sum) / Var(exact sum) for n independent
zero-mean Gaussian products: an accumulator that is too narrow swamps small products and the
VRR falls below 1. The minimum is the smallest mantissa with |1 - VRR| <= --tolerance at that
width and one bit wider (the analytic model of notebook 05).`;

function describeRun(o: { mP: number; chunk?: number; sparsity: number; tolerance: number }): string {
  return (
    `mP = ${o.mP}${o.chunk ? `, chunk ${o.chunk}` : ""}${o.sparsity ? `, sparsity ${o.sparsity}` : ""}; ` +
    `criterion |1 - VRR| <= ${o.tolerance}`
  );
}

function accum(options: AccumOptions): void {
  const mP = numberFlag("mp", options.mp);
  if (mP === undefined) throw new UsageError("--mp (the products' mantissa bits) is required");
  const chunk = numberFlag("chunk", options.chunk);
  const sparsity = numberFlag("sparsity", options.sparsity) ?? 0;
  const tolerance = numberFlag("tolerance", options.tolerance) ?? DEFAULT_VRR_TOLERANCE;
  if (options.network !== undefined) {
    if (options.n !== undefined) throw new UsageError("give either --n or --network, not both");
    // The zoo's networks join lib/networks' registry when lib/models loads (with TensorFlow.js,
    // which `accum --n` does without).
    require("../models");
    if (!networkNames().includes(options.network)) {
      throw new UsageError(`unknown network "${options.network}"; choose from ${networkNames().join(", ")}`);
    }
    const batch = numberFlag("batch", options.batch);
    const table = accumulationTable(options.network, { mP, chunk, batch, sparsity, tolerance });
    if (options.json) {
      writeJson({
        network: options.network,
        mP,
        chunk: chunk ?? null,
        batch: batch ?? registeredNetwork(options.network).batch ?? null,
        sparsity,
        tolerance,
        layers: table,
      });
      return;
    }
    const rows: Row[] = table.map((r) => ({
      layer: r.layer,
      "FWD n": r.fwd,
      "FWD mAcc": r.fwdMAcc,
      "BWD n": r.bwd,
      "BWD mAcc": r.bwdMAcc,
      "GRAD n": r.grad,
      "GRAD mAcc": r.gradMAcc,
    }));
    const columns = Object.keys(rows[0]);
    if (options.csv) {
      writeLines(formatCsv(rows, columns));
      return;
    }
    writeLines([
      ...wrapText(
        `${options.network}: minimum accumulator mantissa bits (mAcc) per GEMM (${describeRun({ mP, chunk, sparsity, tolerance })})`,
      ),
      ...formatTable(rows, columns),
    ]);
    return;
  }
  if (options.batch !== undefined) throw new UsageError("--batch applies to --network only (the GRAD GEMMs' length)");
  const n = numberFlag("n", options.n);
  if (n === undefined) throw new UsageError("give --n <accumulation length> or --network <name>");
  const m = minAccumulatorBits({ n, mP, chunk, sparsity, criterion: { tolerance } });
  const around: { mAcc: number; vrr: number }[] = [];
  for (let mAcc = Math.max(1, m - BELOW); mAcc <= Math.min(52, m + ABOVE); mAcc++) {
    around.push({ mAcc, vrr: vrr({ n, mAcc, mP, chunk, sparsity }) });
  }
  if (options.json) {
    writeJson({ n, mP, chunk: chunk ?? null, sparsity, tolerance, minAccumulatorBits: m, vrr: around });
    return;
  }
  const rows: Row[] = around.map((r) => ({ mAcc: r.mAcc, VRR: r.vrr.toFixed(4), note: r.mAcc === m ? "minimum" : "" }));
  if (options.csv) {
    writeLines(formatCsv(rows, ["mAcc", "VRR", "note"]));
    return;
  }
  writeLines([
    ...wrapText(
      `minimum accumulator mantissa bits: ${m}  (n = ${n}, ${describeRun({ mP, chunk, sparsity, tolerance })})`,
    ),
    ...formatTable(rows, ["mAcc", "VRR", "note"]),
  ]);
}

export function addAccumCommand(program: Command): void {
  program
    .command("accum")
    .summary("the accumulator mantissa a dot product needs (Sakr et al., ICLR 2019)")
    .description(
      "The minimum accumulator mantissa bits (mAcc) for summing --n products, or for every GEMM " +
        "(forward FWD, backward BWD, weight gradient GRAD) of a --network, and the VRR around it.",
    )
    .option(
      "--n <length>",
      "accumulation length: the number of products summed in one dot product, an integer in [1, 2^40]",
    )
    .option("--network <name>", "a registered network's GEMMs instead of --n (lowbit cost --list names them)")
    .option(
      "--mp <bits>",
      "required: the mantissa bits (explicit fraction bits) of the products summed, an integer in " +
        "[0, 52]; the exact product of two formats with a and b bits has at most a + b + 1",
    )
    .option(
      "--chunk <c>",
      "chunk-based accumulation: sum c products at a time, then add the chunk sums in " +
        "the same accumulator; an integer in [1, n] (default: no chunks)",
    )
    .option(
      "--sparsity <s>",
      "the fraction of products that are zero (e.g. after ReLU), a number in [0, 1) (default 0)",
    )
    .option("--tolerance <t>", `the largest |1 - VRR| accepted, a number in (0, 1) (default ${DEFAULT_VRR_TOLERANCE})`)
    .option("--batch <b>", "with --network: the batch size, the length of the GRAD GEMMs (default: the network's)")
    .addOption(new Option("--csv", "print CSV: a header line, then one line per row").conflicts("json"))
    .option("--json", "print one JSON object")
    .showHelpAfterError("(lowbit accum --help lists the options)")
    .addHelpText("after", HELP_AFTER)
    .action(action(accum));
}
