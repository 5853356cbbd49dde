import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { HookEngine, untraced } from "../../../src/engines/hooks.ts";
import { BUFFER_FACTORIES, hooked, keep, TYPED_ARRAYS } from "./helpers.ts";

/** Every property the hooks may replace, read now: [holder name, key, value]. */
function hookable(): [string, string, PropertyDescriptor | undefined][] {
  const g = globalThis as unknown as Record<string, { prototype: object }>;
  const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
  const rows: [string, object, string][] = [
    ["globalThis", g, "ArrayBuffer"],
    ["globalThis", g, "SharedArrayBuffer"],
    ["ArrayBuffer.prototype", ArrayBuffer.prototype, "constructor"],
    ["ArrayBuffer.prototype", ArrayBuffer.prototype, "resize"],
    ["ArrayBuffer.prototype", ArrayBuffer.prototype, "transfer"],
    ["ArrayBuffer.prototype", ArrayBuffer.prototype, "transferToFixedLength"],
    ["SharedArrayBuffer.prototype", SharedArrayBuffer.prototype, "constructor"],
    ["SharedArrayBuffer.prototype", SharedArrayBuffer.prototype, "grow"],
    ["%TypedArray%.prototype", typedArrayPrototype, "toReversed"],
    ["%TypedArray%.prototype", typedArrayPrototype, "toSorted"],
    ["%TypedArray%.prototype", typedArrayPrototype, "with"],
    ["Uint8Array", Uint8Array, "fromBase64"],
    ["Uint8Array", Uint8Array, "fromHex"],
    ["TextEncoder.prototype", TextEncoder.prototype, "encode"],
    ["WebAssembly", WebAssembly, "Memory"],
    ["WebAssembly", WebAssembly, "Instance"],
    ["WebAssembly", WebAssembly, "instantiate"],
    ["WebAssembly", WebAssembly, "instantiateStreaming"],
    ["WebAssembly.Memory.prototype", WebAssembly.Memory.prototype, "constructor"],
    ["WebAssembly.Memory.prototype", WebAssembly.Memory.prototype, "grow"],
    ["WebAssembly.Instance.prototype", WebAssembly.Instance.prototype, "constructor"],
  ];
  for (const name of TYPED_ARRAYS) {
    rows.push(["globalThis", g, name]);
    if (g[name]) rows.push([`${name}.prototype`, g[name].prototype, "constructor"]);
  }
  for (const name of BUFFER_FACTORIES) {
    rows.push(["Buffer", Buffer, name]);
  }
  return rows.map(([holder, object, key]) => [
    holder,
    key,
    Object.getOwnPropertyDescriptor(object, key),
  ]);
}

test("start replaces the constructors and factories it hooks", async () => {
  const before = hookable();
  const during = await hooked(() => hookable());
  const changed = during.filter(([, , d], i) => d !== undefined && !sameDescriptor(d, before[i][2]))
    .map(([holder, key]) => `${holder}.${key}`);
  for (const name of ["globalThis.Uint8Array", "Buffer.alloc", "WebAssembly.Memory"]) {
    assert.ok(changed.includes(name), name);
  }
});

test("stop restores every hooked property exactly: value and attributes", async () => {
  const before = hookable();
  await hooked(() => {});
  const after = hookable();
  assert.equal(after.length, before.length);
  for (let i = 0; i < before.length; i++) {
    const [holder, key, descriptor] = before[i];
    assert.ok(sameDescriptor(after[i][2], descriptor), `${holder}.${key}`);
  }
});

test("a property the program replaced while hooked keeps the program's value after stop", async () => {
  const original = Buffer.allocUnsafeSlow;
  const mine = (size: number) => original(size);
  await hooked(() => {
    Buffer.allocUnsafeSlow = mine;
  });
  try {
    assert.equal(Buffer.allocUnsafeSlow, mine);
  } finally {
    Buffer.allocUnsafeSlow = original;
  }
});

test("a class that extended a hooked constructor still works, untraced, after stop", async () => {
  const Bytes = await hooked(() => class Bytes extends Uint8Array {});
  const bytes = new Bytes([1, 2]);
  assert.ok(bytes instanceof Uint8Array);
  assert.deepEqual([...bytes], [1, 2]);
});

test("after stop nothing is traced and traced memory is zero", async () => {
  const engine = new HookEngine();
  await engine.start(1, {});
  await engine.stop();
  const bytes = new Uint8Array(100);
  assert.deepEqual(await engine.collect(), []);
  assert.deepEqual(await engine.memory(), { current: 0, peak: 0 });
  keep(bytes);
});

test("domains.buffers false leaves the buffer constructors alone", async () => {
  const before = Uint8Array;
  await hooked(
    () => {
      assert.equal(Uint8Array, before);
      assert.equal(Buffer.alloc.name, "alloc");
    },
    1,
    { domains: { buffers: false } },
  );
});

test("domains.wasm false leaves WebAssembly alone", async () => {
  const before = WebAssembly.Memory;
  await hooked(
    (engine) => {
      assert.equal(WebAssembly.Memory, before);
      assert.deepEqual(engine.domains, [1]);
    },
    1,
    { domains: { wasm: false } },
  );
});

test("a second engine cannot start while one is tracing", async () => {
  await hooked(async () => {
    const second = new HookEngine();
    await assert.rejects(second.start(1, {}), /already installed/);
  });
});

test("start, stop and start again traces again", async () => {
  await hooked(() => {});
  const traces = await hooked(async (engine) => {
    const bytes = new Uint8Array(77);
    const traces = await engine.collect();
    keep(bytes);
    return traces;
  });
  assert.ok(traces.some(([, size]) => size === 77));
});

function sameDescriptor(
  a: PropertyDescriptor | undefined,
  b: PropertyDescriptor | undefined,
): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.value === b.value && a.get === b.get && a.set === b.set &&
    a.writable === b.writable && a.enumerable === b.enumerable &&
    a.configurable === b.configurable;
}

test("after untraced returns or throws, allocations are traced again", async () => {
  const traces = await hooked(async (engine) => {
    assert.equal(untraced(() => 5), 5);
    assert.throws(() =>
      untraced(() => {
        throw new Error("boom");
      })
    );
    const bytes = new Uint8Array(4321);
    const traces = await engine.collect();
    keep(bytes);
    return traces;
  });
  assert.ok(traces.some(([, size]) => size === 4321));
});
