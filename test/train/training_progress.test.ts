/**
 * train()'s progress renderers: the terminal one on a pipe writes a line per tenth of an epoch,
 * a line per epoch record and, after an interrupt, where training stopped; on a TTY it redraws
 * one line in place. The notebook renderer is the one train() picks in a notebook.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { NotebookProgress } from "lowbit/notebook";
import { TerminalProgress } from "lowbit/train";

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = {
    isTTY,
    text: "",
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

const layers = {};

describe("TerminalProgress", () => {
  test("on a pipe: tenths of the epoch, the epoch's record, the interrupt", () => {
    const out = stream(false);
    const p = new TerminalProgress(out);
    p.start({ label: "run", epochs: 2, firstEpoch: 0, stepsPerEpoch: 20 });
    for (let s = 1; s <= 20; s++) p.step({ step: s, epoch: 1, loss: 1 / s });
    p.epoch({ epoch: 1, loss: 0.25, accuracy: 0.9, seconds: 1.5, layers, metrics: { bleu: 41.25 } });
    for (let s = 21; s <= 23; s++) p.step({ step: s, epoch: 2, loss: 0.1 });
    p.end({ steps: 23, epochs: 1, stoppedEarly: false, interrupted: true });
    const lines = out.text.trimEnd().split("\n");
    assert.equal(lines.filter((l) => l.startsWith("run epoch 1/2 ")).length, 11);
    assert.ok(lines.includes("run epoch 1: loss 0.2500, accuracy 90.00%, bleu 41.25 (1.5 s)"), out.text);
    assert.equal(lines.at(-1), "run: interrupted after step 23: the model holds that step (1 epoch, 23 steps)");
    assert.ok(!out.text.includes("\r"));
  });

  test("on a TTY: one line redrawn in place per epoch", () => {
    const out = stream(true);
    const p = new TerminalProgress(out, 10);
    p.start({ label: "tty", epochs: 1, firstEpoch: 0, stepsPerEpoch: 4 });
    for (let s = 1; s <= 4; s++) p.step({ step: s, epoch: 1, loss: 0.5 });
    p.end({ steps: 4, epochs: 1, stoppedEarly: false, interrupted: false });
    assert.equal(out.text.split("\r").length - 1, 4);
    assert.match(out.text, /tty epoch 1\/1 █{10} 4\/4 \d+s loss 0\.5000/);
    assert.ok(out.text.endsWith("\n"));
  });
});

describe("NotebookProgress", () => {
  test("one display overwritten; its last state names the interrupt", () => {
    const shown: string[] = [];
    const p = new NotebookProgress({ html: (s) => shown.push(s), svg() {}, png() {}, text() {} });
    p.start({ label: "nb <1>", epochs: 1, firstEpoch: 0, stepsPerEpoch: undefined });
    p.step({ step: 1, epoch: 1, loss: 2 });
    const log = console.log;
    const printed: string[] = [];
    console.log = (s: string) => printed.push(s);
    try {
      p.end({ steps: 1, epochs: 0, stoppedEarly: false, interrupted: true });
    } finally {
      console.log = log;
    }
    assert.match(shown.at(-1)!, /nb &lt;1&gt; epoch 1\/1 1 steps/);
    assert.match(shown.at(-1)!, /<b>interrupted after step 1: the model holds that step \(0 epochs, 1 step\)<\/b>/);
    assert.deepEqual(printed, ["nb <1>: interrupted after step 1: the model holds that step (0 epochs, 1 step)"]);
  });
});
