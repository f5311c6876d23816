/**
 * `lowbit cost`: energy, memory traffic and FPGA resources of one step of a network in a bit
 * configuration, per layer (lib/hw's cost()):
 *   lowbit cost --model lenet5 --config wage-2888 [--phase inference|training] [--batch 64]
 *     [--pe 16] [--simd 16] [--wide] [--csv | --json]
 *   lowbit cost --list
 * The text table shows the columns that fit 100 characters; --wide, --csv and --json give all.
 * lib/hw (and TensorFlow.js, to build lib/models' networks) is loaded only when it runs.
 */
import { networkNames } from "../networks/registry";
import { type Command, Option } from "commander";
import { numberFlag } from "../core/flags";
import { action, UsageError } from "./action";
import { formatCsv, formatTable, type Row, TEXT_WIDTH, wrapText, writeJson, writeLines } from "./output";

interface CostCommandOptions {
  model?: string;
  config?: string;
  phase?: string;
  batch?: string;
  pe?: string;
  simd?: string;
  list?: boolean;
  wide?: boolean;
  csv?: boolean;
  json?: boolean;
}

/** The text table's columns without --wide: per-layer work, total energy, weights, FPGA units. */
const NARROW_COLUMNS = [
  "layer",
  "kind",
  "macs",
  "energyUJ",
  "nJPerExample",
  "weightKiB",
  "luts",
  "dsps",
  "ramb18",
  "cycles",
];

const DEFAULT_PE = 16,
  DEFAULT_SIMD = 16;

const HELP_AFTER = `
Examples:
  lowbit cost --list                                   the models and bit configurations
  lowbit cost --model lenet5 --config wage-2888 --phase training
  lowbit cost --model resnet18 --config bnn --wide     every column
  lowbit cost --model resnet32 --config fp16 --csv     every column, as CSV

Columns: macs and bitOps per example; computeUJ, memoryUJ, updateUJ (the weight update) and
energyUJ per step in microjoules at 45 nm (Horowitz 2014 table and lowbit's scaling laws);
nJPerExample; weightKiB and weightMemory, the level the weights are read from; luts, dsps, ffs,
ramb18 and cycles per step of one FINN-R unit of --pe x --simd per GEMM.`;

/** Numbers for the terminal: integers as they are, others to 4 significant digits. */
const readable = (v: string | number): string | number =>
  typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v;

