/**
 * `run` on programs that do not simply run to their end: a server stopped
 * by a signal (handled or not), `process.exit()`, an uncaught exception;
 * and the report of where the memory was at the peak.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../session/helpers.ts";
import { cli, escapeRegExp, reportsBuffers, startCli } from "./helpers.ts";

const SERVER = fileURLToPath(new URL("./fixtures/server.ts", import.meta.url));
const lineOf = (mark: string) => readFileSync(SERVER, "utf8").split("\n").findIndex((l) => l.includes(mark)) + 1;
/** The kept line with its 512 KiB of buffers, as a report shows it. */
const kept = (report: string) => reportsBuffers(report, `${SERVER}:${lineOf("// KEPT")}`, 512);
/** The burst's line with its size: 4 MiB of buffers, plus the line engine's estimate of the arrays' JS objects. */
const BURST = new RegExp(
  `: ${escapeRegExp(SERVER)}:${lineOf("// BURST")}: (\\d+)\\.\\d KiB$`,
  "m",
);

/** Starts the server under `run`, waits until it listens, signals `run` and waits for the end. */
async function stopServer(mode: string, signal: NodeJS.Signals, args: readonly string[] = []) {
  const running = startCli(["run", ...args, SERVER, mode]);
  await running.waitFor(/listening/);
  running.kill(signal);
  return await running.done;
}

test("run passes SIGTERM to a server, which shuts down by itself, then reports", async () => {
  const run = await stopServer("graceful", "SIGTERM");
  const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  assert.match(run.stdout, /^shutting down on SIGTERM$/m, output);
  assert.ok(kept(run.stderr), output);
  // The line gives the status: Deno's child_process reports a child it signalled as ended by that signal.
  assert.match(run.stderr, /^The program shut down after SIGTERM and exited with code 0\.$/m, output);
});

test("run passes SIGINT on to a server that shuts down by itself, once", async () => {
  const run = await stopServer("graceful", "SIGINT");
  assert.equal(run.stdout.match(/shutting down/g)?.length, 1, run.stdout);
  assert.match(run.stderr, /^The program shut down after SIGINT and exited with code 0\.$/m);
});

test("run reports the state of a program stopped by a signal it does not handle, and exits as it did", async () => {
  const run = await stopServer("plain", "SIGINT");
  assert.ok(kept(run.stderr), run.stderr);
  assert.match(run.stderr, /^Traced memory at exit: /m);
  assert.match(
    run.stderr,
    /^The program was stopped by SIGINT; the report shows its state then, garbage not yet collected included\.$/m,
  );
  assert.equal(run.code, 130);
});

test("run --dump writes the snapshot of a server stopped by SIGTERM", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const file = join(dir, "stopped.dump");
    const run = await stopServer("plain", "SIGTERM", ["--dump", file]);
    assert.equal(run.code, 143);
    // No collection runs as a program dies of a signal: the dropped burst may still be there, above the kept line.
    const stats = await cli(["stats", file, "--include-domain", "1", "--limit", "2"]);
    assert.ok(
      stats.stdout.split("\n").includes(`${SERVER}:${lineOf("// KEPT")}: size=512 KiB, count=8, average=64.0 KiB`),
      stats.stdout,
    );
  } finally {
    await cleanup();
  }
});

test("run reports the state of a program that calls process.exit()", async () => {
  const run = await cli(["run", SERVER, "exit"]);
  assert.ok(kept(run.stderr), run.stderr);
  assert.match(run.stderr, /^The program exited with code 4 through process\.exit\(\); the report shows/m);
  assert.equal(run.code, 4);
});

test("run reports the state of a program stopped by an uncaught exception", async () => {
  const run = await cli(["run", SERVER, "throw"]);
  assert.ok(kept(run.stderr), run.stderr);
  assert.match(run.stderr, /^The program stopped on an uncaught exception \(Error: boom\); the report shows/m);
  assert.equal(run.code, 1);
});

test("run shows where the memory was at the peak, beside the report at exit", async () => {
  const run = await stopServer("graceful", "SIGTERM");
  const [atExit, atPeak] = run.stderr.split(/^At the peak, /m);
  assert.ok(atPeak, `a peak report:\n${run.stderr}`);
  assert.doesNotMatch(atExit, BURST, "the burst was dropped before exit");
  assert.match(atPeak, /^\d+\.\d s after tracing began: \d+ KiB traced/);
  assert.ok(Number(atPeak.match(BURST)?.[1]) >= 4096, `the burst is at the peak:\n${run.stderr}`);
});

test("run --dump-peak writes the snapshot kept at the peak", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const file = join(dir, "peak.dump");
    await stopServer("graceful", "SIGTERM", ["--dump-peak", file]);
    const stats = await cli(["stats", file, "--include-domain", "1", "--limit", "1"]);
    assert.equal(
      stats.stdout.split("\n")[1],
      `${SERVER}:${lineOf("// BURST")}: size=4096 KiB, count=64, average=64.0 KiB`,
    );
  } finally {
    await cleanup();
  }
});
