/**
 * Figures as files for papers and slides: exportFigure(fig, "loss.svg") chooses the format by
 * the extension. .html is a self-contained interactive page (the plotly bundle inline, no
 * CDN); .svg and .png are drawn by plotly.js in headless Chromium (see renderer.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../core/atomic_write";
import type { Figure } from "./figure";
import { plotlyScript } from "./plotly_bundle";
import { type ImageOptions, renderImage } from "./renderer";

const EXTENSIONS = [".html", ".svg", ".png"];

/** JSON that is safe inside an inline <script> (no "</script>", no "<!--"). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** A standalone HTML page drawing `fig` interactively, about 4.8 MB (the plotly bundle). */
export function figureHtml(fig: Figure): string {
  const title =
    typeof (fig.layout.title as { text?: unknown } | undefined)?.text === "string"
      ? String((fig.layout.title as { text: string }).text).replace(/</g, "&lt;")
      : "lowbit figure";
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title>
<script>${plotlyScript()}</script></head>
<body><div id="figure"></div>
<script>Plotly.newPlot("figure", ${scriptJson(fig.data)}, ${scriptJson(fig.layout)}, {displaylogo: false});</script>
</body></html>
`;
}

/**
 * Writes `fig` to `file` (.html, .svg or .png, folders created as needed) and returns the
 * absolute path. The file is written atomically (a kill midway leaves the previous one). Width and height default to the figure's own; scale sets PNG pixel density.
 */
export async function exportFigure(fig: Figure, file: string, options: ImageOptions = {}): Promise<string> {
  const extension = path.extname(file).toLowerCase();
  if (!EXTENSIONS.includes(extension)) {
    throw new RangeError(`lowbit: exportFigure file must end in ${EXTENSIONS.join(", ")}; got ${JSON.stringify(file)}`);
  }
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const content =
    extension === ".html"
      ? figureHtml(fig)
      : extension === ".svg"
        ? await renderImage(fig, "svg", options)
        : await renderImage(fig, "png", options);
  writeFileAtomic(target, content);
  return target;
}
