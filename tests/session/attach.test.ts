import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { RuntimeName } from "../../src/runtime/adapter.ts";
import { runtimeExecutable } from "../../src/runtime/spawn.ts";
import { AttachedTarget } from "../../src/session/attach/target.ts";
import { LocalTarget } from "../../src/session/local.ts";
import { Session } from "../../src/session/session.ts";
import { assertRuntimeAvailable, isAlive, waitUntil, withFiles } from "./child-fixtures.ts";

/**
 * A program that was running before anyone traced it: it leaks from one
 * named function and counts its ticks. The interface above the function
 * moves its line in Deno's emitted JavaScript, so a right line says the
 * controller mapped it back to the TypeScript.
 */
const LEAKING_APP = `interface Entry {
  id: number;
  payload: number[];
}
const cache: Entry[] = [];
let ticks = 0;
function growCache(): void {
  for (let i = 0; i < 200; i++) cache.push({ id: i, payload: new Array(64).fill(i) });
}
setInterval(() => {
  growCache();
  ticks++;
  (globalThis as Record<string, unknown>).ticks = ticks;
}, 20);
console.log("ready");
`;
/** The same program in plain JavaScript, for node. */
const LEAKING_JS = `const cache = [];
let ticks = 0;
function growCache() {
  for (let i = 0; i < 200; i++) cache.push({ id: i, payload: new Array(64).fill(i) });
}
setInterval(() => {
  growCache();
  globalThis.ticks = ++ticks;
}, 20);
console.log("ready");
`;
const lineOf = (source: string, start: string) => source.split("\n").findIndex((l) => l.startsWith(start)) + 1;

/** A running program and what it printed. */
interface Running {
  readonly child: ChildProcess;
  readonly pid: number;
  stderr: string;
}

/** Starts `args` in `dir` and resolves once it printed "ready". */
async function startProgram(runtime: RuntimeName, args: readonly string[], dir: string): Promise<Running> {
  assertRuntimeAvailable(runtime);
  const child = spawn(runtimeExecutable(runtime), args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const running: Running = { child, pid: child.pid!, stderr: "" };
  let stdout = "";
  child.stdout!.on("data", (chunk) => stdout += chunk);
  child.stderr!.on("data", (chunk) => running.stderr += chunk);
  await waitUntil(() => stdout.includes("ready"), `${runtime} printed ready (stderr: ${running.stderr})`, 30_000);
  // The inspector may start listening after the program's first line (Bun's runs on a thread of its own).
  if (args.some((a) => a.startsWith("--inspect"))) {
    await waitUntil(() => /ws:\/\/\S+/.test(running.stderr), `${runtime} printed its inspector's address`, 30_000);
  }
  return running;
}

async function stop(running: Running): Promise<void> {
  running.child.kill("SIGKILL");
  await waitUntil(() => !isAlive(running.pid), "the program ended");
}

/** The tick count the program has reached, read through `eval`. */
async function ticks(target: AttachedTarget): Promise<number> {
  // undefined before the first tick
  return Number(await target.eval("globalThis.ticks ?? 0"));
}

/** True while `pid` listens on a TCP port (its inspector, here), read from `/proc`. */
function listens(pid: number): boolean {
  const listening = new Set<string>();
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, "utf8").split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] === "0A") listening.add(fields[9]);
  }
  return readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      return listening.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? "");
    } catch {
      return false; // closed meanwhile
    }
  });
}

/** Attaches again and reads the tick count. */
async function evalAfterDetach(pid: number): Promise<string> {
  const target = await AttachedTarget.attach(String(pid));
  try {
    return await target.eval("globalThis.ticks");
  } finally {
    await target.close();
  }
}

