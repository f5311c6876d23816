/**
 * The `lowbit` command line, on commander: `lowbit --help`, `lowbit <command> --help`,
 * `--version`, and the conventions every command keeps:
 *   exit code 0 on success, 1 on a failure, 2 on a wrong command line;
 *   a user's mistake (unknown option, bad number, value out of range) is one line naming the
 *   argument and what is allowed, plus where the help is, never a stack trace;
 *   a reader that closes the pipe early (`lowbit ... | head -1`) ends the command quietly.
 * Commands are added by accum_command.ts, cost_command.ts, kernel_command.ts, sweep_command.ts and
 * worker_command.ts; action.ts reports
 * their usage errors.
 */
import { Command, CommanderError } from "commander";
import { reason } from "./action";
import { addAccumCommand } from "./accum_command";
import { addCostCommand } from "./cost_command";
import { addKernelCommand } from "./kernel_command";
import { addSweepCommand } from "./sweep_command";
import { addWorkerCommand } from "./worker_command";
import { TEXT_WIDTH } from "./output";

/** The version of the lowbit package this command belongs to (a package can require itself by name). */
function packageVersion(): string {
  return (require("lowbit/package.json") as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command("lowbit")
    .description(
      "lowbit: low-bitwidth training on TensorFlow.js. Commands for the accumulator precision a " +
        "dot product needs, the hardware cost of a network in a bit configuration, the notebook kernel, and " +
        "sweeps of experiments over configurations and seeds (on every core, or on workers sharing a Redis queue).",
    )
    .version(packageVersion(), "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .helpCommand("help [command]", "print the help of a command")
    .configureHelp({ helpWidth: TEXT_WIDTH, sortOptions: false })
    .showHelpAfterError("(lowbit --help lists the commands, lowbit <command> --help their options)")
    .exitOverride();
  addAccumCommand(program);
  addCostCommand(program);
  addKernelCommand(program);
  addSweepCommand(program);
  addWorkerCommand(program);
  return program;
}

/** Ends the process quietly when stdout's reader has gone (EPIPE), as Unix tools die by SIGPIPE. */
function exitQuietlyOnClosedPipe(): void {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
}

/** Runs the command line `args` (without node and the script); resolves to the exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  try {
    await buildProgram().parseAsync([...args], { from: "user" });
    return 0;
  } catch (e) {
    // Commander has printed its message (or the help, or the version): only the code is left.
    // Its parse errors exit 1 by default; a wrong command line is 2 here, as for most Unix tools.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // A failure the user can act on (lowbit's messages say what to do): the message alone.
    // Anything else is a bug in lowbit: the stack, for the report.
    const expected = e instanceof Error && e.message.startsWith("lowbit:");
    process.stderr.write(`${expected ? `error: ${reason(e)}` : e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}
