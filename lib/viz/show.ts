/**
 * show(fig): a figure in the notebook, interactive where scripts run and still visible where
 * they do not.
 *
 * - plotly.js comes from the local bundle, sent once per kernel (once per notebook run) inside
 *   the first figure's output; every later figure only calls Plotly.newPlot. No CDN. (If that
 *   first output is cleared and the page reloaded, later figures fall back to their static
 *   image until the notebook is run again in a fresh kernel.)
 * - Each output also carries a static SVG of the same figure (drawn by Chromium, see
 *   renderer.ts) as the placeholder the script replaces. Untrusted notebooks in Jupyter,
 *   executed copies opened later, nbviewer and GitHub run no scripts: they show that image.
 *   Without Chromium the figure is interactive only, and a note says how to get the image.
 * - With LOWBIT_FIGURES_DIR set (the notebook runner and `npm run figures` set it), each
 *   figure is also written there as NN-name.svg and NN-name.png.
 * Outside a notebook, show() only writes those files and prints where.
 */
import * as path from "path";
import { randomBytes } from "crypto";
import { cellDisplay } from "../nb/display";
import { exportFigure, scriptJson } from "./export";
import type { Figure } from "./figure";
import { plotlyScript } from "./plotly_bundle";
import { ChromiumNotFoundError, renderImage } from "./renderer";

export interface ShowOptions {
  /** File name stem for LOWBIT_FIGURES_DIR; default from the title, else "figure". */
  name?: string;
}

let bundleSent = false;
let figureCount = 0;
let staticWarning = false;

/** "Loss per step (log scale)" -> "loss-per-step-log-scale". */
function slug(text: string): string {
  return text.toLowerCase().replace(/<[^>]*>/g, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 60);
}

function titleOf(fig: Figure): string | undefined {
  const title = fig.layout.title as { text?: unknown } | string | undefined;
  if (typeof title === "string") return title;
  return typeof title?.text === "string" ? title.text : undefined;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** The static SVG, or undefined (with one note per process) when Chromium cannot draw it. */
async function staticSvg(fig: Figure): Promise<string | undefined> {
  try {
    return await renderImage(fig, "svg");
  } catch (e) {
    if (!staticWarning) {
      staticWarning = true;
      const reason = e instanceof ChromiumNotFoundError ? e.message : `lowbit: static figure failed: ${String(e)}`;
      console.error(`${reason}\n(figures stay interactive; viewers that run no scripts will show none)`);
    }
    return undefined;
  }
}

/** Draws `fig` in the current notebook cell (see the file comment); await it. */
export async function show(fig: Figure, options: ShowOptions = {}): Promise<void> {
  figureCount++;
  const title = titleOf(fig);
  const stem = options.name ?? (title !== undefined ? slug(title) : "");
  const name = `${String(figureCount).padStart(2, "0")}-${stem || "figure"}`;
  const svg = await staticSvg(fig);

  const dir = process.env.LOWBIT_FIGURES_DIR;
  const written: string[] = [];
  if (dir && svg !== undefined) {
    written.push(await exportFigure(fig, path.join(dir, `${name}.svg`)));
    written.push(await exportFigure(fig, path.join(dir, `${name}.png`)));
  }

  const display = cellDisplay();
  if (display === undefined) {
    console.log(`figure ${name}${title ? ` "${title}"` : ""}: ${written.length > 0 ? written.join(", ") : "not in a notebook; use exportFigure() to save it"}`);
    return;
  }
  const width = Number(fig.layout.width ?? 640), height = Number(fig.layout.height ?? 400);
  const id = `lowbit-figure-${randomBytes(6).toString("hex")}`;
  const placeholder = svg !== undefined
    ? `<img alt="${escapeAttribute(title ?? name)}" width="${width}" height="${height}" ` +
      `src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}">`
    : "<p>This interactive figure needs its notebook to be trusted and run (plotly.js is sent with the first figure).</p>";
  const loader = bundleSent ? "" : `<script>${plotlyScript()}</script>\n`;
  bundleSent = true;
  display.html(`${loader}<div id="${id}" class="lowbit-figure" style="width:${width}px;height:${height}px">${placeholder}</div>
<script>(function () {
  var el = document.getElementById("${id}");
  if (!window.Plotly || !el) return;
  el.innerHTML = "";
  window.Plotly.newPlot(el, ${scriptJson(fig.data)}, ${scriptJson(fig.layout)}, {displaylogo: false});
})();</script>`);
}
