/**
 * Stopping a training loop from outside: SIGINT (Ctrl-C in a terminal; Jupyter's
 * Kernel > Interrupt sends SIGINT to the kernel process) and an AbortSignal.
 *
 * Why SIGINT is taken over while a loop runs: tslab 1.0.22 (src/executor.ts, src/main.ts) answers
 * SIGINT by rejecting the promise the cell's execution waits for, so the cell ends at once with
 * "Interrupted asynchronously" while the awaited loop keeps running in the background, changing
 * the model and writing into later cells' outputs. In a terminal, Node's default action ends
 * the process and the work with it. So while any guard is active, one listener of this module
 * replaces the process's SIGINT listeners: the first SIGINT only asks the loops to stop after
 * their current step; a loop then returns normally, the cell goes on and prints that it was
 * interrupted. A second SIGINT before the loops have stopped goes to the listeners replaced
 * (tslab's interrupt), or, with none, ends the process as Node would have. The loop must yield to the
 * event loop between steps for the listener to run (train() does, once per step), and it must
 * not be made in the synchronous part of a tslab cell (see train()).
 */

type SigintListener = (signal: NodeJS.Signals) => void;

export type InterruptReason = "SIGINT" | "abort";

/**
 * One SIGINT listener for every active guard. Each guard replacing the listeners in turn broke
 * when two guards released out of order: the first guard's listener came back with the
 * second's list and stayed installed after both had released, swallowing the next Ctrl-C and
 * sending the second to itself again, without end. Now the first guard to activate takes the
 * process's listeners aside and the last to release gives them back.
 */
interface SigintTarget {
  /** Asks the guard's loop to stop; false when it had been asked already. */
  interrupt(): boolean;
}
const activeGuards = new Set<SigintTarget>();
let replacedListeners: SigintListener[] = [];

function onSigint(signal: NodeJS.Signals): void {
  let asked = false;
  for (const guard of activeGuards) asked = guard.interrupt() || asked;
  if (asked) return;
  // Every loop had been asked to stop already: this SIGINT goes where it would have gone.
  const listeners = replacedListeners;
  activeGuards.clear();
  restoreSigint();
  if (listeners.length > 0) for (const l of listeners) l(signal);
  else process.kill(process.pid, "SIGINT");
}

function takeSigint(guard: SigintTarget): void {
  if (activeGuards.size === 0) {
    replacedListeners = process.listeners("SIGINT") as SigintListener[];
    for (const l of replacedListeners) process.removeListener("SIGINT", l);
    process.on("SIGINT", onSigint);
  }
  activeGuards.add(guard);
}

function restoreSigint(): void {
  process.removeListener("SIGINT", onSigint);
  for (const l of replacedListeners) process.on("SIGINT", l);
  replacedListeners = [];
}

function giveBackSigint(guard: SigintTarget): void {
  if (activeGuards.delete(guard) && activeGuards.size === 0) restoreSigint();
}

export class InterruptGuard {
  private reasonValue: InterruptReason | undefined;
  private readonly sigintTarget: SigintTarget | undefined;
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
      this.sigintTarget = {
        interrupt: () => {
          if (this.reasonValue !== undefined) return false;
          this.reasonValue = "SIGINT";
          return true;
        },
      };
      takeSigint(this.sigintTarget);
    }
  }

  /** Why the loop should stop, once it should. */
  get reason(): InterruptReason | undefined {
    return this.reasonValue;
  }

  /** Gives SIGINT back to the listeners it replaced (once no other guard is active). Idempotent. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.sigintTarget !== undefined) giveBackSigint(this.sigintTarget);
    if (this.onAbort !== undefined) this.signal?.removeEventListener("abort", this.onAbort);
  }
}

/** Lets pending events (a SIGINT, an abort) run: a macrotask turn of the event loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
