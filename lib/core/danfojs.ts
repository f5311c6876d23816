/**
 * danfojs-node, loaded only where a DataFrame is asked for: it is an optional peer dependency of
 * lowbit (heavy, and the core does not need it), so importing lowbit never loads it.
 */

/** The part of danfojs-node's API lowbit uses. */
export interface Danfo {
  DataFrame: new (rows: object[]) => unknown;
}

/** Thrown when danfojs-node is not installed or does not load; says how to install it. */
export class DanfojsUnavailableError extends Error {
  constructor(what: string, cause: unknown) {
    super(
      `lowbit: ${what} needs danfojs-node, an optional dependency: npm install danfojs-node@1.2.0 ` +
        "(with the overrides of lowbit's package.json, see its README, 'Dependencies'; " +
        `in the lowbit clone npm install has them). It did not load: ${(cause as Error).message.split("\n")[0]}`,
      { cause },
    );
    this.name = "DanfojsUnavailableError";
  }
}

/** danfojs-node, or a DanfojsUnavailableError naming `what` needed it. */
export function requireDanfojs(what: string): Danfo {
  try {
    return require("danfojs-node") as Danfo;
  } catch (e) {
    throw new DanfojsUnavailableError(what, e);
  }
}
