import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { ChildTarget } from "../../src/session/child.ts";
import { currentRuntimeName, scriptCommand } from "../../src/runtime/spawn.ts";
import type { RuntimeName } from "../../src/runtime/adapter.ts";
import { assertRuntimeAvailable, IDLE_PROGRAM, isAlive, RUNTIMES, waitUntil, withFiles } from "./child-fixtures.ts";

const CHILD_MODULE = new URL("../../src/session/child.ts", import.meta.url).href;

/** A controller process: launches the idle program as its target, prints the child's pid, then idles or exits. */
const CONTROLLER = `import process from "node:process";
import { ChildTarget } from ${JSON.stringify(CHILD_MODULE)};
const [script, runtime, then] = process.argv.slice(2);
const target = await ChildTarget.launch({ script, runtime });
process.stdout.write("child " + target.pid + "\\n");
if (then === "exit") setTimeout(() => process.exit(0), 20);
else setInterval(() => {}, 1000);
`;

/** Starts a controller under this test's runtime and resolves with it and its child's pid. */
async function startController(
  dir: string,
  runtime: RuntimeName,
  then: "idle" | "exit",
): Promise<{ controller: ChildProcess; childPid: number }> {
  const { command, args } = scriptCommand(currentRuntimeName(), join(dir, "controller.mts"), [
    join(dir, "idle.ts"),
    runtime,
    then,
  ]);
  const controller = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  const childPid = await new Promise<number>((resolve, reject) => {
    let out = "";
    controller.stdout!.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const found = /child (\d+)/.exec(out);
      if (found) resolve(Number(found[1]));
    });
    controller.once("exit", (code) => reject(new Error(`the controller exited (${code}) before launching: ${out}`)));
  });
  controller.stdout!.resume();
  return { controller, childPid };
}

/** Runs `body` with a controller whose child is killed afterwards whatever happens. */
async function withController(
  runtime: RuntimeName,
  then: "idle" | "exit",
  body: (controller: ChildProcess, childPid: number) => Promise<void>,
): Promise<void> {
  await withFiles({ "controller.mts": CONTROLLER, "idle.ts": IDLE_PROGRAM }, async (dir) => {
    const { controller, childPid } = await startController(dir, runtime, then);
    const exited = new Promise((resolve) => controller.once("exit", resolve));
    try {
      await body(controller, childPid);
    } finally {
      for (const pid of [controller.pid!, childPid]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch { /* gone already */ }
      }
      await exited;
    }
  });
}

for (const runtime of RUNTIMES) {
  test(`close() kills the child (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "idle.ts": IDLE_PROGRAM }, async (dir) => {
      const target = await ChildTarget.launch({ script: join(dir, "idle.ts"), runtime });
      assert.equal(isAlive(target.pid), true);
      await target.close();
      assert.equal(isAlive(target.pid), false);
      assert.ok((await target.status()).exit, "the exit is known after close()");
    });
  });

  test(`a controller killed with SIGKILL takes its child down (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withController(runtime, "idle", async (controller, childPid) => {
      assert.equal(isAlive(childPid), true);
      controller.kill("SIGKILL");
      await waitUntil(() => !isAlive(childPid), `child ${childPid} ends`);
    });
  });

  test(`SIGINT to the controller ends its child (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withController(runtime, "idle", async (controller, childPid) => {
      assert.equal(isAlive(childPid), true);
      controller.kill("SIGINT");
      await waitUntil(() => !isAlive(childPid), `child ${childPid} ends`);
    });
  });

  test(`a controller that exits without closing its target takes the child down (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withController(runtime, "exit", async (controller, childPid) => {
      await new Promise((resolve) => controller.exitCode === null ? controller.once("exit", resolve) : resolve(null));
      await waitUntil(() => !isAlive(childPid), `child ${childPid} ends`);
    });
  });
}
