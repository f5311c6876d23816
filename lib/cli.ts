/**
 * The `lowbit` command. Subcommand `accum`: the accumulator precision a dot product needs.
 *   lowbit accum --n 4096 --mp 5 [--chunk 64] [--sparsity 0.5] [--tolerance 0.01]
 *     the minimum accumulator mantissa (minAccumulatorBits) and the VRR around it
 *   lowbit accum --network resnet18 --mp 5 [--chunk 64] [--batch 256] [--sparsity 0.5] [--csv]
 *     every layer's FWD / BWD / GRAD length and minimum accumulator mantissa
 * Subcommand `cost`: energy, memory traffic and FPGA resources of a network in a bit configuration.
 *   lowbit cost --model lenet5 --config wage-2888 [--phase inference|training] [--batch 64]
 *     [--pe 16] [--simd 16] [--csv]
 * Bad arguments print the reason and exit with code 2: numbers are parsed strictly (numberFlag:
 * "0x10" and "" are errors, not 16 and 0), and the functions called check their ranges.
 * `accum --n` imports only lib/accum's analytic parts, so that it starts without loading
 * TensorFlow.js; `accum --network` and `cost` load lib/models (and TensorFlow.js) when called,
 * so that the model zoo's networks join lib/networks' registry, which both read.
 */
import { parseArgs } from "node:util";
import { DEFAULT_VRR_TOLERANCE, minAccumulatorBits } from "./accum/min_bits";
import { accumulationTable } from "./accum/networks";
import { vrr } from "./accum/vrr";
import { numberFlag } from "./core/flags";
import { networkNames } from "./networks/registry";

const USAGE = `usage:
  lowbit accum --n <length> --mp <product mantissa bits> [--chunk <c>] [--sparsity <s>] [--tolerance <t>]
  lowbit accum --network <name> --mp <bits> [--chunk <c>] [--batch <b>] [--sparsity <s>] [--tolerance <t>] [--csv]
  lowbit cost --model <name> --config <preset> [--phase inference|training] [--batch <b>] [--pe <p>] [--simd <s>] [--csv]
    (lowbit cost --list: the models and presets)`;

/** A wrong command line: reported with the usage, exit code 2. */
class UsageError extends Error {}

function printRows(rows: Record<string, string | number>[], csv: boolean): void {
  const columns = Object.keys(rows[0]);
  if (csv) {
    console.log(columns.join(","));
    for (const r of rows) console.log(columns.map((c) => r[c]).join(","));
    return;
  }
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]): string => cells.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join("  ");
  console.log(line(columns));
  for (const r of rows) console.log(line(columns.map((c) => String(r[c]))));
}

function accum(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      n: { type: "string" }, mp: { type: "string" }, chunk: { type: "string" }, sparsity: { type: "string" },
      tolerance: { type: "string" }, network: { type: "string" }, batch: { type: "string" }, csv: { type: "boolean" },
    },
  });
  const mP = numberFlag("mp", values.mp);
  if (mP === undefined) throw new UsageError("--mp (the product's mantissa bits) is required");
  const chunk = numberFlag("chunk", values.chunk);
  const sparsity = numberFlag("sparsity", values.sparsity) ?? 0;
  const tolerance = numberFlag("tolerance", values.tolerance) ?? DEFAULT_VRR_TOLERANCE;
  if (values.network !== undefined) {
    if (values.n !== undefined) throw new UsageError("give either --n or --network, not both");
    require("./models");
    if (!networkNames().includes(values.network)) {
      throw new UsageError(`unknown network "${values.network}"; choose from ${networkNames().join(", ")}`);
    }
    const table = accumulationTable(values.network, { mP, chunk, batch: numberFlag("batch", values.batch), sparsity, tolerance });
    if (!values.csv) {
      console.log(`${values.network}: minimum accumulator mantissa bits per GEMM (mP = ${mP}${chunk ? `, chunk ${chunk}` : ""}${sparsity ? `, sparsity ${sparsity}` : ""}; |1 - VRR| <= ${tolerance})`);
    }
    printRows(table.map((r) => ({
      layer: r.layer, "FWD n": r.fwd, "FWD mAcc": r.fwdMAcc, "BWD n": r.bwd, "BWD mAcc": r.bwdMAcc, "GRAD n": r.grad, "GRAD mAcc": r.gradMAcc,
    })), values.csv ?? false);
    return;
  }
  const n = numberFlag("n", values.n);
  if (n === undefined) throw new UsageError("give --n <accumulation length> or --network <name>");
  const m = minAccumulatorBits({ n, mP, chunk, sparsity, criterion: { tolerance } });
  console.log(`minimum accumulator mantissa bits: ${m}  (n = ${n}, mP = ${mP}${chunk ? `, chunk ${chunk}` : ""}${sparsity ? `, sparsity ${sparsity}` : ""}; criterion |1 - VRR| <= ${tolerance})`);
  const rows: Record<string, string | number>[] = [];
  for (let mAcc = Math.max(1, m - 3); mAcc <= Math.min(52, m + 2); mAcc++) {
    const v = vrr({ n, mAcc, mP, chunk, sparsity });
    rows.push({ mAcc, VRR: v.toFixed(4), note: mAcc === m ? "minimum" : "" });
  }
  printRows(rows, values.csv ?? false);
}

