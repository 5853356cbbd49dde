import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Worker } from "node:worker_threads";
import { hooked } from "./helpers.ts";

const originalUint8Array = Uint8Array;

test("hooking replaces the constructors (the other tests check it changes nothing else)", async () => {
  await hooked(() => {
    assert.notEqual(Uint8Array, originalUint8Array);
  });
});

test("instanceof holds for buffers, views and memories made while hooked", async () => {
  await hooked(() => {
    assert.ok(new Uint8Array(4) instanceof Uint8Array);
    assert.ok(new Float64Array(4) instanceof Float64Array);
    assert.ok(new ArrayBuffer(4) instanceof ArrayBuffer);
    assert.ok(new SharedArrayBuffer(4) instanceof SharedArrayBuffer);
    assert.ok(Buffer.alloc(4) instanceof Uint8Array);
    assert.ok(new WebAssembly.Memory({ initial: 1 }) instanceof WebAssembly.Memory);
  });
});

test("instanceof holds for objects made before hooking", async () => {
  const before = new Int32Array(2);
  await hooked(() => {
    assert.ok(before instanceof Int32Array);
    assert.ok(!(before instanceof Uint32Array));
  });
});

test("constructor identity: new Uint8Array(1).constructor === Uint8Array while hooked", async () => {
  await hooked(() => {
    assert.equal(new Uint8Array(1).constructor, Uint8Array);
    assert.equal(new ArrayBuffer(1).constructor, ArrayBuffer);
    assert.equal(new BigInt64Array(1).constructor, BigInt64Array);
    assert.equal(new WebAssembly.Memory({ initial: 0 }).constructor, WebAssembly.Memory);
  });
});

test("Object.getPrototypeOf of a new typed array is the unchanged prototype", async () => {
  const prototype = Uint16Array.prototype;
  await hooked(() => {
    assert.equal(Object.getPrototypeOf(new Uint16Array(2)), prototype);
    assert.equal(Uint16Array.prototype, prototype);
    assert.equal(Object.getPrototypeOf(new ArrayBuffer(2)), ArrayBuffer.prototype);
  });
});

test("static members answer as before: from, of, isView, BYTES_PER_ELEMENT, name, length", async () => {
  await hooked(() => {
    assert.deepEqual([...Uint8Array.from([1, 2])], [1, 2]);
    assert.deepEqual([...Int8Array.of(-1, 1)], [-1, 1]);
    assert.equal(ArrayBuffer.isView(new DataView(new ArrayBuffer(1))), true);
    assert.equal(Float32Array.BYTES_PER_ELEMENT, 4);
    assert.equal(Uint8Array.name, "Uint8Array");
    assert.equal(Uint8Array.length, 3);
    assert.equal(typeof Uint8Array, "function");
  });
});

test("subclassing a hooked constructor works: instances, prototype chain, methods", async () => {
  await hooked(() => {
    class Bytes extends Uint8Array {
      sum(): number {
        return this.reduce((a, b) => a + b, 0);
      }
    }
    const bytes = new Bytes([1, 2, 3]);
    assert.ok(bytes instanceof Bytes);
    assert.ok(bytes instanceof Uint8Array);
    assert.equal(bytes.constructor, Bytes);
    assert.equal(Object.getPrototypeOf(Bytes.prototype), Uint8Array.prototype);
    assert.equal(bytes.sum(), 6);
  });
});

test("Symbol.species: a subclass's map and slice make the subclass; built-ins their own type", async () => {
  await hooked(() => {
    class Bytes extends Uint8Array {}
    const bytes = new Bytes([1, 2, 3]);
    assert.equal(bytes.map((x) => x * 2).constructor, Bytes);
    assert.equal(bytes.slice(1).constructor, Bytes);
    assert.equal((Uint8Array as unknown as Record<symbol, unknown>)[Symbol.species], Uint8Array);
    assert.equal(new Uint8Array(2).slice().constructor, Uint8Array);
    assert.equal(new ArrayBuffer(8).slice(2).constructor, ArrayBuffer);
  });
});

test("a species constructor chosen by the program is honoured", async () => {
  await hooked(() => {
    class Plain extends Uint8Array {
      static get [Symbol.species]() {
        return Uint8Array;
      }
    }
    const copy = new Plain([1, 2]).map((x) => x);
    assert.equal(copy.constructor, Uint8Array);
  });
});

test("structuredClone copies typed arrays and buffers with their type and content", async () => {
  await hooked(() => {
    const source = new Float64Array([1.5, -2]);
    const copy = structuredClone(source);
    assert.ok(copy instanceof Float64Array);
    assert.equal(copy.constructor, Float64Array);
    assert.deepEqual([...copy], [1.5, -2]);
    const buffer = structuredClone(new ArrayBuffer(3));
    assert.ok(buffer instanceof ArrayBuffer);
    assert.equal(buffer.byteLength, 3);
  });
});

test("structuredClone with a transfer list moves the buffer", async () => {
  await hooked(() => {
    const source = new Uint8Array([7, 8]);
    const moved = structuredClone(source, { transfer: [source.buffer] });
    assert.equal(source.byteLength, 0);
    assert.deepEqual([...moved], [7, 8]);
  });
});

const DOUBLER = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (bytes) => {
  for (let i = 0; i < bytes.length; i++) bytes[i] *= 2;
  parentPort.postMessage(bytes, [bytes.buffer]);
});
`;

test("a typed array transferred to a worker and back keeps its content and type", async () => {
  await hooked(async () => {
    const worker = new Worker(DOUBLER, { eval: true });
    try {
      const bytes = new Uint8Array([1, 2, 3]);
      const reply = new Promise<Uint8Array>((resolve) => worker.once("message", resolve));
      worker.postMessage(bytes, [bytes.buffer]);
      assert.equal(bytes.byteLength, 0, "the sender's buffer is detached");
      const back = await reply;
      assert.deepEqual([...back], [2, 4, 6]);
      assert.ok(back instanceof Uint8Array);
      assert.equal(back.constructor, Uint8Array);
    } finally {
      await worker.terminate();
    }
  });
});

test("Buffer.isBuffer and Buffer's prototype chain are unchanged", async () => {
  await hooked(() => {
    const buf = Buffer.from("hi");
    assert.equal(Buffer.isBuffer(buf), true);
    assert.equal(Buffer.isBuffer(new Uint8Array(2)), false);
    assert.equal(buf.toString(), "hi");
    assert.equal(Object.getPrototypeOf(Buffer.prototype), Uint8Array.prototype);
  });
});

test("Buffer factories keep their names and lengths", async () => {
  const before = { name: Buffer.alloc.name, length: Buffer.alloc.length };
  await hooked(() => {
    assert.deepEqual({ name: Buffer.alloc.name, length: Buffer.alloc.length }, before);
  });
});

test("errors thrown by constructors keep their type", async () => {
  await hooked(() => {
    assert.throws(() => new Uint8Array(-1), RangeError);
    assert.throws(() => new ArrayBuffer(-1), RangeError);
    assert.throws(() => (Uint8Array as unknown as () => void)(), TypeError);
    assert.throws(() => Buffer.alloc(-1), RangeError);
  });
});

test("Function.prototype.toString still shows native code", async () => {
  await hooked(() => {
    assert.match(Function.prototype.toString.call(Uint8Array), /\[native code\]/);
    assert.match(Function.prototype.toString.call(Buffer.alloc), /\[native code\]|\{/);
  });
});
