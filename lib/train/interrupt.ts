/**
 * Stopping a training loop from outside: SIGINT (Ctrl-C in a terminal; Jupyter's
 * Kernel > Interrupt sends SIGINT to the kernel process) and an AbortSignal.
 *
 * Why SIGINT is taken over while a loop runs: tslab 1.0.22 (src/executor.ts, src/main.ts) answers
 * SIGINT by rejecting the promise the cell's execution waits for, so the cell ends at once with
 * "Interrupted asynchronously" while the awaited loop keeps running in the background, changing
 * the model and writing into later cells' outputs. In a terminal, Node's default action ends
 * the process and the work with it. So while a guard is active, its own listener replaces the
 * process's SIGINT listeners: the first SIGINT only asks the loop to stop after its current
 * step; the loop then returns normally, the cell goes on and prints that it was interrupted. A
 * second SIGINT before the loop has stopped goes to the listeners it replaced (tslab's
 * interrupt), or, with none, ends the process as Node would have. The loop must yield to the
 * event loop between steps for the listener to run (train() does, once per step), and it must
 * not be made in the synchronous part of a tslab cell (see train()).
 */

type SigintListener = (signal: NodeJS.Signals) => void;

export type InterruptReason = "SIGINT" | "abort";

export class InterruptGuard {
  private reasonValue: InterruptReason | undefined;
  private readonly replaced: SigintListener[] = [];
  private readonly onSigint: SigintListener | undefined;
  private readonly onAbort: (() => void) | undefined;
  private released = false;

  constructor(
    private readonly signal: AbortSignal | undefined,
    sigint: boolean,
  ) {
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new TypeError("lowbit: train signal must be an AbortSignal (new AbortController().signal)");
    if (signal !== undefined) {
      if (signal.aborted) this.reasonValue = "abort";
      this.onAbort = () => {
        this.reasonValue ??= "abort";
      };
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
    if (sigint) {
      this.replaced = process.listeners("SIGINT") as SigintListener[];
      for (const l of this.replaced) process.removeListener("SIGINT", l);
      this.onSigint = (s) => {
        if (this.reasonValue === undefined) {
          this.reasonValue = "SIGINT";
          return;
        }
        this.release();
        if (this.replaced.length > 0) for (const l of this.replaced) l(s);
        else process.kill(process.pid, "SIGINT");
      };
      process.on("SIGINT", this.onSigint);
    }
  }

  /** Why the loop should stop, once it should. */
  get reason(): InterruptReason | undefined {
    return this.reasonValue;
  }

  /** Gives SIGINT back to the listeners it replaced. Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.onSigint !== undefined) {
      process.removeListener("SIGINT", this.onSigint);
      for (const l of this.replaced) process.on("SIGINT", l);
    }
    if (this.onAbort !== undefined) this.signal?.removeEventListener("abort", this.onAbort);
  }
}

/** Lets pending events (a SIGINT, an abort) run: a macrotask turn of the event loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
