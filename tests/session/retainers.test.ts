/**
 * `retainers` against a program run by the session under this runner's
 * runtime (each runner tests its own): a program keeps objects allocated at
 * one line (`// LEAK`) in a Map, a closure, a class field, an array or an
 * event listener list, and the path named is the one written. Workloads are
 * sized so that the line is sampled for certain (20,000 objects, one in 16
 * sampled).
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { runtime } from "../../src/runtime/index.ts";
import type { JsonValue } from "../../src/session/command.ts";
import { launchChild } from "../../src/session/launch.ts";
import { LocalTarget } from "../../src/session/local.ts";
import { OfflineTarget } from "../../src/session/offline.ts";
import { Session } from "../../src/session/session.ts";
import { withDumps } from "./helpers.ts";
import { withFiles } from "./child-fixtures.ts";

const RUNTIME = runtime().name;

/** Objects the leaking line makes: with one in 16 sampled, over a thousand samples. */
const OBJECTS = 20_000;

/** What `retainers` said about the `// LEAK` line of a program. */
interface Answer {
  readonly text: string;
  readonly data: JsonValue;
}

/**
 * Runs `source` (as `app.ts`) traced with `start`, takes a snapshot once
 * it set `globalThis.ready`, lists it, runs `before` commands, then
 * `retainers` on the entry of its `// LEAK` line.
 */
async function retainersOf(
  source: string,
  options: { start?: string; before?: readonly string[]; entry?: "leak" | "first" } = {},
): Promise<Answer> {
  const line = source.split("\n").findIndex((l) => l.includes("// LEAK")) + 1;
  return await withFiles({ "app.ts": source }, async (dir) => {
    const script = join(dir, "app.ts");
    // `start` before `run` traces this process until the program starts, then hands the settings to it.
    const session = new Session({ target: new LocalTarget(), launch: launchChild });
    try {
      await session.execute(options.start ?? "start 5 --every 16");
      await session.execute(`run --runtime ${RUNTIME} ${script}`);
      const deadline = Date.now() + 30_000;
      while ((await session.execute("eval globalThis.ready === true"))?.result.lines[0] !== "true") {
        if (Date.now() > deadline) assert.fail("the program never got ready");
        await delay(20);
      }
      await session.execute("snapshot s1");
      const listed = await session.execute("stats s1 --limit 100");
      const entries = (listed!.result.data as { entries: { traceback: { file: string; line: number }[] }[] }).entries;
      const n = options.entry === "first" ? 1 : entries.findIndex((e) => {
        const frame = e.traceback.at(-1);
        return frame?.file === script && frame.line === line;
      }) + 1;
      assert.ok(n > 0, `line ${line} is not in the listing`);
      for (const command of options.before ?? []) await session.execute(command);
      const outcome = await session.execute(`retainers s1 ${n}`);
      return { text: outcome!.result.lines.join("\n"), data: outcome!.result.data };
    } finally {
      await session.close();
    }
  });
}

/** The tracer's own structures never show in a path. */
function assertNoTracer(text: string): void {
  assert.doesNotMatch(text, /WeakRef|SampleStore|LineEngine|TraceStore|TracemallocRetainerProbe|Handle scope/);
}

const ITEM = "class Item {\n  constructor(readonly n: number) {}\n}\n";
/** Keeps the program running, its containers in its module's scope (a timer's closure uses them). */
const keepRunning = (...names: string[]) =>
  `(globalThis as Record<string, unknown>).ready = true;\nsetInterval(() => [${names.join(", ")}].length, 1000);\n`;

test(`a leak into a module-level Map names the Map's variable and its entries (${RUNTIME})`, async () => {
  const { text } = await retainersOf(
    ITEM + "const cache = new Map<number, Item>();\n" +
      `for (let i = 0; i < ${OBJECTS}; i++) cache.set(i, new Item(i)); // LEAK\n` + keepRunning("cache"),
  );
  assert.match(text, /\d+ x module \S*app\.ts -> const cache \(Map\) -> entry \* -> value \(Item\)/, text);
  assertNoTracer(text);
});

test(`a leak through a closure names the variable it captured (${RUNTIME})`, async () => {
  const { text } = await retainersOf(
    ITEM + "function collector() {\n  const items: Item[] = [];\n  return (item: Item) => items.push(item);\n}\n" +
      "const collect = collector();\n" +
      `for (let i = 0; i < ${OBJECTS}; i++) collect(new Item(i)); // LEAK\n` + keepRunning("collect"),
  );
  // JavaScriptCore's snapshot does not say which file a module's scope is; only an object the tracer knows
  // (allocated there once, or a Map or Set) tells, and this module's top level allocates none.
  const module = RUNTIME === "bun"
    ? String.raw`module \(file unknown\) -> collect`
    : String.raw`module \S*app\.ts -> const collect`;
  assert.match(
    text,
    new RegExp(String.raw`${module} \(function[^)]*\) -> captured items \(Array\) -> \[\*\] \(Item\)`),
    text,
  );
  assertNoTracer(text);
});

