/**
 * plotly.js-cartesian-dist-min and playwright-core are optional peer dependencies of lowbit: a figure that
 * needs one that is missing throws OptionalPackageMissingError, naming the package and the
 * version to install (the one lib/package.json pins). A specifier of no installed package stands in
 * for the missing package here; test/scripts/package.test.ts sees the real case in an install
 * without them.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { OptionalPackageMissingError } from "lowbit/viz";
import { resolveOptional } from "../../lib/dist/viz/optional_package";

const peers = (
  JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "lib", "package.json"), "utf8")) as {
    peerDependencies: Record<string, string>;
  }
).peerDependencies;

describe("optional packages of the figures", () => {
  it("resolve when installed", () => {
    assert.equal(
      resolveOptional("plotly.js-cartesian-dist-min", "plotly.js-cartesian-dist-min", "figures"),
      require.resolve("plotly.js-cartesian-dist-min"),
    );
  });

  for (const name of ["plotly.js-cartesian-dist-min", "playwright-core"]) {
    it(`${name} missing: a typed error naming it and its version`, () => {
      assert.throws(
        () => resolveOptional(name, `lowbit-test-not-installed/${name}`, "figures"),
        (e: unknown) => {
          assert.ok(e instanceof OptionalPackageMissingError);
          assert.equal(e.name, "OptionalPackageMissingError");
          assert.equal(e.packageName, name);
          assert.equal(
            e.message,
            `lowbit: figures need ${name}, an optional dependency of lowbit that is not installed; ` +
              `install it next to lowbit with: npm install ${name}@${peers[name].replace(/^\^/, "")}`,
          );
          return true;
        },
      );
    });
  }
});
