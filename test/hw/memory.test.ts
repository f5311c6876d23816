/** Memory access energy: the published reads exactly, the sqrt-capacity law between and beyond them, the level choice. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  accessEnergy,
  DEFAULT_DRAM_PJ64,
  MEMORY_READS_45NM,
  memoryLevelFor,
  memoryLevels,
  sramReadEnergy,
} from "lowbit/hw";

const KB = 1024,
  MB = 1024 * 1024;
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${a} vs ${b}`);

test("published 64-bit reads: 8 KB 10 pJ, 32 KB 20 pJ, 1 MB 100 pJ, DRAM 1300-2600 pJ", () => {
  assert.equal(sramReadEnergy(8 * KB), 10);
  assert.equal(sramReadEnergy(32 * KB), 20);
  assert.equal(sramReadEnergy(MB), 100);
  assert.deepEqual(MEMORY_READS_45NM.at(-1)?.energyPj64, [1300, 2600]);
  assert.equal(DEFAULT_DRAM_PJ64, 1950);
  assert.deepEqual(
    memoryLevels().map((l) => l.energyPj64),
    [10, 20, 100, 1950],
  );
  assert.equal(memoryLevels(1300).at(-1)?.energyPj64, 1300);
  assert.match(memoryLevels().at(-1)!.source, /range 1300-2600 pJ, lowbit uses 1950/);
});

test("between and beyond the points: power law through the neighbours, sqrt(capacity) outside", () => {
  close(sramReadEnergy(16 * KB), Math.sqrt(10 * 20)); // geometric mean of the neighbours
  close(sramReadEnergy(2 * KB), 5);
  close(sramReadEnergy(4 * MB), 200);
  for (let c = 1 * KB; c < 8 * MB; c *= 1.5) assert.ok(sramReadEnergy(c * 1.5) > sramReadEnergy(c));
});

test("a tensor goes to the smallest level that holds it", () => {
  assert.equal(memoryLevelFor(0).name, "SRAM 8 KB");
  assert.equal(memoryLevelFor(8 * KB).name, "SRAM 8 KB");
  assert.equal(memoryLevelFor(8 * KB + 1).name, "SRAM 32 KB");
  assert.equal(memoryLevelFor(MB).name, "SRAM 1 MB");
  assert.equal(memoryLevelFor(MB + 1).name, "DRAM");
  // LeNet-5's fc1 kernel: 524,288 weights, 2 MB in FP32 (DRAM), 128 KB at 2 bits (1 MB SRAM).
  assert.equal(memoryLevelFor(524288 * 4).name, "DRAM");
  assert.equal(memoryLevelFor(524288 / 4).name, "SRAM 1 MB");
  close(accessEnergy(128, 4 * KB), 20);
  close(accessEnergy(64, 2 * MB), 1950);
});

test("bad capacities and sizes are RangeErrors", () => {
  assert.throws(() => sramReadEnergy(0), /sramReadEnergy capacityBytes must be a positive finite number; got 0/);
  assert.throws(() => memoryLevels(-1), /dramPj64 must be a positive/);
  assert.throws(() => memoryLevelFor(-1), /bytes must be a finite number >= 0/);
});
