/**
 * plotly.js served by the Jupyter server, so that notebooks never carry it. A notebook that
 * embedded the 4.8 MB bundle in its first figure's output grew from 43 KB to 6.4 MB on every
 * save after Run All; now each figure's output holds only its data, a static SVG and a few
 * lines of script that load the bundle once per page from
 *   <base_url>nbextensions/lowbit/plotly-<version>.min.js
 * Jupyter Notebook serves `nbextensions/` from the `nbextensions` folder of every Jupyter data
 * directory (JUPYTER_PATH, the user's, the system's) without the extension being enabled, which
 * is why the kernel installer copies the bundle next to the kernelspec it writes. The version is
 * in the file name so a browser never runs a cached bundle of another plotly.js release.
 * Front ends that do not serve it (JupyterLab 4 without the classic server, VS Code, nbviewer,
 * an nbconvert HTML export) keep each figure's static SVG.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../core/atomic_write";
import { plotlyBundlePath } from "./plotly_bundle";

/** The folder under a Jupyter data directory's nbextensions/ that holds lowbit's files. */
export const NBEXTENSION_FOLDER = "lowbit";

/** plotly.js's release, from the installed package. */
export function plotlyVersion(): string {
  const manifest = path.join(path.dirname(plotlyBundlePath()), "package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** The bundle's URL below the server's base URL: "nbextensions/lowbit/plotly-4.1.2.min.js". */
export function plotlyNbextensionUrl(): string {
  return `nbextensions/${NBEXTENSION_FOLDER}/plotly-${plotlyVersion()}.min.js`;
}

/**
 * Copies the bundle into `<jupyterDataDir>/nbextensions/lowbit/` (a copy, not a link: the data
 * directory may outlive or sit outside this node_modules) and returns its path. An identical
 * copy is left alone; copies of other plotly.js releases are removed.
 */
export function installPlotlyNbextension(jupyterDataDir: string): string {
  const dir = path.join(jupyterDataDir, "nbextensions", NBEXTENSION_FOLDER);
  const target = path.join(dir, path.basename(plotlyNbextensionUrl()));
  const bundle = fs.readFileSync(plotlyBundlePath());
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(target) || !fs.readFileSync(target).equals(bundle)) writeFileAtomic(target, bundle);
  for (const name of fs.readdirSync(dir)) {
    if (/^plotly-.*\.min\.js$/.test(name) && name !== path.basename(target)) fs.rmSync(path.join(dir, name));
  }
  return target;
}
