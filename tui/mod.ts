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
export { INK_OPTIONS, runTui, type TuiOptions } from "./run.tsx";
/** The settings the TUI traces a program with unless told otherwise: the same as `run`'s and the REPL's. */
export { DEFAULT_SAMPLE_EVERY, DEFAULT_SAMPLING_INTERVAL, DEFAULT_TRACEBACK_LIMIT } from "../src/defaults.ts";
export { App, type AppProps } from "./app.tsx";
export { Controller } from "./session/controller.ts";
export { LiveFeed } from "./session/feed.ts";
