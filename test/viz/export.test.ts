/**
 * exportFigure end to end in headless Chromium: the PNG is a real PNG of the requested size
 * (read from its IHDR chunk), the SVG holds the plot's traces, the HTML carries the local bundle.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { exportFigure, lineChart } from "lowbit/notebook";
import { closeFigureRenderer, findChromium } from "lowbit/viz";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-export-"));
after(async () => {
  await closeFigureRenderer();
  fs.rmSync(dir, { recursive: true, force: true });
});

const fig = lineChart(
  [
    { name: "float32", y: [2.3, 1.1, 0.6, 0.4] },
    { name: "8-bit", y: [2.3, 1.3, 0.8, 0.5], error: [0, 0.1, 0.1, 0.05] },
  ],
  { title: "Export test", x: { title: "step" }, y: { title: "loss", log: true } },
);

/** Width and height from a PNG's signature and IHDR chunk (the first chunk, by the PNG spec). */
function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.equal(bytes.readUInt32BE(8), 13, "IHDR length");
  assert.equal(bytes.toString("latin1", 12, 16), "IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe(
  "exportFigure",
  {
    skip: findChromium() === undefined && !process.env.CI && "Chromium is not installed",
  },
  () => {
    it("writes a PNG of width x height at scale", async () => {
      const started = performance.now();
      const file = await exportFigure(fig, path.join(dir, "a", "loss.png"), { width: 500, height: 300, scale: 2 });
      const first = performance.now() - started;
      assert.deepEqual(pngSize(fs.readFileSync(file)), { width: 1000, height: 600 });
      const again = performance.now();
      const one = await exportFigure(fig, path.join(dir, "loss1.png"), { width: 321, height: 123, scale: 1 });
      console.log(
        `png export: first ${first.toFixed(0)} ms (browser start), next ${(performance.now() - again).toFixed(0)} ms`,
      );
      assert.deepEqual(pngSize(fs.readFileSync(one)), { width: 321, height: 123 });
    });

    it("writes an SVG with one trace group per series, their names and the title", async () => {
      const svg = fs.readFileSync(await exportFigure(fig, path.join(dir, "loss.svg")), "utf8");
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.equal(svg.match(/class="trace scatter/g)?.length, 2);
      assert.match(svg, /float32/);
      assert.match(svg, /8-bit/);
      assert.match(svg, /Export test/);
    });
  },
);

describe("exportFigure html", () => {
  it("is self-contained: the plotly bundle inline, no external script", async () => {
    const html = fs.readFileSync(await exportFigure(fig, path.join(dir, "loss.html")), "utf8");
    assert.match(html, /plotly\.js \(cartesian - minified\) v\d/);
    assert.match(html, /Plotly\.newPlot\("figure", \[\{"type":"scatter","name":"float32"/);
    assert.doesNotMatch(html, /<script[^>]+src=/);
  });

  it("names the allowed extensions for another one", async () => {
    await assert.rejects(
      exportFigure(fig, path.join(dir, "loss.pdf")),
      /exportFigure file must end in \.html, \.svg, \.png; got ".*loss\.pdf"/,
    );
  });
});

describe("exportFigure without Chromium", () => {
  it("says how to install it for SVG and PNG, and still writes HTML", async () => {
    await closeFigureRenderer();
    const saved = process.env.LOWBIT_CHROMIUM;
    process.env.LOWBIT_CHROMIUM = path.join(dir, "no-such-chromium");
    try {
      await assert.rejects(
        exportFigure(fig, path.join(dir, "none.png")),
        /not found at LOWBIT_CHROMIUM=.*no-such-chromium\. Install it with\n {2}sudo apt-get install --no-install-recommends chromium fonts-liberation/,
      );
      assert.ok(fs.statSync(await exportFigure(fig, path.join(dir, "still.html"))).size > 1e6);
    } finally {
      if (saved === undefined) delete process.env.LOWBIT_CHROMIUM;
      else process.env.LOWBIT_CHROMIUM = saved;
    }
  });
});
