/**
 * A git clean filter that keeps the outputs of a local run out of commits: reads a notebook on
 * stdin and writes it to stdout with every code cell's outputs emptied and execution count
 * cleared. The working copy keeps its outputs; only what git stores is stripped. Set up once per
 * clone (.gitattributes already names the filter for notebooks/*.ipynb):
 *   git config filter.lowbit-outputs.clean "node --import tsx scripts/strip-outputs.ts"
 * A notebook whose metadata has "lowbit": {"keep_outputs": true} passes unchanged: that is how
 * recorded outputs are committed on purpose (or once: git -c filter.lowbit-outputs.clean=cat add).
 * A notebook that has nothing to strip is written back byte for byte, so git sees no change.
 */
import * as fs from "node:fs";

interface Cell {
  cell_type: string;
  outputs?: unknown[];
  execution_count?: number | null;
}

interface Notebook {
  cells: Cell[];
  metadata?: { lowbit?: { keep_outputs?: boolean } };
}

/** The notebook text with outputs stripped, or `text` itself when there is nothing to strip. */
export function stripOutputs(text: string): string {
  const notebook = JSON.parse(text) as Notebook;
  if (notebook.metadata?.lowbit?.keep_outputs === true) return text;
  let changed = false;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    if ((cell.outputs?.length ?? 0) > 0) {
      cell.outputs = [];
      changed = true;
    }
    if (cell.execution_count !== null && cell.execution_count !== undefined) {
      cell.execution_count = null;
      changed = true;
    }
  }
  // Jupyter's own layout: one-space indent, non-ASCII kept, a final newline.
  return changed ? JSON.stringify(notebook, null, 1) + "\n" : text;
}

if (require.main === module) {
  process.stdout.write(stripOutputs(fs.readFileSync(0, "utf8")));
}
