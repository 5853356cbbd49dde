import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  decodeSnapshot,
  DUMP_FORMAT_VERSION,
  encodeSnapshot,
  sha256Prefix,
  SnapshotFormatError,
  xxhash32,
} from "../../src/model/codec.ts";
import { readSnapshotFile, writeFileAtomic } from "../../src/model/file.ts";
import { Filter } from "../../src/model/filter.ts";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { NONE, TraceTable } from "../../src/model/table.ts";
import { v1Fixtures } from "./codec-fixtures.ts";

/** Made by python3: tracemalloc.take_snapshot().filter_traces(...).dump(path). */
const PICKLE = fileURLToPath(
  new URL("../fixtures/cpython-tracemalloc-snapshot.pickle", import.meta.url),
);

/** A snapshot's traces in raw form, frames most recent first, absent fields as null. */
function rawOf(snapshot: Snapshot): unknown[] {
  return [...snapshot.traces].map((t) => [
    t.domain,
    t.size,
    [...t.traceback].reverse().map((
      f,
    ) => [f.filename, f.lineno, f.column ?? null, f.functionName ?? null]),
    t.traceback.totalNframe,
    t.count,
  ]);
}

function roundTrip(snapshot: Snapshot): Snapshot {
  return new Snapshot(decodeSnapshot(encodeSnapshot(snapshot), "memory"));
}

async function withTempDir(
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "codec-test-"));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Wraps a hand-made payload of format `version` in a valid header, checksum included. */
function withHeader(payload: ArrayLike<number>, version: number): Uint8Array {
  const out = new Uint8Array(24 + payload.length);
  out.set([0x89, 0x54, 0x4d, 0x4a, 0x53, 0x0d, 0x0a, 0x1a]);
  out.set(payload, 24);
  const view = new DataView(out.buffer);
  view.setUint32(8, version, true);
  view.setUint32(12, payload.length, true);
  const payloadBytes = out.subarray(24);
  view.setUint32(20, version === 1 ? xxhash32(payloadBytes) : sha256Prefix(payloadBytes), true);
  return out;
}

/** A hand-made version 1 payload in a valid header. */
const v1 = (payload: number[]) => withHeader(payload, 1);

/** A dump's payload (after its 24-byte header) with one to three bytes set at random by `random`. */
function scrambled(bytes: Uint8Array, random: (n: number) => number): number[] {
  const payload = [...bytes.subarray(24)];
  for (let k = 1 + random(3); k > 0; k--) payload[random(payload.length)] = random(256);
  return payload;
}

/** Whole numbers below `n` from a seeded generator: the same sequence on every run. */
function seeded(seed: number): (n: number) => number {
  return (n) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
}

/** Asserts that decoding fails with a SnapshotFormatError naming `name`, and returns its message. */
function refused(bytes: Uint8Array, name = "dump.tmjs"): string {
  try {
    decodeSnapshot(bytes, name);
  } catch (error) {
    assert.ok(
      error instanceof SnapshotFormatError,
      `expected SnapshotFormatError, got ${error}`,
    );
    assert.ok(error.message.startsWith(`${name}: `), error.message);
    return error.message;
  }
  assert.fail("the damaged dump was accepted");
}

const small: RawTrace[] = [
  [0, 64, [["src/app.ts", 12, 5, "handle"], ["src/main.ts", 3, null, null]], 2],
  [3, 7, [["src/app.ts", 12, 5, "handle"]], null],
  [-4, 1000, [["lib/ü.js", 1, 1, "λ"]], 9],
];

for (const version of [1, 2]) {
  test(`dumps of format version ${version} load as written`, async () => {
    await loadsAsWritten(version);
  });
}

/** Loads each `fixtures/dump-v<version>-<name>.tmjs` and checks it against its snapshot (see codec-fixtures.ts). */
async function loadsAsWritten(version: number): Promise<void> {
  for (const [name, { raw, limit }] of Object.entries(v1Fixtures())) {
    const path = fileURLToPath(new URL(`fixtures/dump-v${version}-${name}.tmjs`, import.meta.url));
    const bytes = await readFile(path);
    assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true), version, name);
    const loaded = await Snapshot.load(path);
    const expected = new Snapshot(raw, limit);
    assert.deepEqual(rawOf(loaded), rawOf(expected), name);
    assert.equal(loaded.tracebackLimit, limit, name);
    assert.equal(loaded.columns.count === null, expected.columns.count === null, name);
    // What loads dumps again, in the current version, and loads back the same.
    assert.deepEqual(rawOf(roundTrip(loaded)), rawOf(expected), name);
  }
}

test("a dump round-trips rich frames: file, line, column and function name", () => {
  const original = new Snapshot([
    [0, 1, [["a.ts", 3, 7, "make"], ["b.ts", 40, 1, "main"]], 2],
    [0, 2, [["a.ts", 3, 8, "make"], ["b.ts", 40, 1, null]], 2],
    [0, 3, [["a.ts", 3, null, "make"], ["c.ts", 0]], 2],
  ], 2);
  assert.deepEqual(rawOf(roundTrip(original)), rawOf(original));
  assert.deepEqual(rawOf(roundTrip(original))[2], [
    0,
    3,
    [["a.ts", 3, null, "make"], ["c.ts", 0, null, null]],
    2,
    1,
  ]);
});

test("a dump round-trips an absent totalNframe as null and a known one as its number", () => {
  const loaded = roundTrip(
    new Snapshot([[0, 1, [["a.ts", 1]], null], [0, 1, [["a.ts", 1]], 1], [
      0,
      1,
      [["a.ts", 1]],
      7,
    ]], 1),
  );
  assert.deepEqual([...loaded.traces].map((t) => t.traceback.totalNframe), [
    null,
    1,
    7,
  ]);
});

test("a dump round-trips any int32 domain, negative ones included, in trace order", () => {
  const domains = [
    0,
    0,
    -1,
    -1,
    -1,
    2 ** 31 - 1,
    -(2 ** 31),
    5,
    0,
    0,
    300,
    -300,
  ];
  const loaded = roundTrip(
    new Snapshot(
      domains.map((d, i) => [d, i, [["a.ts", 1]], 1] as RawTrace),
      1,
    ),
  );
  assert.deepEqual([...loaded.traces].map((t) => t.domain), domains);
  assert.deepEqual(
    [...loaded.traces].map((t) => t.size),
    domains.map((_, i) => i),
  );
});

test("a dump round-trips sizes from 0 to 2^53", () => {
  const sizes = [
    0,
    1,
    127,
    128,
    16383,
    16384,
    2 ** 21,
    2 ** 28 - 1,
    2 ** 28,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53,
  ];
  const loaded = roundTrip(
    new Snapshot(sizes.map((s) => [0, s, [["a.ts", 1]], 1] as RawTrace), 1),
  );
  assert.deepEqual([...loaded.traces].map((t) => t.size), sizes);
});

test("fractional, negative and non-finite sizes round-trip exactly", () => {
  // -0 alone among whole numbers must still take the exact form.
  for (
    const sizes of [[1.5, -3, -0, Number.NaN, Infinity, 2 ** 60, 0.1], [5, -0]]
  ) {
    const loaded = roundTrip(
      new Snapshot(sizes.map((s) => [0, s, [["a.ts", 1]], 1] as RawTrace), 1),
    );
    const back = [...loaded.traces].map((t) => t.size);
    sizes.forEach((s, i) => assert.ok(Object.is(back[i], s), `size ${s} came back as ${back[i]}`));
  }
});

