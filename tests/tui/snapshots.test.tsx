import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Snapshot } from "../../src/model/snapshot.ts";
import { APP_TRACES, FakeTarget, KEYS, tempDir, withApp } from "./helpers.tsx";

test("s then Enter takes a snapshot labelled s1", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s");
    await app.waitFor((f) => f.includes("snapshot label:") && f.includes("s1"));
    await app.press(KEYS.enter);
    await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
    assert.deepEqual([...app.session.snapshots.keys()], ["s1"]);
  }));

test("s takes a snapshot with the label typed", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s", "b", "e", "f", "o", "r", "e", KEYS.enter);
    await app.waitFor((f) => f.includes("before: 3 traces"));
    assert.deepEqual([...app.session.snapshots.keys()], ["before"]);
  }));

test("the second default label is s2", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s", KEYS.enter);
    await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
    await app.press("s");
    await app.waitFor((f) => f.includes("snapshot label:") && f.includes("s2"));
  }));

test("Esc cancels the label prompt", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s", "x", KEYS.escape);
    await app.waitFor((f) => !f.includes("snapshot label:"));
    assert.equal(app.session.snapshots.size, 0);
  }));

test("S lists the snapshots with their traces and size", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s", KEYS.enter);
    await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
    await app.press("S");
    const frame = await app.waitFor((f) => f.includes("SNAPSHOTS · 1 held"));
    assert.match(frame, /s1 +\d\d:\d\d:\d\d +3 +1352 KiB +node app\.ts/);
  }));

test("x in the snapshot list deletes the selected snapshot", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s", KEYS.enter);
    await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
    await app.press("S", "x");
    await app.waitFor((f) => f.includes("snapshot s1 deleted"));
    assert.equal(app.session.snapshots.size, 0);
  }));

test("w in the snapshot list dumps the snapshot to a file", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
      await app.press("s", KEYS.enter);
      await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
      const file = join(dir, "s1.tmsnap");
      await app.press("S", "w");
      await app.waitFor((f) => f.includes("dump s1 to file:"));
      await app.press(file, KEYS.enter);
      await app.waitFor((f) => f.includes(`s1 written to ${file}`));
      assert.ok(existsSync(file));
      assert.equal((await Snapshot.load(file)).columns.length, 3);
    });
  } finally {
    await cleanup();
  }
});

test("Enter in the snapshot list opens the snapshot's statistics", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s", KEYS.enter);
    await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
    await app.press("S", KEYS.enter);
    const frame = await app.waitFor((f) => f.includes("SNAPSHOT s1 · by lineno") && f.includes("# location"));
    assert.match(frame, /1 \/srv\/app\/pool\.ts:30 allocatePool +1024 KiB/);
    assert.doesNotMatch(frame, /growth/);
  }));

test("a deleted snapshot's default label is not given again, as in the REPL", () =>
  withApp(new FakeTarget({ traces: APP_TRACES }), async (app) => {
    await app.press("s", KEYS.enter);
    await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
    await app.press("S", "x");
    await app.waitFor((f) => f.includes("snapshot s1 deleted"));
    await app.press(KEYS.escape, "s");
    await app.waitFor((f) => f.includes("snapshot label:") && f.includes("s2"));
    await app.press(KEYS.enter);
    await app.waitFor((f) => /│ 1 snapshot$/m.test(f));
    assert.deepEqual([...app.session.snapshots.keys()], ["s2"]);
  }));
