/**
 * What starting a worker thread takes on each runtime: the flags a Node
 * worker needs to load TypeScript, and which kind of worker moves large
 * messages quickly.
 *
 * @module
 */
import { createRequire } from "node:module";
import process from "node:process";
import { pathToFileURL } from "node:url";

const versions = process.versions as Record<string, string | undefined>;
const isNode = !versions.bun && !versions.deno;

/**
 * Node's flags for a worker thread running `entry`, none inherited, so that
 * no preload of the program runs there: none for JavaScript (the built
 * package), none where Node's own type stripping loads `entry` (it is
 * `strippable`, and not under `node_modules`, where Node strips nothing;
 * about 60 ms sooner ready than with tsx), else tsx's loader from this
 * package; `null` when Node cannot load `entry` (a worker's load error only
 * shows once the program's thread is free again). Deno and Bun run
 * TypeScript as it is, and preload nothing in workers: `[]`.
 *
 * @example
 * ```ts
 * import { Worker } from "node:worker_threads";
 * const entry = new URL("./worker.ts", import.meta.url);
 * const execArgv = workerExecArgv(entry, true);
 * if (execArgv !== null) new Worker(entry, { execArgv });
 * ```
 */
export function workerExecArgv(entry: URL, strippable: boolean): string[] | null {
  if (!isNode || !entry.pathname.endsWith(".ts")) return [];
  const strips = Boolean((process.features as { typescript?: unknown }).typescript);
  if (strippable && strips && !entry.pathname.includes("/node_modules/")) return [];
  try {
    return ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href];
  } catch {
    return null;
  }
}

/**
 * Whether large messages go to a web worker rather than to
 * `node:worker_threads`: on Deno, whose `worker_threads` took 200-450 ms to
 * deliver a dump of 100k traces (moved or shared, and as long to come
 * back), where its web workers take it at once.
 *
 * @example
 * ```ts
 * const kind = webWorkersForBulk ? "web worker" : "worker_threads";
 * ```
 */
export const webWorkersForBulk: boolean = Boolean(versions.deno);