function costCommand(options: CostCommandOptions): void {
  // Loaded here: lib/hw and lib/models (which registers the zoo's networks in lib/networks'
  // registry) load TensorFlow.js.
  const hw = require("../hw") as typeof import("../hw");
  require("../models");
  const tf = require("../backend/tf") as typeof import("../backend/tf");
  tf.enableProdMode();
  const models = networkNames(),
    configs = Object.values(hw.HW_CONFIGS);
  const configNames = configs.map((c) => c.name);
  if (options.list) {
    if (options.json) {
      writeJson({
        models,
        configs: configs.map((c) => ({ name: c.name, description: c.description, source: c.source })),
      });
      return;
    }
    const width = Math.max(...configNames.map((c) => c.length));
    writeLines([
      ...wrapText(`models: ${models.join(", ")}`, TEXT_WIDTH, "  "),
      "configs:",
      ...configs.flatMap((c) =>
        wrapText(`${c.description} [${c.source}]`, TEXT_WIDTH - width - 4).map(
          (line, i) => `  ${(i === 0 ? c.name : "").padEnd(width)}  ${line}`,
        ),
      ),
    ]);
    return;
  }
  if (options.model === undefined) throw new UsageError(`--model is required; choose from ${models.join(", ")}`);
  if (!models.includes(options.model))
    throw new UsageError(`unknown model "${options.model}"; choose from ${models.join(", ")}`);
  if (options.config === undefined) throw new UsageError(`--config is required; choose from ${configNames.join(", ")}`);
  if (!configNames.includes(options.config))
    throw new UsageError(`unknown config "${options.config}"; choose from ${configNames.join(", ")}`);
  const phase = options.phase ?? "inference";
  if (!(hw.COST_PHASES as readonly string[]).includes(phase))
    throw new UsageError(`--phase must be ${hw.COST_PHASES.join(" or ")}; got "${phase}"`);
  const pe = numberFlag("pe", options.pe) ?? DEFAULT_PE,
    simd = numberFlag("simd", options.simd) ?? DEFAULT_SIMD;
  const report = hw.cost(options.model, options.config, {
    phase: phase as (typeof hw.COST_PHASES)[number],
    batch: numberFlag("batch", options.batch),
    fpga: { pe, simd },
  });
  const rows = report.rows();
  const c = report.config;
  if (options.json) {
    writeJson({
      model: report.model,
      config: { name: c.name, description: c.description, source: c.source },
      phase: report.phase,
      batch: report.batch,
      fpga: { pe, simd },
      layers: rows,
      macsByPrecision: report.macsByPrecision,
    });
    return;
  }
  const all = Object.keys(rows[0]);
  if (options.csv) {
    writeLines(formatCsv(rows, all));
    return;
  }
  const columns = options.wide ? all : NARROW_COLUMNS.filter((k) => all.includes(k));
  const shown: Row[] = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, readable(v)])));
  writeLines([
    `${report.model}, ${c.name}, ${report.phase}, batch ${report.batch}`,
    ...wrapText(`${c.name}: ${c.description} [${c.source}]`, TEXT_WIDTH, "  "),
    ...wrapText(
      "Energy per step in uJ (45 nm: Horowitz 2014 table and lowbit's scaling laws), MACs per example; " +
        `FPGA: FINN-R estimates, one unit of PE ${pe} x SIMD ${simd} per GEMM, cycles per step.` +
        (options.wide ? "" : " --wide shows every column."),
      TEXT_WIDTH,
    ),
    ...formatTable(shown, columns, options.wide ? Infinity : TEXT_WIDTH),
    ...wrapText(
      `MACs per example by precision: ${report.macsByPrecision.map((g) => `${g.precision} ${g.macs}`).join(", ")}`,
      TEXT_WIDTH,
      "  ",
    ),
  ]);
}

export function addCostCommand(program: Command): void {
  program
    .command("cost")
    .summary("energy, memory traffic and FPGA resources of a network in a bit configuration")
    .description(
      "The cost of one training or inference step of a network in a bit configuration, per layer: " +
        "MACs, energy (compute, memory, weight update), weight storage, and FPGA resources (FINN-R estimates).",
    )
    .option("--model <name>", "required: the network (lowbit cost --list names them)")
    .option(
      "--config <preset>",
      "required: the bit configuration of weights, activations, gradients, errors and " +
        "accumulators, e.g. fp32, wage-2888, bnn (lowbit cost --list names them with their sources)",
    )
    .option(
      "--phase <phase>",
      "inference (the forward GEMMs) or training (forward, backward, weight gradient and the weight update)",
      "inference",
    )
    .option("--batch <b>", "examples per step, an integer >= 1 (default: the model's, else 64)")
    .option(
      "--pe <p>",
      "FPGA: processing elements (output channels in parallel) of each GEMM's unit, an integer >= 1",
      String(DEFAULT_PE),
    )
    .option("--simd <s>", "FPGA: input lanes per processing element, an integer >= 1", String(DEFAULT_SIMD))
    .option("--list", "name the models and the bit configurations with their sources")
    .option("--wide", "show every column (default: those that fit 100 characters)")
    .addOption(
      new Option("--csv", "print CSV (every column): a header line, then one line per layer and the total").conflicts(
        "json",
      ),
    )
    .option("--json", "print one JSON object (every column)")
    .showHelpAfterError("(lowbit cost --help lists the options)")
    .addHelpText("after", HELP_AFTER)
    .action(action(costCommand));
}
