import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeFrame, type Frame, FrameError, FrameReader } from "../../src/agent/protocol.ts";

function bytesOf(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

test("a frame fed one byte at a time is read whole", () => {
  const bytes = bytesOf(encodeFrame(7, { method: "status" }, new Uint8Array([1, 2, 3])));
  const reader = new FrameReader();
  const frames: Frame[] = [];
  for (let i = 0; i < bytes.byteLength; i++) frames.push(...reader.push(bytes.subarray(i, i + 1)));
  assert.equal(frames.length, 1);
  assert.equal(frames[0].id, 7);
  assert.deepEqual(frames[0].header, { method: "status" });
  assert.deepEqual([...frames[0].body], [1, 2, 3]);
});

test("several frames in one chunk are read in order", () => {
  const bytes = bytesOf([
    ...encodeFrame(1, { n: 1 }),
    ...encodeFrame(2, { n: 2 }, new Uint8Array([9])),
    ...encodeFrame(3, { n: 3 }),
  ]);
  const frames = new FrameReader().push(bytes);
  assert.deepEqual(frames.map((f) => [f.id, f.header, f.body.byteLength]), [
    [1, { n: 1 }, 0],
    [2, { n: 2 }, 1],
    [3, { n: 3 }, 0],
  ]);
});

test("a body of tens of megabytes crosses in small chunks unchanged", () => {
  const body = new Uint8Array(24 * 1024 * 1024);
  for (let i = 0; i < body.byteLength; i += 4093) body[i] = i & 0xff;
  const bytes = bytesOf(encodeFrame(5, { ok: true, binary: true }, body));
  const reader = new FrameReader();
  const frames: Frame[] = [];
  for (let at = 0; at < bytes.byteLength; at += 65_521) frames.push(...reader.push(bytes.subarray(at, at + 65_521)));
  assert.equal(frames.length, 1);
  assert.equal(frames[0].body.byteLength, body.byteLength);
  assert.deepEqual(frames[0].body, body);
});

test("a frame longer than the reader's limit is refused", () => {
  const bytes = bytesOf(encodeFrame(1, { secret: "x".repeat(5000) }));
  assert.throws(() => new FrameReader(4096).push(bytes), FrameError);
});

test("a frame whose header is not JSON is refused", () => {
  const bytes = new Uint8Array([11, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0x7b, 0x7b, 0x7b]);
  assert.throws(() => new FrameReader().push(bytes), FrameError);
});
