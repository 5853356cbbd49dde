/**
 * The hooks' short paths stay exact: `new X(length)` sized without asking
 * the view, groups of small sizes kept in an array and larger ones in a
 * map, a fresh `encode()` result stamped without checks while a view a
 * program's own `encode` hands back again is not traced twice, and marked
 * sites found through a small cache keep their own ids (see
 * `src/engines/hooks/{buffers,store,marks}.ts`).
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { markBuffer, marks, takeMark } from "../../../src/engines/hooks/marks.ts";
import { BUFFER_DOMAIN, TraceStore } from "../../../src/engines/hooks/store.ts";
import type { CapturedStack } from "../../../src/runtime/stack.ts";
import { hooked, keep, lineOf, pathOf, traceAt, tracesAt } from "./helpers.ts";

const here = pathOf(import.meta.url);

test("a typed array made with a fractional length is traced at the length the constructor took", async () => {
  const traces = await hooked(async (engine) => {
    const view = new Float64Array(2.75); // @fractional
    const traces = await engine.collect();
    keep(view);
    return traces;
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @fractional")).slice(0, 2), [1, 16]);
});

test("a typed array made with a length below one is empty and not traced", async () => {
  const traces = await hooked(async (engine) => {
    const view = new Uint8Array(0.5); // @below-one
    const traces = await engine.collect();
    keep(view);
    return traces;
  });
  assert.equal(tracesAt(traces, here, lineOf(here, "// @below-one")).length, 0);
});

test("buffers below and above 1 KiB made at one line count exactly, each size on its own", async () => {
  const sizes = [1, 1023, 1024, 1025, 5000, 1023, 5000];
  const traces = await hooked(async (engine) => {
    const views = sizes.map((n) => new Uint8Array(n)); // @sizes
    const traces = await engine.collect();
    keep(views);
    return traces;
  });
  const found = tracesAt(traces, here, lineOf(here, "// @sizes")).map(([, size]) => size).sort((a, b) => a - b);
  assert.deepEqual(found, [...sizes].sort((a, b) => a - b));
});

test("a view that a program's own encode hands back again is traced once, at the first call", async () => {
  const original = TextEncoder.prototype.encode;
  let cached: Uint8Array<ArrayBuffer> | null = null;
  // Replaced before start(): the hook wraps the program's function (what it allocates is the call's).
  TextEncoder.prototype.encode = function (): Uint8Array<ArrayBuffer> {
    return cached ??= new Uint8Array(32);
  };
  try {
    const traces = await hooked(async (engine) => {
      const encoder = new TextEncoder();
      const first = encoder.encode("a"); // @first-encode
      const again = encoder.encode("b"); // @again-encode
      const traces = await engine.collect();
      keep([first, again]);
      return traces;
    });
    assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @first-encode")).map(([, size]) => size), [32]);
    assert.equal(tracesAt(traces, here, lineOf(here, "// @again-encode")).length, 0);
  } finally {
    TextEncoder.prototype.encode = original;
  }
});

test("TraceStore: a fresh view traced without checks counts once, and a stamped one reports it", () => {
  const store = new TraceStore();
  const stack: CapturedStack = { frames: [[here, 1]], totalNframe: 1, key: "fast:1" };
  const view = new Uint8Array(40);
  assert.equal(store.stamped(view), false);
  store.addFreshView(view, 40, stack);
  assert.equal(store.stamped(view), true);
  assert.equal(store.has(view), true);
  assert.deepEqual(store.collect().map(([domain, size]) => [domain, size]), [[BUFFER_DOMAIN, 40]]);
  assert.equal(store.current, 40);
});

test("marked sites more than the cache holds are each found with their own id, one object per site", () => {
  const saved = marks.frame;
  marks.frame = (site) => [here, site];
  try {
    // More sites than the cache has entries, in three modules: some share an entry.
    const ids = [7, 8, 4095].flatMap((module) => Array.from({ length: 100 }, (_, i) => module * 2 ** 20 + i));
    const taken = ids.map((id) => {
      markBuffer(id, id);
      return takeMark(1, id);
    });
    assert.deepEqual(taken.map((site) => site?.id), ids);
    for (const [i, id] of ids.entries()) {
      markBuffer(id, id);
      assert.equal(takeMark(1, id), taken[i], `site ${id} is one object`);
    }
  } finally {
    marks.frame = saved;
  }
});

test("a mark whose value is not the call's last argument gives no site, and is taken all the same", () => {
  const saved = marks.frame;
  marks.frame = (site) => [here, site];
  try {
    markBuffer(12, 64);
    assert.equal(takeMark(1, 65), null);
    assert.equal(marks.site, -1);
  } finally {
    marks.frame = saved;
  }
});
