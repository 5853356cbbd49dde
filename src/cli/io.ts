/**
 * The standard streams the command line uses, passed in so tests and other
 * front ends can supply their own.
 *
 * @module
 */
import process from "node:process";
import type { Readable, Writable } from "node:stream";

/** Standard input, output and error, and whether each is a terminal. */
export interface CliIO {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable & { readonly isTTY?: boolean };
  readonly stderr: Writable & { readonly isTTY?: boolean };
}

/**
 * This process's standard streams.
 *
 * @example
 * ```ts
 * import { main } from "./program.ts";
 *
 * const code = await main(process.argv.slice(2), processIO());
 * ```
 */
export function processIO(): CliIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  };
}
