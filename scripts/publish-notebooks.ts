/**
 * Publishes executed notebooks as the committed ones, so that GitHub, nbviewer and a reader
 * opening the file see the recorded run's outputs with no kernel and no JavaScript:
 *   npm run publish-notebooks [-- [names...] [--from out/full]]
 * names: notebook numbers or names as for `npm run notebooks` ("00", "00-getting-started");
 * default every notebooks/*.ipynb that has an executed copy in <from> (default out/full).
 *
 * For each, it reads the executed copy <from>/<name>.ipynb and the figures the runner exported
 * for it (<from>/<name>/*.png) and writes notebooks/<name>.ipynb: the source's cells with the
 * executed outputs and execution counts, where
 * - every plotly figure output (show(): an element data-lowbit-figure="NN-stem") becomes its
 *   static PNG (<from>/<name>/NN-stem.png, as image/png at the figure's size in CSS pixels);
 * - a progress display (an HTML <progress> bar) becomes the text of its final state, and a
 *   stream's lines redrawn with carriage returns keep only their last form;
 * - the notebook's metadata says "lowbit": {"keep_outputs": true}, so the git filter that
 *   strips local runs' outputs (scripts/strip-outputs.ts) keeps these.
 * It refuses, with a PublishError and nothing written, an executed copy whose cells differ from
 * the source's (a stale run: run the notebook again), one with a cell that did not run, a figure
 * output whose PNG is missing, and a result larger than 2 MB. The file is written atomically.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "lowbit/core";

const ROOT = path.resolve(__dirname, "..");

/** The most a published notebook may weigh: GitHub renders larger ones slowly or not at all. */
export const MAX_PUBLISHED_BYTES = 2 * 1024 * 1024;

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PublishError";
  }
}

type Source = string | string[];
interface Output {
  output_type: string;
  name?: string;
  text?: Source;
  data?: Record<string, Source>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
}
interface Cell {
  cell_type: string;
  source: Source;
  metadata?: Record<string, unknown>;
  outputs?: Output[];
  execution_count?: number | null;
}
export interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

const text = (s: Source | undefined): string => (Array.isArray(s) ? s.join("") : (s ?? ""));

/** A stream's text as a terminal shows it: each line keeps what follows its last carriage return. */
export function finalStreamText(s: string): string {
  return (
    s
      // Terminal escapes (ESC [ ... letter: erase line, colours) draw nothing in a notebook.
      // oxlint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")
      .split("\n")
      .map((line) => line.slice(line.lastIndexOf("\r") + 1))
      .join("\n")
  );
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

/** The visible text of a progress display's HTML: line breaks and blocks as new lines. */
function htmlText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>|<\/div>/gi, "\n")
      .replace(/<[^>]*>/g, "")
      .replace(/\n+$/, ""),
  );
}

/** A figure's title as plain text: show() writes it, wrapped with <br> and escaped, as the image's alt. */
function titleText(alt: string): string {
  return decodeEntities(alt)
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<[^>]*>/g, "");
}

const FIGURE = /data-lowbit-figure="([^"]+)"/;

function publishedOutput(output: Output, figuresDir: string, where: string): Output {
  if (output.output_type === "stream") return { ...output, text: finalStreamText(text(output.text)) };
  const html = output.data?.["text/html"] === undefined ? undefined : text(output.data["text/html"]);
  if (html === undefined) return output;
  const figure = FIGURE.exec(html)?.[1];
  if (figure !== undefined) {
    const png = path.join(figuresDir, `${figure}.png`);
    if (!fs.existsSync(png)) {
      throw new PublishError(`${where}: figure ${figure} has no exported PNG (${png}); run the notebook again`);
    }
    const width = Number(/width:(\d+)px/.exec(html)?.[1] ?? 640),
      height = Number(/height:(\d+)px/.exec(html)?.[1] ?? 400);
    const alt = /<img alt="([^"]*)"/.exec(html)?.[1] ?? figure;
    return {
      output_type: "display_data",
      data: { "image/png": fs.readFileSync(png).toString("base64"), "text/plain": titleText(alt) },
      metadata: { "image/png": { width, height } },
    };
  }
  if (/class="lowbit-figure"/.test(html)) {
    throw new PublishError(
      `${where}: a figure output without its name (run by an older lowbit); run the notebook again`,
    );
  }
  if (/<progress\b/i.test(html)) {
    return { output_type: "display_data", data: { "text/plain": htmlText(html) }, metadata: {} };
  }
  return output;
}

