import { test } from "node:test";
import assert from "node:assert/strict";
import { APP_TRACES, FakeTarget, KEYS, withApp } from "./helpers.tsx";

const rows = (frame: string) => frame.split("\n").filter((l) => /^ +\d+ \/srv/.test(l));

test("/ adds a glob filter and the table keeps the matching rows", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("/", "*cache*", KEYS.enter);
    const frame = await app.waitFor((f) => f.includes('1 include "*cache*"') && f.includes("1 row "));
    assert.match(rows(frame)[0], /cache\.ts:55/);
  }));

test("a glob with ! in front excludes", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("/", "!*pool.ts", KEYS.enter);
    const frame = await app.waitFor((f) => f.includes('exclude "*pool.ts"') && f.includes("2 rows"));
    assert.doesNotMatch(frame, /pool\.ts:30/);
  }));

test("GLOB:LINE filters one line and -a matches any frame", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("/", "*main.ts:8 -a", KEYS.enter);
    const frame = await app.waitFor((f) => f.includes('include "*main.ts" line 8 all-frames') && f.includes("1 row "));
    assert.match(rows(frame)[0], /render\.ts:44/);
  }));

test("d adds a domain filter", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("d", "!1", KEYS.enter);
    const frame = await app.waitFor((f) => f.includes("exclude domain 1") && f.includes("1 row "));
    assert.match(rows(frame)[0], /render\.ts:44/);
  }));

test("a domain filter that is not a number is refused with a reason", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("d", "heap", KEYS.enter);
    await app.waitFor((f) => f.includes('a domain is an integer (or !N to exclude), not "heap"'));
    assert.equal(app.session.filters.length, 0);
  }));

test("active filters stay visible in every view", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("/", "*cache*", KEYS.enter);
    await app.waitFor((f) => f.includes('1 include "*cache*"'));
    await app.press("?");
    const frame = await app.waitFor((f) => f.includes("HELP"));
    assert.match(frame, /filters: 1 include "\*cache\*"/);
  }));

test("x in the filter list removes the selected filter", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("/", "*cache*", KEYS.enter);
    await app.waitFor((f) => f.includes("1 row "));
    await app.press("d", "0", KEYS.enter);
    await app.waitFor((f) => f.includes("2 include domain 0"));
    await app.press("F");
    await app.waitFor((f) => f.includes("FILTERS · 2 active"));
    await app.press("x");
    await app.waitFor((f) => f.includes("FILTERS · 1 active"));
    assert.deepEqual(app.session.filters.map(String), ["include domain 0"]);
  }));
