/**
 * Static images of figures (SVG, PNG) drawn by plotly.js itself in headless Chromium, so they
 * match the interactive plot exactly (jsdom cannot lay out text nor make PNG).
 *
 * Chromium is Debian's (/usr/bin/chromium), driven by playwright-core, which downloads no
 * browser. One browser and one page serve every figure: starting takes about 0.5-2 s, a figure
 * about 0.1 s. The browser closes after a few idle seconds, because an open browser keeps
 * Node's event loop alive and a script would otherwise never exit; closeFigureRenderer() closes
 * it at once, and playwright kills it if the process exits first.
 */
import * as fs from "node:fs";
import type { Browser, Page } from "playwright-core";
import type { Figure } from "./figure";
import { resolveOptional } from "./optional_package";
import { plotlyBundlePath } from "./plotly_bundle";

export type ImageFormat = "svg" | "png";

export interface ImageOptions {
  /** Pixels; default the figure's layout width and height (640 x 400 from the builders). */
  width?: number;
  height?: number;
  /** PNG pixel density: 2 (default) gives a sharp image at the stated size on paper and HiDPI screens. */
  scale?: number;
}

/** Where Chromium is looked for, after LOWBIT_CHROMIUM. */
const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/**
 * Flags for a headless browser that must not touch the network or a profile: no sandbox (CI
 * runs as root), no GPU, no background updates, sync or first-run pages.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const IDLE_CLOSE_MS = 5000;

/** The renderer page's origin: answered by page.route, never looked up (.invalid, RFC 2606). */
const RENDERER_ORIGIN = "http://lowbit-renderer.invalid";

/** No Chromium on this machine: says how to install it. */
export class ChromiumNotFoundError extends Error {
  constructor(configured = process.env.LOWBIT_CHROMIUM) {
    super(
      "lowbit: SVG and PNG figures need Chromium, which was not found " +
        (configured ? `at LOWBIT_CHROMIUM=${configured}` : `at ${CHROMIUM_PATHS.join(", ")}`) +
        ". Install it with\n" +
        "  sudo apt-get install --no-install-recommends chromium fonts-liberation\n" +
        "or set LOWBIT_CHROMIUM to a Chrome or Chromium executable. HTML export works without it.",
    );
    this.name = "ChromiumNotFoundError";
  }
}

/** The Chromium executable: LOWBIT_CHROMIUM, else the first of CHROMIUM_PATHS that exists. */
export function findChromium(): string | undefined {
  const configured = process.env.LOWBIT_CHROMIUM;
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  return CHROMIUM_PATHS.find((p) => fs.existsSync(p));
}

interface Session {
  browser: Browser;
  page: Page;
}

let session: Promise<Session> | undefined;
let idleTimer: NodeJS.Timeout | undefined;

async function open(): Promise<Session> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new ChromiumNotFoundError();
  const { chromium } = require(
    resolveOptional("playwright-core", "playwright-core", "SVG and PNG figures"),
  ) as typeof import("playwright-core");
  // handleSIGINT false: in a tslab kernel SIGINT means "interrupt the cell", not "exit".
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, handleSIGINT: false });
  const page = await browser.newPage();
  // The bundle is loaded as a page's own script from a URL the page route answers from disk:
  // Chromium then parses it while streaming, off the main thread. addScriptTag({ path }) sent
  // the 4.8 MB through the DevTools protocol as an inline script parsed on the main thread:
  // 27.5 s of a 30 s first show() on a 2-core machine at load average 17 (a routed load took
  // 21 s there).
  await page.route(`${RENDERER_ORIGIN}/**`, (route) =>
    route.request().url() === `${RENDERER_ORIGIN}/plotly.js`
      ? route.fulfill({ path: plotlyBundlePath(), contentType: "text/javascript" })
      : route.fulfill({
          contentType: "text/html",
          body: '<!DOCTYPE html><html><head><script src="/plotly.js"></script></head><body></body></html>',
        }),
  );
  await page.goto(`${RENDERER_ORIGIN}/`);
  return { browser, page };
}

/** Closes the shared browser now (it also closes by itself after a few idle seconds). */
export async function closeFigureRenderer(): Promise<void> {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = undefined;
  const current = session;
  session = undefined;
  if (current !== undefined) await (await current).browser.close();
}

/** Draws `fig` with Plotly.toImage: SVG markup as a string, or PNG bytes. */
export async function renderImage(fig: Figure, format: "svg", options?: ImageOptions): Promise<string>;
export async function renderImage(fig: Figure, format: "png", options?: ImageOptions): Promise<Buffer>;
export async function renderImage(
  fig: Figure,
  format: ImageFormat,
  options: ImageOptions = {},
): Promise<string | Buffer> {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  session ??= open();
  let page: Page;
  try {
    page = (await session).page;
  } catch (e) {
    session = undefined;
    throw e;
  }
  const width = options.width ?? (fig.layout.width as number | undefined) ?? 640;
  const height = options.height ?? (fig.layout.height as number | undefined) ?? 400;
  const scale = format === "png" ? (options.scale ?? 2) : 1;
  try {
    const url = await page.evaluate(
      ({ fig, format, width, height, scale }) => {
        const plotly = (globalThis as unknown as { Plotly: { toImage(f: unknown, o: unknown): Promise<string> } })
          .Plotly;
        return plotly.toImage(
          { data: fig.data, layout: { ...fig.layout, width, height } },
          { format, width, height, scale },
        );
      },
      { fig, format, width, height, scale },
    );
    const comma = url.indexOf(",");
    return format === "png" ? Buffer.from(url.slice(comma + 1), "base64") : decodeURIComponent(url.slice(comma + 1));
  } finally {
    idleTimer = setTimeout(() => void closeFigureRenderer(), IDLE_CLOSE_MS);
  }
}
