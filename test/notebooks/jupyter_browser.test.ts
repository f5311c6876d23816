/**
 * Notebook 00 as a user meets it: a real Jupyter Notebook server (127.0.0.1 only, a free port,
 * token auth) with lowbit's tslab kernel, opened in headless Chromium, Cell > Run All clicked.
 * Every request that is not to the local server is aborted, so the plot can only render from
 * the plotly.js the server serves (nbextensions/lowbit/). Runs in the smoke profile on a copy of
 * the notebook (Jupyter's autosave must never write outputs into notebooks/). After Run All the
 * notebook is saved through the server and its size checked: plotly.js must not be in it. Then
 * the first figure of a fresh kernel is timed. The server and its kernels are shut down at the
 * end.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { findChromium } from "lowbit/viz";
import { plotlyNbextensionUrl } from "../../lib/dist/viz/plotly_nbextension";
import { JUPYTER_NOTEBOOK, type JupyterServer, startJupyter } from "../../scripts/jupyter-server";
import { timeFirstFigure } from "../../scripts/first-figure";

const ROOT = path.resolve(__dirname, "..", "..");
const NOTEBOOK = "00-getting-started.ipynb";
/**
 * Figures notebook 00 shows in the smoke profile: the recorded full run's confusion matrix
 * (data/results/00-getting-started.full.json is committed) beside the live one, plus three.
 */
const FIGURES = 5;
/** What saving after Run All may add per figure: its JSON, static SVG and loader. */
const BYTES_PER_FIGURE = 100 * 1024;
const chromiumPath = findChromium();
const missing = !JUPYTER_NOTEBOOK
  ? "jupyter-notebook is not installed"
  : chromiumPath === undefined
    ? "Chromium is not installed"
    : undefined;
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

describe("notebook 00 in Jupyter Notebook", { skip: !process.env.CI && missing }, () => {
  fs.mkdirSync(path.join(ROOT, "out"), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, "out", "test-jupyter-"));
  let server: JupyterServer | undefined;
  let browser: Browser | undefined;

  before(async () => {
    assert.equal(missing, undefined, missing);
    fs.copyFileSync(path.join(ROOT, "notebooks", NOTEBOOK), path.join(work, NOTEBOOK));
    server = await startJupyter(work, { LOWBIT_PROFILE: "smoke" });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("runs all cells, draws the interactive plots with no network, and saves without plotly.js", async () => {
    const { base, token } = server!;
    const page = await browser!.newPage();
    const external: string[] = [];
    const plotlyRequests: string[] = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (/plotly/i.test(url)) plotlyRequests.push(url.replace(/\?.*/, ""));
      if (url.startsWith(base) || url.startsWith("ws://127.0.0.1") || url.startsWith("data:")) return route.continue();
      external.push(url);
      return route.abort();
    });
    const started = performance.now();
    await page.goto(`${base}/notebooks/${NOTEBOOK}?token=${token}`);
    // Wait for the kernel to be idle, then Cell > Run All, as a user would.
    await page.waitForSelector("#kernel_indicator_icon.kernel_idle_icon", { timeout: 60000 });
    await page.click("#celllink");
    await page.click("#run_all_cells");
    await page.waitForSelector(".output_area .plot-container .main-svg", { timeout: 120000 });
    await page.waitForFunction(
      (n) =>
        document.querySelectorAll(".output_area .lowbit-figure .plot-container").length >= n ||
        document.querySelector(".output_error, .output_stderr pre")?.textContent?.includes("Error"),
      FIGURES,
      { timeout: 180000 },
    );
    // Run All has finished when the kernel is idle again with no cell waiting ("In [*]").
    await page.waitForFunction(
      () =>
        document.querySelector("#kernel_indicator_icon.kernel_idle_icon") !== null &&
        Array.from(document.querySelectorAll(".input_prompt")).every((p) => !p.textContent?.includes("*")),
      undefined,
      { timeout: 180000 },
    );
    const plots = await page.locator(".output_area .lowbit-figure .plot-container").count();
    const errors = await page.locator(".output_area .output_error").allTextContents();
    console.log(
      `notebook 00 in Jupyter: ${plots} interactive plots in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `aborted external requests: ${external.length === 0 ? "none" : external.join(", ")}`,
    );
    assert.deepEqual(errors, []);
    assert.equal(plots, FIGURES, `${FIGURES} figures drawn by plotly.js`);
    assert.ok(
      !external.some((u) => /plot\.ly|plotly|cdn/i.test(u)),
      `plotly requested from the network: ${external.join(", ")}`,
    );
    assert.deepEqual(
      [...new Set(plotlyRequests)],
      [`${base}/${plotlyNbextensionUrl()}`],
      "plotly.js comes from the server, once",
    );
    // Progress is one output entry overwritten in place for the whole run (train()'s epochs and
    // sweep()'s runs are lines inside it), not one entry per update: at most one per cell, and
    // train()'s cell has one (sweep()'s has one unless its runs were done before: it resumes).
    const progressPerCell = await page
      .locator(".cell.code_cell")
      .evaluateAll((cells) => cells.map((c) => c.querySelectorAll(".output_area progress").length));
    assert.ok(
      progressPerCell.every((n) => n <= 1),
      `progress entries per cell: ${progressPerCell.join(", ")}`,
    );
    const trainingProgress = await page
      .locator(".output_area progress")
      .evaluateAll((ps) => ps.filter((p) => p.closest(".output_area")?.textContent?.includes("LeNet-5 epoch")).length);
    assert.equal(trainingProgress, 1, "train()'s progress bar");

    // Save as the user would (File > Save: the front end PUTs the notebook to the contents API).
    // Against the source: Jupyter may have autosaved part of the outputs already.
    const before = fs.statSync(path.join(ROOT, "notebooks", NOTEBOOK)).size;
    await page.evaluate(() =>
      (
        window as unknown as { Jupyter: { notebook: { save_notebook(): Promise<unknown> } } }
      ).Jupyter.notebook.save_notebook(),
    );
    const saved = fs.readFileSync(path.join(work, NOTEBOOK), "utf8");
    const added = saved.length - before;
    console.log(
      `notebook 00 saved after Run All: ${before} -> ${saved.length} bytes (+${(added / 1024).toFixed(1)} KB, ${(added / FIGURES / 1024).toFixed(1)} KB per figure)`,
    );
    const outputs = (JSON.parse(saved) as { cells: { outputs?: unknown[] }[] }).cells.flatMap((c) => c.outputs ?? []);
    assert.ok(outputs.length > 0, "the saved notebook holds the outputs");
    assert.doesNotMatch(saved, /plotly\.js v\d/, "the plotly.js bundle is not stored in the notebook");
    assert.ok(added <= FIGURES * BYTES_PER_FIGURE, `saving added ${added} bytes for ${FIGURES} figures`);
    await page.close();
  });

  it("shows the first figure of a fresh kernel, plotly.js from the server", async () => {
    const first = await timeFirstFigure(server!, work, browser!);
    console.log(`first figure of a fresh kernel: ${first.seconds.toFixed(1)} s`);
    assert.deepEqual([...new Set(first.plotlyRequests)], [`${server!.base}/${plotlyNbextensionUrl()}`]);
  });
});
