/**
 * plotly.js from the npm package plotly.js-dist-min, never from a CDN: lowbit runs offline and
 * labs often have no network. The bundle (about 4.8 MB) is read once per process.
 */
import * as fs from "node:fs";
import { resolveOptional } from "./optional_package";

let cached: string | undefined;

/** Path of the minified bundle, which defines `window.Plotly` when run in a page. */
export function plotlyBundlePath(): string {
  return resolveOptional("plotly.js-dist-min", "plotly.js-dist-min", "figures");
}

/**
 * The bundle as the body of an inline <script>. "</script" is escaped because the HTML parser
 * would end the element at it; today's bundle has none, the escape keeps a future one safe.
 */
export function plotlyScript(): string {
  cached ??= fs.readFileSync(plotlyBundlePath(), "utf8").replace(/<\/script/gi, "<\\/script");
  return cached;
}