test("the count column round-trips its weights", () => {
  const counts = [1, 2.5, 1000, 0.001, 3];
  const loaded = roundTrip(
    new Snapshot(counts.map((c) => [0, 8, [["a.ts", 1]], 1, c] as RawTrace), 1),
  );
  assert.deepEqual([...loaded.traces].map((t) => t.count), counts);
  assert.ok(loaded.columns.count);
});

test("whole-number counts round-trip in their compact form", () => {
  const counts = [1, 2, 300, 2 ** 40];
  const loaded = roundTrip(
    new Snapshot(counts.map((c) => [0, 8, [["a.ts", 1]], 1, c] as RawTrace), 1),
  );
  assert.deepEqual([...loaded.traces].map((t) => t.count), counts);
});

test("the count column stays absent when every trace is one allocation", () => {
  const loaded = roundTrip(new Snapshot(small, 2));
  assert.equal(loaded.columns.count, null);
});

test("unicode, astral, empty and BOM-led file and function names round-trip", () => {
  const names = [
    "",
    "dïr/ünïcödé.ts",
    "emoji-😀/𝒳.ts",
    "\ufeffbom.ts",
    "日本語/ファイル.js",
    "a\u0000b",
  ];
  const original = new Snapshot(
    names.map((n, i) => [0, i, [[n, i, null, `fn-${n}`]], 1] as RawTrace),
    1,
  );
  const loaded = roundTrip(original);
  assert.deepEqual(rawOf(loaded), rawOf(original));
  // A BOM at the very start of the string table is text, not a byte-order mark to drop.
  const first = roundTrip(new Snapshot([[0, 1, [["\ufeffbom.ts", 1]], 1]], 1));
  assert.equal(first.traces.at(0)!.traceback.at(0)!.filename, "\ufeffbom.ts");
});

test("file names with lone surrogates round-trip", () => {
  const names = [
    "lone-\ud800.ts",
    "\udc00-low.ts",
    "pair-\ud83d\ude00.ts",
    "end-\ud83d",
  ];
  const original = new Snapshot(
    names.map((n) => [0, 1, [[n, 1]], 1] as RawTrace),
    1,
  );
  assert.deepEqual(
    [...roundTrip(original).traces].map((t) => t.traceback.at(0)!.filename),
    names,
  );
});

test("the traceback limit round-trips", () => {
  assert.equal(roundTrip(new Snapshot(small, 25)).tracebackLimit, 25);
  assert.equal(roundTrip(new Snapshot(small, 65535)).tracebackLimit, 65535);
  assert.equal(roundTrip(new Snapshot([], 0)).tracebackLimit, 0);
});

test("an empty snapshot round-trips", () => {
  const loaded = roundTrip(new Snapshot([], 1));
  assert.equal(loaded.traces.length, 0);
  assert.deepEqual(loaded.statistics("lineno"), []);
});

test("traceback ids round-trip in the fixed-width and the varint forms alike", () => {
  // 3: one byte each; 300 used unevenly: 1-2 byte varints; 20000 used evenly: two bytes each;
  // 70000: up to 3-byte varints.
  for (const distinct of [3, 300, 20000, 70000]) {
    const raw: RawTrace[] = [];
    for (let i = 0; i < distinct; i++) {
      raw.push([0, i, [[`f${i % 7}.ts`, i]], 1]);
    }
    for (let i = 0; i < 200; i++) raw.push([0, 1, [["hot.ts", 1]], 1]);
    const original = new Snapshot(raw, 1);
    assert.deepEqual(
      rawOf(roundTrip(original)),
      rawOf(original),
      `${distinct} tracebacks`,
    );
  }
});

test("a loaded snapshot gives the same statistics as the original", () => {
  const original = new Snapshot(small, 2);
  const loaded = roundTrip(original);
  for (const key of ["filename", "lineno", "traceback"] as const) {
    assert.deepEqual(
      loaded.statistics(key).map(String),
      original.statistics(key).map(String),
      key,
    );
  }
  assert.deepEqual(
    loaded.compareTo(original, "lineno").map(String),
    original.compareTo(original, "lineno").map(String),
  );
});

test("only the table entries the traces use are written", () => {
  const raw: RawTrace[] = [...small, [0, 5, [[
    "dropped/only-here.ts",
    1,
    null,
    "dropped-fn",
  ]], 1]];
  const full = new Snapshot(raw, 2);
  const kept = full.filterTraces([new Filter(false, "dropped/*")]);
  const bytes = encodeSnapshot(kept);
  const loaded = new Snapshot(decodeSnapshot(bytes, "memory"));
  assert.ok(!loaded.table.strings.includes("dropped/only-here.ts"));
  assert.ok(!loaded.table.strings.includes("dropped-fn"));
  assert.equal(loaded.table.tracebackCount, 3);
  assert.ok(bytes.length < encodeSnapshot(full).length);
  assert.deepEqual(rawOf(loaded), rawOf(kept));
});

test("a loaded table interns new entries without duplicating loaded ones", () => {
  const { table } = decodeSnapshot(
    encodeSnapshot(new Snapshot(small, 2)),
    "memory",
  );
  const file = table.strings.indexOf("src/app.ts");
  const handle = table.strings.indexOf("handle");
  assert.equal(table.internString("src/app.ts"), file);
  const frame = table.internFrame(file, 12, 5, handle);
  assert.equal(table.frameFile[frame], file);
  assert.equal(table.frameCount, 3);
  const stack = table.internStack([frame]);
  assert.equal(table.stackCount, 3);
  const traceback = table.internTraceback(stack, NONE);
  assert.deepEqual([
    table.tracebackStack[traceback],
    table.tracebackTotal[traceback],
  ], [stack, NONE]);
  assert.equal(table.tracebackCount, 3);
  assert.equal(table.internString("new.ts"), table.strings.length - 1);
});

test("encoding refuses a fractional line number with a RangeError naming the frame", () => {
  assert.throws(
    () => encodeSnapshot(new Snapshot([[0, 1, [["a.ts", 1.5]], 1]], 1)),
    (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /a\.ts:1\.5/);
      return true;
    },
  );
});

test("encoding refuses a traceback limit above 65535 and tracebacks longer than the limit, naming them", () => {
  assert.throws(
    () => encodeSnapshot(new Snapshot(small, 70000)),
    (e: Error) => e instanceof RangeError && e.message === "cannot dump: traceback limit 70000 is above 65535",
  );
  assert.throws(
    () => encodeSnapshot(new Snapshot([[0, 1, [["a.ts", 1], ["b.ts", 2]], 2]], 1)),
    (e: Error) =>
      e instanceof RangeError &&
      e.message === "cannot dump: the traceback at a.ts:1 has 2 frames, more than the traceback limit 1",
  );
});

/** The columns of one trace of 1 byte in domain 0, at traceback 0. */
function oneTraceColumns() {
  return { length: 1, domain: Int32Array.of(0), size: Float64Array.of(1), traceback: Uint32Array.of(0), count: null };
}

