/**
 * A command's action with the command line's handling of a user's mistake: a usage error is
 * reported through commander (its format, "error: ..." and the hint to --help) with exit code 2.
 */
import type { Command } from "commander";

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
  return (
    e instanceof UsageError || e instanceof RangeError || (e instanceof TypeError && e.message.startsWith("lowbit:"))
  );
}

/** lowbit's messages start with "lowbit: " for library users; the command line says "error: ". */
export const reason = (e: Error): string => e.message.replace(/^lowbit: /, "");

export function action<O>(
  run: (options: O, command: Command) => void | Promise<void>,
): (options: O, command: Command) => Promise<void> {
  return async (options, command) => {
    try {
      await run(options, command);
    } catch (e) {
      if (isUsageError(e)) command.error(`error: ${reason(e)}`, { exitCode: 2, code: "lowbit.usage" });
      throw e;
    }
  };
}
