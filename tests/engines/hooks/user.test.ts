import { test } from "node:test";
import assert from "node:assert/strict";
import { HookEngine } from "../../../src/engines/hooks.ts";
import { collectUntil, hooked, inFrame, lineOf, pathOf, traceAt, tracesIn } from "./helpers.ts";

const here = pathOf(import.meta.url);

test("track traces size bytes of a user domain at the calling line", async () => {
  const traces = await hooked(async (engine) => {
    const handle = {};
    assert.equal(engine.track(100, handle, 4096), true); // @track
    return await engine.collect();
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @track")).slice(0, 2), [100, 4096]);
});

test("track accepts a number key, as a native address", async () => {
  const traces = await hooked(async (engine) => {
    engine.track(7, 0x7f001000, 64); // @number-key
    return await engine.collect();
  });
  assert.deepEqual(traceAt(traces, here, lineOf(here, "// @number-key")).slice(0, 2), [7, 64]);
});

test("tracking a key again replaces its trace: new size and new traceback", async () => {
  const traces = await hooked(async (engine) => {
    engine.track(100, 42, 10); // @first-track
    engine.track(100, 42, 30); // @second-track
    return await engine.collect();
  });
  const mine = tracesIn(traces, here);
  assert.equal(mine.length, 1);
  assert.equal(mine[0][1], 30);
  assert.equal(mine[0][2][0][1], lineOf(here, "// @second-track"));
});

test("re-tracking a key replaces its size in traced memory", async () => {
  await hooked(async (engine) => {
    const start = (await engine.memory()).current;
    engine.track(100, "pool", 1000);
    engine.track(100, "pool", 400);
    assert.equal((await engine.memory()).current - start, 400);
  });
});

test("untrack removes the trace and says whether there was one", async () => {
  await hooked(async (engine) => {
    const handle = {};
    engine.track(100, handle, 50);
    assert.equal(engine.untrack(100, handle), true);
    assert.equal(engine.untrack(100, handle), false);
    assert.deepEqual(tracesIn(await engine.collect(), here), []);
  });
});

test("a key is traced per domain: the same key in two domains is two traces", async () => {
  const traces = await hooked(async (engine) => {
    engine.track(100, 1, 10);
    engine.track(200, 1, 20);
    engine.untrack(100, 1);
    return await engine.collect();
  });
  assert.deepEqual(tracesIn(traces, here).map(([d, size]) => [d, size]), [[200, 20]]);
});

test("negative integers are user domains too", async () => {
  const traces = await hooked(async (engine) => {
    engine.track(-5, "k", 8);
    return await engine.collect();
  });
  assert.deepEqual(tracesIn(traces, here).map(([d]) => d), [-5]);
});

test("an object key is held weakly: its trace goes when it is collected", async () => {
  await hooked(async (engine) => {
    inFrame(() => engine.track(100, { native: true }, 999)); // @weak-key
    const line = lineOf(here, "// @weak-key");
    const gone = await collectUntil(async () =>
      !(await engine.collect()).some(([, , frames]) => frames[0]?.[1] === line)
    );
    assert.ok(gone);
  });
});

test("track refuses the engines' domains 0, 1 and 2 with a RangeError", async () => {
  await hooked((engine) => {
    for (const domain of [0, 1, 2]) {
      assert.throws(() => engine.track(domain, 1, 1), RangeError, `domain ${domain}`);
    }
  });
});

test("track throws TypeError for a domain that is not a number", () => {
  const engine = new HookEngine();
  assert.throws(() => engine.track("5" as unknown as number, 1, 1), TypeError);
});

test("track throws RangeError for a domain that is not a 32-bit integer", () => {
  const engine = new HookEngine();
  for (const domain of [1.5, 2 ** 31, -(2 ** 31) - 1, Number.NaN]) {
    assert.throws(() => engine.track(domain, 1, 1), RangeError, `domain ${domain}`);
  }
});

test("track throws TypeError for a null or undefined key", () => {
  const engine = new HookEngine();
  assert.throws(() => engine.track(10, null, 1), TypeError);
  assert.throws(() => engine.track(10, undefined, 1), TypeError);
});

test("track throws TypeError for a size that is not a number, RangeError for a bad number", () => {
  const engine = new HookEngine();
  assert.throws(() => engine.track(10, 1, "8" as unknown as number), TypeError);
  for (const size of [-1, 1.5, Infinity, Number.NaN, 2 ** 53]) {
    assert.throws(() => engine.track(10, 1, size), RangeError, `size ${size}`);
  }
});

test("untrack checks its arguments as track does", () => {
  const engine = new HookEngine();
  assert.throws(() => engine.untrack(1, 5), RangeError);
  assert.throws(() => engine.untrack(10, null), TypeError);
});

test("track returns false and traces nothing when not tracing", async () => {
  const engine = new HookEngine();
  assert.equal(engine.track(100, 1, 10), false);
  assert.equal(engine.untrack(100, 1), false);
  await engine.start(1, {});
  try {
    assert.deepEqual(tracesIn(await engine.collect(), here), []);
  } finally {
    await engine.stop();
  }
});

test("user domains are traced when the buffer and wasm hooks are off", async () => {
  const traces = await hooked(
    async (engine) => {
      engine.track(9, 1, 5);
      return await engine.collect();
    },
    1,
    { domains: { buffers: false, wasm: false } },
  );
  assert.deepEqual(tracesIn(traces, here).map(([d, size]) => [d, size]), [[9, 5]]);
});
