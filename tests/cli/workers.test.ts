import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Snapshot } from "../../src/model/snapshot.ts";
import { scriptCommand } from "../../src/runtime/spawn.ts";
import { LocalTarget } from "../../src/session/local.ts";
import { Session } from "../../src/session/session.ts";
import { lines, tempDir } from "../session/helpers.ts";
import { cli, HOST } from "./helpers.ts";

const PROGRAM = fileURLToPath(new URL("./fixtures/workers.ts", import.meta.url));
const WORKER = fileURLToPath(new URL("./fixtures/worker.ts", import.meta.url));
const MAIN_LINE = readFileSync(PROGRAM, "utf8").split("\n").findIndex((l) => l.includes("// MAIN")) + 1;
const STARTUP = fileURLToPath(new URL("../../src/startup.ts", import.meta.url));

/** What the program prints on this runtime: Node has no web `Worker`. */
const OUTPUT = HOST === "node" ? "thread answered 42\n" : "thread answered 42\nweb worker answered 42\n";

/** What `status` says of workers on this runtime. */
const WORKERS_LINE = `workers:       not traced (allocations in worker threads are not seen: ${
  HOST === "node" ? "worker_threads" : "Worker, worker_threads"
})`;

test("run of a program that starts workers passes its output and exit status through", async () => {
  const run = await cli(["run", PROGRAM]);
  assert.equal(run.stdout, OUTPUT, run.stderr);
  assert.equal(run.code, 5, run.stderr);
});

test("run's snapshot holds the main thread's buffers and none of the workers'", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const file = join(dir, "exit.dump");
    const run = await cli(["run", "--dump", file, PROGRAM]);
    assert.equal(run.code, 5, run.stderr);
    const traces = [...(await Snapshot.load(file)).traces];
    const main = traces.filter((t) =>
      t.traceback.at(-1)?.filename === PROGRAM && t.traceback.at(-1)?.lineno === MAIN_LINE
    );
    assert.equal(main.reduce((sum, t) => sum + t.size, 0), 1024 * 1024);
    assert.ok(traces.every((t) => [...t.traceback].every((frame) => frame.filename !== WORKER)));
  } finally {
    await cleanup();
  }
});

test("a program that starts workers runs as before under the startup preload (TRACEMALLOC=1)", async () => {
  const { command, args } = scriptCommand(HOST, PROGRAM, [], STARTUP);
  const child = spawn(command, args, { env: { ...process.env, TRACEMALLOC: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => stdout += text);
  child.stderr.setEncoding("utf8").on("data", (text: string) => stderr += text);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(stdout, OUTPUT, stderr);
  assert.equal(code, 5, stderr);
});

test("status says allocations in worker threads are not traced, in words and in --json", async () => {
  const session = new Session({ target: new LocalTarget() });
  try {
    assert.ok((await lines(session, "status")).includes(WORKERS_LINE));
    const data = (await session.execute("status"))!.result.data as { workers: { traced: boolean; text: string } };
    assert.deepEqual(data.workers, { traced: false, text: WORKERS_LINE.replace(/^workers: +/, "") });
  } finally {
    await session.close();
  }
});