/**
 * The published notebook (JSON text) of `source` executed as `executed`, its figures' PNGs in
 * `figuresDir`; `name` only labels errors. Throws PublishError as the file comment says.
 */
export function publishedNotebook(name: string, source: Notebook, executed: Notebook, figuresDir: string): string {
  const stale = (why: string) =>
    new PublishError(`${name}: the executed copy is stale (${why}); run the notebook again before publishing`);
  if (executed.cells.length !== source.cells.length) {
    throw stale(`${executed.cells.length} cells, the source has ${source.cells.length}`);
  }
  const cells = source.cells.map((cell, i) => {
    const run = executed.cells[i];
    if (run.cell_type !== cell.cell_type || text(run.source) !== text(cell.source)) throw stale(`cell ${i} differs`);
    if (cell.cell_type !== "code") return cell;
    if (run.execution_count === null || run.execution_count === undefined) {
      throw new PublishError(
        `${name}: cell ${i} did not run in the executed copy (a failed run); fix and run it again`,
      );
    }
    const outputs = (run.outputs ?? []).map((o) => publishedOutput(o, figuresDir, `${name} cell ${i}`));
    return { ...cell, outputs, execution_count: run.execution_count };
  });
  const lowbit = { ...(source.metadata.lowbit as object | undefined), keep_outputs: true };
  const published = JSON.stringify({ ...source, cells, metadata: { ...source.metadata, lowbit } }, null, 1) + "\n";
  const bytes = Buffer.byteLength(published);
  if (bytes > MAX_PUBLISHED_BYTES) {
    throw new PublishError(
      `${name}: the published notebook would be ${(bytes / 1048576).toFixed(2)} MB, more than the 2 MB allowed; ` +
        `show fewer or smaller figures`,
    );
  }
  return published;
}

/** Publishes notebooks/<name>.ipynb from <from>/<name>.ipynb; returns the file and its size. */
export function publishNotebook(
  name: string,
  options: { from: string; notebooks?: string },
): { file: string; bytes: number } {
  const notebooks = options.notebooks ?? path.join(ROOT, "notebooks");
  const sourceFile = path.join(notebooks, `${name}.ipynb`);
  const executedFile = path.join(options.from, `${name}.ipynb`);
  for (const file of [sourceFile, executedFile]) {
    if (!fs.existsSync(file)) throw new PublishError(`${name}: ${file} does not exist`);
  }
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Notebook;
  const published = publishedNotebook(name, read(sourceFile), read(executedFile), path.join(options.from, name));
  writeFileAtomic(sourceFile, published);
  return { file: sourceFile, bytes: Buffer.byteLength(published) };
}

/** Notebook names from numbers or names, as the runner takes them; default all with an executed copy. */
function selectNames(names: string[], from: string, notebooks: string): string[] {
  const all = fs
    .readdirSync(notebooks)
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => f.slice(0, -".ipynb".length))
    .sort();
  if (names.length === 0) return all.filter((n) => fs.existsSync(path.join(from, `${n}.ipynb`)));
  return names.map((name) => {
    const matches = all.filter((n) => n === name || n.startsWith(`${name}-`));
    if (matches.length !== 1) {
      throw new PublishError(
        `notebook "${name}" ${matches.length === 0 ? "not found" : "is ambiguous"}; name one of: ${all.join(", ")}`,
      );
    }
    return matches[0];
  });
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: "string", default: path.join("out", "full") } },
  });
  const from = path.resolve(values.from!);
  const notebooks = path.join(ROOT, "notebooks");
  const names = selectNames(positionals, from, notebooks);
  if (names.length === 0) throw new PublishError(`no executed notebooks in ${from}`);
  for (const name of names) {
    const { file, bytes } = publishNotebook(name, { from, notebooks });
    console.log(`published ${path.relative(process.cwd(), file)} (${(bytes / 1024).toFixed(0)} KB)`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
