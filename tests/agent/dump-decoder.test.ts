import { test } from "node:test";
import assert from "node:assert/strict";
import { DumpDecoder } from "../../src/agent/dump-decoder.ts";
import { decodeResultWith } from "../../src/agent/results.ts";
import { decodeSnapshot, encodeSnapshot, SnapshotFormatError } from "../../src/model/codec.ts";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";

/** A snapshot of `n` traces over many files, lines, functions and stack depths; one in five counts several blocks. */
function snapshot(n: number): Snapshot {
  const raw: RawTrace[] = [];
  for (let i = 0; i < n; i++) {
    const frames: [string, number, number?, string?][] = [[
      `/srv/app/f${i % 5000}.ts`,
      1 + (i % 70),
      1 + (i % 3),
      `fn${i % 97}`,
    ]];
    if (i % 3) frames.push(["/srv/app/main.ts", 9]);
    if (i % 7 === 0) frames.push([`/srv/lib/é${i % 11}.ts`, 2, undefined, undefined]);
    raw.push([i % 3, 16 + (i % 4096), frames, frames.length + (i % 5 === 0 ? 1 : 0), i % 5 === 0 ? 3 : 1]);
  }
  return new Snapshot(raw, 3);
}

/** Everything a snapshot is made of, as text: its traces, statistics by each key, and its table. */
function described(s: Snapshot): string {
  return JSON.stringify([
    s.tracebackLimit,
    [...s.traces].map((t) => `${t.domain} ${t.size} ${t.count} ${t.traceback.totalNframe} ${t.traceback}`),
    s.statistics("traceback").map(String),
    s.statistics("filename", true).map(String),
    s.table.strings,
    [s.table.frameCount, s.table.stackCount, s.table.tracebackCount],
  ]);
}

test("a dump decoded by the worker is the snapshot decodeSnapshot makes, and dumps again to the same bytes", async () => {
  const decoder = new DumpDecoder({ minBytes: 0 });
  try {
    for (const n of [0, 1, 30_000]) {
      const bytes = encodeSnapshot(snapshot(n));
      const here = new Snapshot(decodeSnapshot(bytes, "here"));
      const there = new Snapshot(await decoder.decode(bytes, "there"));
      assert.equal(described(there), described(here), `${n} traces`);
      assert.deepEqual(encodeSnapshot(there), bytes);
      // The table grows on as a decoded one does: keys of another snapshot interned into it.
      assert.deepEqual(
        there.compareTo(snapshot(50), "lineno").map(String),
        here.compareTo(snapshot(50), "lineno").map(String),
      );
    }
    assert.equal(decoder.fallback, null);
  } finally {
    decoder.close();
  }
});

test("a moved dump's buffer goes to the worker; one not moved is left as it was", async () => {
  const decoder = new DumpDecoder({ minBytes: 0 });
  try {
    const bytes = encodeSnapshot(snapshot(2000));
    const kept = bytes.slice();
    await decoder.decode(kept, "kept");
    assert.deepEqual(kept, bytes);
    // A frame's body: the end of a buffer whose start (the header) was read already.
    const frame = new Uint8Array(bytes.length + 13);
    frame.set(bytes, 13);
    const moved = await decoder.decode(frame.subarray(13), "moved", true);
    assert.equal(described(new Snapshot(moved)), described(new Snapshot(decodeSnapshot(bytes, "here"))));
    assert.equal(frame.byteLength, 0);
  } finally {
    decoder.close();
  }
});

test("a damaged dump fails in the worker as it fails here, with the name given", async () => {
  const decoder = new DumpDecoder({ minBytes: 0 });
  try {
    const bytes = encodeSnapshot(snapshot(500));
    bytes[bytes.length - 3] ^= 0xff;
    const here = (() => {
      try {
        decodeSnapshot(bytes, "snapshot from pid 42");
      } catch (e) {
        return e as SnapshotFormatError;
      }
    })()!;
    await assert.rejects(decoder.decode(bytes.slice(), "snapshot from pid 42"), (e: unknown) => {
      assert.ok(e instanceof SnapshotFormatError);
      assert.equal(e.message, here.message);
      assert.equal(e.problem, here.problem);
      return true;
    });
    // The worker goes on after a damaged dump.
    const good = encodeSnapshot(snapshot(10));
    assert.equal((await decoder.decode(good, "good")).columns.length, 10);
  } finally {
    decoder.close();
  }
});

test("dumps sent together come back each with its own table, in any order asked", async () => {
  const decoder = new DumpDecoder({ minBytes: 0 });
  try {
    const sizes = [3000, 10, 700, 0, 1500];
    const decoded = await Promise.all(sizes.map((n) => decoder.decode(encodeSnapshot(snapshot(n)), `s${n}`, true)));
    assert.deepEqual(decoded.map((p) => p.columns.length), sizes);
    assert.equal(new Set(decoded.map((p) => p.table)).size, sizes.length);
  } finally {
    decoder.close();
  }
});

test("small dumps, and every dump once the decoder is closed, are decoded in this thread", async () => {
  const decoder = new DumpDecoder();
  const bytes = encodeSnapshot(snapshot(100));
  assert.equal(
    described(new Snapshot(await decoder.decode(bytes, "small"))),
    described(new Snapshot(decodeSnapshot(bytes, "x"))),
  );
  decoder.close();
  const after = new DumpDecoder({ minBytes: 0 });
  after.close();
  assert.equal((await after.decode(bytes, "closed")).columns.length, 100);
  await assert.rejects(after.decode(new Uint8Array(3), "three bytes"), SnapshotFormatError);
});

test("a result with a dump is decoded by the decoding given, a refresh without one is not", async () => {
  const bytes = encodeSnapshot(snapshot(20));
  const asked: string[] = [];
  const decoding = (b: Uint8Array, source: string, move: boolean) => {
    asked.push(`${source} ${move}`);
    return Promise.resolve(decodeSnapshot(b, source));
  };
  const taken = await decodeResultWith("takeSnapshot", { body: bytes }, "pid 7", decoding);
  assert.equal(taken.columns.length, 20);
  const status = { pid: 7 };
  const idle = await decodeResultWith("refresh", { result: { status }, body: new Uint8Array(0) }, "pid 7", decoding);
  assert.deepEqual(idle, { status, snapshot: null });
  const live = await decodeResultWith("refresh", { result: { status }, body: bytes }, "pid 7", decoding);
  assert.equal(live.snapshot?.columns.length, 20);
  assert.deepEqual(await decodeResultWith("gc", true, "pid 7", decoding), true);
  assert.deepEqual(asked, ["pid 7 true", "pid 7 true"]);
});
