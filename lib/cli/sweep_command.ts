/**
 * `lowbit sweep`: runs a sweep spec (lib/sweep) and prints a summary per configuration:
 *   lowbit sweep spec.json [--workers N | --queue redis://host:port] [--metric NAME] [--json]
 *   lowbit sweep --list                 lowbit's experiments and their configuration keys
 * Exit code 1 when a run failed on every attempt or the sweep was interrupted (Ctrl-C); running
 * it again continues where it stopped. lib/sweep is loaded only when the command runs.
 */
import { type Command, Option } from "commander";
import { numberFlag } from "../core/flags";
import { action, UsageError } from "./action";
import { formatTable, type Row, TEXT_WIDTH, wrapText, writeJson, writeLines } from "./output";

interface SweepCommandOptions {
  workers?: string;
  queue?: string;
  metric?: string;
  progress: boolean;
  list?: boolean;
  json?: boolean;
}

const HELP_AFTER = `
A spec is JSON:
  {
    "experiment": "least-squares-sgd",
    "grid": { "rounding": ["nearest", "stochastic"],
              "format": [{ "kind": "fixed", "bits": 6, "frac": 4 }, { "kind": "fixed", "bits": 10, "frac": 8 }] },
    "base": { "steps": 2000 },
    "seeds": { "count": 5 },
    "output": "sweeps/rounding"
  }
Fields: experiment (lowbit sweep --list), module (a file exporting the experiment function, path
relative to the spec), grid (values per key: every combination) or configurations (a list), base
(settings every configuration shares), seeds (a list, or { "count": n, "from": s }), output (the
folder of results.jsonl, relative to the spec), retries (further attempts of a failed run, default 2).

Examples:
  lowbit sweep sweeps/rounding.json                         one local worker per core
  lowbit sweep sweeps/rounding.json --workers 2 --json
  lowbit sweep sweeps/rounding.json --queue redis://10.0.0.5:6379   workers: lowbit worker --queue ...`;

const readable = (v: number | null): string | number =>
  v === null ? "" : Number.isInteger(v) ? v : Number(v.toPrecision(4));

async function sweepCommand(file: string | undefined, options: SweepCommandOptions): Promise<void> {
  const lib = require("../sweep") as typeof import("../sweep");
  if (options.list) {
    const experiments = Object.entries(lib.EXPERIMENTS).map(([name, e]) => ({ name, description: e.description }));
    if (options.json) return writeJson({ experiments });
    writeLines(experiments.flatMap((e) => [e.name, ...wrapText(e.description, TEXT_WIDTH - 2).map((l) => `  ${l}`)]));
    return;
  }
  if (file === undefined) throw new UsageError("the spec file is required: lowbit sweep <spec.json>");
  const workers = numberFlag("workers", options.workers, { min: 1, max: 1024, integer: true });
  const result = await lib.sweep(file, { workers, queue: options.queue, progress: options.progress });
  const metrics = [...new Set(result.records.flatMap((r) => Object.keys(r.metrics)))];
  if (options.metric !== undefined && result.records.length > 0 && !metrics.includes(options.metric))
    throw new UsageError(`--metric must be one of the runs' metrics ${metrics.join(", ")}; got "${options.metric}"`);
  const shown = options.metric === undefined ? metrics : [options.metric];
  const summaries = shown.flatMap((m) => lib.summarizeSweep(result.records, m));
  const counts = {
    output: result.output,
    resultsFile: result.resultsFile,
    total: result.total,
    recorded: result.records.length,
    ran: result.ran,
    skipped: result.skipped,
    failed: result.failures.length,
    interrupted: result.interrupted,
  };
  if (options.json) {
    writeJson({
      ...counts,
      failures: result.failures.map(({ config, seed, error }) => ({ config, seed, error })),
      summary: summaries.map(({ config: _, ...s }) => s),
    });
  } else {
    writeLines([
      `${result.records.length} of ${result.total} runs recorded (${result.ran} now, ${result.skipped} before)` +
        `${result.failures.length > 0 ? `, ${result.failures.length} failed` : ""}: ${result.resultsFile}`,
      ...shown.flatMap((m) => {
        const rows: Row[] = lib.summarizeSweep(result.records, m).map((s) => ({
          configuration: s.configuration,
          n: s.n,
          mean: readable(s.mean),
          sd: readable(s.sd),
          low: readable(s.low),
          high: readable(s.high),
        }));
        return [
          "",
          `${m} (mean, sd and 95% interval of the mean over seeds)`,
          ...formatTable(rows, Object.keys(rows[0])),
        ];
      }),
    ]);
  }
  if (result.failures.length > 0)
    throw new Error(
      `lowbit: ${result.failures.length} run(s) failed on every attempt (their errors: ${result.output}/failures.jsonl); ` +
        "running the sweep again retries them",
    );
  if (result.interrupted) throw new Error("lowbit: the sweep was interrupted; running it again continues it");
}

export function addSweepCommand(program: Command): void {
  program
    .command("sweep")
    .summary("run an experiment over configurations and seeds, on every core or on a Redis queue")
    .description(
      "Runs every (configuration, seed) of a sweep spec that its output folder does not hold yet, on local " +
        "worker processes or through a BullMQ queue in Redis, appends one record per run to " +
        "<output>/results.jsonl, and prints the mean, standard deviation and 95% interval of each metric " +
        "per configuration.",
    )
    .argument("[spec]", "the sweep spec, a JSON file")
    .addOption(
      new Option("--workers <n>", "local worker processes, an integer in [1, 1024] (default: one per core)").conflicts(
        "queue",
      ),
    )
    .option(
      "--queue <url>",
      "run on the BullMQ queue in Redis at this URL (redis://host:port); `lowbit worker --queue <url>` " +
        "processes on any machine run the jobs",
    )
    .option("--metric <name>", "summarise this metric only (default: every metric)")
    .option("--no-progress", "no progress bar")
    .option("--list", "name lowbit's experiments and their configuration keys")
    .option("--json", "print one JSON object: counts, failures and the summary rows")
    .showHelpAfterError("(lowbit sweep --help lists the options)")
    .addHelpText("after", HELP_AFTER)
    .action((file: string | undefined, options: SweepCommandOptions, command: Command) =>
      action<SweepCommandOptions>((o) => sweepCommand(file, o))(options, command),
    );
}
