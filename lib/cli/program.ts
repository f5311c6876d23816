/**
 * The `lowbit` command line, on commander: `lowbit --help`, `lowbit <command> --help`,
 * `--version`, and the conventions every command keeps:
 *   exit code 0 on success, 1 on a failure, 2 on a wrong command line;
 *   a user's mistake (unknown option, bad number, value out of range) is one line naming the
 *   argument and what is allowed, plus where the help is, never a stack trace;
 *   a reader that closes the pipe early (`lowbit ... | head -1`) ends the command quietly.
 * Commands are added by accum_command.ts, cost_command.ts and kernel_command.ts.
 */
import { Command, CommanderError } from "commander";
import { addAccumCommand } from "./accum_command";
import { addCostCommand } from "./cost_command";
import { addKernelCommand } from "./kernel_command";
import { TEXT_WIDTH } from "./output";

/** A wrong command line found by a command itself (a missing or conflicting option). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Mistakes in the arguments: ours, numberFlag's FlagError (a RangeError), and the range and
 * type checks of lowbit's functions (RangeError, or a TypeError whose message lowbit wrote).
 */
function isUsageError(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof RangeError || (e instanceof TypeError && e.message.startsWith("lowbit:"));
}

/** lowbit's messages start with "lowbit: " for library users; the command line says "error: ". */
const reason = (e: Error): string => e.message.replace(/^lowbit: /, "");

/**
 * A command's action with the command line's error handling: a usage error is reported through
 * commander (the same format as its own, then the hint to --help) with exit code 2.
 */
export function action<O>(run: (options: O, command: Command) => void | Promise<void>): (options: O, command: Command) => Promise<void> {
  return async (options, command) => {
    try {
      await run(options, command);
    } catch (e) {
      if (isUsageError(e)) command.error(`error: ${reason(e)}`, { exitCode: 2, code: "lowbit.usage" });
      throw e;
    }
  };
}

/** The version of the lowbit package this command belongs to (a package can require itself by name). */
function packageVersion(): string {
  return (require("lowbit/package.json") as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command("lowbit")
    .description("lowbit: low-bitwidth training on TensorFlow.js. Commands for the accumulator precision a " +
      "dot product needs, the hardware cost of a network in a bit configuration, and the notebook kernel.")
    .version(packageVersion(), "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .helpCommand("help [command]", "print the help of a command")
    .configureHelp({ helpWidth: TEXT_WIDTH, sortOptions: false })
    .showHelpAfterError("(lowbit --help lists the commands, lowbit <command> --help their options)")
    .exitOverride();
  addAccumCommand(program);
  addCostCommand(program);
  addKernelCommand(program);
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
