import { test } from "node:test";
import assert from "node:assert/strict";
import { APP_TRACES, FakeTarget, KEYS, withApp } from "./helpers.tsx";

test(": runs a REPL command and shows its output in the pane", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press(":", "eval 1 + 1", KEYS.enter);
    const frame = await app.waitFor((f) => f.includes("evaluated 1 + 1"));
    assert.match(frame, /: eval 1 \+ 1/);
  }));

test("a failing command shows its error", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press(":", "stast", KEYS.enter);
    await app.waitFor((f) => /stast: unknown command \(did you mean .*stats\?\)/.test(f));
  }));

test("↑ in the command line recalls the previous command", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press(":", "eval 42", KEYS.enter);
    await app.waitFor((f) => f.includes("evaluated 42"));
    await app.press(":", KEYS.up);
    await app.waitFor((f) => /^:eval 42/m.test(f));
  }));

test("Tab completes a command name", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press(":", "snapsh", KEYS.tab);
    await app.waitFor((f) => /^:snapshot .*snapshot {2}snapshots/m.test(f));
    await app.press("s", KEYS.tab, "x");
    await app.waitFor((f) => /^:snapshots x/m.test(f));
  }));

test("commands change what the screen shows: a snapshot taken with : is counted", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press(":", "snapshot first", KEYS.enter);
    await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
  }));

test(":quit asks to quit", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press(":", "quit", KEYS.enter);
    await app.waitFor(() => app.quits() === 1, "the quit");
  }));

test("Backspace deletes the character before the caret", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press(":", "evalx", KEYS.backspace, " 7", KEYS.enter);
    await app.waitFor((f) => f.includes("evaluated 7"));
  }));
