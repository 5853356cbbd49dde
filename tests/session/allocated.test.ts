import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { ChildTarget } from "../../src/session/child.ts";
import { LocalTarget } from "../../src/session/local.ts";
import { OfflineTarget } from "../../src/session/offline.ts";
import { Session } from "../../src/session/session.ts";
import { runtime } from "../../src/runtime/index.ts";
import { assertRuntimeAvailable, RUNTIMES, withFiles } from "./child-fixtures.ts";

/** Allocates much and keeps little: line 6 churns, line 9 keeps one object a tick (with a 64 KiB buffer, exact). */
const CHURN = [
  "const kept: object[] = [];",
  "let total = 0;",
  "",
  "function tick(): void {",
  "  for (let i = 0; i < 5000; i++) {",
  "    const point = { x: i, y: i * 2, label: 'p' };",
  "    total += point.x;",
  "  }",
  "  kept.push({ total, values: new Float64Array(8192) });",
  "}",
  "",
  "const timer = setInterval(tick, 10);",
  "setTimeout(() => clearInterval(timer), 60_000);",
].join("\n") + "\n";

interface AllocatedData {
  allocated: boolean;
  freedIncluded: boolean;
  since: string;
  seconds: number;
  sampleEvery: number;
  by: string;
  limit: number;
  total: number;
  filters: string[];
  size: number;
  count: number;
  bytesPerSecond: number;
  allocationsPerSecond: number;
  entries: {
    rank: number;
    text: string;
    size: number;
    count: number;
    average: number;
    bytesPerSecond: number;
    allocationsPerSecond: number;
    traceback: { file: string; line: number; column: number | null; function: string | null }[];
  }[];
}

for (const name of RUNTIMES) {
  test(`stats --allocated puts the churning line first, the live top the kept one (${name})`, async () => {
    assertRuntimeAvailable(name);
    await withFiles({ "churn.ts": CHURN }, async (dir) => {
      const script = join(dir, "churn.ts");
      const target = await ChildTarget.launch({
        script,
        runtime: name,
        start: { nframe: 5, options: { sampleEvery: 16 } },
      });
      const session = new Session({ target });
      try {
        await delay(1500);
        const outcome = (await session.execute("stats --allocated --limit 3"))!;
        const lines = outcome.result.lines;
        assert.match(
          lines[0],
          /^\[ Top 3 allocated, freed included: \d+\.\d s since tracing started or was cleared, one allocation in 16 sampled \]$/,
        );
        assert.match(lines[1], new RegExp(`^${escape(script)}:6: [\\d.]+ [KM]iB/s, \\d+ allocations/s \\(size=`));
        assert.match(lines.at(-1)!, /^Total: [\d.]+ [KM]iB\/s, \d+ allocations\/s over \d+\.\d s \(/);

        const data = outcome.result.data as unknown as AllocatedData;
        assert.equal(data.allocated, true);
        assert.equal(data.freedIncluded, true);
        assert.equal(data.sampleEvery, 16);
        assert.equal(data.by, "lineno");
        assert.ok(data.seconds > 1 && data.seconds < 60, `${data.seconds} s`);
        assert.ok(!Number.isNaN(Date.parse(data.since)));
        assert.ok(data.entries.length >= 1 && data.entries.length <= 3);
        const [first] = data.entries;
        assert.deepEqual(first.traceback, [{ file: script, line: 6, column: null, function: "tick" }]);
        assert.equal(first.rank, 1);
        // Some 5000 objects a tick against two kept (sampled one in 16, so the kept line may have no sample yet).
        assert.ok(first.count > 0.9 * data.count, `${first.count} of ${data.count}`);
        const second = data.entries.find((entry) => entry.traceback[0].line === 9);
        if (second) assert.ok(first.count > 50 * second.count, `${first.count} vs ${second.count}`);
        assert.ok(Math.abs(first.allocationsPerSecond - first.count / data.seconds) < 1e-6 * first.count);
        assert.ok(Math.abs(first.bytesPerSecond - first.size / data.seconds) < 1e-6 * first.size);
        assert.ok(data.count >= first.count && data.size >= first.size);

        // The live view: what is kept leads (its buffers exact), the churning line's objects are gone (but a tick's).
        await session.execute("snapshot --gc live");
        const top = (await session.execute("stats live --limit 1"))!.result.lines;
        assert.match(top[1], new RegExp(`^${escape(script)}:9: `));

        // Filters apply; clear starts the span again.
        await session.execute(`filter exclude '*churn.ts' --lineno 6`);
        const filtered = (await session.execute("stats --allocated"))!.result.data as unknown as AllocatedData;
        assert.ok(filtered.entries.every((entry) => entry.traceback[0].line !== 6));
        assert.ok(filtered.count < data.count / 10, `${filtered.count} left of ${data.count}`);
        await session.execute("filter clear");
        await session.execute("clear");
        const cleared = (await session.execute("stats --allocated"))!.result.data as unknown as AllocatedData;
        assert.ok(cleared.seconds < data.seconds, `${cleared.seconds} after clear, ${data.seconds} before`);
      } finally {
        await session.close();
        await target.close();
      }
    });
  });
}

test("stats --allocated says plainly why it cannot answer", async () => {
  const local = new Session({ target: new LocalTarget() });
  try {
    await assert.rejects(local.execute("stats --allocated"), /stats: tracing must be started/);
    await local.execute("start 1");
    // This process was not preloaded: domain 0 is V8's sampler (Node, Deno) or Bun's census.
    const engine = runtime().name === "bun" ? "Bun's census" : "V8's sampler";
    await assert.rejects(
      local.execute("stats --allocated"),
      new RegExp(`allocations freed or not cannot be counted: domain 0 here is ${engine}.*startup preload`),
    );
    await assert.rejects(local.execute("stats s1 --allocated"), /--allocated reads the program, not a snapshot/);
  } finally {
    await local.close();
  }
  const offline = new Session({ target: new OfflineTarget() });
  await assert.rejects(offline.execute("stats --allocated"), /there is no program in this session/);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
