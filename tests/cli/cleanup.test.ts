import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { tempDir } from "../session/helpers.ts";
import { alive, startCli } from "./helpers.ts";

/** Runs a REPL script that starts the demo (which never ends by itself), then `rest`. */
async function withDemoScript(rest: readonly string[], body: (script: string) => Promise<void>) {
  const { dir, cleanup } = await tempDir();
  try {
    const script = join(dir, "session.txt");
    await writeFile(script, ["run scripts/demo.ts", ...rest].join("\n") + "\n");
    await body(script);
  } finally {
    await cleanup();
  }
}

const STARTED = /^started .* \(pid (\d+), /m;

test("quit ends the program run started", () =>
  withDemoScript(["quit"], async (script) => {
    const cli = startCli(["repl", "--script", script]);
    const pid = Number((await cli.waitFor(STARTED))[1]);
    const run = await cli.done;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(alive(pid), false);
  }));

test("the end of a script ends the program run started", () =>
  withDemoScript([], async (script) => {
    const cli = startCli(["repl", "--script", script]);
    const pid = Number((await cli.waitFor(STARTED))[1]);
    assert.equal((await cli.done).code, 0);
    assert.equal(alive(pid), false);
  }));

test("Ctrl-C (SIGINT) during a script ends the program and exits 130", () =>
  withDemoScript(["snapshots", "wait 60000"], async (script) => {
    const cli = startCli(["repl", "--script", script]);
    const pid = Number((await cli.waitFor(STARTED))[1]);
    await cli.waitFor(/^no snapshots$/m);
    cli.kill("SIGINT");
    const run = await cli.done;
    assert.equal(run.code, 130);
    assert.equal(alive(pid), false);
  }));

test("a program that exits first is reported, and snapshots taken stay usable", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const script = join(dir, "exits.txt");
    const lines = [
      "start",
      "run scripts/demo.ts 0.3",
      "snapshot early",
      "wait 1500",
      "status",
      "stats early --limit 1",
      "snapshot late",
    ];
    await writeFile(script, lines.join("\n") + "\n");
    const run = await startCli(["repl", "--script", script]).done;
    assert.match(run.stderr, /^\[\d+\] \S+ .*demo\.ts 0\.3 exited with code 0$/m);
    assert.match(run.stdout, /^program: {7}exited with code 0$/m);
    assert.match(run.stdout, /^\[ Top 1 \]\n.+: size=/m);
    assert.match(run.stderr, /:7: snapshot: program exited with code 0$/m);
    assert.equal(run.code, 1);
  } finally {
    await cleanup();
  }
});
