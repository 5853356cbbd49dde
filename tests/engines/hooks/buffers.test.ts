import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { hooked, keep, lineOf, pathOf, traceAt, tracesAt, tracesIn, TYPED_ARRAYS } from "./helpers.ts";

const here = pathOf(import.meta.url);

type TypedArrayConstructor = new (length: number) => ArrayBufferView;

test("new ArrayBuffer(n) is traced in domain 1 with n bytes at the allocating line", async () => {
  const traces = await hooked(async (engine) => {
    const buffer = new ArrayBuffer(1000); // @ab
    const traces = await engine.collect();
    keep(buffer);
    return traces;
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @ab")).slice(0, 2), [1, 1000]);
});

test("new SharedArrayBuffer(n) is traced in domain 1 with n bytes", async () => {
  const traces = await hooked(async (engine) => {
    const buffer = new SharedArrayBuffer(2000); // @sab
    const traces = await engine.collect();
    keep(buffer);
    return traces;
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @sab")).slice(0, 2), [1, 2000]);
});

for (const name of TYPED_ARRAYS) {
  test(`new ${name}(length) is traced with length × BYTES_PER_ELEMENT bytes`, async () => {
    const global = globalThis as unknown as Record<string, TypedArrayConstructor>;
    assert.equal(typeof global[name], "function", `${name} exists on this runtime`);
    const traces = await hooked(async (engine) => {
      // Looked up while hooked: a constructor saved before start() is not hooked.
      const Ctor = global[name];
      const view = new Ctor(12); // @typed
      const traces = await engine.collect();
      keep(view);
      return traces;
    });
    const size = 12 * (global[name] as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
    assert.deepEqual(traceAt(traces, here, lineOf(here, "// @typed")).slice(0, 2), [1, size]);
  });
}

test("a typed array copied from an array is traced", async () => {
  const traces = await hooked(async (engine) => {
    const view = new Int32Array([1, 2, 3]); // @from-array
    const traces = await engine.collect();
    keep(view);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @from-array"))[1], 12);
});

test("a typed array copied from another typed array is traced", async () => {
  const source = new Uint16Array(5);
  const traces = await hooked(async (engine) => {
    const view = new Float64Array(source); // @from-typed
    const traces = await engine.collect();
    keep(view);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @from-typed"))[1], 40);
});

test("a typed array over an existing buffer allocates nothing", async () => {
  const buffer = new ArrayBuffer(64);
  const traces = await hooked(async (engine) => {
    const view = new Uint8Array(buffer, 8, 16); // @over-buffer
    const traces = await engine.collect();
    keep(view);
    return traces;
  });
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @over-buffer")), []);
});

test("a DataView allocates nothing", async () => {
  const buffer = new ArrayBuffer(64);
  const traces = await hooked(async (engine) => {
    const view = new DataView(buffer); // @dataview
    const traces = await engine.collect();
    keep(view);
    return traces;
  });
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @dataview")), []);
});

test("an empty typed array has no backing store and is not traced", async () => {
  const traces = await hooked(async (engine) => {
    const view = new Uint8Array(0); // @empty
    const traces = await engine.collect();
    keep(view);
    return traces;
  });
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @empty")), []);
});

test("Uint8Array.from and Uint8Array.of are traced at the calling line", async () => {
  const traces = await hooked(async (engine) => {
    const a = Uint8Array.from([1, 2, 3]); // @static-from
    const b = Uint8Array.of(1, 2, 3, 4); // @static-of
    const traces = await engine.collect();
    keep(a, b);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @static-from"))[1], 3);
  assert.equal(traceAt(traces, here, lineOf(here, "// @static-of"))[1], 4);
});

test("slice and map (through Symbol.species) are traced at the calling line", async () => {
  const source = new Uint32Array(10);
  const traces = await hooked(async (engine) => {
    const a = source.slice(2); // @slice
    const b = source.map((x) => x + 1); // @map
    const c = new ArrayBuffer(32).slice(8); // @ab-slice
    const traces = await engine.collect();
    keep(a, b, c);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @slice"))[1], 32);
  assert.equal(traceAt(traces, here, lineOf(here, "// @map"))[1], 40);
  const abSlice = tracesAt(traces, here, lineOf(here, "// @ab-slice"));
  assert.deepEqual(abSlice.map(([, size]) => size).sort((x, y) => x - y), [24, 32]);
});

test("subarray shares its buffer and allocates nothing", async () => {
  const source = new Uint8Array(10);
  const traces = await hooked(async (engine) => {
    const view = source.subarray(2); // @subarray
    const traces = await engine.collect();
    keep(view);
    return traces;
  });
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @subarray")), []);
});

test("toReversed, toSorted and with copies are traced at the calling line", async () => {
  const source = new Int16Array([3, 1, 2]);
  const traces = await hooked(async (engine) => {
    const a = source.toReversed(); // @to-reversed
    const b = source.toSorted(); // @to-sorted
    const c = source.with(0, 9); // @with
    const traces = await engine.collect();
    keep(a, b, c);
    return traces;
  });
  for (const marker of ["// @to-reversed", "// @to-sorted", "// @with"]) {
    assert.equal(traceAt(traces, here, lineOf(here, marker))[1], 6, marker);
  }
});

type Base64 = { fromBase64?: (s: string) => Uint8Array };

test("Uint8Array.fromBase64 is traced at the calling line", {
  skip: (Uint8Array as Base64).fromBase64 ? false : "this runtime has no Uint8Array.fromBase64",
}, async () => {
  const traces = await hooked(async (engine) => {
    const bytes = (Uint8Array as Base64).fromBase64!("AAECAw=="); // @base64
    const traces = await engine.collect();
    keep(bytes);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @base64"))[1], 4);
});

test("TextEncoder#encode is traced with its buffer's size", async () => {
  const encoder = new TextEncoder();
  const traces = await hooked(async (engine) => {
    const bytes = encoder.encode("hello"); // @encode
    const traces = await engine.collect();
    return { traces, size: bytes.buffer.byteLength };
  });
  assert.equal(
    traceAt(traces.traces, here, lineOf(here, "// @encode"))[1],
    traces.size,
  );
});

test("a subclass of a typed array is traced, its constructor's caller in the traceback", async () => {
  const traces = await hooked(async (engine) => {
    class Pixels extends Uint8ClampedArray {}
    const pixels = new Pixels(16); // @subclass
    const traces = await engine.collect();
    keep(pixels);
    return traces;
  }, 2);
  const line = lineOf(here, "// @subclass");
  const found = traces.filter(([, , frames]) => frames.some(([file, lineno]) => file === here && lineno === line));
  assert.deepEqual(found.map(([domain, size]) => [domain, size]), [[1, 16]]);
});

test("Buffer.alloc is traced with its size at the calling line", async () => {
  const traces = await hooked(async (engine) => {
    const buf = Buffer.alloc(300); // @alloc
    const traces = await engine.collect();
    keep(buf);
    return traces;
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @alloc")).slice(0, 2), [1, 300]);
});

test("Buffer.allocUnsafeSlow is traced with its size", async () => {
  const traces = await hooked(async (engine) => {
    const buf = Buffer.allocUnsafeSlow(301); // @unsafe-slow
    const traces = await engine.collect();
    keep(buf);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @unsafe-slow"))[1], 301);
});

test("Buffer.allocUnsafe larger than the pool is traced with its own buffer", async () => {
  const size = Buffer.poolSize * 2;
  const traces = await hooked(async (engine) => {
    const buf = Buffer.allocUnsafe(size); // @unsafe-big
    const traces = await engine.collect();
    keep(buf);
    return traces;
  });
  assert.equal(traceAt(traces, here, lineOf(here, "// @unsafe-big"))[1], size);
});

test("Buffer.from(string) traces its backing buffer, whole, once", async () => {
  const result = await hooked(async (engine) => {
    const first = Buffer.from("first"); // @from-string-1
    const second = Buffer.from("second"); // @from-string-2
    const traces = await engine.collect();
    return { traces, first, second };
  });
  const { traces, first, second } = result;
  const a = traceAt(traces, here, lineOf(here, "// @from-string-1"));
  // A pooled runtime hands out slices of one pool: it is traced once, whole.
  assert.equal(a[1], first.buffer.byteLength);
  const b = tracesAt(traces, here, lineOf(here, "// @from-string-2"));
  if (second.buffer === first.buffer) assert.deepEqual(b, []);
  else assert.deepEqual(b.map(([, size]) => size), [second.buffer.byteLength]);
});

test("Buffer.from(arrayBuffer) shares that memory and allocates nothing", async () => {
  const memory = new ArrayBuffer(16);
  const traces = await hooked(async (engine) => {
    const buf = Buffer.from(memory, 4, 8); // @from-ab
    const traces = await engine.collect();
    keep(buf);
    return traces;
  });
  assert.deepEqual(tracesAt(traces, here, lineOf(here, "// @from-ab")), []);
});

test("Buffer.concat is traced once, at the calling line", async () => {
  const parts = [Buffer.alloc(5000, 1), Buffer.alloc(5000, 2)];
  const traces = await hooked(async (engine) => {
    const whole = Buffer.concat(parts); // @concat
    return { traces: await engine.collect(), size: whole.buffer.byteLength };
  });
  const found = tracesIn(traces.traces, here);
  assert.equal(found.length, 1);
  // 10000 bytes, or the pool it is a slice of.
  assert.deepEqual(found[0].slice(0, 2), [1, traces.size]);
  assert.equal(found[0][2][0][1], lineOf(here, "// @concat"));
});

test("Buffer.copyBytesFrom is traced at the calling line", async () => {
  const source = new Float64Array(1000);
  const traces = await hooked(async (engine) => {
    const copy = Buffer.copyBytesFrom(source); // @copy-bytes
    return { traces: await engine.collect(), size: copy.buffer.byteLength };
  });
  assert.ok(traces.size >= 8000);
  assert.equal(
    traceAt(traces.traces, here, lineOf(here, "// @copy-bytes"))[1],
    traces.size,
  );
});
