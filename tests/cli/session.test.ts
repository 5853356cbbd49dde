import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LEAK_LINE, LEAKY, tempDir } from "../session/helpers.ts";
import { cli, ROOT, RUNTIMES } from "./helpers.ts";

const LEAKY_URL = new URL("../session/fixtures/leaky.ts", import.meta.url).href;

async function withScript(
  lines: readonly string[],
  body: (script: string, dir: string) => Promise<void>,
) {
  const { dir, cleanup } = await tempDir();
  try {
    const script = join(dir, "session.txt");
    await writeFile(script, lines.join("\n") + "\n");
    await body(script, dir);
  } finally {
    await cleanup();
  }
}

/**
 * A session that leaks 64 buffers of 16 KiB between two snapshots of this
 * process; the module is loaded (and leaks once) before the first one.
 */
const LEAK_SESSION = [
  "start",
  `eval import(${JSON.stringify(LEAKY_URL)}).then((m) => m.leak(1))`,
  "snapshot before",
  `eval import(${JSON.stringify(LEAKY_URL)}).then((m) => m.leak(64))`,
  "snapshot after",
  // The buffers (domain 1) are exact; a sampled JS-heap estimate at the same module could outrank them (seen once).
  "filter domain include 1",
  "compare after before --limit 1",
];

for (const runtime of RUNTIMES) {
  test(`a scripted REPL session finds the leaking line with compare (${runtime})`, () =>
    withScript(LEAK_SESSION, async (script) => {
      const run = await cli(["repl", "--script", script], { runtime });
      assert.equal(run.stderr, "");
      const out = run.stdout.split("\n");
      const header = out.indexOf("[ Top 1 differences ]");
      assert.ok(header > 0, run.stdout);
      // The module leaked one buffer as it was loaded, before the first snapshot.
      assert.equal(
        out[header + 1],
        `${LEAKY}:${LEAK_LINE}: size=1040 KiB (+1024 KiB), count=65 (+64), average=16.0 KiB`,
      );
      assert.equal(run.code, 0);
    }));

  test(`a script stops at an unknown command with a message naming it (${runtime})`, () =>
    withScript(["help quit", "frobnicate now", "status"], async (script) => {
      const run = await cli(["repl", "--script", script], { runtime });
      assert.equal(
        run.stderr,
        `${script}:2: frobnicate: unknown command (try help)\n`,
      );
      assert.doesNotMatch(
        run.stdout,
        /runtime:/,
        "status after the failure did not run",
      );
      assert.equal(run.code, 1);
    }));
}

test("commands are read from standard input when it is not a terminal", async () => {
  const run = await cli(["repl"], { input: "start 2\nstatus\n" });
  assert.match(run.stdout, /^tracing: {7}on, traceback limit 2 frames$/m);
  assert.equal(run.code, 0);
});

test("repl --json prints one JSON object per command", async () => {
  const run = await cli(["repl", "--json"], {
    input: "start\nsnapshot s\nmemory\nbogus\n",
  });
  const objects = run.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(objects.map((o) => [o.command, o.ok]), [
    ["start", true],
    ["snapshot", true],
    ["memory", true],
    ["bogus", false],
  ]);
  assert.equal(objects[1].result.label, "s");
  assert.equal(typeof objects[2].result.peak, "number");
  assert.equal(run.code, 1);
});

test("repl --keep-going runs every line and exits non-zero at the end", () =>
  withScript([
    "bogus",
    "start",
    "snapshot --label x",
    "snapshot x",
    "snapshots",
  ], async (script) => {
    const run = await cli(["repl", "--script", script, "--keep-going"]);
    assert.equal(
      run.stderr,
      `${script}:1: bogus: unknown command (try help)\n` +
        `${script}:3: snapshot: unknown option --label (snapshot takes --gc)\n`,
    );
    assert.match(run.stdout, /^x +\d\d:\d\d:\d\d {2}\d+ traces/m);
    assert.equal(run.code, 1);
  }));

test("dump writes a file the stats command reads", () =>
  withScript([], async (_script, dir) => {
    const file = join(dir, "live.dump");
    const session = await cli(["repl"], {
      input: `start\nsnapshot\ndump s1 ${file}\n`,
    });
    assert.equal(session.code, 0, session.stderr);
    const stats = await cli(["stats", file, "--limit", "1"]);
    assert.match(stats.stdout, /^\[ Top 1 \]\n/);
    assert.equal(stats.code, 0);
  }));

const DEMO_CACHE_LINE = readFileSync(join(ROOT, "scripts", "demo.ts"), "utf8").split("\n")
  .findIndex((line) => line.includes("new Uint8Array(2048)")) + 1;

test("repl --demo traces the demo service, whose cache compare shows growing", () =>
  withScript([
    "wait 300",
    "snapshot a",
    "wait 600",
    "snapshot b",
    "filter domain include 1",
    "compare b a --limit 1",
    "quit",
  ], async (script) => {
    const run = await cli(["repl", "--demo", "--script", script]);
    assert.match(
      run.stdout,
      /^started .*demo\.ts \(pid \d+, .*\): traced from its first line, traceback limit 5, line engine \(exact lines\), one allocation in 1024 sampled$/m,
    );
    assert.match(
      run.stdout,
      /^\[\d+\] demo service: answering 20 requests\/s/m,
    );
    const demo = join(ROOT, "scripts", "demo.ts");
    const lines = run.stdout.split("\n");
    const top = lines[lines.indexOf("[ Top 1 differences ]") + 1];
    assert.ok(top.startsWith(`${demo}:${DEMO_CACHE_LINE}: size=`), run.stdout);
    assert.match(top, /\(\+\d+(\.\d)? KiB\)/);
    assert.equal(run.code, 0);
  }));
