/**
 * The first figure of a fresh kernel in Jupyter Notebook (issue 24: <= 3 s): a real server and
 * headless Chromium, a one-cell notebook (import lowbit, show a line chart) run in a new kernel,
 * timed from Cell > Run All to the output arriving (the kernel's part: compiling the cell,
 * importing lowbit, sending the output) and to plotly.js having drawn it (the page loads the
 * bundle from the server once; the second page finds it in the browser's cache). Needs
 * jupyter-notebook and Chromium; says so and records nothing without them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium } from "playwright-core";
import { findChromium } from "lowbit/viz";
import { timeFirstFigure } from "../scripts/first-figure";
import { JUPYTER_NOTEBOOK, startJupyter } from "../scripts/jupyter-server";
import { table } from "./timing";

/** Issue 24's bound on the first figure of a fresh kernel, seconds. */
const TARGET_SECONDS = 3;

export async function run(): Promise<void> {
  const executablePath = findChromium();
  if (!JUPYTER_NOTEBOOK || executablePath === undefined) {
    console.log("figure: skipped (needs jupyter-notebook and Chromium)");
    return;
  }
  // Inside the clone: the kernel resolves "lowbit" from the notebook's folder upwards.
  fs.mkdirSync(path.resolve(__dirname, "..", "out"), { recursive: true });
  const dir = fs.mkdtempSync(path.resolve(__dirname, "..", "out", "bench-figure-"));
  const server = await startJupyter(dir);
  const browser = await chromium.launch({
    executablePath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const rows = [];
    for (const page of ["first page (plotly.js not cached)", "second page (plotly.js cached)"]) {
      const t = await timeFirstFigure(server, dir, browser);
      rows.push({
        "fresh kernel": page,
        "output in page s": +t.outputSeconds.toFixed(2),
        "plot drawn s": +t.seconds.toFixed(2),
        "target s": TARGET_SECONDS,
        "drawn / target": +(t.seconds / TARGET_SECONDS).toFixed(2),
      });
    }
    table(rows, "First figure of a fresh kernel in Jupyter Notebook 6.4 (Run All to output, to plot):");
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
