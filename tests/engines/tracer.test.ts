import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isTracerFile } from "../../src/engines/own-frames.ts";
import { runtime } from "../../src/runtime/index.ts";
import * as tracemalloc from "../../src/tracer.ts";
import { tracing } from "./tracing.ts";

const rt = runtime();
const here = fileURLToPath(import.meta.url);
const userDomain = 4242;

function retainArrays(n: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < n; i++) out.push(new Array(1000).fill(i + 0.5));
  return out;
}

test("start throws RangeError at once for nframe below 1, above 65535 or not an integer", () => {
  for (const bad of [0, -1, 65536, 1.5, Number.NaN, Infinity]) {
    assert.throws(() => tracemalloc.start(bad), RangeError, `nframe ${bad}`);
  }
  assert.equal(tracemalloc.isTracing(), false);
});

test("start throws TypeError for an nframe that is not a number", () => {
  assert.throws(() => tracemalloc.start("5" as unknown as number), TypeError);
  assert.equal(tracemalloc.isTracing(), false);
});

test("start throws RangeError for a sampling interval that is not a positive integer", () => {
  for (const bad of [0, -4, 1.5, 2 ** 31]) {
    assert.throws(
      () => tracemalloc.start(1, { samplingInterval: bad }),
      RangeError,
      `interval ${bad}`,
    );
  }
  assert.equal(tracemalloc.isTracing(), false);
});

test("start accepts the largest traceback limit", async () => {
  await tracing(
    () =>
      Promise.resolve(
        assert.equal(tracemalloc.getTracebackLimit(), tracemalloc.MAX_NFRAME),
      ),
    65535,
  );
});

test("isTracing is true from start until stop", async () => {
  const started = tracemalloc.start();
  assert.equal(tracemalloc.isTracing(), true);
  await started;
  const stopped = tracemalloc.stop();
  assert.equal(tracemalloc.isTracing(), false);
  await stopped;
});

test("getTracebackLimit is the limit while tracing and stays the last limit after stop", async () => {
  await tracing(
    () => Promise.resolve(assert.equal(tracemalloc.getTracebackLimit(), 7)),
    7,
  );
  assert.equal(tracemalloc.getTracebackLimit(), 7);
  await tracing(
    () => Promise.resolve(assert.equal(tracemalloc.getTracebackLimit(), 3)),
    3,
  );
  assert.equal(tracemalloc.getTracebackLimit(), 3);
});

test("start while tracing does nothing: the first limit stays", async () => {
  await tracing(async () => {
    await tracemalloc.start(9);
    assert.equal(tracemalloc.getTracebackLimit(), 4);
  }, 4);
});

test("takeSnapshot rejects when not tracing, saying that tracing must be started", async () => {
  await assert.rejects(tracemalloc.takeSnapshot(), /tracing must be started/);
});

test("traced memory is zero when not tracing", async () => {
  assert.deepEqual(await tracemalloc.getTracedMemory(), {
    current: 0,
    peak: 0,
  });
});

test("track traces bytes of a user domain and untrack forgets them", async () => {
  await tracing(
    async () => {
      const key = {};
      tracemalloc.track(userDomain, key, 5000);
      let mine = [...(await tracemalloc.takeSnapshot()).traces].filter((t) => t.domain === userDomain);
      assert.deepEqual(mine.map((t) => t.size), [5000]);
      tracemalloc.untrack(userDomain, key);
      mine = [...(await tracemalloc.takeSnapshot()).traces].filter((t) => t.domain === userDomain);
      assert.equal(mine.length, 0);
    },
    1,
    { domains: { heap: false } },
  );
});

test("track and untrack do nothing and answer false when not tracing", async () => {
  const key = {};
  assert.equal(tracemalloc.track(userDomain, key, 1000), false);
  assert.equal(tracemalloc.untrack(userDomain, key), false);
  await tracing(async () => {
    const snapshot = await tracemalloc.takeSnapshot();
    assert.equal(
      [...snapshot.traces].filter((t) => t.domain === userDomain).length,
      0,
    );
  });
});

test("track refuses the engines' domains 0, 1 and 2, tracing or not", async () => {
  for (const domain of [0, 1, 2]) {
    assert.throws(() => tracemalloc.track(domain, {}, 8), RangeError);
  }
  await tracing(() => {
    for (const domain of [0, 1, 2]) {
      assert.throws(() => tracemalloc.track(domain, {}, 8), RangeError);
    }
    return Promise.resolve();
  });
});

test("track answers true while tracing and untrack says whether there was a trace", async () => {
  await tracing(() => {
    const key = {};
    assert.equal(tracemalloc.track(userDomain, key, 10), true);
    assert.equal(tracemalloc.untrack(userDomain, key), true);
    assert.equal(tracemalloc.untrack(userDomain, key), false);
    return Promise.resolve();
  });
});

