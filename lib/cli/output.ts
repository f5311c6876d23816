/**
 * How the `lowbit` command prints: aligned text tables that fit a terminal, CSV (RFC 4180, a
 * header line and nothing before it) and JSON (one object), and prose wrapped to the same width.
 * Everything goes through stdout.write, so that the closed-pipe handling in program.ts sees it.
 */

export type Row = Record<string, string | number>;

/** Terminal width the text output keeps to (the common 100-column review width). */
export const TEXT_WIDTH = 100;

const GAP = "  ";

export function writeLines(lines: readonly string[]): void {
  if (lines.length > 0) process.stdout.write(lines.join("\n") + "\n");
}

export function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapText(text: string, width: number = TEXT_WIDTH, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    const prefix = lines.length === 0 ? "" : indent;
    if (line !== "" && prefix.length + line.length + 1 + word.length > width) {
      lines.push(prefix + line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push((lines.length === 0 ? "" : indent) + line);
  return lines;
}

/**
 * Rows as an aligned table: the first column left-aligned, the others right-aligned. When the
 * table is wider than maxWidth, its columns are split into blocks, each repeating the first
 * column and fitting maxWidth (as R and pandas print wide data frames), separated by a blank line.
 */
export function formatTable(rows: readonly Row[], columns: readonly string[], maxWidth: number = TEXT_WIDTH): string[] {
  const cells = (c: string) => [c, ...rows.map((r) => String(r[c] ?? ""))];
  const widths = new Map(columns.map((c) => [c, Math.max(...cells(c).map((s) => s.length))]));
  const [key, ...rest] = columns;
  const blocks: string[][] = [];
  let block: string[] = [];
  let used = widths.get(key)!;
  for (const c of rest) {
    const w = GAP.length + widths.get(c)!;
    if (block.length > 0 && used + w > maxWidth) {
      blocks.push(block);
      block = [];
      used = widths.get(key)!;
    }
    block.push(c);
    used += w;
  }
  blocks.push(block);
  const lines: string[] = [];
  for (const [b, blockColumns] of blocks.entries()) {
    if (b > 0) lines.push("");
    const shown = [key, ...blockColumns];
    const line = (values: string[]) =>
      values
        .map((s, i) => (i === 0 ? s.padEnd(widths.get(shown[i])!) : s.padStart(widths.get(shown[i])!)))
        .join(GAP)
        .trimEnd();
    lines.push(line(shown));
    for (const r of rows) lines.push(line(shown.map((c) => String(r[c] ?? ""))));
  }
  return lines;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled). */
function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line and one line per row. */
export function formatCsv(rows: readonly Row[], columns: readonly string[]): string[] {
  return [columns.map(csvField).join(","), ...rows.map((r) => columns.map((c) => csvField(r[c] ?? "")).join(","))];
}
