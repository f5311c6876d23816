/**
 * Run profiles: every notebook runs in two sizes so the same code serves a quick check and the
 * paper-scale claim.
 *   smoke  a few hundred samples and steps, seconds per notebook: CI, a first read, editing;
 *   full   the sizes the notebook's claims are made at (minutes).
 * The profile comes from LOWBIT_PROFILE so the runner, CI and Jupyter choose it without editing
 * the notebook; smoke is the default so that opening a notebook never starts a long run by surprise.
 */
import { checkOneOf } from "../core/checks";

export const PROFILES = ["smoke", "full"] as const;
export type Profile = (typeof PROFILES)[number];

/** The run profile: LOWBIT_PROFILE ("smoke" or "full"), "smoke" when unset. */
export function profile(): Profile {
  const value = process.env.LOWBIT_PROFILE ?? "";
  if (value === "") return "smoke";
  checkOneOf("LOWBIT_PROFILE (set it to smoke or full, or unset it)", value, PROFILES);
  return value;
}

/**
 * The value for the current profile, e.g. `byProfile({ smoke: 500, full: 60000 })`, so a
 * notebook states both sizes side by side where they are used.
 */
export function byProfile<T>(values: Record<Profile, T>): T {
  return values[profile()];
}
