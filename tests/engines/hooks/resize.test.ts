import { test } from "node:test";
import assert from "node:assert/strict";
import { hooked, keep, lineOf, pathOf, traceAt, tracesAt } from "./helpers.ts";

const here = pathOf(import.meta.url);

test("resize updates the traced size and keeps the allocating line", async () => {
  const traces = await hooked(async (engine) => {
    const buffer = new ArrayBuffer(100, { maxByteLength: 10000 }); // @resizable
    buffer.resize(5000); // @resize
    const traces = await engine.collect();
    keep(buffer);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @resizable"))[1], 5000);
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @resize")), []);
});

test("resize down lowers the traced size", async () => {
  const traces = await hooked(async (engine) => {
    const buffer = new ArrayBuffer(4000, { maxByteLength: 4000 }); // @shrunk
    buffer.resize(10);
    const traces = await engine.collect();
    keep(buffer);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @shrunk"))[1], 10);
});

test("grow of a growable SharedArrayBuffer updates the traced size", async () => {
  const traces = await hooked(async (engine) => {
    const shared = new SharedArrayBuffer(64, { maxByteLength: 4096 }); // @growable
    shared.grow(1024);
    const traces = await engine.collect();
    keep(shared);
    return traces;
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @growable")).slice(0, 2), [1, 1024]);
});

test("resizing a buffer made before start traces it, whole, at the resize line", async () => {
  const buffer = new ArrayBuffer(10, { maxByteLength: 1000 });
  const traces = await hooked(async (engine) => {
    buffer.resize(600); // @resize-untraced
    return await engine.collect();
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @resize-untraced"))[1], 600);
});

test("transfer moves the trace to the new buffer, at the transfer line", async () => {
  const traces = await hooked(async (engine) => {
    const buffer = new ArrayBuffer(300); // @before-transfer
    const moved = buffer.transfer(700); // @transfer
    const traces = await engine.collect();
    keep(moved);
    return traces;
  });
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @before-transfer")), []);
  assert.equal(traceAt(traces, here, lineOf(here, "// @transfer"))[1], 700);
});

test("transferToFixedLength moves the trace to the new buffer", async () => {
  const traces = await hooked(async (engine) => {
    const buffer = new ArrayBuffer(8, { maxByteLength: 64 }); // @before-fixed
    const fixed = buffer.transferToFixedLength(); // @fixed
    const traces = await engine.collect();
    keep(fixed);
    return traces;
  });
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @before-fixed")), []);
  assert.equal(traceAt(traces, here, lineOf(here, "// @fixed"))[1], 8);
});

test("a resize made through a method saved before start is caught up by the next collect", async () => {
  const resize = ArrayBuffer.prototype.resize;
  const traces = await hooked(async (engine) => {
    const buffer = new ArrayBuffer(1, { maxByteLength: 100 }); // @unhooked-resize
    resize.call(buffer, 99);
    const traces = await engine.collect();
    keep(buffer);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @unhooked-resize"))[1], 99);
});
