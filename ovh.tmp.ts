import { sweep } from "lowbit";
import * as fs from "node:fs";
(async () => {
  for (const workers of [1, 2, 1, 2]) {
    fs.rmSync("/tmp/ovh", { recursive: true, force: true });
    const t0 = performance.now();
    await sweep({ experiment: "least-squares-sgd", configurations: [{ steps: 10 }], seeds: { count: 4 }, output: "/tmp/ovh" }, { workers, progress: false });
    console.log(workers, (performance.now() - t0).toFixed(0), "ms");
  }
})();
