import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../session/helpers.ts";
import { cli, reportsBuffers } from "./helpers.ts";

const PROGRAM = fileURLToPath(
  new URL("./fixtures/program.ts", import.meta.url),
);
const KEPT_LINE = readFileSync(PROGRAM, "utf8").split("\n").findIndex((l) => l.includes("// KEPT")) + 1;

test(
  "run passes the program's output through and prints the top lines at exit",
  async () => {
    const run = await cli(["run", PROGRAM]);
    assert.equal(run.stdout, "program output: 16 buffers\n");
    const lines = run.stderr.split("\n");
    assert.equal(lines[0], "Top 10 lines");
    // The JS heap's sampled estimates may rank above the buffers; find their line.
    const at = lines.findIndex((l) => l.includes(`: ${PROGRAM}:${KEPT_LINE}: `));
    assert.ok(at >= 0 && reportsBuffers(lines[at], `${PROGRAM}:${KEPT_LINE}`, 1024), run.stderr);
    assert.match(lines[at], /^#\d+: /);
    assert.equal(
      lines[at + 1],
      "    for (let i = 0; i < 16; i++) kept.push(new Uint8Array(64 * 1024)); // KEPT",
    );
    assert.match(run.stderr, /^Total allocated size: \d+\.\d KiB$/m);
  },
);

test("run exits with the program's exit status", async () => {
  const run = await cli(["run", PROGRAM]);
  assert.equal(run.code, 3);
});

test("run --dump writes the snapshot taken at exit", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const file = join(dir, "exit.dump");
    await cli(["run", "--dump", file, PROGRAM]);
    const stats = await cli(["stats", file, "--include-domain", "1", "--limit", "1"]);
    assert.equal(
      stats.stdout.split("\n")[1],
      `${PROGRAM}:${KEPT_LINE}: size=1024 KiB, count=16, average=64.0 KiB`,
    );
  } finally {
    await cleanup();
  }
});

test("run of a missing program says it cannot start it and exits non-zero", async () => {
  const run = await cli(["run", "/nonexistent/app.ts"]);
  assert.match(run.stderr, /^run: .*\/nonexistent\/app\.ts: no such file\n$/);
  assert.equal(run.code, 1);
});

test("run prints the traced memory at exit, peak included", async () => {
  const run = await cli(["run", PROGRAM]);
  const match = run.stderr.match(/^Traced memory at exit: current=(\S+ \S+), peak=(\d+)(?:\.\d)? KiB$/m);
  assert.ok(match, run.stderr);
  assert.ok(Number(match[2]) >= 1024, `peak ${match[2]} KiB holds the 16 kept 64 KiB buffers`);
});
