/**
 * show(fig): a figure in the notebook, interactive where scripts run and still visible where
 * they do not.
 *
 * - plotly.js is not in the notebook: each output loads it, once per page, from the Jupyter
 *   server (see plotly_nbextension.ts; `npm run kernel` installs it there). An output holds the
 *   figure's JSON, a static SVG and a short loader, a few tens of KB. No CDN.
 * - The interactive figure is displayed first; the static SVG (drawn by Chromium, see
 *   renderer.ts, whose first start in a process takes seconds) replaces that output when
 *   ready, as its placeholder, before show() returns. Untrusted notebooks, executed copies
 *   opened later, nbviewer, GitHub and nbconvert's HTML run no scripts or have no server: they
 *   show that image. Without Chromium the figure is interactive only, and a note says so.
 * - With LOWBIT_FIGURES_DIR set (the notebook runner and `npm run figures` set it), each
 *   figure is also written there as NN-name.svg and NN-name.png. The output's element carries
 *   that stem (data-lowbit-figure="NN-name"): scripts/publish-notebooks.ts finds by it which PNG
 *   replaces which output.
 * Outside a notebook, show() only writes those files and prints where.
 */
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { updatableDisplay } from "../nb/display";
import { exportFigure, scriptJson } from "./export";
import type { Figure } from "./figure";
import { plotlyNbextensionUrl } from "./plotly_nbextension";
import { ChromiumNotFoundError, renderImage } from "./renderer";

export interface ShowOptions {
  /** File name stem for LOWBIT_FIGURES_DIR; default from the title, else "figure". */
  name?: string;
}

let figureCount = 0;
let staticWarning = false;

/** "Loss per step (log scale)" -> "loss-per-step-log-scale". */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<br\s*\/?>/gi, " ") // a line break (figure titles are wrapped to fit) separates words
    .replace(/<[^>]*>/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
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

/**
 * The output's HTML: a div with `placeholder` inside, and a script that loads plotly.js from the
 * Jupyter server (once per page: the promise is kept on window) and then draws the figure over
 * the placeholder. If the bundle cannot be loaded, the placeholder stays.
 */
function figureOutput(fig: Figure, name: string, placeholder: string): string {
  const width = Number(fig.layout.width ?? 640),
    height = Number(fig.layout.height ?? 400);
  const id = `lowbit-figure-${randomBytes(6).toString("hex")}`;
  return `<div id="${id}" class="lowbit-figure" data-lowbit-figure="${escapeAttribute(name)}" style="width:${width}px;height:${height}px">${placeholder}</div>
<script>(function () {
  var el = document.getElementById("${id}");
  if (!el) return;
  function draw() {
    // An output replaced (by its static image's update) before plotly.js arrived draws nothing.
    if (!document.body.contains(el)) return;
    el.innerHTML = "";
    window.Plotly.newPlot(el, ${scriptJson(fig.data)}, ${scriptJson(fig.layout)}, {displaylogo: false});
  }
  if (window.Plotly) return draw();
  if (!window.lowbitPlotly) window.lowbitPlotly = new Promise(function (resolve, reject) {
    var config = document.getElementById("jupyter-config-data");
    var base = document.body.getAttribute("data-base-url") || (config && JSON.parse(config.textContent).baseUrl) || "/";
    var script = document.createElement("script");
    script.src = (base.slice(-1) === "/" ? base : base + "/") + "${plotlyNbextensionUrl()}";
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
  window.lowbitPlotly.then(draw, function () {});
})();</script>`;
}

const NO_IMAGE =
  "<p>This interactive figure needs a trusted notebook in Jupyter Notebook with lowbit's kernel " +
  "installed (npm run kernel serves plotly.js); with Chromium installed it also carries a static image.</p>";

/** Draws `fig` in the current notebook cell (see the file comment); await it. */
export async function show(fig: Figure, options: ShowOptions = {}): Promise<void> {
  figureCount++;
  const title = titleOf(fig);
  const stem = options.name ?? (title !== undefined ? slug(title) : "");
  const name = `${String(figureCount).padStart(2, "0")}-${stem || "figure"}`;
  const display = updatableDisplay();
  // Interactive at once; the static image (seconds for the first figure of a process) follows.
  display?.html(figureOutput(fig, name, NO_IMAGE));
  const svg = await staticSvg(fig);

  const dir = process.env.LOWBIT_FIGURES_DIR;
  const written: string[] = [];
  if (dir && svg !== undefined) {
    written.push(await exportFigure(fig, path.join(dir, `${name}.svg`)));
    written.push(await exportFigure(fig, path.join(dir, `${name}.png`)));
  }

  if (display === undefined) {
    console.log(
      `figure ${name}${title ? ` "${title}"` : ""}: ${written.length > 0 ? written.join(", ") : "not in a notebook; use exportFigure() to save it"}`,
    );
    return;
  }
  if (svg !== undefined) {
    const width = Number(fig.layout.width ?? 640),
      height = Number(fig.layout.height ?? 400);
    display.html(
      figureOutput(
        fig,
        name,
        `<img alt="${escapeAttribute(title ?? name)}" width="${width}" height="${height}" ` +
          `src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}">`,
      ),
    );
  }
}