/** Attaches, traces for a while, and gives the leaking function's biggest statistic. */
async function leakingFunction(target: AttachedTarget) {
  await target.start(5, { samplingInterval: 4096 });
  const before = await ticks(target);
  while (await ticks(target) < before + 25) await delay(20);
  const snapshot = await target.takeSnapshot();
  const top = snapshot.statistics("lineno")[0];
  assert.ok(top, "the snapshot has traces");
  return top;
}

test("attach traces a plain node program (no flag) by pid, finds the leaking function and leaves it running", async () => {
  await withFiles({ "app.js": LEAKING_JS }, async (dir) => {
    const running = await startProgram("node", ["app.js"], dir);
    try {
      assert.equal(listens(running.pid), false, "a plain node program has no inspector open");
      const target = await AttachedTarget.attach(String(running.pid));
      const status = await target.status();
      assert.match(status.runtime, /^node /);
      assert.equal(status.engine?.name, "sampler");
      const top = await leakingFunction(target);
      const frame = top.traceback.at(0)!;
      assert.equal(frame.filename, join(dir, "app.js"));
      assert.equal(frame.lineno, lineOf(LEAKING_JS, "function growCache"));
      await target.close();
      await waitUntil(() => !listens(running.pid), "node closed the inspector attach opened");
      assert.ok(isAlive(running.pid), "the program goes on");
      const ticked = Number(/\d+/.exec(String(await evalAfterDetach(running.pid)))?.[0]);
      assert.ok(ticked > 25, "it still runs its timers, and can be attached again");
    } finally {
      await stop(running);
    }
  });
});

test("attach traces deno run --inspect by pid, lines mapped to the TypeScript source", async () => {
  await withFiles({ "app.ts": LEAKING_APP }, async (dir) => {
    const running = await startProgram("deno", ["run", "--inspect=127.0.0.1:0", "app.ts"], dir);
    try {
      const target = await AttachedTarget.attach(String(running.pid));
      const top = await leakingFunction(target);
      const frame = top.traceback.at(0)!;
      assert.equal(frame.filename, join(dir, "app.ts"));
      assert.equal(frame.lineno, lineOf(LEAKING_APP, "function growCache"));
      await target.close();
      await delay(200);
      assert.ok(isAlive(running.pid), "the program goes on");
      // Deno's inspector stays (it was opened by the program's own flag); another attach works.
      const again = await AttachedTarget.attach(String(running.pid));
      assert.ok(await ticks(again) > 0);
      await again.close();
    } finally {
      await stop(running);
    }
  });
});

test("attach to bun by pid names the address it needs, and attaches by that address with objects by type", async () => {
  await withFiles({ "app.ts": LEAKING_APP }, async (dir) => {
    const running = await startProgram("bun", ["--inspect=127.0.0.1:0", "app.ts"], dir);
    try {
      await assert.rejects(
        AttachedTarget.attach(String(running.pid)),
        /Bun's inspector \(port \d+\) has an address only the program knows: attach with the ws:\/\/ address/,
      );
      const url = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(running.stderr)?.[0];
      assert.ok(url, `bun printed its address: ${running.stderr}`);
      const target = await AttachedTarget.attach(url);
      assert.equal(target.pid, running.pid);
      await target.start(1);
      const snapshot = await target.takeSnapshot();
      const types = snapshot.statistics("filename").map((s) => s.traceback.at(0)!.filename);
      assert.ok(types.includes("<jsc:Object>"), `object types are listed: ${types.slice(0, 5)}`);
      const status = await target.status();
      assert.equal(status.engine?.name, "census");
      await target.close();
      assert.ok(isAlive(running.pid), "the program goes on");
    } finally {
      await stop(running);
    }
  });
});

test("attach to bun by pid works when the program named its inspector's path", async () => {
  await withFiles({ "app.ts": LEAKING_APP }, async (dir) => {
    const running = await startProgram("bun", ["--inspect=127.0.0.1:0/tracemalloc", "app.ts"], dir);
    try {
      const target = await AttachedTarget.attach(String(running.pid));
      assert.ok(await ticks(target) > 0);
      await target.close();
    } finally {
      await stop(running);
    }
  });
});

