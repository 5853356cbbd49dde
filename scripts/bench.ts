/**
 * `npm run bench`: every benchmark under every runtime, each printing its
 * ratios against the reference it measures in the same run.
 *
 * @example
 * ```sh
 * npm run bench                 # all
 * npm run bench -- model deno   # only benchmarks/runtimes named
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const RUNTIMES: Record<string, (script: string) => string[]> = {
  node: (s) => ["node", "--expose-gc", "--import", "tsx", s],
  deno: (s) => ["deno", "run", "-A", "--v8-flags=--expose-gc", s],
  bun: (s) => ["bun", s],
};
const BENCHES = ["model", "tracing", "tui", "line", "watch", "attach", "buffers", "retainers"];

const only = process.argv.slice(2);
const pick = (names: string[]) => names.filter((n) => !only.some((o) => names.includes(o)) || only.includes(n));
let failed = 0;
for (const bench of pick(BENCHES)) {
  const script = `scripts/bench-${bench}.ts`;
  if (!existsSync(script)) continue;
  for (const runtime of pick(Object.keys(RUNTIMES))) {
    const [cmd, ...args] = RUNTIMES[runtime](script);
    console.log(`\n### ${bench} on ${runtime}`);
    const result = spawnSync(cmd, args, { stdio: "inherit" });
    if (result.status !== 0) failed++;
  }
}
process.exit(failed ? 1 : 0);
