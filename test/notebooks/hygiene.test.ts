/**
 * What every committed notebook owes its reader (notebooks/*.ipynb), read from the files alone:
 * - no reference to files or trackers outside the repository ("papers.md", "issue <n>", "issues");
 * - every relative link resolves: the file exists and, for an anchor, a heading with that slug
 *   (GitHub's or Jupyter's) is in it;
 * - the chapter's apparatus: "## Goals", "## Exercises" with 3-5 items, "## Summary", "## Claims"
 *   as the section just before "## References" and rendering the claims table (showClaims), and a
 *   parameters cell (a code cell whose first line is "// Parameters");
 * - every decimal number or percentage in markdown (outside $...$ / $$...$$ math, `code`, fenced
 *   code, link targets, version numbers and references such as "Sec. 4.4") appears among the
 *   numbers of the notebook's recorded results (data/results/<name>.full.json, and
 *   <name>-<part>.full.json for a notebook that records several), compared at the precision
 *   written: "2.16%" matches 2.16 or 0.0216 rounded to two decimals of the percentage;
 * - the recorded full run has a non-empty claims array, each measured claim on at least 3 seeds
 *   (5 when its effect is under two standard errors);
 * - the committed file holds the outputs of a run, with at least one image/png, in at most 2 MB.
 * The README links every notebook from its table, and its relative links resolve too.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const NOTEBOOKS = path.join(ROOT, "notebooks");
const RESULTS = path.join(ROOT, "data", "results");

const MAX_BYTES = 2 * 1024 * 1024;
const REQUIRED_HEADINGS = ["## Goals", "## Exercises", "## Summary", "## Claims", "## References"];

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; text?: string | string[]; data?: Record<string, unknown> }[];
}

const join = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : (s ?? ""));

function cells(file: string): Cell[] {
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { cells: Cell[] }).cells;
}

function markdown(file: string): string[] {
  return cells(file)
    .filter((c) => c.cell_type === "markdown")
    .map((c) => join(c.source));
}

/** Markdown without fenced code blocks (headings and links inside them are examples, not text). */
function withoutFences(md: string): string {
  return md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** The h1-h6 headings of markdown text, outside fenced code. */
function headings(md: string): string[] {
  return [...withoutFences(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)].map((m) => m[1]);
}

/** The anchors a heading gets: GitHub's slug and Jupyter's (spaces to "-", case kept). */
function slugs(heading: string): string[] {
  const plain = heading.replace(/<[^>]*>/g, "").replace(/[*_`]/g, "");
  const github = plain
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
  return [github, plain.replace(/ /g, "-")];
}

function anchorsOf(file: string): Set<string> {
  const text = file.endsWith(".ipynb") ? markdown(file).join("\n\n") : fs.readFileSync(file, "utf8");
  return new Set(headings(text).flatMap(slugs));
}

/** Relative link targets in markdown (links, images, href/src attributes), outside fenced code. */
function relativeLinks(md: string): string[] {
  const text = withoutFences(md).replace(/`[^`\n]*`/g, "");
  const targets = [
    ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...text.matchAll(/\b(?:href|src)="([^"]+)"/g)].map((m) => m[1]),
  ];
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

/** Links that do not resolve from `from` (a notebook or the README), as "target: why". */
export function brokenLinks(from: string, md: string): string[] {
  const broken: string[] = [];
  for (const target of relativeLinks(md)) {
    const [file, anchor] = target.split("#", 2);
    const resolved = file === "" ? from : path.resolve(path.dirname(from), decodeURI(file));
    if (!fs.existsSync(resolved)) {
      broken.push(`${target}: no file ${path.relative(ROOT, resolved)}`);
      continue;
    }
    if (anchor !== undefined && anchor !== "" && /\.(ipynb|md)$/.test(resolved)) {
      if (!anchorsOf(resolved).has(decodeURIComponent(anchor))) broken.push(`${target}: no heading with that anchor`);
    }
  }
  return broken;
}

/**
 * Decimal numbers and percentages of markdown prose, as written ("2.16%", "0.95"): math, code,
 * link targets, URLs and HTML tags removed; versions (1.0.22) and numbered references (Sec. 4.4,
 * Table 2.1, arXiv 1802.04680) are not measurements.
 */
export function proseNumbers(md: string): string[] {
  const prose = withoutFences(md)
    .replace(/\$\$[\s\S]*?\$\$/g, " ")
    .replace(/(?<!\\)\$[^$\n]+?(?<!\\)\$/g, " ")
    .replace(/`[^`\n]*`/g, " ")
    .replace(/\]\([^)]*\)/g, "] ")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\d+(?:\.\d+){2,}/g, " ")
    .replace(
      /\b(?:Sec(?:tion|s)?\.?|§|Table|Tab\.|Fig(?:ure|s)?\.?|Eq(?:uation)?s?\.?|Appendix|Alg(?:orithm)?\.?|Chapter|arXiv:?|v)\s*\d+(?:\.\d+)+/gi,
      " ",
    );
  return [...prose.matchAll(/(?<![\d.])\d+(?:\.\d+)?(?:\s?%)|(?<![\d.])\d+\.\d+(?![\d.])/g)].map((m) => m[0]);
}

/** Every number in a JSON value, including numbers written inside its strings. */
function numbersIn(value: unknown, into: number[] = []): number[] {
  if (typeof value === "number") into.push(value);
  else if (typeof value === "string") for (const m of value.matchAll(/\d+(?:\.\d+)?/g)) into.push(Number(m[0]));
  else if (Array.isArray(value)) for (const v of value) numbersIn(v, into);
  else if (typeof value === "object" && value !== null) for (const v of Object.values(value)) numbersIn(v, into);
  return into;
}

/** Whether `written` ("2.16%", "0.95") is one of `values` (or 100 times one) at its written precision. */
export function matchesRecorded(written: string, values: readonly number[]): boolean {
  const digits = written.replace(/\s?%$/, "");
  const x = Number(digits);
  const decimals = digits.includes(".") ? digits.length - digits.indexOf(".") - 1 : 0;
  const half = 0.5 * 10 ** -decimals * (1 + 1e-9);
  return values.some((v) => Math.abs(Math.abs(v) - x) <= half || Math.abs(Math.abs(100 * v) - x) <= half);
}

interface Recorded {
  claims?: { id: string; verdict: string; ours: { mean: number; seeds: number; values: number[] } | null }[];
}

function recordedFiles(name: string): string[] {
  return fs
    .readdirSync(RESULTS)
    .filter((f) => f === `${name}.full.json` || (f.startsWith(`${name}-`) && f.endsWith(".full.json")))
    .map((f) => path.join(RESULTS, f));
}

const notebooks = fs
  .readdirSync(NOTEBOOKS)
  .filter((f) => f.endsWith(".ipynb"))
  .sort()
  .map((f) => f.slice(0, -".ipynb".length));

/** Standard error of the mean of per-seed values (sample standard deviation over sqrt(n)). */
function standardError(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}

describe("notebook hygiene", () => {
  for (const name of notebooks) {
    const file = path.join(NOTEBOOKS, `${name}.ipynb`);

    describe(name, () => {
      it("cites nothing outside the repository: no papers.md, no issue numbers or issues", () => {
        const text = cells(file)
          .flatMap((c) => [join(c.source), ...(c.outputs ?? []).map((o) => join(o.text))])
          .join("\n");
        const found = [...text.matchAll(/papers\.md|\bissues?\s*#?\d+|\bissues\b/gi)].map((m) => m[0]);
        assert.deepEqual(found, []);
      });

      it("every relative link resolves (file, and heading for an anchor)", () => {
        assert.deepEqual(brokenLinks(file, markdown(file).join("\n\n")), []);
      });

      it("has goals, 3-5 exercises, a summary, a parameters cell, and its claims just before the references", () => {
        const all = cells(file);
        const lines = markdown(file).flatMap((md) => withoutFences(md).split("\n"));
        for (const heading of REQUIRED_HEADINGS) assert.ok(lines.includes(heading), `a line "${heading}"`);
        const sections = lines.filter((l) => l.startsWith("## "));
        assert.equal(sections[sections.indexOf("## References") - 1], "## Claims", `sections: ${sections.join(", ")}`);

        const start = lines.indexOf("## Exercises");
        const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
        const items = lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => /^(\d+\.|[-*])\s/.test(l));
        assert.ok(items.length >= 3 && items.length <= 5, `${items.length} exercises`);

        const code = all.filter((c) => c.cell_type === "code").map((c) => join(c.source));
        assert.ok(
          code.some((s) => s.trimStart().split("\n")[0].trim() === "// Parameters"),
          "a code cell whose first line is // Parameters",
        );
        const claimsAt = all.findIndex((c) => c.cell_type === "markdown" && /^## Claims$/m.test(join(c.source)));
        const referencesAt = all.findIndex(
          (c) => c.cell_type === "markdown" && /^## References$/m.test(join(c.source)),
        );
        assert.ok(
          all
            .slice(claimsAt, referencesAt)
            .some((c) => c.cell_type === "code" && /\bshowClaims\(/.test(join(c.source))),
          "the Claims section renders the claims table (showClaims)",
        );
      });

      it("has a recorded full run with claims, each measured one on >= 3 seeds, >= 5 when the effect is under 2 SE", () => {
        const recorded = JSON.parse(fs.readFileSync(path.join(RESULTS, `${name}.full.json`), "utf8")) as Recorded;
        assert.ok(Array.isArray(recorded.claims) && recorded.claims.length > 0, "a non-empty claims array");
        for (const c of recorded.claims) {
          if (c.ours === null) {
            assert.equal(c.verdict, "not attempted", c.id);
            continue;
          }
          assert.ok(c.ours.seeds >= 3 && c.ours.values.length === c.ours.seeds, `${c.id}: ${c.ours.seeds} seeds`);
          const smallEffect = Math.abs(c.ours.mean) < 2 * standardError(c.ours.values);
          assert.ok(
            !smallEffect || c.ours.seeds >= 5,
            `${c.id}: |mean| under two standard errors on ${c.ours.seeds} seeds`,
          );
        }
      });

      it("states no number in markdown that its recorded results do not hold", () => {
        const values = recordedFiles(name).flatMap((f) => numbersIn(JSON.parse(fs.readFileSync(f, "utf8"))));
        assert.ok(values.length > 0, `no recorded results for ${name}`);
        const unmatched = markdown(file)
          .flatMap(proseNumbers)
          .filter((n) => !matchesRecorded(n, values));
        assert.deepEqual(unmatched, []);
      });

      it("carries the outputs of a run, with a static image, in at most 2 MB", () => {
        assert.ok(fs.statSync(file).size <= MAX_BYTES, `${(fs.statSync(file).size / 1048576).toFixed(2)} MB`);
        const outputs = cells(file).flatMap((c) => c.outputs ?? []);
        assert.ok(
          outputs.some((o) => o.data?.["image/png"] !== undefined),
          "an image/png output (npm run publish-notebooks)",
        );
      });
    });
  }
});

describe("README", () => {
  const readme = path.join(ROOT, "README.md");
  const text = fs.readFileSync(readme, "utf8");

  it("links every notebook from its table of notebooks", () => {
    const linked = new Set([...text.matchAll(/^\| \[\d+\]\(notebooks\/([^)]+)\.ipynb\) \|/gm)].map((m) => m[1]));
    assert.deepEqual(
      notebooks.filter((n) => !linked.has(n)),
      [],
    );
  });

  it("every relative link resolves (file, and heading for an anchor)", () => {
    assert.deepEqual(brokenLinks(readme, text), []);
  });
});

describe("hygiene helpers", () => {
  it("reads numbers from prose only, at the precision written", () => {
    assert.deepEqual(
      proseNumbers(
        "Error 2.16% and 0.95, 8 bits, 98 %, $\\eta = 0.5$, `x = 1.5`, Sec. 4.4, tslab 1.0.22, " +
          '[link](a/1.5.md) https://x.org/3.25 <img width="2.5">\n```\n7.5\n```\n$$ 0.25 $$',
      ),
      ["2.16%", "0.95", "98 %"],
    );
    assert.ok(matchesRecorded("2.16%", [0.02164]));
    assert.ok(matchesRecorded("2.16%", [2.1649999]));
    assert.ok(!matchesRecorded("2.16%", [0.02166]));
    assert.ok(matchesRecorded("0.95", [0.9502]));
    assert.ok(!matchesRecorded("0.9", [0.96]));
    assert.ok(matchesRecorded("98 %", [0.9802]));
  });

  it("resolves links to files and heading anchors", () => {
    const from = path.join(NOTEBOOKS, `${notebooks[0]}.ipynb`);
    assert.deepEqual(brokenLinks(from, "[r](../README.md#sweeps) [x](https://example.org/y)"), []);
    assert.deepEqual(brokenLinks(from, "[a](missing.ipynb) [b](../README.md#no-such-heading)"), [
      "missing.ipynb: no file notebooks/missing.ipynb",
      "../README.md#no-such-heading: no heading with that anchor",
    ]);
  });
});
