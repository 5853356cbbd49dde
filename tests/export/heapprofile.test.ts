import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeExport, writeExport } from "../../src/export/formats.ts";
import type { HeapProfile, HeapProfileNode } from "../../src/export/heapprofile.ts";
import { beforeAfter, LEAK_FILE, withTemp } from "./helpers.ts";

const GENERATOR = "tracemalloc-js test";

/** The `.heapprofile` of `after`, read back from its file as DevTools reads it (JSON). */
function exported(): Promise<HeapProfile> {
  return withTemp(async (dir) => {
    const file = join(dir, "after.heapprofile");
    await writeExport(file, "heapprofile", {
      snapshot: beforeAfter().after,
      label: "after",
      time: new Date(),
      generator: GENERATOR,
    });
    return JSON.parse(await readFile(file, "utf8"));
  });
}

function nodes(head: HeapProfileNode): HeapProfileNode[] {
  return [head, ...head.children.flatMap(nodes)];
}

/** The path of call frames from the root's child down to the node `where` picks. */
function pathTo(head: HeapProfileNode, where: (node: HeapProfileNode) => boolean): HeapProfileNode[] | null {
  if (where(head)) return [head];
  for (const child of head.children) {
    const below = pathTo(child, where);
    if (below) return [head, ...below];
  }
  return null;
}

test("a .heapprofile has V8's sampling profile shape: head and samples", async () => {
  const profile = await exported();
  assert.deepEqual(Object.keys(profile).sort(), ["head", "samples"]);
  for (const node of nodes(profile.head)) {
    assert.deepEqual(Object.keys(node).sort(), ["callFrame", "children", "id", "selfSize"]);
    assert.deepEqual(Object.keys(node.callFrame).sort(), [
      "columnNumber",
      "functionName",
      "lineNumber",
      "scriptId",
      "url",
    ]);
    assert.equal(typeof node.callFrame.scriptId, "string");
    assert.ok(Number.isInteger(node.id) && Number.isInteger(node.selfSize) && Array.isArray(node.children));
  }
  for (const sample of profile.samples) assert.deepEqual(Object.keys(sample).sort(), ["nodeId", "ordinal", "size"]);
});

test("a .heapprofile's head is V8's (root) node", async () => {
  const { head } = await exported();
  assert.deepEqual(head.callFrame, {
    functionName: "(root)",
    scriptId: "0",
    url: "",
    lineNumber: -1,
    columnNumber: -1,
  });
  assert.equal(head.id, 1);
  assert.equal(head.selfSize, 0);
});

test("a .heapprofile's node ids are unique", async () => {
  const ids = nodes((await exported()).head).map((n) => n.id);
  assert.equal(new Set(ids).size, ids.length);
});

test("a .heapprofile's lines and columns are 0-based, its paths file:// URLs", async () => {
  const { head } = await exported();
  const path = pathTo(head, (n) => n.callFrame.functionName === "remember")!;
  assert.deepEqual(
    path.slice(1).map(({ callFrame: { scriptId: _, ...frame } }) => frame),
    [
      { functionName: "", url: "file:///srv/shop/main.ts", lineNumber: 7, columnNumber: 0 },
      { functionName: "handle", url: `file://${LEAK_FILE}`, lineNumber: 29, columnNumber: 2 },
      { functionName: "remember", url: `file://${LEAK_FILE}`, lineNumber: 15, columnNumber: 4 },
    ],
  );
  assert.equal(path.at(-1)!.selfSize, 2_088_960);
});

test("a .heapprofile gives each script one id, none of them V8's 0", async () => {
  const { head } = await exported();
  const [main, handle, remember] = pathTo(head, (n) => n.callFrame.functionName === "remember")!.slice(1)
    .map((n) => n.callFrame.scriptId);
  assert.equal(handle, remember);
  assert.notEqual(main, handle);
  assert.ok(![main, handle].includes("0"));
});

test("a .heapprofile keeps names that are no paths as they are (node:, ext:)", async () => {
  const { head } = await exported();
  const timers = pathTo(head, (n) => n.callFrame.functionName === "listOnTimeout")!.at(-1)!;
  assert.equal(timers.callFrame.url, "node:internal/timers");
  assert.equal(timers.callFrame.lineNumber, 593);
});

test("a .heapprofile's self sizes add up to the snapshot's bytes, and its samples to each node's self size", async () => {
  const { head, samples } = await exported();
  const all = nodes(head);
  assert.equal(all.reduce((n, node) => n + node.selfSize, 0), 2_088_960 + 2_097_152 + 700);
  const bySample = new Map<number, number>();
  for (const s of samples) bySample.set(s.nodeId, (bySample.get(s.nodeId) ?? 0) + s.size);
  for (const node of all) assert.equal(bySample.get(node.id) ?? 0, node.selfSize, `node ${node.id}`);
  assert.deepEqual(samples.map((s) => s.ordinal), samples.map((_, i) => i + 1));
});

test("a .heapprofile cannot hold a comparison: DevTools reads no negative sizes", () => {
  const { before, after } = beforeAfter();
  assert.throws(
    () =>
      encodeExport("heapprofile", {
        snapshot: after,
        label: "after",
        time: new Date(),
        base: { snapshot: before, label: "before", time: new Date() },
        generator: GENERATOR,
      }),
    { name: "RangeError", message: /^heapprofile cannot hold a comparison \(DevTools reads no negative sizes\)/ },
  );
});
