/**
 * A session as the REPL and the TUI start it: acting on this process until
 * `run` starts a program in a child process.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { launchChild } from "./launch.ts";
import { LocalTarget } from "./local.ts";
import { Session } from "./session.ts";

/**
 * The built-in demo workload: a small service that leaks, churns and holds buffers.
 *
 * @example
 * ```ts
 * import { quote } from "./tokenize.ts";
 * const line = `run ${quote(DEMO_SCRIPT)}`; // the command that traces the demo
 * ```
 */
export const DEMO_SCRIPT: string = fileURLToPath(
  new URL("../../scripts/demo.ts", import.meta.url),
);

/**
 * A new session on this process, able to `run` programs.
 *
 * @example
 * ```ts
 * const session = openSession();
 * await session.execute("run scripts/demo.ts");
 * ```
 */
export function openSession(): Session {
  return new Session({ target: new LocalTarget(), launch: launchChild });
}