test("attach refuses what it cannot trace, saying why", async () => {
  await assert.rejects(AttachedTarget.attach("999999999"), /no process with pid 999999999/);
  await assert.rejects(AttachedTarget.attach("abc"), /expected a pid or an inspector address/);
  await assert.rejects(AttachedTarget.attach("ws://192.0.2.1:9229/x"), /must listen on this machine's loopback/);
  await assert.rejects(AttachedTarget.attach(String(process.pid)), /that is this process/);
  const sleeper = spawn("sleep", ["30"]);
  try {
    // Between fork and exec the child still runs its parent's executable.
    await waitUntil(() => {
      try {
        return readlinkSync(`/proc/${sleeper.pid}/exe`).endsWith("/sleep");
      } catch {
        return false;
      }
    }, "the child became sleep");
    await assert.rejects(
      AttachedTarget.attach(String(sleeper.pid)),
      /is not a Node, Deno or Bun program \(it runs sleep\)/,
    );
  } finally {
    sleeper.kill();
  }
  await withFiles({ "app.ts": LEAKING_APP }, async (dir) => {
    const running = await startProgram("deno", ["run", "app.ts"], dir);
    try {
      await assert.rejects(AttachedTarget.attach(String(running.pid)), /has no inspector open: .*--inspect/);
    } finally {
      await stop(running);
    }
  });
});

test("an attached program refuses the line engine's options and what needs its objects, plainly", async () => {
  await withFiles({ "app.ts": LEAKING_APP }, async (dir) => {
    const running = await startProgram("deno", ["run", "--inspect=127.0.0.1:0", "app.ts"], dir);
    const target = await AttachedTarget.attach(String(running.pid));
    try {
      await assert.rejects(
        target.start(5, { engine: "line" }),
        /offers V8's sampling heap profiler .* --engine sampler/,
      );
      await assert.rejects(target.start(5, { sampleEvery: 64 }), /--every sets the line engine's rate/);
      await assert.rejects(target.takeSnapshot(), /tracing must be started/);
      await target.start(5);
      await assert.rejects(target.allocated(), /cannot be counted in an attached program/);
      await assert.rejects(target.eval("throw new RangeError('no')"), /^Error: RangeError: no$/);
    } finally {
      await target.close();
      await stop(running);
    }
  });
});

test("the session's attach, detach and quit leave the program running; its end is news", async () => {
  await withFiles({ "app.ts": LEAKING_APP }, async (dir) => {
    const running = await startProgram("deno", ["run", "--inspect=127.0.0.1:0", "app.ts"], dir);
    const session = new Session({ target: new LocalTarget() });
    try {
      const attached = await session.execute(`attach ${running.pid}`);
      assert.match(
        attached!.result.lines[0],
        new RegExp(`^attached to \\S*deno run .*app.ts \\(pid ${running.pid}, deno `),
      );
      await session.execute("start 5 --interval 4096");
      await delay(300);
      await session.execute("snapshot s1");
      const detached = await session.execute("detach");
      assert.match(detached!.result.lines[0], new RegExp(`^detached from pid ${running.pid}`));
      assert.equal((await session.target.status()).command, "this process");
      assert.ok(session.snapshots.has("s1"), "snapshots taken so far stay");
      await assert.rejects(session.execute("detach"), /no program is attached/);
      assert.ok(isAlive(running.pid));

      await session.execute(`attach ${running.pid}`);
      const exits: string[] = [];
      session.on((event) => event.type === "exit" && exits.push(event.command));
      running.child.kill("SIGKILL");
      await waitUntil(() => exits.length === 1, "the session heard the program end");
      const status = await session.execute("status");
      assert.match(status!.result.lines.join("\n"), /can no longer be reached/);
    } finally {
      await session.close();
      await stop(running).catch(() => {});
    }
  });
});
