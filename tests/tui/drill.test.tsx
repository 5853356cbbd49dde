import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RawTrace } from "../../src/model/snapshot.ts";
import { FakeTarget, KEYS, type Rendered, tempDir, withApp } from "./helpers.tsx";

const SOURCE = [
  "import { serve } from './serve.ts';", // 1
  "", // 2
  "export function handle(id: number) {", // 3
  "  const page = render(id);", // 4
  "  cache.set(id, page);", // 5
  "}", // 6
  "", // 7
  "function render(id: number): string {", // 8
  "  return `<p>${id}</p>`.repeat(100);", // 9
  "}", // 10
].join("\n");

/** Runs `body` with the App on traces of a real source file in a temp dir. */
async function withSource(
  traces: (dir: string) => RawTrace[],
  body: (app: Rendered, dir: string) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    await writeFile(join(dir, "app.ts"), SOURCE);
    await withApp(new FakeTarget({ traces: traces(dir) }), (app) => body(app, dir));
  } finally {
    await cleanup();
  }
}

const twoFrames = (dir: string): RawTrace[] => [
  [0, 5000, [[join(dir, "app.ts"), 9, 10, "render"], [join(dir, "app.ts"), 4, 16, "handle"]], 2, 10],
];

test("Enter shows the row's traceback oldest frame first, each frame with its source and function", () =>
  withSource(twoFrames, async (app) => {
    await app.press(KEYS.enter);
    const frame = await app.waitFor((f) => f.includes("10 memory blocks: 5000 B"));
    const lines = frame.split("\n");
    const handle = lines.findIndex((l) => /File ".*app\.ts", line 4, in handle/.test(l));
    const render = lines.findIndex((l) => /File ".*app\.ts", line 9, in render/.test(l));
    assert.ok(handle > 0 && render > handle, "oldest frame first");
    assert.match(lines[handle + 3], /▶ 4 │ {3}const page = render\(id\);/);
    assert.match(lines[handle + 1], /^ +2 │ *$/);
    assert.match(frame, /TRACEBACKS of live #1: .*app\.ts:9 render · oldest frame first/);
  }));

test("r shows the newest frame first", () =>
  withSource(twoFrames, async (app) => {
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes("10 memory blocks"));
    await app.press("r");
    const frame = await app.waitFor((f) => f.includes("newest frame first"));
    assert.ok(frame.indexOf("line 9, in render") < frame.indexOf("line 4, in handle"));
  }));

test("Esc goes back from a traceback to the table", () =>
  withSource(twoFrames, async (app) => {
    await app.press(KEYS.enter);
    await app.waitFor((f) => f.includes("TRACEBACKS"));
    await app.press(KEYS.escape);
    await app.waitFor((f) => f.includes(" LIVE · "));
  }));

test("every traceback that ends on the row's line is listed, biggest first", () =>
  withSource((dir) => [
    [0, 1000, [[join(dir, "app.ts"), 9, 1, "render"], [join(dir, "app.ts"), 4, 1, "handle"]], 2],
    [0, 3000, [[join(dir, "app.ts"), 9, 1, "render"], [join(dir, "app.ts"), 1, 1]], 2],
  ], async (app) => {
    await app.press(KEYS.enter);
    const frame = await app.waitFor((f) => f.includes("traceback 2 of 2"));
    assert.ok(frame.indexOf("3000 B  (traceback 1 of 2)") < frame.indexOf("1000 B  (traceback 2 of 2)"));
  }));

test("a frame of generated JavaScript shows its TypeScript line through the source map", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await writeFile(join(dir, "app.ts"), SOURCE);
    await writeFile(join(dir, "out.js"), "var a = 1;\nvar b = [];\n//# sourceMappingURL=out.js.map\n");
    await writeFile(
      join(dir, "out.js.map"),
      JSON.stringify({ version: 3, file: "out.js", sources: ["app.ts"], names: [], mappings: "AAAA;AAEA" }),
    );
    const traces: RawTrace[] = [[0, 64, [[join(dir, "out.js"), 2, 1, "handle"]], 1]];
    await withApp(new FakeTarget({ traces }), async (app) => {
      await app.press(KEYS.enter);
      const frame = await app.waitFor((f) => f.includes("1 memory blocks"));
      assert.match(frame, /File ".*out\.js", line 2, in handle {2}\(\S*app\.ts/);
      assert.match(frame, /▶ 3 │ export function handle\(id: number\) \{/);
    });
  } finally {
    await cleanup();
  }
});
