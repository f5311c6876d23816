/**
 * InterruptGuard's SIGINT takeover with several guards: released in any order, the process's
 * own listeners come back exactly; a second SIGINT goes to them once, never back to a guard.
 * Signals are emitted with process.emit (synchronous, as Node delivers them to listeners), with
 * a listener of the test always there so that none can end the test process.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { InterruptGuard } from "lowbit/train";

describe("InterruptGuard", () => {
  test("two guards released out of order give the process's SIGINT listeners back", () => {
    let kernel = 0;
    const other = () => {
      kernel++;
    };
    process.on("SIGINT", other);
    const a = new InterruptGuard(undefined, true);
    const b = new InterruptGuard(undefined, true);
    assert.ok(!process.listeners("SIGINT").includes(other), "taken over while a guard is active");
    a.release();
    assert.ok(!process.listeners("SIGINT").includes(other), "still taken over while b is active");
    b.release();
    assert.deepEqual(process.listeners("SIGINT"), [other]);
    process.emit("SIGINT", "SIGINT");
    assert.equal(kernel, 1, "the next Ctrl-C reaches the process's listener");
    assert.equal(a.reason, undefined);
    assert.equal(b.reason, undefined);
    process.removeListener("SIGINT", other);
  });

  test("in order, and with a guard made after another's release", () => {
    const other = () => {};
    process.on("SIGINT", other);
    const a = new InterruptGuard(undefined, true);
    const b = new InterruptGuard(undefined, true);
    b.release();
    a.release();
    a.release();
    assert.deepEqual(process.listeners("SIGINT"), [other]);
    const c = new InterruptGuard(undefined, true);
    a.release();
    assert.ok(!process.listeners("SIGINT").includes(other), "an old guard's release leaves c's takeover");
    c.release();
    assert.deepEqual(process.listeners("SIGINT"), [other]);
    process.removeListener("SIGINT", other);
  });

  test("the first SIGINT stops every active loop; the second goes to the process's listeners once", () => {
    let kernel = 0;
    const other = () => {
      kernel++;
    };
    process.on("SIGINT", other);
    const a = new InterruptGuard(undefined, true);
    const b = new InterruptGuard(undefined, true);
    process.emit("SIGINT", "SIGINT");
    assert.equal(a.reason, "SIGINT");
    assert.equal(b.reason, "SIGINT");
    assert.equal(kernel, 0);
    process.emit("SIGINT", "SIGINT");
    assert.equal(kernel, 1);
    assert.deepEqual(process.listeners("SIGINT"), [other], "given back on the second SIGINT");
    a.release();
    b.release();
    assert.deepEqual(process.listeners("SIGINT"), [other]);
    process.emit("SIGINT", "SIGINT");
    assert.equal(kernel, 2);
    process.removeListener("SIGINT", other);
  });

  test("a guard without SIGINT leaves the listeners alone; an aborted signal is its reason", () => {
    const other = () => {};
    process.on("SIGINT", other);
    const controller = new AbortController();
    const g = new InterruptGuard(controller.signal, false);
    assert.deepEqual(process.listeners("SIGINT"), [other]);
    controller.abort();
    assert.equal(g.reason, "abort");
    g.release();
    process.removeListener("SIGINT", other);
  });
});