test(`a leak into a class field names the class and the field (${RUNTIME})`, async () => {
  const { text } = await retainersOf(
    ITEM + "class Registry {\n  entries: Item[] = [];\n  add(item: Item) {\n    this.entries.push(item);\n  }\n}\n" +
      "const registry = new Registry();\n" +
      `for (let i = 0; i < ${OBJECTS}; i++) registry.add(new Item(i)); // LEAK\n` + keepRunning("registry"),
  );
  assert.match(text, /const registry \(Registry\) -> entries \(Array\) -> \[\*\] \(Item\)/, text);
  assertNoTracer(text);
});

test(`a leak into an array names the array and its slots as [*] (${RUNTIME})`, async () => {
  const { text } = await retainersOf(
    ITEM + "const list: Item[] = [];\n" +
      `for (let i = 0; i < ${OBJECTS}; i++) list.push(new Item(i)); // LEAK\n` + keepRunning("list"),
  );
  assert.match(text, /module \S*app\.ts -> const list \(Array\) -> \[\*\] \(Item\)/, text);
  assertNoTracer(text);
});

test(`a leak into an event listener list names the emitter and its listeners (${RUNTIME})`, async () => {
  const { text } = await retainersOf(
    'import { EventEmitter } from "node:events";\n' +
      "const bus = new EventEmitter();\nbus.setMaxListeners(0);\n" +
      `for (let i = 0; i < ${OBJECTS}; i++) bus.on("tick", () => i); // LEAK\n` + keepRunning("bus"),
  );
  assert.match(text, /const bus \(EventEmitter\) -> _events \([^)]*\) -> tick \(Array\) -> \[\*\] \(function/, text);
  assertNoTracer(text);
});

test(`--json gives each shape of path with its count and one path as it is (${RUNTIME})`, async () => {
  const { data } = await retainersOf(
    ITEM + "const list: Item[] = [];\n" +
      `for (let i = 0; i < ${OBJECTS}; i++) list.push(new Item(i)); // LEAK\n` + keepRunning("list"),
  );
  const result = data as { taken: number; found: number; paths: { shape: string; example: string; count: number }[] };
  assert.equal(result.taken, 20);
  assert.ok(result.found > 20, `found ${result.found}`);
  const path = result.paths.find((p) => p.shape.includes("const list"))!;
  assert.equal(path.count, 20, JSON.stringify(result.paths));
  assert.match(path.example, /const list \(Array\) -> \[\d+\] \(Item\)/);
});

test(`objects allocated there that are all gone now: retainers says so (${RUNTIME})`, async () => {
  await assert.rejects(
    retainersOf(
      ITEM + "const list: Item[] = [];\n" +
        `for (let i = 0; i < ${OBJECTS}; i++) list.push(new Item(i)); // LEAK\n` +
        "(globalThis as Record<string, unknown>).drop = () => {\n  list.length = 0;\n};\n" + keepRunning("list"),
      { before: ["eval drop()", "gc", "gc"] },
    ),
    /retainers: no live sampled object allocated at \S*app\.ts:\d+ now/,
  );
});

test(`an engine that keeps no objects: retainers says it cannot follow them (${RUNTIME})`, async () => {
  const engine = RUNTIME === "bun" ? "census" : "sampler";
  // Allocating all along, so that a sampler started after the first lines sees some.
  await assert.rejects(
    retainersOf(
      ITEM + "const list: Item[] = [];\n" +
        `setInterval(() => {\n  for (let i = 0; i < 5000; i++) list.push(new Item(i)); // LEAK\n}, 10);\n` +
        "setTimeout(() => {\n  (globalThis as Record<string, unknown>).ready = true;\n}, 500);\n",
      { start: `start 5 --engine ${engine}`, entry: "first" },
    ),
    /does not keep the objects it counts; trace with the line engine/,
  );
});

test("a session without a program says there is none to ask", async () => {
  await withDumps(async ({ after }) => {
    const session = new Session({ target: new OfflineTarget() });
    await session.execute(`load ${after} s1`);
    await session.execute("stats s1");
    await assert.rejects(session.execute("retainers s1 1"), /there is no program in this session/);
  });
});

test("retainers needs a listing, and an entry that is in it", async () => {
  await withDumps(async ({ after }) => {
    const session = new Session({ target: new OfflineTarget() });
    await session.execute(`load ${after} s1`);
    await assert.rejects(session.execute("retainers s1 1"), /no listing yet: run stats, compare or top first/);
    await session.execute("stats s1");
    await assert.rejects(session.execute("retainers s1 99"), /no entry 99 in the last listing \(stats s1 has \d+\)/);
  });
});