test("encoding refuses a totalNframe below the frames kept, naming the traceback", () => {
  // Only parts made by hand can hold it (see the next test): a traceback added in bulk, as a loader adds them.
  const table = new TraceTable();
  const a = table.internRawFrame(["a.ts", 1]), b = table.internRawFrame(["b.ts", 2]);
  table.addTracebacks(Int32Array.of(table.internStack([a, b])), Float64Array.of(1));
  const columns = oneTraceColumns();
  const snapshot = new Snapshot({ table, columns, tracebackLimit: 2 });
  assert.throws(
    () => encodeSnapshot(snapshot),
    (e: Error) =>
      e instanceof RangeError &&
      e.message === "cannot dump: the traceback at a.ts:1 has totalNframe 1, fewer than its 2 frames",
  );
});

test("a raw totalNframe below the frames kept is raised to them, so the snapshot dumps", () => {
  const original = new Snapshot([
    [0, 1, [["a.ts", 1], ["b.ts", 2]], 1],
    [0, 2, [], 0], // <unknown>:0, one frame, as CPython's empty traceback (total_nframe 1)
    [0, 3, [["c.ts", 3]], 0],
  ], 2);
  assert.deepEqual([...original.traces].map((t) => t.traceback.totalNframe), [2, 1, 1]);
  assert.deepEqual(rawOf(roundTrip(original)), rawOf(original));
});

test("snapshot.dump writes a file that Snapshot.load reads back", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "app.tmjs");
    const original = new Snapshot(small, 2);
    await original.dump(path);
    const loaded = await Snapshot.load(path);
    assert.deepEqual(rawOf(loaded), rawOf(original));
    assert.equal(loaded.tracebackLimit, 2);
  });
});

test("dump replaces an existing file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "app.tmjs");
    await writeFile(path, "old content");
    await new Snapshot(small, 2).dump(path);
    assert.equal((await Snapshot.load(path)).traces.length, 3);
  });
});

test("an atomic write leaves no temporary file behind", async () => {
  await withTempDir(async (dir) => {
    await writeFileAtomic(join(dir, "a.tmjs"), new Uint8Array([1, 2, 3]));
    await writeFileAtomic(join(dir, "a.tmjs"), new Uint8Array([4, 5]));
    assert.deepEqual(await readdir(dir), ["a.tmjs"]);
    assert.deepEqual([...await readFile(join(dir, "a.tmjs"))], [4, 5]);
  });
});

test("writing into a missing directory rejects naming the path", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "missing", "a.tmjs");
    await assert.rejects(
      writeFileAtomic(path, new Uint8Array([1])),
      (e: Error) => {
        assert.equal(e.message, `${path}: cannot write: no such directory`);
        return true;
      },
    );
    assert.deepEqual(await readdir(dir), []);
  });
});

test("a failed write leaves the existing target untouched and no temporary file", async () => {
  await withTempDir(async (dir) => {
    // The rename over a non-empty directory fails after the temporary file was written.
    const target = join(dir, "target");
    await mkdir(target);
    await writeFile(join(target, "keep.txt"), "precious");
    await assert.rejects(
      new Snapshot(small, 2).dump(target),
      (e: Error) => e.message.startsWith(`${target}: cannot write: `),
    );
    assert.deepEqual(await readdir(dir), ["target"]);
    assert.equal(await readFile(join(target, "keep.txt"), "utf8"), "precious");
  });
});

test("a dump that fails to encode leaves the existing file untouched", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "a.tmjs");
    await writeFile(path, "old");
    await assert.rejects(
      new Snapshot([[0, 1, [["a.ts", 0.5]], 1]], 1).dump(path),
      RangeError,
    );
    assert.equal(await readFile(path, "utf8"), "old");
    assert.deepEqual(await readdir(dir), ["a.tmjs"]);
  });
});

test("loading a missing file rejects naming the path and 'no such file'", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "nope.tmjs");
    await assert.rejects(Snapshot.load(path), (e: Error) => {
      assert.equal(e.message, `${path}: cannot read: no such file`);
      return true;
    });
  });
});

test("loading a directory rejects with 'is a directory'", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(readSnapshotFile(dir), (e: Error) => {
      assert.equal(e.message, `${dir}: cannot read: is a directory`);
      return true;
    });
  });
});

test("every truncation of a dump is refused with a SnapshotFormatError", () => {
  const bytes = encodeSnapshot(new Snapshot(small, 2));
  for (let length = 0; length < bytes.length; length++) {
    refused(bytes.slice(0, length));
  }
});

test("every single damaged byte of a dump is detected", () => {
  const bytes = encodeSnapshot(new Snapshot(small, 2));
  for (let i = 0; i < bytes.length; i++) {
    for (const flip of [0x01, 0x80, 0xff]) {
      const damaged = bytes.slice();
      damaged[i] ^= flip;
      refused(damaged);
    }
  }
});

/** What loading `bytes` from a file says: the error's message, or null when it loads. */
async function loadedFromFile(dir: string, bytes: Uint8Array): Promise<string | null> {
  const path = join(dir, "dump.tmjs");
  await writeFile(path, bytes);
  try {
    await Snapshot.load(path);
    return null;
  } catch (error) {
    assert.ok(error instanceof SnapshotFormatError, `expected SnapshotFormatError, got ${error}`);
    return error.message.slice(path.length + 2);
  }
}

/** What decoding `bytes` in memory says, as {@link loadedFromFile}. */
function decodedInMemory(bytes: Uint8Array): string | null {
  try {
    decodeSnapshot(bytes, "memory");
    return null;
  } catch (error) {
    assert.ok(error instanceof SnapshotFormatError, `expected SnapshotFormatError, got ${error}`);
    return error.message.slice("memory: ".length);
  }
}

test("a file loads as its bytes decode, damaged, truncated or crafted, with the same messages", async () => {
  // Snapshot.load reads a current dump piece by piece and checks the checksum last, where decodeSnapshot checks it
  // first: the messages must not differ.
  await withTempDir(async (dir) => {
    const bytes = encodeSnapshot(new Snapshot([...small, [1, 2 ** 40, [["x.ts", 1]], 3, 2.5]], 2));
    const cases: Uint8Array[] = [bytes, new Uint8Array(0)];
    for (let length = 0; length < bytes.length; length += 5) cases.push(bytes.slice(0, length));
    for (let i = 0; i < bytes.length; i += 3) {
      const damaged = bytes.slice();
      damaged[i] ^= 0x41;
      cases.push(damaged);
    }
    const random = seeded(11);
    for (let round = 0; round < 300; round++) cases.push(withHeader(scrambled(bytes, random), DUMP_FORMAT_VERSION));
    for (const bytes of cases) assert.equal(await loadedFromFile(dir, bytes), decodedInMemory(bytes));
  });
});

