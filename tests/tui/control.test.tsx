import { test } from "node:test";
import assert from "node:assert/strict";
import { APP_TRACES, FakeTarget, KEYS, withApp } from "./helpers.tsx";

test("t starts tracing when the target is not traced", () =>
  withApp(new FakeTarget({ traces: APP_TRACES, tracing: false }), async (app) => {
    await app.waitFor((f) => f.includes("not tracing: press t to start"));
    await app.press("t");
    await app.waitFor((f) => f.includes("● tracing, 5 frames") && f.includes("pool.ts:30"));
    assert.deepEqual(app.target.calls.filter((c) => c.startsWith("start")), ["start 5"]);
  }, { startup: ["run app.ts"] }));

test("t stops tracing when the target is traced", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("t");
    const frame = await app.waitFor((f) => f.includes("○ not tracing (t starts)"));
    assert.match(frame, /not tracing: press t to start/);
    assert.ok(app.target.calls.includes("stop"));
  }));

test("R resets the peak of traced memory", () =>
  withApp(new FakeTarget({ traces: APP_TRACES, memory: { current: 3072, peak: 10240 } }), async (app) => {
    await app.press("R");
    await app.waitFor((f) => f.includes("peak 3072 B"));
    assert.ok(app.target.calls.includes("reset-peak"));
  }));

test("X clears the traces", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("X");
    await app.waitFor((f) => f.includes("traces cleared"));
    assert.ok(app.target.calls.includes("clear"));
  }));

test("the target's output appears in the output pane", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    app.target.write("stdout", "listening on :8080\nready");
    app.target.write("stderr", "warning: slow\n");
    const frame = await app.waitFor((f) => f.includes("warning: slow"));
    assert.match(frame, /listening on :8080/);
    // A line is shown once it is complete.
    assert.doesNotMatch(frame, /ready/);
  }));

test("the target's exit is shown in the header and the log", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    app.target.end({ code: 3, signal: null });
    const frame = await app.waitFor((f) => f.includes("✖ exited with code 3"));
    assert.match(frame, /program node app\.ts \(pid 4242\) exited with code 3/);
  }));

test("after the target exits its last table stays on screen", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    app.target.end({ code: null, signal: "SIGKILL" });
    const frame = await app.waitFor((f) => f.includes("was killed by SIGKILL"));
    assert.match(frame, /pool\.ts:30 allocatePool/);
  }));

test("q asks to quit", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("q");
    assert.equal(app.quits(), 1);
  }));

test("Ctrl-C asks to quit", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press(KEYS.ctrlC);
    assert.equal(app.quits(), 1);
  }));

test("a key and Enter typed in one chunk open the prompt and take it", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s\r");
    await app.waitFor((f) => f.includes("s1") && !f.includes("snapshot label"));
  }));

test("keys typed ahead in one chunk each count", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("jj");
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes("TRACEBACKS of live #3"));
  }));
