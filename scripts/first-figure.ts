/**
 * How long the first figure of a fresh kernel takes to show in Jupyter Notebook: a one-cell
 * notebook (import lowbit, show a line chart) is written to the server's folder, opened in
 * Chromium, and timed from Cell > Run All to the first plotly SVG in the output. That span holds
 * the kernel compiling the cell, importing lowbit, sending the output, and the page loading
 * plotly.js from the server. Used by test/notebooks/ and the benchmark `figure`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";
import type { JupyterServer } from "./jupyter-server";

/** Calls so far: each opens its own notebook, since the server gives a reopened one its old kernel. */
let calls = 0;

const CELL =
  'import { lineChart, show } from "lowbit/notebook";\n' +
  'await show(lineChart([{ name: "loss", y: [2.3, 1.1, 0.6, 0.4] }], { title: "first figure" }));';

function notebook(): string {
  return (
    JSON.stringify(
      {
        cells: [
          {
            id: "first-figure",
            cell_type: "code",
            execution_count: null,
            metadata: {},
            outputs: [],
            source: CELL.split(/(?<=\n)/),
          },
        ],
        metadata: {
          kernelspec: { display_name: "TypeScript (lowbit)", language: "typescript", name: "tslab" },
          language_info: { name: "typescript" },
        },
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    ) + "\n"
  );
}

export interface FirstFigure {
  /** Run All to the first plot drawn, seconds. */
  seconds: number;
  /** Run All to the figure's output in the page (the kernel's share), seconds. */
  outputSeconds: number;
  /** URLs of plotly.js the page fetched (expected: the server's nbextensions/ copy). */
  plotlyRequests: string[];
}

/** Opens the one-cell notebook in a fresh kernel on `server` and times its figure. */
export async function timeFirstFigure(
  server: JupyterServer,
  notebookDir: string,
  browser: Browser,
): Promise<FirstFigure> {
  const name = `first-figure-${++calls}.ipynb`;
  fs.writeFileSync(path.join(notebookDir, name), notebook());
  const page = await browser.newPage();
  const plotlyRequests: string[] = [];
  page.on("request", (r) => {
    if (/plotly/i.test(r.url())) plotlyRequests.push(r.url().replace(/\?.*/, ""));
  });
  try {
    await page.goto(`${server.base}/notebooks/${name}?token=${server.token}`);
    await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 60000 });
    const started = performance.now();
    await page.click("#celllink");
    await page.click("#run_all_cells");
    await page.waitForSelector(".output_area .lowbit-figure", { state: "attached", timeout: 120000 });
    const output = performance.now();
    await page.waitForSelector(".output_area .lowbit-figure .plot-container .main-svg", { timeout: 120000 });
    return { seconds: (performance.now() - started) / 1000, outputSeconds: (output - started) / 1000, plotlyRequests };
  } finally {
    await page.close();
  }
}