test("a dump larger than the pieces a load reads loads as it decodes in memory", async () => {
  await withTempDir(async (dir) => {
    const raw: RawTrace[] = [];
    for (let i = 0; i < 40_000; i++) {
      raw.push([i % 3, i * 7919 % 100_003, [[`f${i % 3001}.ts`, i % 70_000, i % 5 ? i % 90 : null, `g${i % 7}`]], 1]);
    }
    const snapshot = new Snapshot(raw, 1);
    const path = join(dir, "big.tmjs");
    await snapshot.dump(path);
    const bytes = await readFile(path);
    assert.ok(bytes.length > 4 * 65536);
    const loaded = await Snapshot.load(path);
    assert.deepEqual(rawOf(loaded), rawOf(new Snapshot(decodeSnapshot(bytes, path))));
    assert.deepEqual(rawOf(loaded), rawOf(snapshot));
  });
});

test("extra bytes after a dump are refused", () => {
  const bytes = encodeSnapshot(new Snapshot(small, 2));
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  assert.match(refused(longer), /unexpected bytes/);
});

test("damaged payloads with a matching checksum are refused or decoded, never crash", () => {
  const bytes = encodeSnapshot(
    new Snapshot([...small, [1, 2 ** 40, [["x.ts", 1]], 3, 2.5]], 2),
  );
  const random = seeded(7);
  for (let round = 0; round < 3000; round++) {
    const damaged = withHeader(scrambled(bytes, random), DUMP_FORMAT_VERSION);
    let snapshot: Snapshot;
    try {
      snapshot = new Snapshot(decodeSnapshot(damaged, "fuzz"));
    } catch (error) {
      assert.ok(
        error instanceof SnapshotFormatError,
        `round ${round}: ${error}`,
      );
      continue;
    }
    // Whatever loads is a well-formed snapshot: it groups, and dumps again.
    for (const key of ["filename", "lineno", "traceback"] as const) {
      snapshot.statistics(key);
    }
    snapshot.statistics("lineno", true);
    assert.deepEqual(rawOf(roundTrip(snapshot)), rawOf(snapshot));
  }
});

test("a version 1 dump whose table repeats an entry is refused", () => {
  // Hand-made payloads: limit 1, no count column, tables as given, no traces.
  const dump = (...tables: number[][]) => v1([1, 0, ...tables.flat(), 0, 0, 1, 0]);
  const a = [1, 0, 1, 1, 0x61]; // strings ["a"]
  const frame = [1, 0, 2, 0, 0]; // frames [a:1]
  const stack = [1, 1, 0]; // stacks [[frame 0]]
  assert.match(
    refused(dump([2, 0, 1, 1, 2, 0x61, 0x61], [0], [0], [0])),
    /string 1 repeats/,
  );
  assert.match(
    refused(dump(a, [2, 0, 2, 0, 0, 0, 2, 0, 0], [0], [0])),
    /frame 1 repeats frame 0/,
  );
  assert.match(
    refused(dump(a, frame, [2, 1, 0, 1, 0], [0])),
    /stack 1 repeats stack 0/,
  );
  assert.match(
    refused(dump(a, frame, stack, [2, 0, 0, 0, 0])),
    /traceback 1 repeats traceback 0/,
  );
  // The same tables without the repeats load.
  assert.equal(
    decodeSnapshot(dump(a, frame, stack, [1, 0, 0]), "ok").table.tracebackCount,
    1,
  );
});

test("a version 1 dump whose ids point outside their tables is refused even with a good checksum", () => {
  // strings ["a"]; one frame a:1; one stack [frame 5]: out of range.
  const payload = [1, 0, 1, 0, 1, 1, 0x61, 1, 0, 2, 0, 0, 1, 1, 5, 0, 0];
  assert.match(refused(v1(payload)), /refers to frame 5 of 1/);
});

test("a version 1 dump with a frameless stack is refused", () => {
  // No strings or frames; one empty stack, one traceback, one trace of 5 bytes.
  const payload = [1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 5];
  assert.match(refused(v1(payload)), /stack 0 has no frames/);
});

test("a version 1 count larger than the file is refused before anything is allocated", () => {
  // 2^50 strings announced in a tiny file.
  const payload = [1, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02];
  assert.match(
    refused(v1(payload)),
    /string count \d+ exceeds the file's size/,
  );
});

/** The varint bytes of `v`, a whole number up to 2^53. */
function varint(v: number): number[] {
  const out: number[] = [];
  for (; v >= 0x80; v = Math.floor(v / 0x80)) out.push(v % 0x80 | 0x80);
  out.push(v);
  return out;
}

const zigzag = (v: number) => v < 0 ? -2 * v - 1 : 2 * v;

/**
 * A version 1 dump made by hand of one 5-byte trace in file "a" with the traceback
 * `frames` (pairs of line and column+1, most recent first), `total` its
 * totalNframe (null: absent), under traceback limit `limit`. The checksum is
 * right, so only the values can be wrong.
 */
function oneTrace(
  { limit = 5, frames = [[1, 0]], total = null }: { limit?: number; frames?: number[][]; total?: number | null },
): Uint8Array {
  return v1([
    ...varint(limit),
    0, // flags: no count column
    ...[1, 0, 1, 1, 0x61], // strings ["a"], UTF-8
    ...varint(frames.length),
    ...frames.flatMap(([line, column]) => [0, ...varint(zigzag(line)), ...varint(zigzag(column)), 0]),
    ...[1, ...varint(frames.length), ...frames.map((_, i) => i)], // one stack of all the frames
    ...[1, 0, ...varint(total === null ? 0 : total + 1)], // one traceback
    ...[1, 1, 0, 1, 1, 0, 0, 5], // one trace: domain 0, traceback 0, size 5
  ]);
}

test("a hand-made version 1 dump of one trace loads as written (the template of the next tests)", () => {
  const loaded = new Snapshot(decodeSnapshot(oneTrace({ limit: 2, frames: [[3, 8], [-4, 0]], total: 9 }), "ok"));
  assert.deepEqual(rawOf(loaded), [[0, 5, [["a", 3, 7, null], ["a", -4, null, null]], 9, 1]]);
  assert.equal(loaded.tracebackLimit, 2);
});

test("a version 1 dump with values dump would refuse is refused on load, naming the field", () => {
  const cases: [Parameters<typeof oneTrace>[0], string][] = [
    [{ limit: 70000 }, "traceback limit 70000 is above 65535"],
    [{ limit: 2 ** 53 }, "traceback limit 9007199254740992 is above 65535"],
    [{ limit: 2, frames: [[1, 0], [2, 0], [3, 0]] }, "stack 0 has 3 frames, more than the traceback limit 2"],
    [{ limit: 0 }, "stack 0 has 1 frame, more than the traceback limit 0"],
    [{ frames: [[1, 0], [2, 0]], total: 1 }, "traceback 0 has totalNframe 1, fewer than its 2 frames"],
    [{ total: 0 }, "traceback 0 has totalNframe 0, fewer than its 1 frame"],
    [{ frames: [[2 ** 52, 0]] }, "frame 0 has line number 4503599627370496, not below 2^52 in magnitude"],
    [{ frames: [[-(2 ** 52), 0]] }, "frame 0 has line number -4503599627370496, not below 2^52 in magnitude"],
    [{ frames: [[1, 2 ** 52]] }, "frame 0 has column 4503599627370495, not below 2^52 in magnitude"],
    [{ frames: [[1, -(2 ** 52)]] }, "frame 0 has column -4503599627370497, not below 2^52 in magnitude"],
  ];
  for (const [fields, problem] of cases) {
    assert.equal(refused(oneTrace(fields)), `dump.tmjs: ${problem} (damaged file)`);
  }
});

