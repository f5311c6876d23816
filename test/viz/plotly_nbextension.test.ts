/** installPlotlyNbextension: the bundle copied byte for byte where Jupyter serves nbextensions/. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installPlotlyNbextension, plotlyNbextensionUrl, plotlyVersion } from "../../lib/dist/viz/plotly_nbextension";

test("copies the bundle under nbextensions/lowbit/, once, and drops other releases", () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "lowbit-nbext-"));
  try {
    const stale = path.join(data, "nbextensions", "lowbit", "plotly-0.0.1.min.js");
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, "old");
    const file = installPlotlyNbextension(data);
    assert.equal(path.relative(data, file), plotlyNbextensionUrl());
    assert.equal(plotlyNbextensionUrl(), `nbextensions/lowbit/plotly-${plotlyVersion()}.min.js`);
    assert.ok(fs.readFileSync(file).equals(fs.readFileSync(require.resolve("plotly.js-cartesian-dist-min"))));
    assert.ok(!fs.existsSync(stale), "the other release is removed");
    const written = fs.statSync(file).mtimeMs;
    installPlotlyNbextension(data);
    assert.equal(fs.statSync(file).mtimeMs, written, "an identical copy is left alone");
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});
