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
}

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
 *   finds this package's dependencies whatever the program's own config.
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
  return scriptCommand(runtime, script, args, preload);
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