test("whatever loads from version 1 dumps again, at every bound of limit, frames, totalNframe, line and column", () => {
  const limits = [0, 1, 2, 3, 65535, 65536, 2 ** 32, 2 ** 53];
  const lengths = [1, 2, 3];
  const totals = [null, 0, 1, 2, 3, 2 ** 53 - 1];
  const positions = [0, 1, -1, 2 ** 52 - 1, -(2 ** 52 - 1), 2 ** 52, -(2 ** 52)];
  let loaded = 0, refusedCount = 0;
  for (const limit of limits) {
    for (const length of lengths) {
      for (const total of totals) {
        for (const line of positions) {
          for (const column of positions) {
            // Frames must be distinct: the first takes `line` and `column`, the others lines of their own.
            const frames = Array.from({ length }, (_, i) => i ? [7 + i, 0] : [line, column]);
            let snapshot: Snapshot;
            try {
              snapshot = new Snapshot(decodeSnapshot(oneTrace({ limit, frames, total }), "bounds"));
            } catch (error) {
              assert.ok(error instanceof SnapshotFormatError, String(error));
              refusedCount++;
              continue;
            }
            loaded++;
            const where = JSON.stringify({ limit, frames, total });
            assert.doesNotThrow(() => encodeSnapshot(snapshot), where);
            assert.deepEqual(rawOf(roundTrip(snapshot)), rawOf(snapshot), where);
          }
        }
      }
    }
  }
  assert.ok(loaded > 0 && refusedCount > 0, `${loaded} loaded, ${refusedCount} refused`);
});

test("a future format version is refused with the version message", () => {
  const bytes = encodeSnapshot(new Snapshot(small, 2));
  const future = DUMP_FORMAT_VERSION + 1;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(8, future, true);
  const message =
    `dump.tmjs: unsupported dump format version ${future} (this build reads versions 1 to ${DUMP_FORMAT_VERSION})`;
  assert.equal(refused(bytes), message);
  // Whatever a later version puts after its version number.
  assert.equal(refused(bytes.slice(0, 12)), message);
});

test("a CPython tracemalloc pickle is refused with a message naming the file", async () => {
  await assert.rejects(Snapshot.load(PICKLE), (e: Error) => {
    assert.ok(e instanceof SnapshotFormatError);
    assert.equal(
      e.message,
      `${PICKLE}: not a snapshot dump (it looks like a Python pickle, such as CPython tracemalloc's Snapshot.dump() writes)`,
    );
    return true;
  });
});

test("a compressed file or an archive is refused saying how to get at the dump inside", async () => {
  const dump = encodeSnapshot(new Snapshot(small, 2));
  const gzip = (await import("node:zlib")).gzipSync(dump);
  await withTempDir(async (dir) => {
    const path = join(dir, "app.dump.gz");
    await writeFile(path, gzip);
    await assert.rejects(Snapshot.load(path), (e: Error) => {
      assert.ok(e instanceof SnapshotFormatError);
      assert.equal(e.message, `${path}: not a snapshot dump (it is gzip-compressed: gunzip it first)`);
      return true;
    });
  });
  const starts: [number[], string][] = [
    [[0x28, 0xb5, 0x2f, 0xfd, 0x24], "it is zstd-compressed: unzstd it first"],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00], "it is xz-compressed: unxz it first"],
    [[...new TextEncoder().encode("BZh91AY&SY"), 0x8e, 0x01], "it is bzip2-compressed: bunzip2 it first"],
    [[0x50, 0x4b, 0x03, 0x04, 0x14, 0x00], "it is a zip archive: unzip it first"],
  ];
  for (const [bytes, what] of starts) {
    assert.equal(refused(new Uint8Array(bytes)), `dump.tmjs: not a snapshot dump (${what})`);
  }
  // Only the whole signature counts: a lone 0x1f is no gzip file, "BZh" text no bzip2 file.
  assert.equal(refused(new Uint8Array([0x1f, 0x00])), "dump.tmjs: not a snapshot dump (unknown file signature)");
  assert.equal(
    refused(new TextEncoder().encode("BZh is not bzip2\n")),
    "dump.tmjs: not a snapshot dump (it looks like a text file)",
  );
});

test("a V8 heap snapshot is refused saying what it is", () => {
  const heap = new TextEncoder().encode('{"snapshot":{"meta":{"node_fields":["type","name"]}},"nodes":[]}');
  assert.equal(
    refused(heap, "app.heapsnapshot"),
    "app.heapsnapshot: not a snapshot dump (it looks like a V8 heap snapshot, which Chrome DevTools' Memory panel opens)",
  );
});

test("a text file is refused with a message naming the file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "notes.txt");
    await writeFile(path, "just some notes\nabout memory\n");
    await assert.rejects(Snapshot.load(path), (e: Error) => {
      assert.ok(e instanceof SnapshotFormatError);
      assert.equal(
        e.message,
        `${path}: not a snapshot dump (it looks like a text file)`,
      );
      return true;
    });
  });
});

test("an empty file is refused with a message naming the file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "empty.tmjs");
    await writeFile(path, "");
    await assert.rejects(Snapshot.load(path), (e: Error) => {
      assert.ok(e instanceof SnapshotFormatError);
      assert.equal(e.message, `${path}: empty file, not a snapshot dump`);
      return true;
    });
  });
});

test("the checksum is xxHash32 with seed 0", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  assert.equal(xxhash32(text("")), 0x02cc5d05);
  assert.equal(xxhash32(text("abc")), 0x32d153ff);
  const bytes = Uint8Array.from({ length: 21 }, (_, i) => i + 1);
  assert.equal(xxhash32(bytes), 0x848858ce);
  // Unaligned input takes the byte-wise path and must agree.
  const shifted = new Uint8Array(22);
  shifted.set(bytes, 1);
  assert.equal(xxhash32(shifted.subarray(1)), 0x848858ce);
});

test("the version 2 checksum is the first four bytes of the payload's SHA-256", () => {
  const text = (s: string) => new TextEncoder().encode(s);
  // SHA-256("abc") starts ba 78 16 bf; SHA-256("") starts e3 b0 c4 42.
  assert.equal(sha256Prefix(text("abc")), 0xbf1678ba);
  assert.equal(sha256Prefix(text("")), 0x42c4b0e3);
  const bytes = encodeSnapshot(new Snapshot(small, 2));
  assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true), 2);
  assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(20, true), sha256Prefix(bytes.subarray(24)));
});

/** Version 2 column types, as `format.ts` numbers them. */
const TYPES = { constant: 0, runs: 1, u8: 2, i8: 3, u16: 4, i16: 5, u32: 6, i32: 7, f64: 8 } as const;
type TypeName = keyof typeof TYPES;

/** Little-endian bytes of `v` as `type` (one of the fixed-width ones). */
function entryBytes(type: TypeName, v: number): number[] {
  const width = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f64: 8 }[type as "u8"];
  const view = new DataView(new ArrayBuffer(8));
  if (type === "f64") view.setFloat64(0, v, true);
  else if (type.startsWith("u")) view.setBigUint64(0, BigInt(v) & 0xffff_ffff_ffff_ffffn, true);
  else view.setBigInt64(0, BigInt(v), true);
  return [...new Uint8Array(view.buffer, 0, width)];
}

