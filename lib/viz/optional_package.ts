/**
 * Packages lowbit's figures need and its core does not: plotly.js-cartesian-dist-min (drawing) and
 * playwright-core (SVG and PNG through headless Chromium) are optional peer dependencies of the
 * lowbit package (lib/package.json), installed in the repository as dev dependencies. A project
 * that installed lowbit without them gets this error, naming the package and the version lowbit
 * is tested with, the first time a figure needs one.
 */
export class OptionalPackageMissingError extends Error {
  /** name: the npm package; purpose: what needs it, e.g. "figures". */
  constructor(
    readonly packageName: string,
    purpose: string,
  ) {
    const range = (require("lowbit/package.json") as { peerDependencies: Record<string, string> }).peerDependencies[
      packageName
    ];
    super(
      `lowbit: ${purpose} need ${packageName}, an optional dependency of lowbit that is not installed; ` +
        `install it next to lowbit with: npm install ${packageName}@${range.replace(/^\^/, "")}`,
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
