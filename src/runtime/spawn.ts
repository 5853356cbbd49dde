/**
 * How to start a program under each runtime with a module preloaded before
 * its first line: the one place that knows each runtime's command line.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RuntimeName } from "./adapter.ts";

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A command to run: the executable and its arguments.
 *
 * @example
 * ```ts
 * const { command, args } = preloadCommand("bun", "/pkg/src/agent/entry.ts", "app.ts", ["--port", "1"]);
 * ```
 */
export interface RuntimeCommand {
  command: string;
  args: string[];
  /**
   * Variables the runtime must find in its environment at launch, for the
   * caller to put under the program's own (a variable the user set wins);
   * absent when there are none. Deno with a preload: {@link DENO_PROMPT_IO}.
   */
  env?: Record<string, string>;
}

/**
 * What a Deno program a controller talks to is started with:
 * `DENO_TOKIO_EVENT_INTERVAL=1`, so that its event loop looks for socket
 * input at every turn, as Node's and Bun's do.
 *
 * Deno runs a program's event loop on a single-threaded tokio runtime that,
 * while the loop has a next turn ready (`setImmediate`, settled I/O),
 * checks the operating system for I/O only once every 61 turns (tokio's
 * `event_interval`, which Deno reads from this variable, once, at launch).
 * A program that works in back-to-back tasks (5 ms slices, as
 * `scripts/bench-watch.ts`'s does) then reads the agent's socket every
 * 61 x 5 ms: a live refresh waited 0-330 ms for its request to be read
 * (194-253 ms on average at 200 MB) while the read itself (`readLive`)
 * took 2-12 ms in the program; with the variable, 16 ms, as on Node.
 *
 * The cost is one poll (`epoll_wait`, no wait) a turn, as Node's loop
 * makes: about 0.5 us, which takes an empty `setImmediate` turn from
 * 1.2-1.4 us to 1.7-2.3 us (Node's: 1.5-1.9 us) and a turn of 20 us of work
 * 2% longer; that program's throughput does not change (operations per CPU
 * second within 3%, 6 launches each).
 *
 * @example
 * ```ts
 * import process from "node:process";
 * const env = { ...DENO_PROMPT_IO, ...process.env }; // the user's own value wins
 * ```
 */
export const DENO_PROMPT_IO: Readonly<Record<string, string>> = Object.freeze({ DENO_TOKIO_EVENT_INTERVAL: "1" });

/**
 * The runtime this process runs on, from `process.versions` (Bun and Deno
 * announce themselves there).
 *
 * @example
 * ```ts
 * currentRuntimeName(); // "deno" under `deno run`
 * ```
 */
export function currentRuntimeName(): RuntimeName {
  const versions = process.versions as Record<string, string | undefined>;
  return versions.bun ? "bun" : versions.deno ? "deno" : "node";
}

/**
 * The executable of a runtime: this process's own when it is that runtime
 * (same version), else the one installed in this package's
 * `node_modules/.bin`, else the name for a `PATH` lookup.
 *
 * @example
 * ```ts
 * runtimeExecutable("deno"); // "/app/node_modules/.bin/deno"
 * ```
 */
export function runtimeExecutable(name: RuntimeName): string {
  if (name === currentRuntimeName()) return process.execPath;
  const local = join(packageRoot, "node_modules", ".bin", name);
  return existsSync(local) ? local : name;
}

/**
 * The command that runs `script` with `args` under `runtime`, `preload`
 * (a path) evaluated before the script's first line:
 *
 * - node: `node --import tsx --import PRELOAD SCRIPT`, tsx from this
 *   package (TypeScript for the agent and the program);
 * - bun: `bun --preload PRELOAD SCRIPT`;
 * - deno: `deno run -A --node-modules-dir=manual --preload PRELOAD SCRIPT`,
 *   with all permissions (as `deno run -A mod.ts` has) and npm packages
 *   resolved from `node_modules` next to each importing file, so the agent
 *   finds this package's dependencies whatever the program's own config;
 *   and `env` {@link DENO_PROMPT_IO}, so that a busy program reads the
 *   agent's socket at once.
 *
 * @example
 * ```ts
 * preloadCommand("node", "/pkg/src/agent/entry.ts", "app.ts", []);
 * // { command: "/usr/bin/node", args: ["--import", "file:///pkg/node_modules/tsx/dist/loader.mjs", "--import", "file:///pkg/src/agent/entry.ts", "app.ts"] }
 * ```
 */
export function preloadCommand(
  runtime: RuntimeName,
  preload: string,
  script: string,
  args: readonly string[],
): RuntimeCommand {
  const command = scriptCommand(runtime, script, args, preload);
  return runtime === "deno" ? { ...command, env: { ...DENO_PROMPT_IO } } : command;
}

/**
 * The command that runs a TypeScript or JavaScript `script` under
 * `runtime`, with an optional module preloaded (see {@link preloadCommand}).
 *
 * @example
 * ```ts
 * scriptCommand("deno", "tool.ts", ["--help"]);
 * // { command: "/usr/bin/deno", args: ["run", "-A", "--node-modules-dir=manual", "tool.ts", "--help"] }
 * ```
 */
export function scriptCommand(
  runtime: RuntimeName,
  script: string,
  args: readonly string[],
  preload?: string,
): RuntimeCommand {
  const command = runtimeExecutable(runtime);
  switch (runtime) {
    case "node": {
      const imports = preload ? ["--import", pathToFileURL(preload).href] : [];
      return { command, args: ["--import", tsxLoader(), ...imports, script, ...args] };
    }
    case "bun":
      return { command, args: [...(preload ? ["--preload", preload] : []), script, ...args] };
    case "deno":
      return {
        command,
        args: ["run", "-A", "--node-modules-dir=manual", ...(preload ? ["--preload", preload] : []), script, ...args],
      };
  }
}

/** tsx's loader from this package, so the program need not have tsx itself. */
function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  } catch {
    return "tsx";
  }
}
