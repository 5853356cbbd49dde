/**
 * What the filter prompts accept, turned into lines of the command
 * language (`filter include GLOB ...`), so the TUI and the REPL share one
 * implementation of filters.
 *
 * @module
 */
import { quote } from "../../src/session/tokenize.ts";

/**
 * A command line to run, or why the text was refused.
 *
 * @example
 * ```ts
 * const parsed: Parsed = globFilter("*demo.ts");
 * if ("line" in parsed) console.log(parsed.line); // filter include '*demo.ts'
 * ```
 */
export type Parsed = { readonly line: string } | { readonly error: string };

/**
 * Shown under the glob prompt.
 *
 * @example
 * ```ts
 * import { openPrompt } from "./keys.ts";
 * openPrompt("glob").hint === GLOB_HINT; // true
 * ```
 */
export const GLOB_HINT = "GLOB[:LINE] [-a all frames] · !GLOB excludes · e.g. *demo.ts  !*node_modules*  */app.ts:12";

/**
 * Shown under the domain prompt.
 *
 * @example
 * ```ts
 * import { openPrompt } from "./keys.ts";
 * openPrompt("domain").hint === DOMAIN_HINT; // true
 * ```
 */
export const DOMAIN_HINT = "N includes, !N excludes · 0 JS heap, 1 ArrayBuffer stores, 2 WebAssembly memory";

/**
 * The `filter` command for a glob prompt's text: `!` in front excludes,
 * `:LINE` at the end of the glob also requires the line, `-a` (or
 * `--all-frames`) matches any frame of the traceback.
 *
 * @example
 * ```ts
 * globFilter("!*node_modules* -a"); // { line: "filter exclude '*node_modules*' --all-frames" }
 * globFilter("src/app.ts:12"); // { line: "filter include src/app.ts --lineno 12" }
 * ```
 */
export function globFilter(text: string): Parsed {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return { error: "type a glob, e.g. *demo.ts" };
  let allFrames = false;
  const rest: string[] = [];
  for (const word of words) {
    if (word === "-a" || word === "--all-frames") allFrames = true;
    else rest.push(word);
  }
  if (rest.length !== 1) return { error: `one glob please, not ${rest.length}: ${rest.join(" ") || "none"}` };
  let glob = rest[0];
  const exclude = glob.startsWith("!");
  if (exclude) glob = glob.slice(1);
  let lineno: string | null = null;
  const withLine = /^(.*\S):(\d+)$/.exec(glob);
  if (withLine) [, glob, lineno] = withLine;
  if (!glob) return { error: "the glob is empty" };
  const parts = ["filter", exclude ? "exclude" : "include", quote(glob)];
  if (lineno !== null) parts.push("--lineno", lineno);
  if (allFrames) parts.push("--all-frames");
  return { line: parts.join(" ") };
}

/**
 * The `filter domain` command for a domain prompt's text: `N` includes
 * domain N, `!N` excludes it.
 *
 * @example
 * ```ts
 * domainFilter("!1"); // { line: "filter domain exclude 1" }
 * ```
 */
export function domainFilter(text: string): Parsed {
  const match = /^\s*(!?)\s*(-?\d+)\s*$/.exec(text);
  if (!match) return { error: `a domain is an integer (or !N to exclude), not ${JSON.stringify(text.trim())}` };
  return { line: `filter domain ${match[1] ? "exclude" : "include"} ${Number(match[2])}` };
}