test("a tracked trace's traceback is where track was called", async () => {
  await tracing(
    async () => {
      tracemalloc.track(userDomain, 7, 123); // the line of the trace
      const [trace] = [...(await tracemalloc.takeSnapshot()).traces].filter((
        t,
      ) => t.domain === userDomain);
      const frame = trace.traceback.at(-1)!;
      assert.equal(frame.filename, here);
      const source = readFileSync(here, "utf8").split(
        "\n",
      );
      assert.match(source[frame.lineno - 1], /the line of the trace/);
    },
    3,
    { domains: { heap: false } },
  );
});

test("stop forgets traces and zeroes traced memory", async () => {
  const key = {};
  await tracing(async () => {
    tracemalloc.track(userDomain, key, 3000);
    assert.ok((await tracemalloc.getTracedMemory()).current >= 3000);
  });
  assert.deepEqual(await tracemalloc.getTracedMemory(), {
    current: 0,
    peak: 0,
  });
  await tracing(async () => {
    const snapshot = await tracemalloc.takeSnapshot();
    assert.equal(
      [...snapshot.traces].filter((t) => t.domain === userDomain).length,
      0,
    );
  });
});

test("clearTraces forgets traces and the peak but keeps tracing", async () => {
  await tracing(
    async () => {
      tracemalloc.track(userDomain, {}, 2000);
      await tracemalloc.clearTraces();
      assert.equal(tracemalloc.isTracing(), true);
      assert.deepEqual(await tracemalloc.getTracedMemory(), {
        current: 0,
        peak: 0,
      });
      tracemalloc.track(userDomain, 1, 10);
      assert.deepEqual(await tracemalloc.getTracedMemory(), {
        current: 10,
        peak: 10,
      });
    },
    1,
    { domains: { heap: false } },
  );
});

test("the peak keeps the highest traced size and resetPeak brings it down to the current size", async () => {
  await tracing(
    async () => {
      tracemalloc.track(userDomain, 1, 8000);
      tracemalloc.untrack(userDomain, 1);
      tracemalloc.track(userDomain, 2, 100);
      assert.deepEqual(await tracemalloc.getTracedMemory(), {
        current: 100,
        peak: 8000,
      });
      await tracemalloc.resetPeak();
      assert.deepEqual(await tracemalloc.getTracedMemory(), {
        current: 100,
        peak: 100,
      });
    },
    1,
    { domains: { heap: false } },
  );
});

test("a snapshot holds domain-0 traces on every runtime, with the snapshot's traceback limit", async () => {
  const kept = retainArrays(2000);
  await tracing(async () => {
    const more = retainArrays(2000);
    const snapshot = await tracemalloc.takeSnapshot();
    assert.equal(snapshot.tracebackLimit, 5);
    const heap = [...snapshot.traces].filter((t) => t.domain === 0);
    assert.ok(heap.length > 0, "domain-0 traces");
    if (rt.capabilities.heapSampler) {
      assert.ok(
        heap.some((t) => t.traceback.at(-1)?.filename === here),
        "a frame in this file",
      );
    } else {
      assert.equal(rt.name, "bun");
      assert.ok(
        heap.every((t) => /^<jsc:.+>$/.test(t.traceback.at(-1)!.filename)),
      );
    }
    assert.equal(more.length + kept.length, 4000);
  }, 5);
});

test("traced memory includes the domain-0 estimate of what the program keeps", async () => {
  await tracing(
    async () => {
      const kept = retainArrays(2000); // 16 MB of doubles
      await rt.gc();
      const { current, peak } = await tracemalloc.getTracedMemory();
      assert.ok(current > 8_000_000, `current ${current}`);
      assert.ok(peak >= current);
      assert.equal(kept.length, 2000);
    },
    1,
    { samplingInterval: 64 * 1024 },
  );
});

test("the tracer's own frames never appear in a snapshot", async () => {
  await tracing(
    async () => {
      const kept = retainArrays(100);
      await tracemalloc.takeSnapshot();
      const snapshot = await tracemalloc.takeSnapshot();
      for (const trace of snapshot.traces) {
        for (const frame of trace.traceback) {
          assert.ok(
            !isTracerFile(frame.filename) &&
              !rt.isInspectorFrame(frame.filename),
            frame.filename,
          );
        }
      }
      assert.equal(kept.length, 100);
    },
    50,
    { samplingInterval: 4096 },
  );
});

test("turning domain 0 off leaves no domain-0 traces", async () => {
  await tracing(
    async () => {
      const kept = retainArrays(500);
      const snapshot = await tracemalloc.takeSnapshot();
      assert.equal(
        [...snapshot.traces].filter((t) => t.domain === 0).length,
        0,
      );
      assert.equal(kept.length, 500);
    },
    1,
    { domains: { heap: false } },
  );
});

