/**
 * The watched program of the watching benchmarks: it builds a heap of
 * `BENCH_HEAP_MB` megabytes of small objects, then works in 5 ms slices,
 * printing `READY` once built and `T <epoch ms> <ops>` every 100 ms, so its
 * throughput can be read from its output whoever watches it.
 *
 * @example
 * ```ts
 * import { BIG_HEAP_PROGRAM, Progress } from "./big-heap.ts";
 * const progress = new Progress();
 * progress.read("READY 123\nT 1700000000000 42\n");
 * console.log(BIG_HEAP_PROGRAM.length, progress.ready);
 * ```
 * @module
 */

/** The program's source (TypeScript, for every runtime). */
export const BIG_HEAP_PROGRAM = `
import process from "node:process";
const target = Number(process.env.BENCH_HEAP_MB) * 1024 * 1024;
const heap: { id: number; name: string; tags: number[] }[] = [];
const base = process.memoryUsage().heapUsed;
while (process.memoryUsage().heapUsed - base < target) {
  for (let i = 0; i < 50_000; i++) {
    const id = heap.length;
    heap.push({ id, name: "item-" + id, tags: [id, id + 1] });
  }
}
console.log("READY " + heap.length);
let ops = 0;
let sink = 0;
function work(): void {
  const until = performance.now() + 5;
  while (performance.now() < until) {
    for (let k = 0; k < 64; k++) {
      const o = { a: ops, b: [ops, k], c: "w" + (ops & 1023) };
      sink += o.b.length + o.c.length + heap[(ops * 7919) % heap.length].id;
      ops++;
    }
  }
  setImmediate(work);
}
setInterval(() => console.log("T " + Date.now() + " " + ops), 100);
work();
setInterval(() => { if (sink === -1) console.log(sink); }, 60_000);
`;

interface Tick {
  readonly at: number;
  readonly ops: number;
}

/** The program's progress, from its standard output. */
export class Progress {
  readonly ticks: Tick[] = [];
  ready = false;
  #buffer = "";

  /** Takes one chunk of standard output. */
  read(text: string): void {
    const lines = (this.#buffer + text).split("\n");
    this.#buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (line.startsWith("READY")) this.ready = true;
      const m = /^T (\d+) (\d+)/.exec(line);
      if (m) this.ticks.push({ at: Number(m[1]), ops: Number(m[2]) });
    }
  }

  /** Resolves once the program has built its heap. */
  async built(): Promise<void> {
    const deadline = Date.now() + 180_000;
    while (!this.ready) {
      if (Date.now() > deadline) throw new Error("the program never built its heap");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Operations per second between `from` and `to` (epoch ms), from the program's own ticks. */
  rate(from: number, to: number): number {
    const inside = this.ticks.filter((t) => t.at >= from && t.at <= to);
    if (inside.length < 2) return NaN;
    const first = inside[0];
    const last = inside[inside.length - 1];
    return (last.ops - first.ops) / ((last.at - first.at) / 1000);
  }
}
