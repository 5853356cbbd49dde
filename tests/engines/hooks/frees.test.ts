import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import type { HookEngine } from "../../../src/engines/hooks.ts";
import { collectUntil, hooked, lineOf, pathOf, tracedBytes, tracesAt } from "./helpers.ts";

const here = pathOf(import.meta.url);

async function tracedAt(engine: HookEngine, marker: string): Promise<number> {
  return tracesAt(await engine.collect(), here, lineOf(here, marker)).length;
}

function dropBuffer(): void {
  new ArrayBuffer(4096); // @dropped-buffer
}

function dropView(): void {
  new Float32Array(1024); // @dropped-view
}

test("a buffer the garbage collector reclaimed is no longer traced", async () => {
  await hooked(async (engine) => {
    dropBuffer();
    assert.equal(await tracedAt(engine, "// @dropped-buffer"), 1);
    const freed = await collectUntil(async () => await tracedAt(engine, "// @dropped-buffer") === 0);
    assert.ok(freed, "the trace went with the buffer");
  });
});

test("a typed array reclaimed with its buffer frees the buffer's trace", async () => {
  await hooked(async (engine) => {
    dropView();
    assert.equal(await tracedAt(engine, "// @dropped-view"), 1);
    const freed = await collectUntil(async () => await tracedAt(engine, "// @dropped-view") === 0);
    assert.ok(freed);
  });
});

test("traced memory drops by the size of a reclaimed buffer", async () => {
  await hooked(async (engine) => {
    const before = await tracedBytes(engine, here);
    dropBuffer();
    const during = await tracedBytes(engine, here);
    assert.equal(during.mine, before.mine + 4096);
    const freed = await collectUntil(async () => {
      const after = await tracedBytes(engine, here);
      return after.mine === before.mine && after.current === after.all;
    });
    assert.ok(freed);
  });
});

test("a buffer still referenced stays traced after garbage collection", async () => {
  await hooked(async (engine) => {
    const kept = new ArrayBuffer(512); // @kept
    await collectUntil(() => false, 2);
    assert.equal(await tracedAt(engine, "// @kept"), 1);
    assert.equal(kept.byteLength, 512);
  });
});

test("a buffer moved by structuredClone's transfer list is traced as freed", async () => {
  await hooked(async (engine) => {
    const bytes = new Uint8Array(256); // @cloned-away
    const moved = structuredClone(bytes, { transfer: [bytes.buffer] });
    assert.equal(await tracedAt(engine, "// @cloned-away"), 0);
    assert.equal(moved.byteLength, 256);
  });
});

const ECHO = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (bytes) => parentPort.postMessage(bytes.length));
`;

test("a buffer transferred to a worker is traced as freed", async () => {
  await hooked(async (engine) => {
    const worker = new Worker(ECHO, { eval: true });
    try {
      const bytes = new Uint8Array(1000); // @to-worker
      assert.equal(await tracedAt(engine, "// @to-worker"), 1);
      const reply = new Promise((resolve) => worker.once("message", resolve));
      worker.postMessage(bytes, [bytes.buffer]);
      assert.equal(await reply, 1000);
      assert.equal(await tracedAt(engine, "// @to-worker"), 0);
    } finally {
      await worker.terminate();
    }
  });
});
