import { test } from "node:test";
import assert from "node:assert/strict";
import { APP_TRACES, FakeTarget, KEYS, withApp } from "./helpers.tsx";

test("? lists the keys", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("?");
    const frame = await app.waitFor((f) => f.includes("HELP"));
    for (const key of ["q, Ctrl-C", "t ", "s ", "c ", "/ ", "d ", "g ", "C ", "o ", "Enter", "Esc", "space", ": "]) {
      assert.ok(frame.includes(`   ${key}`), `key ${key} missing`);
    }
  }, { size: { columns: 100, rows: 40 } }));

test("the help lists everything the runtime cannot see", () =>
  withApp(new FakeTarget({ traces: APP_TRACES, limits: ["first limit", "second limit"] }), async (app) => {
    await app.press("?", KEYS.end);
    const frame = await app.waitFor((f) => f.includes("- second limit"));
    assert.match(frame, /- first limit/);
  }));

test("Esc closes the help", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("?");
    await app.waitFor((f) => f.includes("HELP"));
    await app.press(KEYS.escape);
    await app.waitFor((f) => f.includes(" LIVE · "));
  }));

test("L shows the whole log", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    for (let i = 0; i < 12; i++) app.target.write("stdout", `line ${i}\n`);
    await app.waitFor((f) => f.includes("line 11"));
    await app.press("L");
    const frame = await app.waitFor((f) => f.includes("LOG · "));
    assert.match(frame, /line 0\n/);
  }));
