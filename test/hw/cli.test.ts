/** The `lowbit cost` command: the table within 100 columns (--wide: all), CSV, JSON, and argument errors with exit code 2. */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";

const ARGS = ["--import", "tsx", "lib/cli.ts"];
const run = (...args: string[]) => spawnSync(process.execPath, [...ARGS, ...args], { encoding: "utf8" });

/** The same, without blocking: the error cases run side by side. */
function runAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...ARGS, ...args]);
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

test("lowbit cost: unknown model or config, bad phase and numbers exit with code 2 and list the choices", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["cost", "--model", "resnet50", "--config", "fp32"],
      /unknown model "resnet50"; choose from resnet32, resnet18, alexnet, lenet5, vgg7, wage-lenet5, qnn-mlp, vgg-net, char-lstm/,
    ],
    [
      ["cost", "--model", "lenet5", "--config", "int3"],
      /unknown config "int3"; choose from fp32, fp16, fp16-mixed, wage-2888, dfp8, bnn, qnn-w1a2, qnn-w1a4, qnn-w2a2, sq-bwn, sq-twn, fp8-acc16/,
    ],
    [["cost", "--config", "fp32"], /--model is required; choose from resnet32, resnet18, alexnet, lenet5/],
    [["cost", "--model", "lenet5"], /--config is required; choose from fp32/],
    [
      ["cost", "--model", "lenet5", "--config", "fp32", "--phase", "train"],
      /--phase must be inference or training; got "train"/,
    ],
    [["cost", "--model", "lenet5", "--config", "fp32", "--batch", "abc"], /--batch must be a number; got "abc"/],
    [
      ["cost", "--model", "lenet5", "--config", "fp32", "--batch", "0"],
      /cost batch must be an integer in \[1, 2\^53 - 1\]; got 0/,
    ],
    [
      ["cost", "--model", "lenet5", "--config", "fp32", "--pe", "1.5"],
      /cost fpga.pe must be an integer in \[1, 2\^53 - 1\]; got 1.5/,
    ],
  ];
  const results = await Promise.all(cases.map(([args]) => runAsync(args)));
  for (const [i, [args, message]] of cases.entries()) {
    const r = results[i];
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test("lowbit cost --model lenet5 --config wage-2888 --phase training prints the layers, a total and the MACs by precision", () => {
  const r = run("cost", "--model", "lenet5", "--config", "wage-2888", "--phase", "training");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^lenet5, wage-2888, training, batch 64\nwage-2888: WAGE 2-8-8-8/);
  assert.match(
    r.stdout,
    /\nlayer\s+kind\s+macs\s+energyUJ\s+nJPerExample\s+weightKiB\s+luts\s+dsps\s+ramb18\s+cycles\n/,
  );
  assert.match(r.stdout, /\ntotal\s+12340224\s/);
  assert.match(
    r.stdout.replace(/\n\s+/g, " "),
    /MACs per example by precision: int2 x int8 8073216, int8 x int8 4267008/,
  );
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 100, `a line of ${line.length} columns: ${line}`);
});

test("lowbit cost --wide shows every column; a wide network still fits 100 columns without it", () => {
  const wide = run("cost", "--model", "lenet5", "--config", "wage-2888", "--phase", "training", "--wide");
  assert.equal(wide.status, 0, wide.stderr);
  assert.match(
    wide.stdout,
    /\nlayer\s+kind\s+macs\s+bitOps\s+computeUJ\s+memoryUJ\s+updateUJ\s+energyUJ\s+nJPerExample\s+weightKiB\s+weightMemory\s+luts\s+dsps\s+ffs\s+ramb18\s+cycles\n/,
  );
  assert.match(wide.stdout, /\ntotal\s+12340224\s+402259968\s/);
  const narrow = run("cost", "--model", "resnet18", "--config", "bnn");
  assert.equal(narrow.status, 0, narrow.stderr);
  for (const line of narrow.stdout.split("\n"))
    assert.ok(line.length <= 100, `a line of ${line.length} columns: ${line}`);
});

test("lowbit cost --json: one object with every column of the library's rows", () => {
  const r = run("cost", "--model", "lenet5", "--config", "wage-2888", "--phase", "training", "--json");
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  assert.equal(o.model, "lenet5");
  assert.equal(o.config.name, "wage-2888");
  assert.deepEqual([o.phase, o.batch, o.fpga], ["training", 64, { pe: 16, simd: 16 }]);
  const total = o.layers.at(-1);
  assert.equal(total.layer, "total");
  assert.deepEqual([total.macs, total.bitOps], [12340224, 402259968]);
  assert.deepEqual(o.macsByPrecision, [
    { precision: "int2 x int8", macs: 8073216 },
    { precision: "int8 x int8", macs: 4267008 },
  ]);
  const list = JSON.parse(run("cost", "--list", "--json").stdout);
  assert.ok(list.models.includes("lenet5"));
  assert.ok(
    list.configs.some((c: { name: string; source: string }) => c.name === "wage-2888" && /Wu et al/.test(c.source)),
  );
});

test("lowbit cost --csv: a header and one line per layer plus the total", () => {
  const r = run("cost", "--model", "resnet32", "--config", "bnn", "--csv", "--batch", "16");
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0], /^layer,kind,macs,bitOps,computeUJ,memoryUJ,updateUJ,energyUJ,nJPerExample,/);
  assert.equal(lines.length, 1 + 32 + 1);
  assert.match(lines.at(-1)!, /^total,,/);
});

test("lowbit cost --list names the models and presets with their sources", () => {
  const r = run("cost", "--list");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /models: resnet32, resnet18, alexnet, lenet5, vgg7, wage-lenet5/);
  // Descriptions wrap at 100 columns: compared with the line breaks as spaces.
  assert.match(r.stdout.replace(/\s+/g, " "), /wage-2888 WAGE 2-8-8-8.*\[Wu et al., ICLR 2018/);
  for (const line of r.stdout.split("\n")) assert.ok(line.length <= 100, `a line of ${line.length} columns: ${line}`);
});
