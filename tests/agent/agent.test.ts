import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { AgentError, Channel } from "../../src/agent/client.ts";
import { AGENT_ENV, type AgentLaunch } from "../../src/agent/protocol.ts";
import { CONTROLLER_GONE_EXIT } from "../../src/agent/agent.ts";
import { preloadCommand } from "../../src/runtime/spawn.ts";
import type { RuntimeName } from "../../src/runtime/adapter.ts";
import { assertRuntimeAvailable, IDLE_PROGRAM, RUNTIMES, withFiles } from "../session/child-fixtures.ts";

const ENTRY = fileURLToPath(new URL("../../src/agent/entry.ts", import.meta.url));
const SECRET = "7".repeat(64);

/**
 * Runs the idle program with the agent preloaded, as a controller would but
 * with a known secret, and kills it afterwards.
 */
async function withAgentProgram(
  runtime: RuntimeName,
  body: (socket: string, child: ChildProcess) => Promise<void>,
): Promise<void> {
  await withFiles({ "idle.ts": IDLE_PROGRAM }, async (dir) => {
    const socket = join(dir, "agent.sock");
    const launch: AgentLaunch = { socket, secret: SECRET, parentPid: process.pid };
    const { command, args } = preloadCommand(runtime, ENTRY, join(dir, "idle.ts"), []);
    const child = spawn(command, args, {
      env: { ...process.env, [AGENT_ENV]: JSON.stringify(launch) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await body(socket, child);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
  });
}

for (const runtime of RUNTIMES) {
  test(`the agent's socket is private to its user (mode 0600) (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withAgentProgram(runtime, async (socket) => {
      // A refused connection proves the agent has listened and set the mode (it does both in one go).
      await assert.rejects(Channel.connect(socket, "not the secret", { timeoutMs: 10_000 }), AgentError);
      assert.equal(statSync(socket).mode & 0o777, 0o600);
    });
  });

  test(`the agent refuses a controller with a wrong secret and admits the right one (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withAgentProgram(runtime, async (socket) => {
      await assert.rejects(Channel.connect(socket, "8".repeat(64), { timeoutMs: 10_000 }), (e) => {
        assert.ok(e instanceof AgentError);
        assert.match(e.message, /wrong secret/);
        return true;
      });
      const channel = await Channel.connect(socket, SECRET, { timeoutMs: 10_000 });
      assert.equal(typeof channel.hello.pid, "number");
      channel.close();
    });
  });

  test(`the agent ends the program when its controller's channel closes (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withAgentProgram(runtime, async (socket, child) => {
      const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const channel = await Channel.connect(socket, SECRET, { timeoutMs: 10_000 });
      channel.close();
      assert.equal(await exit, CONTROLLER_GONE_EXIT);
    });
  });
}