/** `bytes` with zeros up to a multiple of 8. */
const padded = (bytes: number[]) => [...bytes, ...new Array((8 - bytes.length % 8) % 8).fill(0)];

/** A version 2 column of `values` as `type`: descriptor, entries, zero padding. */
function column(type: TypeName, values: number[]): number[] {
  const head = [TYPES[type], 0, 0, 0, 0, 0, 0, 0];
  if (type === "constant") return [...head, ...entryBytes("f64", values[0] ?? 0)];
  if (type !== "runs") return [...head, ...padded(values.flatMap((v) => entryBytes(type, v)))];
  const runs: [number, number][] = [];
  for (const v of values) {
    if (runs.length && runs[runs.length - 1][0] === v) runs[runs.length - 1][1]++;
    else runs.push([v, 1]);
  }
  head.splice(4, 4, ...entryBytes("u32", runs.length));
  return [
    ...head,
    ...padded(runs.flatMap(([v]) => entryBytes("i32", v))),
    ...padded(runs.flatMap(([, n]) => entryBytes("u32", n))),
  ];
}

/** The columns of a version 2 dump, in file order. */
type ColumnName =
  | "string length"
  | "frame file"
  | "frame line"
  | "frame column"
  | "frame function"
  | "stack length"
  | "stack frame"
  | "traceback stack"
  | "totalNframe"
  | "domain"
  | "traceback"
  | "size"
  | "count";

interface V2Parts {
  limit?: number;
  flags?: number;
  strings?: string[];
  /** file, line, column (-1: none), function (-1: none) */
  frames?: [number, number, number, number][];
  stacks?: number[][];
  /** stack, totalNframe (-1: none) */
  tracebacks?: [number, number][];
  /** domain, traceback, size */
  traces?: [number, number, number][];
  counts?: number[];
  /** Column types other than the defaults (u32 for lengths and traceback ids, i32 for ids and domains, f64 else). */
  types?: Partial<Record<ColumnName, TypeName>>;
  /** Head counts other than the parts' own, by place (0 limit ... 7 traces). */
  head?: Record<number, number>;
}

/**
 * A version 2 dump made by hand (see `format.ts`), by default of one 5-byte
 * trace in file "a", line 1, in a valid header: only the values can be wrong.
 */
function v2Dump(parts: V2Parts = {}): Uint8Array {
  const {
    limit = 5,
    strings = ["a"],
    frames = [[0, 1, -1, -1]],
    stacks = [[0]],
    tracebacks = [[0, -1]],
    traces = [[0, 0, 5]],
    counts,
    types = {},
  } = parts;
  const flags = parts.flags ?? (counts ? 1 : 0);
  const stackFrames = stacks.reduce((n, s) => n + s.length, 0);
  const head = [
    limit,
    flags,
    strings.length,
    frames.length,
    stacks.length,
    stackFrames,
    tracebacks.length,
    traces.length,
  ];
  for (const [k, v] of Object.entries(parts.head ?? {})) head[Number(k)] = v;
  const col = (name: ColumnName, fallback: TypeName, values: number[]) => column(types[name] ?? fallback, values);
  const text = [...new TextEncoder().encode(strings.join(""))];
  return withHeader([
    ...head.flatMap((v) => entryBytes("u32", v)),
    ...col("string length", "u32", strings.map((s) => s.length)),
    ...entryBytes("u32", 0),
    ...entryBytes("u32", text.length),
    ...padded(text),
    ...col("frame file", "i32", frames.map((f) => f[0])),
    ...col("frame line", "f64", frames.map((f) => f[1])),
    ...col("frame column", "f64", frames.map((f) => f[2])),
    ...col("frame function", "i32", frames.map((f) => f[3])),
    ...col("stack length", "u32", stacks.map((s) => s.length)),
    ...col("stack frame", "i32", stacks.flat()),
    ...col("traceback stack", "i32", tracebacks.map((t) => t[0])),
    ...col("totalNframe", "f64", tracebacks.map((t) => t[1])),
    ...col("domain", "i32", traces.map((t) => t[0])),
    ...col("traceback", "u32", traces.map((t) => t[1])),
    ...col("size", "f64", traces.map((t) => t[2])),
    ...(counts ? col("count", "f64", counts) : []),
  ], 2);
}

test("a hand-made version 2 dump loads as written (the template of the next tests)", () => {
  assert.deepEqual(rawOf(new Snapshot(decodeSnapshot(v2Dump(), "ok"))), [[0, 5, [["a", 1, null, null]], null, 1]]);
  const rich = v2Dump({
    limit: 2,
    strings: ["a.ts", "f", "b.ts"],
    frames: [[0, 3, 7, 1], [2, -4, -1, -1]],
    stacks: [[0, 1], [1]],
    tracebacks: [[0, 9], [1, -1], [1, 4]],
    traces: [[-3, 2, 1.5], [7, 0, 2 ** 53], [7, 1, -0]],
    counts: [1, 2.5, 3],
  });
  const loaded = new Snapshot(decodeSnapshot(rich, "ok"));
  assert.equal(loaded.tracebackLimit, 2);
  assert.deepEqual(rawOf(loaded), [
    [-3, 1.5, [["b.ts", -4, null, null]], 4, 1],
    [7, 2 ** 53, [["a.ts", 3, 7, "f"], ["b.ts", -4, null, null]], 9, 2.5],
    [7, -0, [["b.ts", -4, null, null]], null, 3],
  ]);
  assert.ok(Object.is(loaded.traces.at(2)!.size, -0));
});

test("every version 2 column type a column may take loads as its values", () => {
  const traces: [number, number, number][] = [[-2, 0, 1], [-2, 0, 2], [-2, 0, 3], [100, 0, 4]];
  const domains = traces.map((t) => t[0]);
  for (const type of ["runs", "i8", "i16", "i32"] as const) {
    const loaded = new Snapshot(decodeSnapshot(v2Dump({ traces, types: { domain: type } }), type));
    assert.deepEqual([...loaded.traces].map((t) => t.domain), domains, type);
  }
  const same: [number, number, number][] = traces.map(([, tb, size]) => [-2, tb, size]);
  const loaded = new Snapshot(decodeSnapshot(v2Dump({ traces: same, types: { domain: "constant" } }), "constant"));
  assert.deepEqual([...loaded.traces].map((t) => t.domain), [-2, -2, -2, -2]);
  for (const type of ["u8", "u16", "u32", "runs", "constant"] as const) {
    const tracebacks: [number, number][] = [[0, -1], [0, 3]];
    const ids = type === "constant" ? [1] : [1, 0, 0, 1];
    const dump = v2Dump({ tracebacks, traces: ids.map((tb, i) => [0, tb, i]), types: { traceback: type } });
    if (type === "constant" || type === "runs") {
      // The traces' key column (their traceback ids) must be fixed-width when there are several traces.
      if (ids.length > 1) {
        assert.equal(refused(dump), `dump.tmjs: traceback column of type ${type} (damaged file)`);
        continue;
      }
    }
    assert.deepEqual(
      [...new Snapshot(decodeSnapshot(dump, type)).traces].map((t) => t.traceback.totalNframe),
      ids.map((tb) => tb ? 3 : null),
      type,
    );
  }
  for (const type of ["u8", "i8", "u16", "i16", "u32", "i32", "f64", "constant"] as const) {
    const values = type === "constant" ? [7, 7, 7] : type.startsWith("u") ? [0, 7, 200] : [-1, 7, 100];
    const loaded = new Snapshot(
      decodeSnapshot(v2Dump({ traces: values.map((v) => [0, 0, v]), types: { size: type } }), type),
    );
    assert.deepEqual([...loaded.traces].map((t) => t.size), values, type);
  }
});

