/**
 * Startup tracing, like `PYTHONTRACEMALLOC`: preload this module and set
 * `TRACEMALLOC=NFRAME` to trace from before the program's first line.
 *
 * - Node: `TRACEMALLOC=5 node --import tsx --import ./src/startup.ts app.ts`
 * - Bun: `TRACEMALLOC=5 bun --preload ./src/startup.ts app.ts`
 * - Deno: `TRACEMALLOC=5 deno run -A --preload ./src/startup.ts app.ts`
 *
 * Modules loaded after this one are rewritten so that domain 0 has exact
 * lines (the line engine). `TRACEMALLOC_SAMPLE_EVERY=N` sets its mean
 * allocations between samples, `TRACEMALLOC_EXCLUDE=GLOB:GLOB` paths it
 * leaves alone, `TRACEMALLOC_ENGINE=sampler` (or `census` on Bun) picks
 * another domain-0 engine; `TRACEMALLOC_SAMPLING_INTERVAL=BYTES` sets V8's
 * sampler's interval.
 * Without `TRACEMALLOC` (or with `0`) the module does nothing. A bad value
 * stops the program with an error naming the variable.
 *
 * @example
 * ```ts
 * // TRACEMALLOC=1 node --import tsx --import ./src/startup.ts app.ts
 * import { isTracing } from "./tracer.ts";
 * isTracing(); // true on the program's first line
 * ```
 * @module
 */
import process from "node:process";
import { isMainThread } from "node:worker_threads";
import { runtime } from "./runtime/index.ts";
import { startupSettings } from "./startup-env.ts";
import { prepare, start } from "./tracer.ts";

/** Stops the program before its first line with one line saying why: a setting is the user's own mistake, not a crash. */
function refuse(err: unknown): never {
  process.stderr.write(`tracemalloc: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

let settings: ReturnType<typeof startupSettings> = null;
try {
  settings = startupSettings((name) => runtime().env(name));
} catch (err) {
  refuse(err);
}
// Node runs preloads in worker threads too; nobody reads a worker's traces (status says workers are not traced).
if (settings && isMainThread) {
  try {
    prepare(settings.options);
    await start(settings.nframe, settings.options);
  } catch (err) {
    refuse(new Error(`TRACEMALLOC: cannot start tracing: ${err instanceof Error ? err.message : String(err)}`));
  }
}