test("getObjectTraceback is null for ordinary objects and known for tracked keys", async () => {
  const plain = { a: 1 };
  assert.equal(await tracemalloc.getObjectTraceback(plain), null);
  await tracing(async () => {
    const key = {};
    tracemalloc.track(userDomain, key, 64);
    assert.equal(await tracemalloc.getObjectTraceback(plain), null);
    assert.notEqual(await tracemalloc.getObjectTraceback(key), null);
  });
});

test("getTracemallocMemory is 0 when not tracing and a byte count while tracing", async () => {
  assert.equal(await tracemalloc.getTracemallocMemory(), 0);
  await tracing(async () => {
    const kept = retainArrays(100);
    await tracemalloc.takeSnapshot();
    const bytes = await tracemalloc.getTracemallocMemory();
    assert.ok(Number.isInteger(bytes) && bytes >= 0);
    assert.equal(kept.length, 100);
  });
});

test("calls made without await run in call order", async () => {
  void tracemalloc.start(2);
  const snapshot = tracemalloc.takeSnapshot();
  void tracemalloc.stop();
  assert.equal((await snapshot).tracebackLimit, 2);
  assert.equal(tracemalloc.isTracing(), false);
});

test("status names the runtime, the tracing state, the limit and what the runtime cannot see", async () => {
  const idle = tracemalloc.status();
  assert.deepEqual(idle.runtime, { name: rt.name, version: rt.version });
  assert.equal(idle.tracing, false);
  assert.ok(idle.domains.includes(0));
  const text = idle.limits.join("\n");
  if (rt.capabilities.heapSampler) assert.match(text, /sampled/);
  else assert.match(text, /no allocation profiler/);
  await tracing(
    () => {
      const now = tracemalloc.status();
      assert.equal(now.tracing, true);
      assert.equal(now.tracebackLimit, 6);
      assert.equal(
        now.samplingInterval,
        rt.capabilities.heapSampler ? 8192 : null,
      );
      return Promise.resolve();
    },
    6,
    { samplingInterval: 8192 },
  );
  await tracing(
    () => {
      assert.ok(!tracemalloc.status().domains.includes(0));
      assert.match(tracemalloc.status().limits.join("\n"), /domain 0 .* off/);
      return Promise.resolve();
    },
    1,
    { domains: { heap: false } },
  );
});

test("buffers dropped in the same job as takeSnapshot({ gc: true }) are not in the snapshot", async () => {
  await tracing(async () => {
    const scratch = () => new Float64Array(256).length;
    for (let i = 0; i < 50; i++) scratch();
    const snapshot = await tracemalloc.takeSnapshot({ gc: true });
    const kept = [...snapshot.traces].filter((t) => t.domain === 1 && t.traceback.at(-1)?.filename === here);
    assert.deepEqual(kept, []);
  });
});

test("takeSnapshot({ gc: true }) collects garbage first: a dropped buffer is gone", async () => {
  await tracing(async () => {
    const kept = new Uint8Array(300_000);
    (() => new Uint8Array(700_000))(); // garbage at once
    const exact = await tracemalloc.takeSnapshot({ gc: true });
    const sizes = [...exact.traces].filter((t) => t.domain === 1).map((t) => t.size);
    assert.ok(sizes.includes(300_000), `kept buffer in ${sizes}`);
    assert.ok(!sizes.includes(700_000), `dropped buffer still in ${sizes}`);
    assert.equal(kept.length, 300_000);
  });
});

test("takeSnapshot refuses options that are not an object", async () => {
  await tracing(async () => {
    await assert.rejects(tracemalloc.takeSnapshot(5 as unknown as tracemalloc.SnapshotOptions), TypeError);
  });
});

test("readLive gives a snapshot and traced memory from one read, and figures alone on request", async () => {
  const idle = await tracemalloc.readLive();
  assert.deepEqual(idle, { snapshot: null, memory: { current: 0, peak: 0 }, tracerMemory: 0, age: 0 });
  await tracing(async () => {
    const kept = new Uint8Array(400_000);
    const { snapshot, memory, age } = await tracemalloc.readLive();
    assert.ok(snapshot, "a snapshot while tracing");
    const buffers = [...snapshot.traces].filter((t) => t.domain === 1).reduce((n, t) => n + t.size, 0);
    assert.ok(buffers >= 400_000 && memory.current >= buffers, `buffers ${buffers}, memory ${memory.current}`);
    assert.ok(memory.peak >= memory.current);
    assert.ok(age >= 0);
    const figures = await tracemalloc.readLive({ snapshot: false });
    assert.equal(figures.snapshot, null);
    assert.ok(figures.memory.current >= 400_000);
    assert.equal(kept.length, 400_000);
  });
});
