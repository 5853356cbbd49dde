import { test } from "node:test";
import assert from "node:assert/strict";
import type { RawTrace } from "../../src/model/snapshot.ts";
import { APP_TRACES, FakeTarget, KEYS, withApp } from "./helpers.tsx";

/** Over 10 s: a churning line (a million small objects, none kept) and a pool (four buffers, kept). */
const ALLOCATED: readonly RawTrace[] = [
  [0, 48 * 1_000_000, [["/srv/app/render.ts", 12, null, "renderRow"]], null, 1_000_000],
  [0, 1024 * 1024, [["/srv/app/pool.ts", 30, null, "allocatePool"]], null, 4],
  [0, 3000, [["/srv/app/cache.ts", 55, null, "cacheResponse"]], null, 100],
];

const rowsOf = (frame: string) => frame.split("\n").filter((l) => /^ +\d+ \/srv/.test(l));

test("a opens the allocated view: bytes and allocations per second per line, freed included, churn first", () =>
  withApp(new FakeTarget({ traces: APP_TRACES, allocated: ALLOCATED, seconds: 10 }), async (app) => {
    // The live view puts the pool first (what is live) ...
    assert.match(rowsOf(app.frame())[0], /pool\.ts:30/);
    await app.press("a");
    const frame = await app.waitFor((f) => f.includes("ALLOCATED") && /render\.ts/.test(f), "the allocated table");
    assert.match(
      frame,
      /ALLOCATED, freed included, over 10\.0 s · by lineno · sorted by size · 3 rows · 4790 KiB\/s in 100010 allocations\/s/,
    );
    assert.match(frame, /# location +bytes\/s▼ +allocs\/s +allocated +allocs +average/);
    // ... the allocated view the line that churns.
    const rows = rowsOf(frame);
    assert.match(rows[0], /1 \/srv\/app\/render\.ts:12 renderRow +4688 KiB +100000 +45\.8 MiB +1000000 +48 B/);
    assert.match(rows[1], /2 \/srv\/app\/pool\.ts:30 allocatePool +102 KiB +0\.4 +1024 KiB +4 +256 KiB/);
    assert.match(frame, /a or Esc back · o sort/);
    // o: by allocations, then average, then bytes again (no growth here).
    await app.press("o");
    await app.waitFor((f) => f.includes("sorted by count") && /allocs\/s▼/.test(f), "sorted by allocations");
    await app.press("o");
    const byAverage = await app.waitFor((f) => f.includes("sorted by average"), "sorted by average");
    assert.match(rowsOf(byAverage)[0], /pool\.ts:30/);
    await app.press("o");
    await app.waitFor((f) => f.includes("sorted by size"), "back to bytes");
    // a again: back to the live view.
    await app.press("a");
    await app.waitFor((f) => f.includes(" LIVE ") && !f.includes("ALLOCATED"), "the live view again");
  }, { size: { columns: 120, rows: 30 } }));

test("the allocated view asks again after a command, and Enter drills into a row", () =>
  withApp(new FakeTarget({ traces: APP_TRACES, allocated: ALLOCATED }), async (app) => {
    await app.press("a");
    await app.waitFor((f) => /render\.ts:12/.test(f), "the allocated table");
    const asked = app.target.calls.filter((c) => c === "allocated").length;
    await app.press("X");
    await app.waitFor(() => app.target.calls.filter((c) => c === "allocated").length > asked, "a new request");
    assert.ok(app.target.calls.includes("clear"));
    await app.press(KEYS.enter);
    const drill = await app.waitFor((f) => f.includes("TRACEBACKS of allocated #1"), "the drill-in");
    assert.match(drill, /render\.ts:12 renderRow/);
  }));

test("the allocated view says plainly why a target cannot count allocations", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("a");
    const frame = await app.waitFor((f) => f.includes("cannot be counted"), "the refusal");
    assert.match(
      frame,
      /allocations freed or not cannot be counted: domain 0 here is V8's sampler \(a or Esc goes back\)/,
    );
    await app.press(KEYS.escape);
    await app.waitFor((f) => !f.includes("ALLOCATED"), "the live view again");
  }));

test("? lists the allocated key and its columns", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("?");
    const frame = await app.waitFor((f) => f.includes("HELP"));
    assert.match(frame, /a +allocated: allocations and bytes per line per second, freed included/);
  }));
