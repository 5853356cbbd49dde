/**
 * The README's walk-through: find a leak with two snapshots and compareTo.
 *
 * @example
 * ```sh
 * deno run -A scripts/examples/leak.ts
 * ```
 * @module
 */
import * as tracemalloc from "../../mod.ts";

const cache = new Map<number, Uint8Array>();

function handle(request: number): number {
  const scratch = new Float64Array(256); // temporary: freed after the call
  cache.set(request, new Uint8Array(4096)); // the leak: nothing ever leaves the cache
  return scratch.length;
}

await tracemalloc.start(5);
for (let i = 0; i < 100; i++) handle(i);
const before = await tracemalloc.takeSnapshot();
for (let i = 100; i < 600; i++) handle(i);
const after = await tracemalloc.takeSnapshot();

console.log("[ Top 3 differences ]");
const filters = [new tracemalloc.DomainFilter(true, 1)];
const diffs = after.filterTraces(filters).compareTo(before.filterTraces(filters), "lineno");
for (const stat of diffs.slice(0, 3)) console.log(String(stat));

const [top] = after.statistics("traceback");
console.log(`\n${top.count} memory blocks: ${(top.size / 1024).toFixed(1)} KiB`);
for (const line of top.traceback.format()) console.log(line);

const { current, peak } = await tracemalloc.getTracedMemory();
console.log(`\ntraced memory: current=${current} peak=${peak}`);
await tracemalloc.stop();
