import { test } from "node:test";
import assert from "node:assert/strict";
import { hooked, keep, lineOf, pathOf, traceAt, tracesAt } from "./helpers.ts";

const here = pathOf(import.meta.url);
const PAGE = 65536;

/** A module that defines one page of memory and exports it as `mem`, with `grow(pages)` (memory.grow). */
const OWN_MEMORY = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x06,
  0x01,
  0x60,
  0x01,
  0x7f,
  0x01,
  0x7f, // type: (i32) -> i32
  0x03,
  0x02,
  0x01,
  0x00, // one function of that type
  0x05,
  0x03,
  0x01,
  0x00,
  0x01, // memory: initial 1 page
  0x07,
  0x0e,
  0x02,
  0x03,
  0x6d,
  0x65,
  0x6d,
  0x02,
  0x00, // export "mem"
  0x04,
  0x67,
  0x72,
  0x6f,
  0x77,
  0x00,
  0x00, // export "grow"
  0x0a,
  0x08,
  0x01,
  0x06,
  0x00,
  0x20,
  0x00,
  0x40,
  0x00,
  0x0b, // local.get 0; memory.grow
]);

/** A module that imports `env.mem` and exports it again. */
const IMPORTED_MEMORY = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x02,
  0x0c,
  0x01,
  0x03,
  0x65,
  0x6e,
  0x76,
  0x03,
  0x6d,
  0x65,
  0x6d,
  0x02,
  0x00,
  0x01,
  0x07,
  0x07,
  0x01,
  0x03,
  0x6d,
  0x65,
  0x6d,
  0x02,
  0x00,
]);

interface OwnExports {
  mem: WebAssembly.Memory;
  grow(pages: number): number;
}

test("new WebAssembly.Memory is traced in domain 2 with its initial size", async () => {
  const traces = await hooked(async (engine) => {
    const memory = new WebAssembly.Memory({ initial: 3 }); // @memory
    const traces = await engine.collect();
    keep(memory);
    return traces;
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @memory")).slice(0, 2), [2, 3 * PAGE]);
});

test("Memory#grow updates the traced size and keeps the allocating line", async () => {
  const traces = await hooked(async (engine) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 10 }); // @grown
    memory.grow(4); // @grow
    const traces = await engine.collect();
    keep(memory);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @grown"))[1], 5 * PAGE);
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @grow")), []);
});

test("growing a memory made before start traces it at the grow line", async () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const traces = await hooked(async (engine) => {
    memory.grow(1); // @grow-untraced
    return await engine.collect();
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @grow-untraced"))[1], 2 * PAGE);
});

test("a memory exported by a module is traced at new WebAssembly.Instance", async () => {
  const module = new WebAssembly.Module(OWN_MEMORY);
  const traces = await hooked(async (engine) => {
    const instance = new WebAssembly.Instance(module); // @instance
    const traces = await engine.collect();
    keep(instance);
    return traces;
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @instance")).slice(0, 2), [2, PAGE]);
});

test("a memory exported by a module is traced at WebAssembly.instantiate", async () => {
  const traces = await hooked(async (engine) => {
    const { instance } = await WebAssembly.instantiate(OWN_MEMORY); // @instantiate
    const traces = await engine.collect();
    keep(instance);
    return traces;
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @instantiate")).slice(0, 2), [2, PAGE]);
});

test("instantiate still rejects an invalid module", async () => {
  await hooked(async () => {
    await assert.rejects(WebAssembly.instantiate(new Uint8Array([1, 2, 3])));
  });
});

test("growth made by WebAssembly code (memory.grow) is seen at the next collect", async () => {
  const module = new WebAssembly.Module(OWN_MEMORY);
  const traces = await hooked(async (engine) => {
    const instance = new WebAssembly.Instance(module); // @wasm-grow
    (instance.exports as unknown as OwnExports).grow(2);
    const traces = await engine.collect();
    keep(instance);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @wasm-grow"))[1], 3 * PAGE);
});

test("an imported memory is traced once, where it was made", async () => {
  const module = new WebAssembly.Module(IMPORTED_MEMORY);
  const traces = await hooked(async (engine) => {
    const mem = new WebAssembly.Memory({ initial: 2 }); // @imported
    const instance = new WebAssembly.Instance(module, { env: { mem } }); // @importer
    const traces = await engine.collect();
    keep(instance);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @imported"))[1], 2 * PAGE);
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @importer")), []);
});
