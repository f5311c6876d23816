/**
 * The README's claims table is what scripts/claims-readme.ts generates from the recorded full
 * runs (a run recorded without regenerating it fails here), and the generator replaces exactly
 * the text between its markers.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { claimsSection, END, README, START, withClaimsSection } from "../../scripts/claims-readme";

describe("claims:readme", () => {
  it("README.md holds the generated table of every notebook's claims", () => {
    const readme = fs.readFileSync(README, "utf8");
    assert.equal(readme, withClaimsSection(readme, claimsSection()), "run npm run claims:readme");
  });

  it("replaces only the text between the markers, and refuses a README without them", () => {
    const before = `# t\n\n${START}\nold table\n${END}\n\nafter\n`;
    assert.equal(withClaimsSection(before, "new\n"), `# t\n\n${START}\nnew\n${END}\n\nafter\n`);
    assert.throws(() => withClaimsSection("# t\n", "new\n"), { name: "RangeError", message: /claims:start/ });
    assert.throws(() => withClaimsSection(`${END}\n${START}\n`, "new\n"), RangeError);
  });
});
