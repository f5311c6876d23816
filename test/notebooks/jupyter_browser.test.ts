/**
 * Notebook 00 as a user meets it: a real Jupyter Notebook server (127.0.0.1 only, a free port,
 * token auth) with lowbit's tslab kernel, opened in headless Chromium, Cell > Run All clicked.
 * Every request that is not to the local server is aborted, so the plot can only render from
 * the plotly bundle lowbit sends. Runs in the smoke profile on a copy of the notebook (Jupyter's
 * autosave must never write outputs into notebooks/). The server and its kernels are shut down
 * at the end.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { chromium, Browser } from "playwright-core";
import { findChromium } from "lowbit";
import { JUPYTER_DATA, writeKernelSpec } from "../../scripts/kernel";

const ROOT = path.resolve(__dirname, "..", "..");
const NOTEBOOK = "00-getting-started.ipynb";
const jupyter = spawnSync("sh", ["-c", "command -v jupyter-notebook"], { encoding: "utf8" }).stdout.trim();
const chromiumPath = findChromium();
const missing = !jupyter ? "jupyter-notebook is not installed" : chromiumPath === undefined ? "Chromium is not installed" : undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`jupyter-notebook exited with ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`jupyter-notebook did not answer ${url} within 30 s:\n${log()}`);
}

describe("notebook 00 in Jupyter Notebook", { skip: !process.env.CI && missing }, () => {
  const token = randomBytes(16).toString("hex");
  fs.mkdirSync(path.join(ROOT, "out"), { recursive: true });
  const work = fs.mkdtempSync(path.join(ROOT, "out", "test-jupyter-"));
  let server: ChildProcess;
  let base = "";
  let serverLog = "";
  let browser: Browser | undefined;

  before(async () => {
    assert.equal(missing, undefined, missing);
    writeKernelSpec();
    fs.copyFileSync(path.join(ROOT, "notebooks", NOTEBOOK), path.join(work, NOTEBOOK));
    for (const d of ["config", "runtime"]) fs.mkdirSync(path.join(work, d));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(jupyter, [
      "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0", `--NotebookApp.token=${token}`,
      `--notebook-dir=${work}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
    ], {
      env: {
        ...process.env, LOWBIT_PROFILE: "smoke", JUPYTER_PATH: JUPYTER_DATA,
        JUPYTER_CONFIG_DIR: path.join(work, "config"), JUPYTER_RUNTIME_DIR: path.join(work, "runtime"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (d) => { serverLog += d; });
    server.stderr!.on("data", (d) => { serverLog += d; });
    await waitForServer(`${base}/api/status?token=${token}`, server, () => serverLog);
  });

  after(async () => {
    await browser?.close();
    if (server !== undefined && server.exitCode === null) {
      const kernels = await (await fetch(`${base}/api/kernels?token=${token}`)).json() as { id: string }[];
      await Promise.all(kernels.map((k) => fetch(`${base}/api/kernels/${k.id}?token=${token}`, { method: "DELETE" })));
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), 10000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("runs all cells and draws the interactive plots with no network", async () => {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    const page = await browser.newPage();
    const external: string[] = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
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
    await page.waitForFunction(() => document.querySelectorAll(".output_area .lowbit-figure .plot-container").length >= 4
      || document.querySelector(".output_error, .output_stderr pre")?.textContent?.includes("Error"), undefined, { timeout: 180000 });
    const plots = await page.locator(".output_area .lowbit-figure .plot-container").count();
    const errors = await page.locator(".output_area .output_error").allTextContents();
    console.log(`notebook 00 in Jupyter: ${plots} interactive plots in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `aborted external requests: ${external.length === 0 ? "none" : external.join(", ")}`);
    assert.deepEqual(errors, []);
    assert.equal(plots, 4, "four figures drawn by plotly.js");
    assert.ok(!external.some((u) => /plot\.ly|plotly|cdn/i.test(u)), `plotly requested from the network: ${external.join(", ")}`);
    // The progress bar ended at 100 % in place: one entry per epoch, not one per update.
    const progress = await page.locator(".output_area progress").count();
    assert.equal(progress, 2);
  });
});
