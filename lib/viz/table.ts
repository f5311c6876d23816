/**
 * showTable(df): a danfojs DataFrame as an HTML table in the notebook. danfojs draws tables
 * only in the browser (df.plot, df.print to a console), so lowbit renders the frame's columns,
 * index and values itself. Typed structurally: lowbit does not depend on danfojs.
 */
import { cellDisplay } from "../nb/display";

/** What showTable reads from a danfojs DataFrame. */
export interface DataFrameLike {
  columns: string[];
  index: (string | number)[];
  values: unknown[] | unknown[][];
}

export interface TableOptions {
  /** Significant digits of non-integer numbers (default 4). */
  digits?: number;
  /** Rows shown at most; the rest are counted in a last line (default 50). */
  maxRows?: number;
  /** A caption above the table. */
  caption?: string;
}

function format(value: unknown, digits: number): string {
  if (typeof value === "number") {
    return Number.isInteger(value) || !Number.isFinite(value)
      ? String(value)
      : String(Number(value.toPrecision(digits)));
  }
  return value === null || value === undefined ? "" : String(value);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Shows `df` as an HTML table in a notebook, as aligned text elsewhere. */
export function showTable(df: DataFrameLike, options: TableOptions = {}): void {
  const { digits = 4, maxRows = 50, caption } = options;
  if (!Array.isArray(df.columns) || !Array.isArray(df.index) || !Array.isArray(df.values)) {
    throw new TypeError("lowbit: showTable df must be a danfojs DataFrame (with columns, index and values arrays)");
  }
  const rows = (df.values as unknown[]).map((row) => (Array.isArray(row) ? row : [row]).map((v) => format(v, digits)));
  const shown = rows.slice(0, maxRows);
  const index = df.index.map(String);
  const more = rows.length - shown.length;
  const display = cellDisplay();
  if (display === undefined) {
    const table = [["", ...df.columns], ...shown.map((row, i) => [index[i], ...row])];
    const widths = table[0].map((_, j) => Math.max(...table.map((row) => row[j].length)));
    const lines = table.map((row) => row.map((cell, j) => cell.padStart(widths[j])).join("  "));
    console.log(
      [caption, ...lines, more > 0 ? `... ${more} more rows` : undefined].filter((l) => l !== undefined).join("\n"),
    );
    return;
  }
  const head = `<tr><th></th>${df.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr>`;
  const body = shown
    .map(
      (row, i) =>
        `<tr><th>${escapeHtml(index[i])}</th>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`,
    )
    .join("\n");
  const footer = more > 0 ? `<tr><td colspan="${df.columns.length + 1}">... ${more} more rows</td></tr>` : "";
  display.html(`<table class="dataframe lowbit-table">${caption ? `<caption>${escapeHtml(caption)}</caption>` : ""}
<thead>${head}</thead><tbody>
${body}${footer}
</tbody></table>`);
}
