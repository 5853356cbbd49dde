import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_TRACEBACK_LIMIT } from "../../src/defaults.ts";
import type { ProgramLaunch } from "../../src/session/launch.ts";
import { Session } from "../../src/session/session.ts";
import { runTui, type TuiOptions } from "../../tui/run.tsx";
import { APP_TRACES, FakeTarget } from "./helpers.tsx";
import { Input, Output } from "./terminal.ts";

/** Resolves once `ready()` holds (checked every 10 ms), or fails after 10 s. */
async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs the TUI with `options` on `app.ts`, its launches recorded instead of
 * started, and calls `body` once the program runs; quits with `q` after it.
 */
async function launched(
  options: Partial<TuiOptions>,
  body: (launch: ProgramLaunch, program: FakeTarget, stdin: Input, stdout: Output) => Promise<void>,
): Promise<void> {
  const launches: ProgramLaunch[] = [];
  const program = new FakeTarget({ traces: APP_TRACES });
  const session = new Session({
    target: new FakeTarget({ tracing: false }),
    launch: (launch) => {
      launches.push(launch);
      return Promise.resolve(program);
    },
  });
  const stdin = new Input();
  const stdout = new Output();
  const code = runTui({ ...options, session, script: "app.ts", stdin, stdout, stderr: new Output(), refreshMs: 50 });
  try {
    await until(() => launches.length > 0 && stdout.text.includes("pool.ts:30"), "the program's table");
    await body(launches[0], program, stdin, stdout);
  } finally {
    stdin.push("q");
    assert.equal(await code, 0);
    await session.close();
  }
}

test("the TUI traces its program with the defaults of run and the REPL", () =>
  launched({}, (launch) => {
    assert.deepEqual(launch.start, { nframe: DEFAULT_TRACEBACK_LIMIT, options: {} });
    return Promise.resolve();
  }));

test("the TUI's --nframe, --every and --interval still set how its program is traced", () =>
  launched({ nframe: 2, every: 64, interval: 4096 }, (launch) => {
    assert.deepEqual(launch.start, { nframe: 2, options: { sampleEvery: 64, samplingInterval: 4096 } });
    return Promise.resolve();
  }));

test("the TUI's --internal-frames keeps the runtime's frames in its program's tracebacks", () =>
  launched({ internalFrames: true }, (launch) => {
    assert.deepEqual(launch.start, { nframe: DEFAULT_TRACEBACK_LIMIT, options: { internalFrames: true } });
    return Promise.resolve();
  }));

test("the TUI's t key starts tracing again with the default traceback limit", () =>
  launched({}, async (_launch, program, stdin, stdout) => {
    stdin.push("t");
    // t means start once the screen shows tracing off.
    await until(() => program.calls.includes("stop") && stdout.text.includes("not tracing (t starts)"), "stop");
    stdin.push("t");
    await until(() => program.calls.some((call) => call.startsWith("start")), "start");
    assert.deepEqual(program.calls.filter((call) => call.startsWith("start")), [`start ${DEFAULT_TRACEBACK_LIMIT}`]);
  }));
