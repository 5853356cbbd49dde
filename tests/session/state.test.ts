import { test } from "node:test";
import assert from "node:assert/strict";
import { DomainFilter } from "../../src/model/filter.ts";
import { Snapshot } from "../../src/model/snapshot.ts";
import { Traceback } from "../../src/model/traceback.ts";
import { filtered, filtersKey } from "../../src/session/filtered.ts";
import { OfflineTarget } from "../../src/session/offline.ts";
import { Session, type SessionChange } from "../../src/session/session.ts";
import { nextDefaultLabel } from "../../src/session/state.ts";
import { tracebacksOfRow } from "../../src/session/tracebacks.ts";

const snapshot = new Snapshot([
  [0, 100, [["a.ts", 9, 1, "leaf"], ["main.ts", 1]], 2],
  [1, 300, [["a.ts", 9, 1, "leaf"], ["other.ts", 2]], 2],
  [0, 50, [["b.ts", 3], ["a.ts", 9, 1, "leaf"]], 2],
], 2);

function watched(): { session: Session; changes: SessionChange[] } {
  const session = new Session({ target: new OfflineTarget() });
  const changes: SessionChange[] = [];
  session.onChange((change) => changes.push(change));
  return { session, changes };
}

const taken = (label?: string) => ({ label, snapshot, origin: "taken" as const, time: new Date(), source: "test" });

test("adding a snapshot announces it and gives a new state", () => {
  const { session, changes } = watched();
  const before = session.state;
  const { entry, replaced } = session.addSnapshot(taken());
  assert.equal(entry.label, "s1");
  assert.equal(replaced, false);
  assert.notEqual(session.state, before);
  assert.equal(before.snapshots.size, 0);
  assert.deepEqual(changes.map((c) => c.type), ["snapshot-added"]);
});

test("a snapshot under a label held replaces it and becomes the latest", () => {
  const { session } = watched();
  session.addSnapshot(taken("a"));
  session.addSnapshot(taken("b"));
  assert.equal(session.addSnapshot(taken("a")).replaced, true);
  assert.deepEqual([...session.snapshots.keys()], ["b", "a"]);
});

test("default labels count on after a deletion, as in the REPL", () => {
  const { session, changes } = watched();
  session.addSnapshot(taken());
  session.addSnapshot(taken());
  assert.equal(session.deleteSnapshot("s1"), true);
  assert.equal(session.deleteSnapshot("s1"), false);
  assert.equal(session.nextLabel, "s3");
  assert.equal(session.addSnapshot(taken()).entry.label, "s3");
  assert.deepEqual(changes.map((c) => c.type), [
    "snapshot-added",
    "snapshot-added",
    "snapshot-deleted",
    "snapshot-added",
  ]);
});

test("the next default label skips labels held", () => {
  assert.equal(nextDefaultLabel(0, new Set(["s1", "s2"])), "s3");
  assert.equal(nextDefaultLabel(4, new Set(["s1"])), "s5");
});

test("a dump is noted on its entry, which keeps its place", () => {
  const { session, changes } = watched();
  session.addSnapshot(taken("a"));
  session.addSnapshot(taken("b"));
  session.noteDumped("a", "a.tmsnap");
  assert.equal(session.snapshots.get("a")?.file, "a.tmsnap");
  assert.deepEqual([...session.snapshots.keys()], ["a", "b"]);
  assert.deepEqual(changes.at(-1), { type: "snapshot-dumped", label: "a", file: "a.tmsnap" });
});

test("filters, listing and settings change through the session and are announced", () => {
  const { session, changes } = watched();
  const mine = [new DomainFilter(true, 1)];
  session.setFilters(mine);
  mine.push(new DomainFilter(false, 0));
  assert.deepEqual(session.filters.map(String), ["include domain 1"]);
  session.setListing({ command: "stats", label: "s1", keyType: "lineno", cumulative: false, entries: [] });
  session.setSettings({ nframe: 5 });
  assert.deepEqual(session.settings, { nframe: 5 });
  assert.deepEqual(changes.map((c) => c.type), ["filters", "listing", "settings"]);
});

test("each command run is announced, failed or not, without changing the state", async () => {
  const { session, changes } = watched();
  const before = session.state;
  let redrawn = 0;
  session.subscribe(() => redrawn++);
  await session.execute("filter list");
  await assert.rejects(session.execute("stats"));
  assert.deepEqual(changes, [
    { type: "command", command: "filter", ok: true },
    { type: "command", command: "stats", ok: false },
  ]);
  assert.equal(session.state, before);
  assert.equal(redrawn, 0);
});

test("a snapshot is filtered once per set of filters, for the REPL and the TUI alike", () => {
  const { session } = watched();
  const { entry } = session.addSnapshot(taken());
  session.setFilters([new DomainFilter(true, 1)]);
  const once = session.filtered(entry);
  assert.equal(filtered(snapshot, [new DomainFilter(true, 1)]), once);
  assert.equal(once.columns.length, 1);
  assert.equal(filtersKey(session.filters), "include domain 1");
});

test("a row's tracebacks: by traceback, the same traceback only", () => {
  const key = Traceback.fromRaw([["a.ts", 9, 1, "leaf"], ["main.ts", 1]]);
  const stats = tracebacksOfRow(snapshot, key, { keyType: "traceback", cumulative: false });
  assert.deepEqual(stats.map((s) => s.size), [100]);
});