test("a version 2 dump with values dump would refuse is refused on load, naming the field", () => {
  const cases: [V2Parts, string][] = [
    [{ limit: 70000 }, "traceback limit 70000 is above 65535"],
    [{ flags: 2 }, "unknown flags 2"],
    [{ head: { 3: 2 ** 31 } }, "frame count 2147483648 exceeds the file's size"],
    [{ head: { 4: 2 } }, "2 stacks of 1 frame in all"],
    [{ frames: [[1, 1, -1, -1]] }, "frame 0 refers to string 1 of 1"],
    [{ frames: [[0, 1, -1, -2]] }, "frame 0 refers to string -2 of 1"],
    [{ frames: [[0, 1, -1, 1]] }, "frame 0 refers to string 1 of 1"],
    [{ frames: [[0, 1.5, -1, -1]] }, "frame 0 has line number 1.5, not an integer below 2^52 in magnitude"],
    [
      { frames: [[0, 2 ** 52, -1, -1]] },
      "frame 0 has line number 4503599627370496, not an integer below 2^52 in magnitude",
    ],
    [
      { frames: [[0, 1, 2 ** 52 - 1, -1]] },
      "frame 0 has column 4503599627370495, not an integer below 2^52 in magnitude",
    ],
    [{ frames: [[0, 1, Number.NaN, -1]] }, "frame 0 has column NaN, not an integer below 2^52 in magnitude"],
    [{ stacks: [[], [0, 0]], tracebacks: [[1, -1]] }, "stack 0 has no frames"],
    [
      { limit: 1, frames: [[0, 1, -1, -1], [0, 2, -1, -1]], stacks: [[0, 1]] },
      "stack 0 has 2 frames, more than the traceback limit 1",
    ],
    [{ stacks: [[3]] }, "stack 0 refers to frame 3 of 1"],
    [{ stacks: [[0], [-1]], tracebacks: [[0, -1], [1, -1]] }, "stack 1 refers to frame -1 of 1"],
    [{ head: { 5: 2 } }, "the stacks' lengths add up to 1 frame, not 2"],
    [{ head: { 5: 100 } }, "stack frame column longer than the file"],
    [{ tracebacks: [[1, -1]] }, "traceback 0 refers to stack 1 of 1"],
    [{ tracebacks: [[0, 0]] }, "traceback 0 has totalNframe 0, fewer than its 1 frame"],
    [{ tracebacks: [[0, -2]], types: { totalNframe: "i8" } }, "traceback 0 has totalNframe -2, fewer than its 1 frame"],
    [{ tracebacks: [[0, -2]] }, "traceback 0 has totalNframe -2, not an integer from 0 to 2^53 - 2 or -1"],
    [{ tracebacks: [[0, 1.5]] }, "traceback 0 has totalNframe 1.5, not an integer from 0 to 2^53 - 2 or -1"],
    [{ traces: [[0, 1, 5]] }, "trace 0 refers to traceback 1 of 1"],
    [{ types: { domain: "f64" } }, "domain column of type f64"],
    [{ types: { "frame file": "u32" } }, "frame file column of type u32"],
    [{ types: { traceback: "i32" } }, "traceback column of type i32"],
    [{ traces: [[2 ** 31, 0, 5]], types: { domain: "constant" } }, "domain 2147483648 out of range"],
    [{ traces: [[0, 0, 5], [0, 0, 6]], types: { "frame line": "constant" } }, "trace 0 refers to traceback 0 of 1"],
  ];
  // (The last case is well formed: one frame may have a constant line.)
  cases.pop();
  for (const [parts, problem] of cases) {
    assert.equal(refused(v2Dump(parts)), `dump.tmjs: ${problem} (damaged file)`, JSON.stringify(parts));
  }
  const frames: [number, number, number, number][] = [[0, 1, -1, -1], [0, 2, -1, -1]];
  assert.equal(
    refused(v2Dump({ frames, stacks: [[0, 1]], types: { "frame line": "constant" } })),
    "dump.tmjs: frame line column of type constant (damaged file)",
  );
});

test("ids outside their tables are found among many, first of all, in every id column", () => {
  // Past the slices a load may bound at once (16384 ids, see decode.ts), low and high, two bad ones each.
  const n = 20_000;
  const frames = Array.from({ length: n }, (): [number, number, number, number] => [0, 1, -1, -1]);
  const stacks = Array.from({ length: n }, (_, i) => [i]);
  const tracebacks = Array.from({ length: n }, (_, i): [number, number] => [i, -1]);
  const traces = Array.from({ length: n }, (_, i): [number, number, number] => [0, i, 5]);
  const bad = <T>(list: T[], at: number, value: (entry: T) => T): T[] =>
    list.map((entry, i) => i === at || i === at + 500 ? value(entry) : entry);
  const cases: [V2Parts, string][] = [
    [{ frames: bad(frames, 18_500, () => [1, 1, -1, -1]) }, "frame 18500 refers to string 1 of 1"],
    [{ frames: bad(frames, 16_500, () => [-1, 1, -1, -1]) }, "frame 16500 refers to string -1 of 1"],
    [{ frames: bad(frames, 17_000, () => [0, 1, -1, -2]) }, "frame 17000 refers to string -2 of 1"],
    [{ stacks: bad(stacks, 19_000, () => [n]) }, `stack 19000 refers to frame ${n} of ${n}`],
    [{ stacks: bad(stacks, 16_384, () => [-3]) }, `stack 16384 refers to frame -3 of ${n}`],
    [{ traces: bad(traces, 18_000, () => [0, n + 5, 5]) }, `trace 18000 refers to traceback ${n + 5} of ${n}`],
  ];
  for (const [parts, message] of cases) {
    const dump = v2Dump({ frames, stacks, tracebacks, traces, ...parts });
    assert.equal(refused(dump), `dump.tmjs: ${message} (damaged file)`);
  }
  assert.equal(new Snapshot(decodeSnapshot(v2Dump({ frames, stacks, tracebacks, traces }), "ok")).columns.length, n);
});

