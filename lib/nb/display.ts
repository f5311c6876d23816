/**
 * The bridge to the notebook front end. In a tslab kernel (and in lowbit's notebook runner,
 * which executes cells with tslab's executor) `globalThis.__tslab__` exists and its `require`
 * resolves "tslab" to the running kernel's own module; that instance, and only that one, is
 * wired to the cell being executed. lowbit therefore does not depend on tslab: outside a
 * notebook these functions report that there is no display and callers fall back to text.
 */

/** tslab's public Display (tslab 1.0.22, src/public.ts): one output entry of a cell. */
export interface NotebookDisplay {
  html(s: string): void;
  svg(s: string): void;
  png(b: Uint8Array): void;
  text(s: string): void;
}

interface TslabModule {
  display: NotebookDisplay;
  newDisplay(): NotebookDisplay;
}

interface TslabGlobal {
  __tslab__?: { require(id: string): unknown };
}

function tslab(): TslabModule | undefined {
  const bridge = (globalThis as TslabGlobal).__tslab__;
  if (bridge === undefined) return undefined;
  try {
    return bridge.require("tslab") as TslabModule;
  } catch {
    return undefined;
  }
}

/** Whether code runs inside a tslab kernel or lowbit's notebook runner. */
export function inNotebook(): boolean {
  return tslab() !== undefined;
}

/** Appends outputs to the current cell; undefined outside a notebook. */
export function cellDisplay(): NotebookDisplay | undefined {
  return tslab()?.display;
}

/**
 * A display entry that each call overwrites (Jupyter's update_display_data): progress bars and
 * other live views. Undefined outside a notebook.
 */
export function updatableDisplay(): NotebookDisplay | undefined {
  return tslab()?.newDisplay();
}
