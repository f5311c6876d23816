/**
 * Packages that parts of lowbit need and its core does not, optional peer dependencies of the
 * lowbit package (lib/package.json; in the repository they are dev dependencies):
 * plotly.js-cartesian-dist-min (drawing figures), playwright-core (SVG and PNG through headless
 * Chromium) and danfojs-node (DataFrames). A project that installed lowbit without one gets an
 * OptionalPackageMissingError the first time it is needed, naming the package, the version lowbit
 * is tested with, and how to install it; importing lowbit never loads them.
 */
export class OptionalPackageMissingError extends Error {
  /**
   * packageName: the npm package; purpose: what needs it ("figures", "toDataFrame"); hint: what
   * else installing it takes; cause: the load error, when the package is there but did not load.
   */
  constructor(
    readonly packageName: string,
    purpose: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    const range = (require("lowbit/package.json") as { peerDependencies: Record<string, string> }).peerDependencies[
      packageName
    ];
    const loadError =
      options.cause === undefined ? "" : ` (${String((options.cause as Error).message).split("\n")[0]})`;
    super(
      `lowbit: ${purpose} need ${packageName}, an optional dependency of lowbit that is not installed` +
        (loadError === "" ? "" : ` or did not load${loadError}`) +
        `; install it next to lowbit with: npm install ${packageName}@${range.replace(/^\^/, "")}` +
        (options.hint === undefined ? "" : ` (${options.hint})`),
      { cause: options.cause },
    );
    this.name = "OptionalPackageMissingError";
  }
}

/** require.resolve(specifier) of an optional package, or an OptionalPackageMissingError. */
export function resolveOptional(packageName: string, specifier: string, purpose: string): string {
  try {
    return require.resolve(specifier);
  } catch (e) {
    if ((e as { code?: string }).code === "MODULE_NOT_FOUND")
      throw new OptionalPackageMissingError(packageName, purpose);
    throw e;
  }
}

/** The part of danfojs-node's API lowbit uses. */
export interface Danfo {
  DataFrame: new (rows: object[]) => unknown;
}

/** danfojs-node, or an OptionalPackageMissingError saying `what` needs it and how to install it. */
export function requireDanfojs(what: string): Danfo {
  try {
    return require("danfojs-node") as Danfo;
  } catch (e) {
    throw new OptionalPackageMissingError("danfojs-node", `DataFrames (${what})`, {
      cause: e,
      hint: "with the overrides of lowbit's package.json, README 'Dependencies'; in the lowbit clone npm install has them",
    });
  }
}
