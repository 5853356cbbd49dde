/**
 * The README's leak-check example run by the test runner of the runtime
 * this test runs on, as a user runs it: with the preload for test runners
 * (tracing only during the checks, every allocation sampled), and with the
 * startup preload (`TRACEMALLOC=5 TRACEMALLOC_SAMPLE_EVERY=1`, tracing the
 * whole run). Either way JS objects are seen at their lines: the check that
 * leaks fails naming the line of `session-cache.ts` that keeps the
 * sessions, with its source; the others pass.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../src/runtime/index.ts";
import { runtimeExecutable } from "../../src/runtime/spawn.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const examples = join(root, "scripts", "examples");
const name = runtime().name;
const EXAMPLE = join(examples, `leak-check-${name}.test.ts`);
const CACHE = join(examples, "session-cache.ts");

/** The runner of this runtime on the example, `preload` (a path) loaded first. */
function runExample(preload: string, env: Record<string, string> = {}): { out: string; status: number | null } {
  const args = name === "node"
    ? ["--import", "tsx", "--import", preload, "--test", "--test-reporter=spec", EXAMPLE]
    : name === "deno"
    ? ["test", "-A", "--preload", preload, EXAMPLE]
    : ["test", "--preload", preload, EXAMPLE];
  const cache = mkdtempSync(join(tmpdir(), "tm-testing-preload-"));
  try {
    const result = spawnSync(runtimeExecutable(name), args, {
      cwd: root,
      encoding: "utf8",
      timeout: 120_000,
      env: childEnv({ NO_COLOR: "1", FORCE_COLOR: "0", TRACEMALLOC_CACHE_DIR: cache, ...env }),
    });
    return { out: `${result.stdout}\n${result.stderr}`, status: result.status };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

/** This process's environment with `extra`, without what tells a runner it runs inside another (node:test's context). */
function childEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function checkOutcome({ out, status }: { out: string; status: number | null }): void {
  assert.notEqual(status, 0, `the leaking check fails the run:\n${out}`);
  // One line, or two when the Map that holds the sessions was traced too (made before the check, with tracing on).
  assert.match(out, /assertNoLeak: [12] lines? grew by more than 64 B per run over 100 runs \(after 10 warm-up runs\)/);
  // The line that keeps the sessions, with its source line: the line engine's (JS objects) and the buffer's.
  assert.match(out, new RegExp(`${escape(CACHE)}:14: \\+\\d+ B per run, grew in 4 of 4 batches`));
  assert.match(
    out,
    new RegExp(`File "${escape(CACHE)}", line 14(, in login)?\\n\\s+sessions\\.set\\(id, \\{ user, roles`),
  );
  assert.match(out, /JS objects: the line engine, at their lines; 64 B per run tolerated/);
  // Two of three pass: the clean check and the memory limit.
  const passed = name === "deno"
    ? /\| 2 passed \| 1 failed/
    : name === "bun"
    ? /^\s*2 pass\n\s*1 fail/m
    : /ℹ pass 2\nℹ fail 1/;
  assert.match(out, passed, out);
}

test(`the example's leak check names the leaking line under ${name}'s test runner with the testing preload`, () => {
  checkOutcome(runExample(join(root, "src", "testing", "preload.ts")));
});

test(`... and with the startup preload tracing the whole run (${name})`, () => {
  checkOutcome(runExample(join(root, "src", "startup.ts"), { TRACEMALLOC: "5", TRACEMALLOC_SAMPLE_EVERY: "1" }));
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
