import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runE2E } from "../../scripts/e2e-tui.ts";
import { currentRuntimeName } from "../../src/runtime/spawn.ts";

// Each runner drives the TUI under its own runtime, so `npm test` covers node, deno and bun.
const runtime = currentRuntimeName();

test(`tmux is installed for the end-to-end drive`, () => {
  assert.match(execFileSync("tmux", ["-V"], { encoding: "utf8" }), /^tmux \d/);
});

test(`the real TUI under ${runtime} finds the demo's leak in tmux and leaves the terminal intact`, async () => {
  const { screens } = await runE2E({ runtime });
  // The leaking line grew between the two snapshots (whether it is first depends on the JS heap's samples).
  assert.match(screens["compare s2 with s1"], /\d+ scripts\/demo\.ts:55 cacheResponse +[\d.]+ KiB +\+[\d.]+ KiB/);
});

test(`the real TUI under ${runtime}, started from a folder outside the checkout, finds the demo's leak`, async () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const elsewhere = mkdtempSync(join(tmpdir(), "tracemalloc-e2e-cwd-"));
  try {
    const { screens } = await runE2E({
      runtime,
      cwd: elsewhere,
      entry: [join(root, "mod.ts"), "tui", join(root, "scripts", "demo.ts")],
    });
    assert.match(screens["compare s2 with s1"], /demo\.ts:55 cacheResponse +[\d.]+ KiB +\+[\d.]+ KiB/);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
