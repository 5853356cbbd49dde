/**
 * The live terminal UI: watch allocations, take labelled snapshots,
 * compare, filter and drill into tracebacks.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { runTui } from "./mod.ts";
 * process.exitCode = await runTui({ script: "app.ts" });
 * ```
 * @module
 */
export { DEFAULT_NFRAME, INK_OPTIONS, PROGRAM_INTERVAL, runTui, type TuiOptions } from "./run.tsx";
export { App, type AppProps } from "./app.tsx";
export { Controller } from "./session/controller.ts";
export { LiveFeed } from "./session/feed.ts";
