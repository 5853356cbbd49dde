import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { runtime } from "../../src/runtime/index.ts";
import { DENO_PROMPT_IO, preloadCommand, scriptCommand } from "../../src/runtime/spawn.ts";

test("a Deno program started with a preload gets DENO_PROMPT_IO in its environment; Node and Bun need nothing", () => {
  assert.deepEqual(preloadCommand("deno", "/pkg/agent.ts", "app.ts", []).env, { DENO_TOKIO_EVENT_INTERVAL: "1" });
  assert.deepEqual(DENO_PROMPT_IO, { DENO_TOKIO_EVENT_INTERVAL: "1" });
  assert.equal(preloadCommand("node", "/pkg/agent.ts", "app.ts", []).env, undefined);
  assert.equal(preloadCommand("bun", "/pkg/agent.ts", "app.ts", []).env, undefined);
  assert.equal(scriptCommand("deno", "app.ts", []).env, undefined);
});

/**
 * A program that keeps its event loop busy in back-to-back 5 ms tasks (as
 * scripts/bench-watch.ts's does) and echoes what comes on a unix socket.
 */
const BUSY_ECHO = `
import { createServer } from "node:net";
import process from "node:process";
let sink = 0;
function work(): void {
  const until = performance.now() + 5;
  while (performance.now() < until) sink++;
  setImmediate(work);
}
createServer((socket) => socket.on("data", (data) => socket.write(data))).listen(process.argv[2], () => {
  console.log("LISTENING");
  work();
});
`;

test("a busy program started by preloadCommand, with its env, reads its socket promptly", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tracemalloc-spawn-"));
  const socketPath = join(dir, "echo.sock");
  const script = join(dir, "busy.mts");
  const preload = join(dir, "preload.mjs");
  await writeFile(script, BUSY_ECHO);
  await writeFile(preload, "export {};\n");
  const { command, args, env } = preloadCommand(runtime().name, preload, script, [socketPath]);
  const child = spawn(command, args, { env: { ...env, ...process.env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => stderr += chunk);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on("data", (chunk) => String(chunk).includes("LISTENING") && resolve());
      child.once("exit", (code) => reject(new Error(`the program ended (${code}): ${stderr}`)));
    });
    const socket = connect(socketPath);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const waits: number[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        // At random points of the program's turns.
        await new Promise((resolve) => setTimeout(resolve, 30 + Math.random() * 40));
        const sent = performance.now();
        const echoed = new Promise((resolve) => socket.once("data", resolve));
        socket.write("x");
        await echoed;
        waits.push(performance.now() - sent);
      }
    } finally {
      socket.destroy();
    }
    waits.sort((a, b) => a - b);
    // Deno without DENO_TOKIO_EVENT_INTERVAL=1 reads it every 61 turns (about 330 ms): a median of 110-190 ms.
    // Prompt: one 5 ms turn at most, a few ms here; the bound leaves room for a loaded machine.
    const median = waits[waits.length >> 1];
    assert.ok(median < 50, `median wait ${median.toFixed(0)} ms: ${waits.map((w) => w.toFixed(0)).join(", ")}`);
  } finally {
    child.kill();
    await rm(dir, { recursive: true, force: true });
  }
});
