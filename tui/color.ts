/**
 * Colour on the screen, unless the user asked for none: `NO_COLOR` set to
 * anything but the empty string (https://no-color.org) drops every
 * colour; bold, dim and inverse stay, so the selected row and the sorted
 * column still show.
 *
 * @module
 */
import process from "node:process";

function noColorAsked(): boolean {
  try {
    return (process.env.NO_COLOR ?? "") !== "";
  } catch {
    return false; // no permission to read the environment (Deno): colours as usual
  }
}

/**
 * Whether colours are off for this process (`NO_COLOR` set and not empty).
 *
 * @example
 * ```ts
 * import { NO_COLOR } from "./color.ts";
 * console.log(NO_COLOR ? "plain" : "in colour");
 * ```
 */
export const NO_COLOR: boolean = noColorAsked();

/**
 * `color`, or no colour at all when `NO_COLOR` is set.
 *
 * @example
 * ```ts
 * import { tint } from "./color.ts";
 * tint("cyan"); // "cyan", or undefined under NO_COLOR=1
 * ```
 */
export function tint(color: string | undefined): string | undefined {
  return NO_COLOR ? undefined : color;
}