/** Numbers for the terminal: integers as they are, others to 4 significant digits. */
const readable = (v: string | number): string | number =>
  typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v;

function costCommand(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: "string" }, config: { type: "string" }, phase: { type: "string" }, batch: { type: "string" },
      pe: { type: "string" }, simd: { type: "string" }, csv: { type: "boolean" }, list: { type: "boolean" },
    },
  });
  // Loaded here: lib/hw and lib/models (which registers the zoo's networks) load TensorFlow.js.
  const hw = require("./hw") as typeof import("./hw");
  require("./models");
  const tf = require("@tensorflow/tfjs") as typeof import("@tensorflow/tfjs");
  tf.enableProdMode();
  const models = networkNames(), configs = Object.keys(hw.HW_CONFIGS);
  if (values.list) {
    console.log(`models: ${models.join(", ")}`);
    for (const c of Object.values(hw.HW_CONFIGS)) console.log(`  ${c.name.padEnd(11)} ${c.description} [${c.source}]`);
    return;
  }
  if (values.model === undefined) throw new UsageError(`--model is required; choose from ${models.join(", ")}`);
  if (!models.includes(values.model)) throw new UsageError(`unknown model "${values.model}"; choose from ${models.join(", ")}`);
  if (values.config === undefined) throw new UsageError(`--config is required; choose from ${configs.join(", ")}`);
  if (!configs.includes(values.config)) throw new UsageError(`unknown config "${values.config}"; choose from ${configs.join(", ")}`);
  const phase = values.phase ?? "inference";
  if (!(hw.COST_PHASES as readonly string[]).includes(phase)) throw new UsageError(`--phase must be ${hw.COST_PHASES.join(" or ")}; got "${phase}"`);
  const pe = numberFlag("pe", values.pe) ?? 16, simd = numberFlag("simd", values.simd) ?? 16;
  const report = hw.cost(values.model, values.config, {
    phase: phase as (typeof hw.COST_PHASES)[number], batch: numberFlag("batch", values.batch), fpga: { pe, simd },
  });
  const rows = report.rows().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, values.csv ? v : readable(v)])));
  if (!values.csv) {
    const c = report.config;
    console.log(`${report.model}, ${c.name} (${c.description}; ${c.source}), ${report.phase}, batch ${report.batch}`);
    console.log("energy per step in uJ (45 nm: Horowitz 2014 table and lowbit's scaling laws), MACs and bit ops per example;");
    console.log(`FPGA: FINN-R estimates, one unit of PE ${pe} x SIMD ${simd} per GEMM, cycles per step`);
  }
  printRows(rows, values.csv ?? false);
  if (!values.csv) console.log(`MACs per example by precision: ${report.macsByPrecision.map((g) => `${g.precision} ${g.macs}`).join(", ")}`);
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    if (command === "accum") accum(rest);
    else if (command === "cost") costCommand(rest);
    else if (command === undefined || command === "--help" || command === "-h") console.log(USAGE);
    else throw new UsageError(`unknown command "${command}"`);
    return 0;
  } catch (e) {
    // Argument errors: ours, parseArgs' (TypeError with a code) and lowbit's range checks.
    if (e instanceof UsageError || e instanceof RangeError || e instanceof TypeError) {
      console.error(`lowbit: ${e.message.replace(/^lowbit: /, "")}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
