import { test } from "node:test";
import assert from "node:assert/strict";
import type { RawTrace } from "../../src/model/snapshot.ts";
import type { Session } from "../../src/session/session.ts";
import { FakeTarget, KEYS, type Rendered, withApp } from "./helpers.tsx";

/**
 * A target whose cache line grows at every snapshot, whose render line
 * grows and shrinks, and whose pool was filled once, at the second. The
 * live view takes snapshots too: what a snapshot holds depends on how many
 * the session holds when it is taken.
 */
function leaking(): FakeTarget {
  const churn = [40960, 4096, 61440, 49152, 81920];
  const target: FakeTarget = new FakeTarget({
    traces: (): RawTrace[] => {
      const n = (held.get(target)?.snapshots.size ?? 0) + 1;
      return [
        [1, 10240 * n, [["/srv/cache.ts", 55, 1, "cacheResponse"], ["/srv/main.ts", 9, 1, "handle"]], 2, n],
        [0, churn[(n - 1) % churn.length], [["/srv/render.ts", 44, 1, "renderPage"]], 1, 4],
        [1, n > 1 ? 1048576 : 1024, [["/srv/pool.ts", 30, 1, "allocatePool"]], 1, 4],
      ];
    },
  });
  return target;
}

/** The session of each target's app, once rendered. */
const held = new WeakMap<FakeTarget, Session>();

/** {@link withApp} on a {@link leaking} target. */
function withLeaking(body: (app: Rendered) => Promise<void>, size = { columns: 140, rows: 30 }): Promise<void> {
  const target = leaking();
  return withApp(target, (app) => {
    held.set(target, app.session);
    return body(app);
  }, { size });
}

async function snapshots(app: Rendered, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await app.press("s", KEYS.enter);
    await app.waitFor((f) => new RegExp(`│ ${i} snapshots?$`, "m").test(f), `snapshot ${i}`);
  }
}

/** The table rows of the leaks view. */
const rows = (frame: string) => frame.split("\n").filter((l) => /^ +\d+ +\d\.\d\d /.test(l));

test("l shows the places that grew over every snapshot held, steadiest first, with how to read them", () =>
  withLeaking(async (app) => {
    await snapshots(app, 4);
    await app.press("l");
    const frame = await app.waitFor((f) => f.includes("LEAKS over 4 snapshots") && rows(f).length === 3);
    const [top, second, third] = rows(frame);
    assert.match(top, /^ +1 +1\.00 +3\/3 +\+30\.0 KiB +10\.0 KiB → 40\.0 KiB +▁▃▆█ +\/srv\/cache\.ts:55 cacheResponse/);
    assert.match(second, /^ +2 +0\.33 +1\/3 +\+1023 KiB +1024 B → 1024 KiB +▁███ +\/srv\/pool\.ts:30 allocatePool/);
    assert.match(third, /^ +3 +0\.\d\d +1\/3 .*\/srv\/render\.ts:44 renderPage/);
    assert.match(frame, /# +steadiness +grew +growth +s1 → s4 +sizes +location/);
    assert.match(frame, /steadiness = \(intervals it grew in \/ intervals\) × \(net growth \/ total change\)/);
    assert.match(frame, /sizes: one bar per snapshot/);
  }));

test("l with fewer than 3 snapshots says how many it needs and how many are held", () =>
  withLeaking(async (app) => {
    await snapshots(app, 2);
    await app.press("l");
    await app.waitFor((f) => f.includes("leaks need at least 3 snapshots, and 2 are held: press s to take one"));
  }));

test("a snapshot taken while the leaks view is open is ranked with the others", () =>
  withLeaking(async (app) => {
    await snapshots(app, 3);
    await app.press("l");
    await app.waitFor((f) => f.includes("LEAKS over 3 snapshots") && /2\/2 .*cache\.ts:55/.test(f));
    await app.press(":");
    for (const key of "snapshot") await app.press(key);
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes("LEAKS over 4 snapshots") && /3\/3 .*cache\.ts:55/.test(f));
  }));

test("Enter on a place of the leaks view shows its tracebacks in the last snapshot", () =>
  withLeaking(async (app) => {
    await snapshots(app, 3);
    await app.press("l");
    await app.waitFor((f) => rows(f).length === 3);
    await app.press(KEYS.enter);
    const frame = await app.waitFor((f) => f.includes("TRACEBACKS of leaks #1 in s3") && f.includes("memory blocks"));
    assert.match(frame, /3 memory blocks: 30\.0 KiB/);
    assert.match(frame, /File "\/srv\/main\.ts", line 9, in handle/);
    await app.press(KEYS.escape);
    await app.waitFor((f) => f.includes("LEAKS over 3 snapshots"));
  }));

test("j moves down the leaks view and l goes back", () =>
  withLeaking(async (app) => {
    await snapshots(app, 3);
    await app.press("l");
    await app.waitFor((f) => rows(f).length === 3);
    await app.press("j", KEYS.enter);
    await app.waitFor((f) => f.includes("TRACEBACKS of leaks #2 in s3"));
    await app.press(KEYS.escape, "l");
    await app.waitFor((f) => f.includes(" LIVE · "));
  }));

test("? lists l", () =>
  withLeaking(async (app) => {
    await app.press("?");
    const frame = await app.waitFor((f) => f.includes("HELP"));
    assert.match(frame, /^ +l +leaks: the places that grew steadily over every snapshot held/m);
  }, { columns: 140, rows: 40 }));
