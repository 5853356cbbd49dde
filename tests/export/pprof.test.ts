import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { Profile } from "pprof-format";
import { writeExport } from "../../src/export/formats.ts";
import { beforeAfter, LEAK_FILE, readPprof, signed, str, withTemp } from "./helpers.ts";

const GENERATOR = "tracemalloc-js test";
const T0 = new Date("2026-01-01T10:00:00Z");
const T1 = new Date("2026-01-01T10:05:00Z");

/** Writes the pprof file of `after` (the change since `before` with `diff`) and decodes it. */
function exported(diff = false): Promise<Profile> {
  return withTemp(async (dir) => {
    const { before, after } = beforeAfter();
    const file = join(dir, "heap.pb.gz");
    await writeExport(file, "pprof", {
      snapshot: after,
      label: "after",
      time: T1,
      ...(diff ? { base: { snapshot: before, label: "before", time: T0 } } : {}),
      generator: GENERATOR,
    });
    return readPprof(file);
  });
}

/** Each sample as `file:line function` frames leaf first, its values signed, and its labels. */
function samples(profile: Profile): { stack: string[]; values: number[]; labels: Record<string, string> }[] {
  const functions = new Map(profile.function.map((f) => [Number(f.id), f]));
  const locations = new Map(profile.location.map((l) => [Number(l.id), l]));
  return profile.sample.map((sample) => ({
    stack: sample.locationId.map((id) => {
      const line = locations.get(Number(id))!.line[0];
      const fn = functions.get(Number(line.functionId))!;
      return `${str(profile, fn.filename)}:${Number(line.line)} ${str(profile, fn.name)}`;
    }),
    values: sample.value.map(signed),
    labels: Object.fromEntries(sample.label.map((l) => [str(profile, l.key), str(profile, l.str)])),
  }));
}

test("a pprof export is gzipped protobuf", () =>
  withTemp(async (dir) => {
    const { after } = beforeAfter();
    const file = join(dir, "heap.pb.gz");
    await writeExport(file, "pprof", { snapshot: after, label: "after", time: T1, generator: GENERATOR });
    const bytes = await readFile(file);
    assert.deepEqual([bytes[0], bytes[1]], [0x1f, 0x8b]);
    assert.ok(gunzipSync(bytes).length > 0);
  }));

test("pprof sample types are inuse_objects/count and inuse_space/bytes, space the default", async () => {
  const profile = await exported();
  assert.deepEqual(
    profile.sampleType.map((t) => `${str(profile, t.type)}/${str(profile, t.unit)}`),
    ["inuse_objects/count", "inuse_space/bytes"],
  );
  assert.equal(str(profile, profile.defaultSampleType), "inuse_space");
  assert.equal(`${str(profile, profile.periodType!.type)}/${str(profile, profile.periodType!.unit)}`, "space/bytes");
});

test("a pprof sample per traceback holds its blocks and bytes, its stack leaf first", async () => {
  const leak = samples(await exported()).find((s) => s.stack[0].startsWith(`${LEAK_FILE}:16`))!;
  assert.deepEqual(leak.stack, [
    `${LEAK_FILE}:16 remember`,
    `${LEAK_FILE}:30 handle`,
    "/srv/shop/main.ts:8 (anonymous)",
  ]);
  assert.deepEqual(leak.values, [510, 2_088_960]);
});

test("pprof samples are labelled with their domain", async () => {
  const all = samples(await exported());
  assert.deepEqual(all.map((s) => s.labels.domain).sort(), ["0", "1", "1"]);
});

test("pprof values add up to the snapshot's bytes and blocks", async () => {
  const all = samples(await exported());
  assert.equal(all.reduce((n, s) => n + s.values[1], 0), 2_088_960 + 2_097_152 + 700);
  assert.equal(all.reduce((n, s) => n + s.values[0], 0), 510 + 2 + 7);
});

test("a pprof location holds its function, file, line and column", async () => {
  const profile = await exported();
  const location = profile.location.find((l) => Number(l.line[0].line) === 16)!;
  const fn = profile.function.find((f) => f.id === location.line[0].functionId)!;
  assert.deepEqual(
    [str(profile, fn.name), str(profile, fn.filename), Number(location.line[0].line), Number(location.line[0].column)],
    ["remember", LEAK_FILE, 16, 5],
  );
  assert.equal(Number(location.mappingId), 1);
  assert.ok(profile.mapping[0].hasFunctions && profile.mapping[0].hasFilenames && profile.mapping[0].hasLineNumbers);
});

test("a pprof profile keeps the snapshot's time", async () => {
  const profile = await exported();
  assert.equal(BigInt(profile.timeNanos), BigInt(T1.getTime()) * 1_000_000n);
});

test("a pprof comparison is a diff profile: the change since the base, negative where it shrank", async () => {
  const profile = await exported(true);
  const byLeaf = new Map(samples(profile).map((s) => [s.stack[0], s.values]));
  assert.deepEqual(byLeaf.get(`${LEAK_FILE}:16 remember`), [500, 2_048_000]);
  assert.deepEqual(byLeaf.get("/srv/shop/render.ts:12 render"), [-5, -1_000]);
  assert.deepEqual(byLeaf.get("node:internal/timers:594 listOnTimeout"), [7, 700]);
  assert.equal(byLeaf.has("/srv/shop/pool.ts:4 allocatePool"), false, "unchanged tracebacks are left out");
  assert.equal(Number(profile.durationNanos), (T1.getTime() - T0.getTime()) * 1_000_000);
  assert.ok(
    profile.comment.map((i) => str(profile, i)).includes("snapshot after compared with before: values are the change"),
  );
});
