/**
 * scripts/publish-notebooks.ts on a tiny fixture notebook: figures become their PNGs, progress
 * displays and carriage-return streams their final state, execution counts stay; a stale or
 * failed run, a missing PNG and a result over 2 MB are refused with nothing written. One case
 * runs the real runner on the fixture first, so the figure names show() writes are the ones
 * the publisher reads.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findChromium } from "lowbit/viz";
import {
  finalStreamText,
  MAX_PUBLISHED_BYTES,
  type Notebook,
  PublishError,
  publishedNotebook,
  publishNotebook,
} from "../../scripts/publish-notebooks";

const ROOT = path.resolve(__dirname, "..", "..");
fs.mkdirSync(path.join(ROOT, "out"), { recursive: true });
const dir = fs.mkdtempSync(path.join(ROOT, "out", "test-publish-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// A valid 1 x 1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

function source(): Notebook {
  return {
    cells: [
      { cell_type: "markdown", metadata: {}, source: ["# Fixture\n", "text"] },
      { cell_type: "code", metadata: {}, source: "await show(fig);", outputs: [], execution_count: null },
      { cell_type: "code", metadata: {}, source: "run();", outputs: [], execution_count: null },
    ],
    metadata: { kernelspec: { name: "tslab" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function executed(): Notebook {
  const nb = source();
  nb.cells[1].execution_count = 1;
  nb.cells[1].outputs = [
    {
      output_type: "display_data",
      data: {
        "text/html":
          '<div id="x" class="lowbit-figure" data-lowbit-figure="01-loss" style="width:500px;height:300px">' +
          '<img alt="Loss per step,&lt;br>log scale" width="500" height="300" src="data:image/svg+xml;base64,AAAA"></div><script>draw()</script>',
      },
      metadata: {},
    },
  ];
  nb.cells[2].execution_count = 2;
  nb.cells[2].outputs = [
    { output_type: "stream", name: "stdout", text: "start\nload 10%\rload 50%\rload 100%\ndone\n" },
    {
      output_type: "display_data",
      data: {
        "text/html":
          '<div style="font-family:monospace">sweep <progress value="3" max="3"></progress> 100% 3/3 &lt;1s<br>epoch 1</div>',
      },
      metadata: {},
    },
    { output_type: "display_data", data: { "text/html": "<table></table>" }, metadata: {} },
  ];
  return nb;
}

function figures(): string {
  const folder = fs.mkdtempSync(path.join(dir, "figures-"));
  fs.writeFileSync(path.join(folder, "01-loss.png"), PNG);
  return folder;
}

describe("publish-notebooks", () => {
  it("keeps the source's cells and the run's counts, with figures as PNG and progress as final text", () => {
    const published = JSON.parse(publishedNotebook("fixture", source(), executed(), figures()));
    assert.deepEqual(published.metadata, { kernelspec: { name: "tslab" }, lowbit: { keep_outputs: true } });
    assert.deepEqual(published.cells[0], source().cells[0]);
    assert.deepEqual(
      published.cells.slice(1).map((c: { execution_count: number }) => c.execution_count),
      [1, 2],
    );
    assert.deepEqual(published.cells[1].outputs, [
      {
        output_type: "display_data",
        data: { "image/png": PNG.toString("base64"), "text/plain": "Loss per step, log scale" },
        metadata: { "image/png": { width: 500, height: 300 } },
      },
    ]);
    const [stream, progress, table] = published.cells[2].outputs;
    assert.equal(stream.text, "start\nload 100%\ndone\n");
    assert.deepEqual(progress, {
      output_type: "display_data",
      data: { "text/plain": "sweep  100% 3/3 <1s\nepoch 1" },
      metadata: {},
    });
    assert.deepEqual(table, executed().cells[2].outputs![2]);
    assert.doesNotMatch(JSON.stringify(published), /<script|svg\+xml/);
  });

  it("reduces carriage-return redraws and terminal escapes to what a terminal finally shows", () => {
    assert.equal(finalStreamText("a\r\x1b[Kab\rabc\nx\n"), "abc\nx\n");
  });

  it("refuses a stale run, a failed run, a missing PNG and a result over 2 MB", () => {
    const changed = source();
    changed.cells[2].source = "run(2);";
    assert.throws(() => publishedNotebook("fixture", changed, executed(), figures()), {
      name: "PublishError",
      message: /fixture: the executed copy is stale \(cell 2 differs\)/,
    });
    const fewer = source();
    fewer.cells.pop();
    assert.throws(
      () => publishedNotebook("fixture", fewer, executed(), figures()),
      /stale \(3 cells, the source has 2\)/,
    );
    const failed = executed();
    failed.cells[2].execution_count = null;
    assert.throws(() => publishedNotebook("fixture", source(), failed, figures()), /cell 2 did not run/);
    assert.throws(
      () => publishedNotebook("fixture", source(), executed(), fs.mkdtempSync(path.join(dir, "empty-"))),
      /fixture cell 1: figure 01-loss has no exported PNG/,
    );
    const big = figures();
    fs.writeFileSync(path.join(big, "01-loss.png"), Buffer.alloc(MAX_PUBLISHED_BYTES));
    assert.throws(() => publishedNotebook("fixture", source(), executed(), big), {
      name: "PublishError",
      message: /would be 2\.\d\d MB, more than the 2 MB allowed/,
    });
  });

  it("writes notebooks/<name>.ipynb only when the result is valid", () => {
    const notebooks = fs.mkdtempSync(path.join(dir, "notebooks-"));
    const from = fs.mkdtempSync(path.join(dir, "from-"));
    const original = JSON.stringify(source());
    fs.writeFileSync(path.join(notebooks, "fixture.ipynb"), original);
    const stale = executed();
    stale.cells[0].source = "# Another";
    fs.writeFileSync(path.join(from, "fixture.ipynb"), JSON.stringify(stale));
    assert.throws(() => publishNotebook("fixture", { from, notebooks }), PublishError);
    assert.equal(fs.readFileSync(path.join(notebooks, "fixture.ipynb"), "utf8"), original, "nothing written");

    fs.writeFileSync(path.join(from, "fixture.ipynb"), JSON.stringify(executed()));
    fs.cpSync(figures(), path.join(from, "fixture"), { recursive: true });
    const { file, bytes } = publishNotebook("fixture", { from, notebooks });
    assert.equal(file, path.join(notebooks, "fixture.ipynb"));
    assert.equal(fs.statSync(file).size, bytes);
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).cells[1].outputs[0].metadata["image/png"].width, 500);
  });

  const chromium = findChromium() !== undefined || process.env.CI !== undefined;
  it(
    "publishes what the runner executed: each figure output gets the PNG the runner exported for it",
    {
      skip: chromium ? false : "needs Chromium for the figures",
    },
    () => {
      const notebooks = fs.mkdtempSync(path.join(dir, "run-notebooks-"));
      const out = path.join(dir, "run-out");
      const fixture: Notebook = {
        cells: [
          { cell_type: "markdown", metadata: {}, source: "# Two figures" },
          ...[
            'import { lineChart, show, ProgressBar } from "lowbit/notebook";',
            'await show(lineChart([{ name: "a", y: [1, 2, 3] }], { title: "First" }));\n' +
              'await show(lineChart([{ name: "b", y: [3, 1] }], { title: "Second", width: 500 }));',
            'const bar = new ProgressBar("work", 2);\nbar.tick(2);',
          ].map((s) => ({ cell_type: "code", metadata: {}, source: s, outputs: [], execution_count: null })),
        ],
        metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
        nbformat: 4,
        nbformat_minor: 5,
      };
      // Inside the repository, so that "lowbit" resolves as it does from notebooks/.
      fs.writeFileSync(path.join(notebooks, "figs.ipynb"), JSON.stringify(fixture));
      const run = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(ROOT, "scripts", "notebooks.ts"),
          path.join(notebooks, "figs.ipynb"),
          "--out",
          out,
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
      assert.equal(run.status, 0, run.stdout + run.stderr);
      const { file } = publishNotebook("figs", { from: out, notebooks });
      const cells = JSON.parse(fs.readFileSync(file, "utf8")).cells;
      const images = cells[2].outputs.map((o: { data: Record<string, string> }) => o.data["image/png"]);
      assert.deepEqual(images, [
        fs.readFileSync(path.join(out, "figs", "01-first.png")).toString("base64"),
        fs.readFileSync(path.join(out, "figs", "02-second.png")).toString("base64"),
      ]);
      assert.equal(cells[2].outputs[1].metadata["image/png"].width, 500);
      assert.match(cells[3].outputs[0].data["text/plain"], /^work {2}100% 2\/2 /);
    },
  );
});