test("a version 2 dump's framing is checked: types, padding, runs, string table, length", () => {
  const good = v2Dump();
  // The domain column's descriptor: after the head (32), strings (8 + 8 + 8 + 8), frames (4 × 16), stacks
  // (2 × 16) and tracebacks (2 × 16).
  const domain = 24 + 32 + 32 + 64 + 32 + 32;
  assert.equal(good[domain], TYPES.i32);
  const patched = (at: number, byte: number) => {
    const payload = [...good.subarray(24)];
    payload[at - 24] = byte;
    return withHeader(payload, 2);
  };
  assert.equal(refused(patched(domain, 9)), "dump.tmjs: unknown domain column type 9 (damaged file)");
  assert.equal(
    refused(patched(domain + 1, 1)),
    "dump.tmjs: nonzero padding in the domain column's descriptor (damaged file)",
  );
  assert.equal(refused(patched(domain + 12, 1)), "dump.tmjs: nonzero padding after the domain column (damaged file)");
  const longer = withHeader([...good.subarray(24), 0, 0, 0, 0, 0, 0, 0, 0], 2);
  assert.equal(refused(longer), "dump.tmjs: 8 unexpected bytes after the traces (damaged file)");
  const shorter = withHeader([...good.subarray(24, good.length - 8)], 2);
  assert.equal(refused(shorter), "dump.tmjs: size column longer than the file (damaged file)");
  // Runs that do not cover the column exactly.
  const runs = v2Dump({ traces: [[0, 0, 1], [1, 0, 2]], types: { domain: "runs" } });
  const runLengths = domain + 8 + 8;
  assert.equal(runs[runLengths], 1);
  const payload = [...runs.subarray(24)];
  payload[runLengths - 24] = 2;
  assert.equal(refused(withHeader(payload, 2)), "dump.tmjs: domain column's run 1 does not fit (damaged file)");
  const strings = v2Dump({ strings: ["ab"] });
  const text = [...strings.subarray(24)];
  text[32 + 8] = 3; // the first string's length: 3 of a 2-byte table
  assert.equal(refused(withHeader(text, 2)), "dump.tmjs: string lengths do not match the string table (damaged file)");
  text[32 + 8] = 2;
  text[32 + 16 + 8] = 0xff; // invalid UTF-8
  assert.equal(refused(withHeader(text, 2)), "dump.tmjs: invalid UTF-8 in the string table (damaged file)");
  text[32 + 16 + 8] = 0x61;
  text[32 + 16] = 2; // encoding
  assert.equal(refused(withHeader(text, 2)), "dump.tmjs: unknown string encoding 2 (damaged file)");
});

test("entries a version 2 dump repeats load as they are, and dump and load again", () => {
  // Only a file made so can repeat an entry (the checksum catches damage); the reader does not look for repeats.
  const dump = v2Dump({
    strings: ["a", "a"],
    frames: [[0, 1, -1, -1], [1, 1, -1, -1]],
    stacks: [[0], [1]],
    tracebacks: [[0, -1], [1, -1]],
    traces: [[0, 0, 5], [0, 1, 6]],
  });
  const loaded = new Snapshot(decodeSnapshot(dump, "repeats"));
  assert.deepEqual(rawOf(loaded), [[0, 5, [["a", 1, null, null]], null, 1], [0, 6, [["a", 1, null, null]], null, 1]]);
  assert.deepEqual(rawOf(roundTrip(loaded)), rawOf(loaded));
  assert.equal(loaded.statistics("lineno").length, 2);
});

test("a table holding entries its traces do not use dumps only those they use", () => {
  const base = new Snapshot(small, 2);
  // compareTo() with another table's snapshot adds that table's keys to this one.
  base.compareTo(new Snapshot([[0, 1, [["other/only-there.ts", 4]], 1]], 1), "lineno");
  assert.ok(base.table.strings.includes("other/only-there.ts"));
  const loaded = roundTrip(base);
  assert.ok(!loaded.table.strings.includes("other/only-there.ts"));
  assert.deepEqual(rawOf(loaded), rawOf(base));
});

test("a table's kept summary writes the same bytes as a look at every entry", () => {
  // A snapshot made from raw traces is written from the ranges its table kept while interning; a loaded one
  // (entries added in bulk) from a pass over its table: both must choose the same columns. (The rich fixture's
  // lines beyond 2^31 send it to the pass too.)
  assert.notEqual(new Snapshot(small, 2).table.summary(), null);
  const cases: [RawTrace[], number][] = [
    [small, 2],
    ...Object.values(v1Fixtures()).map((f) => [f.raw, f.limit] as [RawTrace[], number]),
  ];
  for (const [raw, limit] of cases) {
    const made = new Snapshot(raw, limit);
    const bytes = encodeSnapshot(made);
    const loaded = new Snapshot(decodeSnapshot(bytes, "memory"));
    assert.equal(loaded.table.summary(), null);
    assert.deepEqual(encodeSnapshot(loaded), bytes);
  }
});

test("entries interned but used by nothing are left out of a dump", () => {
  const snapshot = new Snapshot(small, 2);
  const before = encodeSnapshot(snapshot);
  const { table } = snapshot;
  const file = table.internString("unused.ts");
  const frame = table.internFrame(file, 7, NONE, NONE);
  table.internStack([frame]);
  assert.deepEqual(encodeSnapshot(snapshot), before);
  // A traceback the traces do not use, over a stack of used frames.
  table.internTraceback(table.internStack([0]), 40);
  assert.deepEqual(encodeSnapshot(snapshot), before);
});

test("an interned totalNframe below its stack's length is refused as one added in bulk is", () => {
  const table = new TraceTable();
  const a = table.internRawFrame(["a.ts", 1]), b = table.internRawFrame(["b.ts", 2]);
  table.internTraceback(table.internStack([a, b]), 1);
  const columns = oneTraceColumns();
  assert.throws(
    () => encodeSnapshot(new Snapshot({ table, columns, tracebackLimit: 2 })),
    /cannot dump: the traceback at a\.ts:1 has totalNframe 1, fewer than its 2 frames/,
  );
});

test("encoding picks used entries out of a shared table with the same refusals", () => {
  const raw: RawTrace[] = [...small, [0, 1, [["a.ts", 1.5]], 1]];
  const full = new Snapshot(raw, 2);
  assert.throws(() => encodeSnapshot(full), /a\.ts:1\.5/);
  // Filtered: the table is shared, and only the traces kept are written (the bad frame among them).
  assert.throws(() => encodeSnapshot(full.filterTraces([new Filter(false, "src/*")])), /a\.ts:1\.5/);
  const kept = full.filterTraces([new Filter(false, "a.ts")]);
  assert.deepEqual(rawOf(roundTrip(kept)), rawOf(kept));
});

test("version 1 dumps are refused when damaged or truncated, and fuzzed ones refused or decoded", async () => {
  const path = fileURLToPath(new URL("fixtures/dump-v1-rich.tmjs", import.meta.url));
  const bytes = new Uint8Array(await readFile(path));
  for (let length = 0; length < bytes.length; length++) refused(bytes.slice(0, length));
  for (let i = 0; i < bytes.length; i++) {
    const damaged = bytes.slice();
    damaged[i] ^= 0x80;
    refused(damaged);
  }
  const random = seeded(11);
  for (let round = 0; round < 1000; round++) {
    const payload = scrambled(bytes, random);
    let snapshot: Snapshot;
    try {
      snapshot = new Snapshot(decodeSnapshot(v1(payload), "fuzz"));
    } catch (error) {
      assert.ok(error instanceof SnapshotFormatError, `round ${round}: ${error}`);
      continue;
    }
    snapshot.statistics("traceback");
    assert.deepEqual(rawOf(roundTrip(snapshot)), rawOf(snapshot));
  }
});
