import { test } from "node:test";
import assert from "node:assert/strict";
import type { RawTrace } from "../../src/model/snapshot.ts";
import type { RetainerQuery, RetainerSnapshot } from "../../src/retainers/probe.ts";
import { v8Snapshot } from "../retainers/helpers.ts";
import { FakeTarget, KEYS, withApp } from "./helpers.tsx";

/** A program whose heap holds one Session, the value of entry "abc" of a global Map `cache`. */
class HeapTarget extends FakeTarget {
  readonly queries: RetainerQuery[] = [];

  retainerSnapshot(query: RetainerQuery): Promise<RetainerSnapshot> {
    this.queries.push(query);
    const bytes = v8Snapshot([
      { type: "synthetic", name: "", edges: [["shortcut", "1", 1]] },
      { type: "object", name: "global / ", edges: [["property", "cache", 2], ["property", "probe", 4]] },
      { type: "object", name: "Map", edges: [["internal", "table", 3]] },
      { type: "array", name: "", size: 16 + 8 * 17, edges: [["internal", "8", 6], ["internal", "9", 5]] },
      { type: "object", name: "TracemallocRetainerProbe", edges: [["property", "targets", 7]] },
      { type: "object", name: "Session" },
      { type: "string", name: "abc" },
      { type: "object", name: "Array", edges: [["element", 0, 5]] },
    ]);
    return Promise.resolve({
      found: 1,
      taken: 1,
      engine: "line",
      format: "v8",
      targetSites: [["/app/app.ts", 9, "open"]],
      containerSites: [],
      entries: { container: [], role: [], key: [] },
      landmarks: { files: [], file: [] },
      entriesComplete: true,
      snapshotMs: 3,
      bytes,
    });
  }
}

const TRACES: RawTrace[] = [[0, 5000, [["/app/app.ts", 9, 10, "open"]], 1, 10]];

test("Enter in a drill-in shows what keeps the row's objects alive, asking the program about the row's line", () =>
  withApp(new HeapTarget({ traces: TRACES }), async (app) => {
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes("TRACEBACKS of"));
    await app.press(KEYS.enter);
    const frame = await app.waitFor((f) => f.includes("global cache (Map)"));
    assert.match(frame, /RETAINERS of live #1/);
    assert.match(frame, /1 x global cache \(Map\) -> entry \* -> value \(Session\)/);
    assert.match(frame, /e\.g\. global cache \(Map\) -> entry "abc" -> value \(Session\)/);
    const query = (app.target as HeapTarget).queries[0];
    assert.deepEqual(query.key, [["/app/app.ts", 9]]);
    assert.equal(query.keyType, "lineno");
    await app.press(KEYS.escape);
    await app.waitFor((f) => f.includes("TRACEBACKS of"));
  }));

test("a target that takes no heap snapshots: the retainers view says so", () =>
  withApp(new FakeTarget({ traces: TRACES }), async (app) => {
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes("TRACEBACKS of"));
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes("this session's target cannot take heap snapshots"));
  }));
