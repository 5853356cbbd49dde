import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeExport, writeExport } from "../../src/export/formats.ts";
import type { SpeedscopeFile } from "../../src/export/speedscope.ts";
import { beforeAfter, LEAK_FILE, withTemp } from "./helpers.ts";

const GENERATOR = "tracemalloc-js test";

/**
 * The parts of speedscope's schema (https://www.speedscope.app/file-format-schema.json,
 * generated from its `FileFormat` types) a sampled profile must satisfy: each
 * definition's required fields and their JSON types.
 */
const SCHEMA = {
  "FileFormat.File": {
    required: ["$schema", "profiles", "shared"],
    types: { $schema: "string", profiles: "array", shared: "object", name: "string", activeProfileIndex: "number" },
  },
  shared: { required: ["frames"], types: { frames: "array" } },
  "FileFormat.Frame": { required: ["name"], types: { name: "string", file: "string", line: "number", col: "number" } },
  "FileFormat.SampledProfile": {
    required: ["endValue", "name", "samples", "startValue", "type", "unit", "weights"],
    types: {
      endValue: "number",
      name: "string",
      samples: "array",
      startValue: "number",
      type: "string",
      unit: "string",
      weights: "array",
    },
  },
} as const;
const UNITS = ["bytes", "microseconds", "milliseconds", "nanoseconds", "none", "seconds"];

function typeOf(value: unknown): string {
  return Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
}

/** Problems of `value` against the schema definition `name`. */
function check(name: keyof typeof SCHEMA, value: Record<string, unknown>): string[] {
  const definition = SCHEMA[name];
  const problems = definition.required.filter((key) => !(key in value)).map((key) => `${name}: ${key} missing`);
  for (const [key, type] of Object.entries(definition.types)) {
    if (key in value && typeOf(value[key]) !== type) {
      problems.push(`${name}.${key}: ${typeOf(value[key])}, not ${type}`);
    }
  }
  return problems;
}

function exported(): Promise<SpeedscopeFile> {
  return withTemp(async (dir) => {
    const file = join(dir, "after.speedscope.json");
    await writeExport(file, "speedscope", {
      snapshot: beforeAfter().after,
      label: "after",
      time: new Date(),
      generator: GENERATOR,
    });
    return JSON.parse(await readFile(file, "utf8"));
  });
}

test("a speedscope export has the fields its schema requires", async () => {
  const file = await exported();
  const problems = [
    ...check("FileFormat.File", file as unknown as Record<string, unknown>),
    ...check("shared", file.shared),
    ...file.shared.frames.flatMap((frame) => check("FileFormat.Frame", frame)),
    ...file.profiles.flatMap((profile) => check("FileFormat.SampledProfile", profile)),
  ];
  assert.deepEqual(problems, []);
  assert.equal(file.$schema, "https://www.speedscope.app/file-format-schema.json");
  assert.deepEqual(file.profiles.map((p) => [p.type, p.unit]), [["sampled", "bytes"]]);
  assert.ok(UNITS.includes(file.profiles[0].unit));
});

test("a speedscope profile has one weight per sample, and every frame index exists", async () => {
  const file = await exported();
  const [profile] = file.profiles;
  assert.equal(profile.weights.length, profile.samples.length);
  for (const stack of profile.samples) {
    for (const i of stack) assert.ok(Number.isInteger(i) && i >= 0 && i < file.shared.frames.length);
  }
});

test("speedscope weights are bytes, adding up to the profile's end value", async () => {
  const [profile] = (await exported()).profiles;
  const total = profile.weights.reduce((a, b) => a + b, 0);
  assert.equal(total, 2_088_960 + 2_097_152 + 700);
  assert.deepEqual([profile.startValue, profile.endValue], [0, total]);
});

test("a speedscope sample is the traceback outermost frame first, the leaking line last", async () => {
  const file = await exported();
  const [profile] = file.profiles;
  const stacks = profile.samples.map((stack) => stack.map((i) => file.shared.frames[i]));
  const leak = stacks.find((stack) => stack.at(-1)!.name === "remember cache.ts:16")!;
  assert.deepEqual(leak.map((f) => f.name), ["main.ts:8", "handle cache.ts:30", "remember cache.ts:16"]);
  assert.deepEqual(leak.at(-1), { name: "remember cache.ts:16", file: LEAK_FILE, line: 16, col: 5 });
  assert.equal(profile.weights[stacks.indexOf(leak)], 2_088_960);
});

test("a speedscope export cannot hold a comparison: speedscope reads no negative weights", () => {
  const { before, after } = beforeAfter();
  assert.throws(
    () =>
      encodeExport("speedscope", {
        snapshot: after,
        label: "after",
        time: new Date(),
        base: { snapshot: before, label: "before", time: new Date() },
        generator: GENERATOR,
      }),
    { name: "RangeError", message: /^speedscope cannot hold a comparison/ },
  );
});
