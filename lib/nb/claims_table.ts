/**
 * Claims as a reader sees them: the table that ends each notebook (showClaims), the table of all
 * notebooks (allClaims, claimsMarkdown: notebook 00 and the README), read from the recorded
 * full-profile results files. A smoke run shows the recorded full result with its own numbers
 * beside it, labelled, so a quick run never passes for the claim.
 */
import * as fs from "node:fs";
import { showTable } from "../viz/table";
import { formatMeasured, type Claim } from "./claims";
import { profile } from "./profile";
import { readResults, resultsDir } from "./results";

/** A claim with the notebook (results name) that records it. */
export interface NotebookClaim extends Claim {
  notebook: string;
}

function paperText(c: Claim): string {
  return c.paper.value === null ? c.paper.source : `${c.paper.value} (${c.paper.source})`;
}

/**
 * Shows the claims table of notebook `name`. In the full profile `live` is what this run
 * records; in the smoke profile the table shows the recorded full run and, beside each claim,
 * this run's value labelled as smoke (a recorded claim the smoke run does not measure shows "—").
 */
export function showClaims(name: string, live: readonly Claim[]): void {
  const columns = ["claim", "metric", "dataset", "paper", "ours (95% CI)", "verdict"];
  const row = (c: Claim) => [c.claim, c.metric, c.dataset, paperText(c), formatMeasured(c.ours), c.verdict];
  if (profile() === "full") {
    showTable(
      { columns, index: live.map((c) => c.id), values: live.map(row) },
      { caption: `Claims of ${name}: this full run`, maxRows: 200 },
    );
    return;
  }
  const recorded = readResults<unknown>(name, { profile: "full" });
  const claims = recorded?.claims ?? [];
  const byId = new Map(live.map((c) => [c.id, c]));
  showTable(
    {
      columns: [...columns, "this run (smoke)"],
      index: claims.map((c) => c.id),
      values: claims.map((c) => [...row(c), formatMeasured(byId.get(c.id)?.ours ?? null)]),
    },
    {
      caption:
        recorded === undefined
          ? `Claims of ${name}: no recorded full run yet (LOWBIT_PROFILE=full, recorded with --record)`
          : `Claims of ${name}: recorded full run of ${recorded.written.slice(0, 10)}; the last column is this smoke run, too small to judge`,
      maxRows: 200,
    },
  );
}

/** Every claim of every recorded full run in data/results/ (or `dir`), in file-name order. */
export function allClaims(options: { dir?: string } = {}): NotebookClaim[] {
  const dir = resultsDir(options.dir);
  const names = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".full.json"))
    .map((f) => f.slice(0, -".full.json".length))
    .sort();
  return names.flatMap((notebook) =>
    (readResults<unknown>(notebook, { dir, profile: "full" })?.claims ?? []).map((c) => ({ notebook, ...c })),
  );
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown table of `claims` (notebook, claim, paper, ours, verdict), for the README. */
export function claimsMarkdown(claims: readonly NotebookClaim[]): string {
  const lines = [
    "| notebook | claim | metric | paper | ours (95% CI) | verdict |",
    "| --- | --- | --- | --- | --- | --- |",
    ...claims.map(
      (c) =>
        `| ${cell(c.notebook)} | ${cell(c.claim)} | ${cell(`${c.metric}, ${c.dataset}`)} | ${cell(paperText(c))} | ${cell(formatMeasured(c.ours))} | ${c.verdict} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}
