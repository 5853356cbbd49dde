/**
 * Shared helpers of the child-target tests: programs written to fresh temp
 * directories, runtime checks, process liveness.
 *
 * @module
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { RuntimeName } from "../../src/runtime/adapter.ts";
import { runtimeExecutable } from "../../src/runtime/spawn.ts";

/** Every runtime a child may run under. */
export const RUNTIMES: readonly RuntimeName[] = ["node", "deno", "bun"];

/** Fails (rather than skips) when a runtime cannot be started. */
export function assertRuntimeAvailable(runtime: RuntimeName): void {
  const result = spawnSync(runtimeExecutable(runtime), ["--version"], { encoding: "utf8" });
  assert.equal(result.status, 0, `${runtime} must be installed (node_modules/.bin or PATH): ${result.error ?? ""}`);
}

/**
 * Writes `files` (name → source) to a fresh temp directory, runs `body` with
 * its path, and removes it.
 */
export async function withFiles<T>(files: Record<string, string>, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "tm-child-test-"));
  try {
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** True while a process with this pid runs (a zombie, dead but not yet reaped, does not count). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
  try {
    // Linux: field 3 of /proc/PID/stat is the state; "Z" is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: the signal check is all there is
  }
}

/** Waits until `condition` holds, failing with `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A program that keeps running (until killed) and does nothing else. */
export const IDLE_PROGRAM = "setInterval(() => {}, 1000);\n";
