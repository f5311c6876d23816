"""Drives a real tslab kernel through Jupyter (jupyter_client) for test/nb/interrupt_kernel.test.ts.

Runs a cell that trains with lowbit's train(), sends Kernel > Interrupt (interrupt_kernel(),
SIGINT to the kernel process) once the loop has done a few steps, and times how long the cell
takes to end; then runs cells that read the step counter twice, a second apart. Prints one JSON
object: the cells' outputs, the seconds from the interrupt to the end of the cell, and the counts.
Usage: python3 interrupt_kernel.py <kernel cwd>  (JUPYTER_PATH must point at the kernel spec).
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager

SETUP = """
import * as tf from "lowbit/tf";
import { initBackend, quantDense } from "lowbit";
import { train } from "lowbit/train";
// As in every notebook: lowbit/notebook registers train()'s notebook progress display.
import "lowbit/notebook";
const model = tf.sequential({ layers: [quantDense({ inputShape: [32], units: 64, activation: "relu", seed: 1 }), quantDense({ units: 4, seed: 2 })] });
let stepsSeen = 0;
function* endless() {
  for (let i = 0; ; i++) yield { x: tf.randomUniform([64, 32], -1, 1, "float32", i), y: tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, k) => (i + k) % 4), "int32"), 4), "float32") };
}
console.log("ready");
"""

BACKEND = 'await initBackend({ backend: "cpu", quiet: true }); console.log("backend");' 

TRAIN = """
const run = await train({
  model: model, optimizer: tf.train.adam(0.001), batches: endless(), epochs: 1, stepsPerEpoch: 10000000, label: "kernel test",
  onStep: (r) => { stepsSeen = r.step; if (r.step === 5) console.log("step 5"); },
});
console.log(`train returned: interrupted ${run.interrupted}, stepsDone ${run.stepsDone}, stepsSeen ${stepsSeen}`);
"""

COUNT = 'console.log(JSON.stringify({ steps: stepsSeen, tensors: tf.memory().numTensors }));'


def execute(kc, code, timeout, on_output=None):
    """Runs code; returns (stream text, error text, seconds, other iopub texts)."""
    msg_id = kc.execute(code)
    text, errors, displays = [], [], []
    start = time.time()
    while True:
        remaining = timeout - (time.time() - start)
        if remaining <= 0:
            raise TimeoutError(f"cell did not finish in {timeout} s: {''.join(text)}")
        msg = kc.get_iopub_msg(timeout=remaining)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            text.append(content["text"])
            if on_output is not None:
                on_output("".join(text))
        elif kind == "error":
            errors.append(f"{content['ename']}: {content['evalue']}")
        elif kind in ("display_data", "update_display_data"):
            displays.append(json.dumps(content.get("data", {})))
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(text), "\n".join(errors), time.time() - start, displays


def main():
    km = KernelManager(kernel_name="tslab")
    km.start_kernel(cwd=sys.argv[1])
    kc = km.client()
    kc.start_channels()
    out = {}
    try:
        kc.wait_for_ready(timeout=60)
        out["setup"] = execute(kc, SETUP, 60)[:2]
        out["backend"] = execute(kc, BACKEND, 60)[:2]
        interrupted_at = {}

        def interrupt_once(text):
            if "step 5" in text and "t" not in interrupted_at:
                interrupted_at["t"] = time.time()
                km.interrupt_kernel()

        text, errors, _, displays = execute(kc, TRAIN, 60, interrupt_once)
        ended = time.time()
        out["train"] = {
            "stdout": text,
            "errors": errors,
            "secondsAfterInterrupt": ended - interrupted_at["t"] if "t" in interrupted_at else None,
            "displayMentionsInterrupt": any("interrupted after step" in d for d in displays),
        }
        first = execute(kc, COUNT, 30)[0]
        time.sleep(1.5)
        second = execute(kc, COUNT, 30)[0]
        out["counts"] = [json.loads(first), json.loads(second)]
        out["alive"] = km.is_alive()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(out))


main()
