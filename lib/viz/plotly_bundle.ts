/**
 * plotly.js from the npm package plotly.js-cartesian-dist-min, never from a CDN: lowbit runs
 * offline and labs often have no network. plotly's cartesian partial bundle has every trace type
 * lowbit draws (scatter, bar, histogram, heatmap; also box, violin, contour, pie) in 1.5 MB
 * against the full bundle's 4.8 MB: parsing it is most of the time of a kernel's or a page's
 * first figure. It is read once per process.
 */
import * as fs from "node:fs";
import { resolveOptional } from "./optional_package";

let cached: string | undefined;

/** Path of the minified bundle, which defines `window.Plotly` when run in a page. */
export function plotlyBundlePath(): string {
  return resolveOptional("plotly.js-cartesian-dist-min", "plotly.js-cartesian-dist-min", "figures");
}

/**
 * The bundle as the body of an inline <script>. "</script" is escaped because the HTML parser
 * would end the element at it; today's bundle has none, the escape keeps a future one safe.
 */
export function plotlyScript(): string {
  cached ??= fs.readFileSync(plotlyBundlePath(), "utf8").replace(/<\/script/gi, "<\\/script");
  return cached;
}
