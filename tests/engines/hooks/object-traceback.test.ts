import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { HookEngine } from "../../../src/engines/hooks.ts";
import { hooked, lineOf, pathOf } from "./helpers.ts";

const here = pathOf(import.meta.url);

/** The most recent frame of `obj`'s traceback as `file:line`, or null. */
function lastFrame(engine: HookEngine, obj: unknown): string | null {
  const traceback = engine.objectTraceback(obj);
  const frame = traceback?.at(-1);
  return frame ? `${frame.filename}:${frame.lineno}` : null;
}

const at = (marker: string) => `${here}:${lineOf(here, marker)}`;

test("objectTraceback of an ArrayBuffer is its allocating line", async () => {
  await hooked((engine) => {
    const buffer = new ArrayBuffer(8); // @ot-buffer
    assert.equal(lastFrame(engine, buffer), at("// @ot-buffer"));
  });
});

test("objectTraceback of a typed array is its buffer's allocating line", async () => {
  await hooked((engine) => {
    const view = new Float32Array(8); // @ot-view
    assert.equal(lastFrame(engine, view), at("// @ot-view"));
    assert.equal(lastFrame(engine, view.buffer), at("// @ot-view"));
  });
});

test("objectTraceback of a view over a traced buffer is the buffer's line", async () => {
  await hooked((engine) => {
    const buffer = new ArrayBuffer(16); // @ot-under
    assert.equal(lastFrame(engine, new DataView(buffer)), at("// @ot-under"));
    assert.equal(lastFrame(engine, new Uint8Array(buffer, 4)), at("// @ot-under"));
  });
});

test("objectTraceback of a Buffer is its backing buffer's traceback", async () => {
  await hooked((engine) => {
    const buf = Buffer.alloc(128); // @ot-node-buffer
    assert.equal(lastFrame(engine, buf), at("// @ot-node-buffer"));
  });
});

test("objectTraceback of a WebAssembly.Memory is its allocating line", async () => {
  await hooked((engine) => {
    const memory = new WebAssembly.Memory({ initial: 1 }); // @ot-memory
    assert.equal(lastFrame(engine, memory), at("// @ot-memory"));
  });
});

test("objectTraceback of an object given to track is the track line", async () => {
  await hooked((engine) => {
    const handle = {};
    engine.track(300, handle, 10); // @ot-tracked
    assert.equal(lastFrame(engine, handle), at("// @ot-tracked"));
  });
});

test("objectTraceback keeps nframe frames, oldest first", async () => {
  await hooked((engine) => {
    function make(): Uint8Array {
      return new Uint8Array(4); // @ot-inner
    }
    const bytes = make(); // @ot-outer
    const traceback = engine.objectTraceback(bytes)!;
    assert.equal(traceback.length, 2);
    assert.equal(traceback.at(0)!.lineno, lineOf(here, "// @ot-outer"));
    assert.equal(traceback.at(1)!.lineno, lineOf(here, "// @ot-inner"));
  }, 2);
});

test("objectTraceback is null for plain objects, untraced buffers and primitives", async () => {
  const before = new ArrayBuffer(8);
  await hooked((engine) => {
    assert.equal(engine.objectTraceback({}), null);
    assert.equal(engine.objectTraceback([1, 2]), null);
    assert.equal(engine.objectTraceback(before), null);
    assert.equal(engine.objectTraceback(42), null);
    assert.equal(engine.objectTraceback(null), null);
  });
});

test("objectTraceback is null for a buffer whose memory was transferred", async () => {
  await hooked((engine) => {
    const buffer = new ArrayBuffer(8);
    buffer.transfer();
    assert.equal(engine.objectTraceback(buffer), null);
  });
});

test("objectTraceback is null when not tracing", async () => {
  const engine = new HookEngine();
  const bytes = await hooked(() => new Uint8Array(4));
  assert.equal(engine.objectTraceback(bytes), null);
});
