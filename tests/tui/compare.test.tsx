import { test } from "node:test";
import assert from "node:assert/strict";
import type { RawTrace } from "../../src/model/snapshot.ts";
import { FakeTarget, KEYS, type Rendered, withApp } from "./helpers.tsx";

/** A target whose cache line grows by 10 KiB at every snapshot, while the pool stays. */
function growing(): FakeTarget {
  let cache = 0;
  return new FakeTarget({
    traces: (): RawTrace[] => [
      [1, 1048576, [["/srv/pool.ts", 30, 1, "allocatePool"]], 1, 4],
      [1, cache += 10240, [["/srv/cache.ts", 55, 1, "cacheResponse"]], 1, cache / 1024],
    ],
  });
}

async function snapshots(app: Rendered, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await app.press("s", KEYS.enter);
    await app.waitFor((f) => new RegExp(`│ ${i} snapshots?$`, "m").test(f), `snapshot ${i}`);
  }
}

test("c compares the last two snapshots, biggest change first", () =>
  withApp(growing(), async (app) => {
    await snapshots(app, 2);
    await app.press("c");
    const frame = await app.waitFor((f) => f.includes("COMPARE s2 (new) with s1 (base)") && f.includes("Δ size"));
    const rows = frame.split("\n").filter((l) => /^ +\d+ \/srv/.test(l));
    assert.match(rows[0], /1 \/srv\/cache\.ts:55 cacheResponse +[\d.]+ KiB +\+[\d.]+ KiB +\d+ +\+\d+/);
    assert.match(rows[1], /2 \/srv\/pool\.ts:30 allocatePool +1024 KiB +\+0 B +4 +\+0/);
  }));

test("c with fewer than two snapshots says how to get them", () =>
  withApp(growing(), async (app) => {
    await snapshots(app, 1);
    await app.press("c");
    await app.waitFor((f) => f.includes("compare needs two snapshots (have 1): press s to take one"));
  }));

test("[ steps the base back to an older snapshot", () =>
  withApp(growing(), async (app) => {
    await snapshots(app, 3);
    await app.press("c");
    await app.waitFor((f) => f.includes("COMPARE s3 (new) with s2 (base)"));
    await app.press("[");
    await app.waitFor((f) => f.includes("COMPARE s3 (new) with s1 (base)"));
  }));

test("n and b in the snapshot list pick the pair c compares", () =>
  withApp(growing(), async (app) => {
    await snapshots(app, 3);
    await app.press("S", KEYS.home, "b", KEYS.down, "n");
    await app.waitFor((f) => /N {2}s2/.test(f) && /B {2}s1/.test(f));
    await app.press("c");
    await app.waitFor((f) => f.includes("COMPARE s2 (new) with s1 (base)"));
  }));

test("o in the compare view sorts by size instead of change", () =>
  withApp(growing(), async (app) => {
    await snapshots(app, 2);
    await app.press("c");
    await app.waitFor((f) => f.includes("sorted by growth (as compareTo)"));
    await app.press("o");
    const frame = await app.waitFor((f) => f.includes("sorted by size") && f.includes("# location"));
    const rows = frame.split("\n").filter((l) => /^ +\d+ \/srv/.test(l));
    assert.match(rows[0], /pool\.ts:30/);
  }));

test("Esc goes back from the compare view to the live view", () =>
  withApp(growing(), async (app) => {
    await snapshots(app, 2);
    await app.press("c");
    await app.waitFor((f) => f.includes("COMPARE"));
    await app.press(KEYS.escape);
    await app.waitFor((f) => f.includes(" LIVE · "));
  }));
