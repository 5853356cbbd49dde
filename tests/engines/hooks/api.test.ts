import { test } from "node:test";
import assert from "node:assert/strict";
import { isTracerFile } from "../../../src/engines/own-frames.ts";
import type { Snapshot } from "../../../src/model/snapshot.ts";
import * as tracemalloc from "../../../src/tracer.ts";
import { tracing } from "../tracing.ts";
import { keep, lineOf, pathOf } from "./helpers.ts";

const here = pathOf(import.meta.url);
const NO_HEAP: tracemalloc.TracerOptions = { domains: { heap: false } };

/** [domain, size] of the traces whose most recent frame is line `line` of this file. */
function tracedAt(snapshot: Snapshot, line: number): [number, number][] {
  const out: [number, number][] = [];
  for (const trace of snapshot.traces) {
    const frame = trace.traceback.at(-1);
    if (frame?.filename === here && frame.lineno === line) out.push([trace.domain, trace.size]);
  }
  return out;
}

test("takeSnapshot holds a domain-1 trace at the allocating line, with every engine on", async () => {
  const snapshot = await tracing(
    async () => {
      const bytes = new Uint8Array(10000); // @api-bytes
      const snapshot = await tracemalloc.takeSnapshot();
      keep(bytes);
      return snapshot;
    },
  );
  assert.deepEqual(tracedAt(snapshot, lineOf(here, "// @api-bytes")), [[1, 10000]]);
});

test("getObjectTraceback of a typed array is its allocating line", async () => {
  await tracing(
    async () => {
      const view = new Float64Array(100); // @api-object
      const traceback = await tracemalloc.getObjectTraceback(view);
      assert.equal(traceback?.at(-1)?.lineno, lineOf(here, "// @api-object"));
      assert.equal(traceback?.at(-1)?.filename, here);
    },
    1,
    NO_HEAP,
  );
});

test("track through the API traces at the caller's line, the tracer's frames removed", async () => {
  const snapshot = await tracing(
    async () => {
      const handle = { native: 1 };
      tracemalloc.track(4343, handle, 2048); // @api-track
      const snapshot = await tracemalloc.takeSnapshot();
      keep(handle);
      return snapshot;
    },
    5,
    NO_HEAP,
  );
  assert.deepEqual(tracedAt(snapshot, lineOf(here, "// @api-track")), [[4343, 2048]]);
});

test("untrack through the API removes the trace", async () => {
  const snapshot = await tracing(
    async () => {
      tracemalloc.track(4343, 77, 100);
      tracemalloc.untrack(4343, 77);
      return await tracemalloc.takeSnapshot();
    },
    1,
    NO_HEAP,
  );
  assert.equal([...snapshot.traces].filter((t) => t.domain === 4343).length, 0);
});

test("getTracedMemory counts hooked bytes exactly", async () => {
  await tracing(
    async () => {
      const before = await tracemalloc.getTracedMemory();
      tracemalloc.track(4343, 0xcace, 123456);
      const after = await tracemalloc.getTracedMemory();
      assert.ok(after.current - before.current >= 123456);
      assert.ok(after.peak >= after.current);
    },
    1,
    NO_HEAP,
  );
});

test("no frame of the tracer's own files appears in a snapshot", async () => {
  const snapshot = await tracing(
    async () => {
      const kept = [new ArrayBuffer(64), new Int8Array(64)];
      tracemalloc.track(4343, kept, 64);
      await tracemalloc.takeSnapshot();
      return await tracemalloc.takeSnapshot();
    },
    25,
  );
  for (const trace of snapshot.traces) {
    for (const frame of trace.traceback) {
      assert.ok(!isTracerFile(frame.filename), `${frame.filename}:${frame.lineno}`);
    }
  }
});

test("buffers the tracer allocates while taking a snapshot are not traced", async () => {
  const snapshot = await tracing(
    async () => {
      await tracemalloc.takeSnapshot(); // @api-first-snapshot
      return await tracemalloc.takeSnapshot();
    },
  );
  assert.deepEqual(tracedAt(snapshot, lineOf(here, "// @api-first-snapshot")), []);
});

test("stop through the API restores the hooked globals", async () => {
  const before = [Uint8Array, ArrayBuffer, WebAssembly.Memory];
  await tracing(() => Promise.resolve(assert.notEqual(Uint8Array, before[0])), 1, NO_HEAP);
  assert.deepEqual([Uint8Array, ArrayBuffer, WebAssembly.Memory], before);
});
