import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ChildTarget } from "../../src/session/child.ts";
import { sweepStaleSessions } from "../../src/session/stale.ts";
import { currentRuntimeName, scriptCommand } from "../../src/runtime/spawn.ts";
import type { RuntimeName } from "../../src/runtime/adapter.ts";
import { assertRuntimeAvailable, IDLE_PROGRAM, isAlive, RUNTIMES, waitUntil, withFiles } from "./child-fixtures.ts";

const CHILD_MODULE = new URL("../../src/session/child.ts", import.meta.url).href;

/**
 * A controller process: launches the idle program as its target (with an exit report, as `run` does, when told),
 * prints the child's pid, then idles or exits.
 */
const CONTROLLER = `import process from "node:process";
import { ChildTarget } from ${JSON.stringify(CHILD_MODULE)};
const [script, runtime, then, report] = process.argv.slice(2);
const target = await ChildTarget.launch({ script, runtime, snapshotAtExit: report === "report" });
process.stdout.write("child " + target.pid + "\\n");
if (then === "exit") setTimeout(() => process.exit(0), 20);
else setInterval(() => {}, 1000);
`;

/** How a test's controller runs: its environment's additions, and whether its target reports its exit (as `run`'s). */
interface ControllerOptions {
  env?: Record<string, string>;
  report?: boolean;
}

/** Starts a controller under this test's runtime and resolves with it and its child's pid. */
async function startController(
  dir: string,
  runtime: RuntimeName,
  then: "idle" | "exit",
  options: ControllerOptions = {},
): Promise<{ controller: ChildProcess; childPid: number }> {
  const { command, args } = scriptCommand(currentRuntimeName(), join(dir, "controller.mts"), [
    join(dir, "idle.ts"),
    runtime,
    then,
    options.report ? "report" : "",
  ]);
  const controller = spawn(command, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...options.env },
  });
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
  options: ControllerOptions = {},
): Promise<void> {
  await withFiles({ "controller.mts": CONTROLLER, "idle.ts": IDLE_PROGRAM }, async (dir) => {
    const { controller, childPid } = await startController(dir, runtime, then, options);
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

/** A fresh directory to serve as a controller's TMPDIR; removed after `body`. */
async function withTmp(body: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "tm-sweep-"));
  try {
    await body(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** As {@link withTmp}, for a synchronous `body`. */
function inTmp(body: (tmp: string) => void): void {
  const tmp = mkdtempSync(join(tmpdir(), "tm-sweep-"));
  try {
    body(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The session directories (`tracemalloc-*`) in `tmp`. */
function sessionDirectories(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith("tracemalloc-"));
}

/** The pid of a process that has ended (and been reaped). */
function gonePid(): number {
  const pid = spawnSync("true").pid;
  assert.ok(pid && !isAlive(pid));
  return pid;
}

for (const runtime of RUNTIMES) {
  test(`a controller killed with SIGKILL leaves no session directory, kept for an exit report (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withTmp(async (tmp) => {
      await withController(runtime, "idle", async (controller, childPid) => {
        assert.equal(sessionDirectories(tmp).length, 1, "the directory is kept for the exit report");
        controller.kill("SIGKILL");
        await waitUntil(() => !isAlive(childPid), `child ${childPid} ends`);
        await waitUntil(() => sessionDirectories(tmp).length === 0, `no session directory is left in ${tmp}`);
      }, { env: { TMPDIR: tmp }, report: true });
    });
  });
}

test("without an exit report, the session directory is removed once the agent has admitted its controller", async () => {
  await withTmp(async (tmp) => {
    await withController(currentRuntimeName(), "idle", (_controller, childPid) => {
      assert.equal(isAlive(childPid), true);
      assert.deepEqual(sessionDirectories(tmp), []);
      return Promise.resolve();
    }, { env: { TMPDIR: tmp } });
  });
});

test("a launch sweeps the session directory a controller that is gone left behind", async () => {
  await withTmp(async (tmp) => {
    const stale = join(tmp, `tracemalloc-${gonePid()}-AbC123`);
    mkdirSync(stale, { mode: 0o700 });
    writeFileSync(join(stale, "exit-report"), "");
    await withController(currentRuntimeName(), "idle", (controller) => {
      assert.equal(existsSync(stale), false, "the stale directory is swept");
      // The new session's own, named after its controller (kept for the exit report).
      assert.deepEqual(sessionDirectories(tmp).map((name) => name.replace(/-\w{6}$/, "")), [
        `tracemalloc-${controller.pid}`,
      ]);
      return Promise.resolve();
    }, { env: { TMPDIR: tmp }, report: true });
  });
});

test("the sweep removes a gone controller's directory with its socket and exit report", async () => {
  await withTmp(async (tmp) => {
    const stale = join(tmp, `tracemalloc-${gonePid()}-AbC123`);
    mkdirSync(stale, { mode: 0o700 });
    writeFileSync(join(stale, "exit-report.partial"), "");
    writeFileSync(join(stale, "exit-report"), "");
    // A socket file, as an agent killed while waiting for its controller leaves it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(stale, "agent.sock"), resolve));
    try {
      assert.deepEqual(sweepStaleSessions(tmp), [stale]);
      assert.deepEqual(readdirSync(tmp), []);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

test("the sweep keeps the directory of a controller that still runs", () => {
  inTmp((tmp) => {
    const running = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      const live = join(tmp, `tracemalloc-${running.pid}-AbC123`);
      mkdirSync(live, { mode: 0o700 });
      writeFileSync(join(live, "exit-report"), "");
      assert.deepEqual(sweepStaleSessions(tmp), []);
      assert.deepEqual(readdirSync(live), ["exit-report"]);
    } finally {
      running.kill("SIGKILL");
    }
  });
});

test("the sweep keeps a directory holding a file no session makes", () => {
  inTmp((tmp) => {
    const stale = join(tmp, `tracemalloc-${gonePid()}-AbC123`);
    mkdirSync(stale, { mode: 0o700 });
    writeFileSync(join(stale, "notes.txt"), "mine");
    assert.deepEqual(sweepStaleSessions(tmp), []);
    assert.deepEqual(readdirSync(stale), ["notes.txt"]);
  });
});

test("the sweep does not follow a symbolic link named as a session directory, nor one inside it", () => {
  inTmp((tmp) => {
    const elsewhere = join(tmp, "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, "exit-report"), "kept");
    const link = join(tmp, `tracemalloc-${gonePid()}-AbC123`);
    symlinkSync(elsewhere, link);
    const stale = join(tmp, `tracemalloc-${gonePid()}-XyZ789`);
    mkdirSync(stale, { mode: 0o700 });
    symlinkSync(join(elsewhere, "exit-report"), join(stale, "exit-report"));
    assert.deepEqual(sweepStaleSessions(tmp), []);
    assert.equal(readlinkSync(link), elsewhere);
    assert.equal(readlinkSync(join(stale, "exit-report")), join(elsewhere, "exit-report"));
    assert.deepEqual(readdirSync(elsewhere), ["exit-report"]);
  });
});

test("the sweep leaves directories whose name does not say their controller", () => {
  inTmp((tmp) => {
    const names = ["tracemalloc-AbC123", "tracemalloc-session-AbC123", `tracemalloc-${gonePid()}-AbC12`];
    for (const name of names) mkdirSync(join(tmp, name));
    assert.deepEqual(sweepStaleSessions(tmp), []);
    assert.deepEqual(readdirSync(tmp).sort(), [...names].sort());
  });
});
