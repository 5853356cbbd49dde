/**
 * `npm test`: the quality gates, then the whole suite under Node, Deno and Bun.
 *
 * Every runner runs even when an earlier one fails, so one run shows all
 * failures; the script fails if any gate or runner fails or runs no test.
 *
 * @example
 * ```sh
 * npm test            # gates + node + deno + bun
 * npm test -- node    # only the node runner (gates skipped)
 * ```
 * @module
 */
import { spawn } from "node:child_process";

interface Step {
  name: string;
  cmd: string[];
  /** Extracts [passed, failed] from the runner's output, or null for gates. */
  count: ((out: string) => [number, number] | null) | null;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

const lastMatch = (out: string, re: RegExp): number | null => {
  const all = [...out.replace(ANSI, "").matchAll(re)];
  return all.length ? Number(all[all.length - 1][1]) : null;
};

const pair = (pass: number | null, fail: number | null): [number, number] | null =>
  pass === null ? null : [pass, fail ?? 0];

const TEST_GLOBS = ["tests/**/*.test.ts", "tests/**/*.test.tsx"];

/**
 * What `deno check --doc` type-checks, code and TSDoc examples: a folder
 * stands for every .ts and .tsx file under it, so the library, the session
 * and the TUI are all covered.
 */
const DOC_CHECKED = ["mod.ts", "src/", "tui/"];

const steps: Step[] = [
  { name: "deno fmt", cmd: ["deno", "fmt", "--check"], count: null },
  { name: "deno lint", cmd: ["deno", "lint"], count: null },
  // scripts/ (benches, examples) are checked as code too, so they keep compiling.
  { name: "deno check", cmd: ["deno", "check", "mod.ts", "scripts/"], count: null },
  { name: "deno check --doc", cmd: ["deno", "check", "--doc", ...DOC_CHECKED], count: null },
  {
    name: "node",
    cmd: ["node", "--import", "tsx", "--test", "--test-concurrency=1", ...TEST_GLOBS],
    count: (out) => pair(lastMatch(out, /^(?:#|ℹ) pass (\d+)/gm), lastMatch(out, /^(?:#|ℹ) fail (\d+)/gm)),
  },
  // Deno writes its emit cache, through which domain-0 lines are mapped, at `deno cache` (a first `deno test` run
  // of a fresh checkout would otherwise see emitted-JS lines).
  { name: "deno cache", cmd: ["deno", "cache", ...TEST_GLOBS, "mod.ts"], count: null },
  {
    name: "deno",
    cmd: ["deno", "test", "-A", "--quiet", "tests/"],
    count: (out) => pair(lastMatch(out, /\| (\d+) passed/g), lastMatch(out, /\| (\d+) failed/g)),
  },
  {
    name: "bun",
    cmd: ["bun", "test", "--timeout", "120000", "tests/"],
    count: (out) => pair(lastMatch(out, /^\s*(\d+) pass/gm), lastMatch(out, /^\s*(\d+) fail/gm)),
  },
];

function run(step: Step): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(step.cmd[0], step.cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const tee = (chunk: Buffer, sink: NodeJS.WriteStream) => {
      out += chunk.toString();
      sink.write(chunk);
    };
    child.stdout.on("data", (c: Buffer) => tee(c, process.stdout));
    child.stderr.on("data", (c: Buffer) => tee(c, process.stderr));
    child.on("error", (err) => resolve({ code: 127, out: String(err) }));
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

const only = process.argv.slice(2);
const selected = only.length ? steps.filter((s) => only.includes(s.name)) : steps;
const summary: string[] = [];
let failedSteps = 0;
let passed = 0;
let failed = 0;
for (const step of selected) {
  console.error(`\n=== ${step.name}: ${step.cmd.join(" ")}`);
  const { code, out } = await run(step);
  const counts = step.count?.(out) ?? null;
  let verdict = code === 0 ? "ok" : `FAILED (exit ${code})`;
  if (step.count) {
    if (!counts || counts[0] + counts[1] === 0) verdict = "FAILED (ran no test)";
    else {
      passed += counts[0];
      failed += counts[1];
      verdict += `: ${counts[0]} passed, ${counts[1]} failed`;
    }
  }
  if (verdict.startsWith("FAILED")) failedSteps++;
  summary.push(`${step.name.padEnd(16)} ${verdict}`);
}
console.log("\n=== summary\n" + summary.join("\n"));
console.log(`${passed} passed, ${failed + failedSteps} failed`);
process.exit(failedSteps ? 1 : 0);
