import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DomainFilter } from "../../src/model/filter.ts";
import type { Snapshot } from "../../src/model/snapshot.ts";
import { ChildTarget, TargetExitedError } from "../../src/session/child.ts";
import type { TargetExit } from "../../src/session/target.ts";
import { assertRuntimeAvailable, IDLE_PROGRAM, RUNTIMES, withFiles } from "./child-fixtures.ts";

/** Domain-1 (buffer) bytes per `file:line`, exact lines on every runtime. */
function bufferLines(snapshot: Snapshot): Map<string, number> {
  const stats = snapshot.filterTraces([new DomainFilter(true, 1)]).statistics("lineno");
  return new Map(stats.map((s) => [`${s.traceback.at(0)!.filename}:${s.traceback.at(0)!.lineno}`, s.size]));
}

/** Keeps what follows reachable (a local the program never reads again may be collected). */
const KEEP = "(globalThis as Record<string, unknown>).kept = ";

/** Files of this package's code, which the tracer hides from snapshots. */
const PACKAGE_SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/**
 * Resolves once the program's first lines (`KEEP ...`) have run: the agent answers requests while the
 * runtime still loads the main module (Deno plans it in a worker), so a fast snapshot could come first.
 */
async function ranFirstLines(target: ChildTarget): Promise<void> {
  while (await target.eval("typeof globalThis.kept") !== "'object'") await delay(10);
}

function exitOf(target: ChildTarget): Promise<TargetExit> {
  return new Promise((resolve) => target.onExit(resolve));
}

for (const runtime of RUNTIMES) {
  test(`a program launched with tracing settings is traced from its first line (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    const source = KEEP + "new Uint8Array(123_456);\n" + IDLE_PROGRAM;
    await withFiles({ "first.ts": source }, async (dir) => {
      const script = join(dir, "first.ts");
      const target = await ChildTarget.launch({ script, runtime, start: { nframe: 3 } });
      try {
        await ranFirstLines(target);
        assert.equal(bufferLines(await target.takeSnapshot()).get(`${script}:1`), 123_456);
      } finally {
        await target.close();
      }
    });
  });

  test(`start, snapshot and stop round trip on a child (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    const source = "const kept: Uint8Array[] = [];\n" +
      "(globalThis as Record<string, unknown>).grow = () => {\n" +
      "  kept.push(new Uint8Array(4096));\n" +
      "};\n" + IDLE_PROGRAM;
    await withFiles({ "grow.ts": source }, async (dir) => {
      const script = join(dir, "grow.ts");
      const target = await ChildTarget.launch({ script, runtime });
      try {
        assert.equal((await target.status()).tracing, false);
        await target.start(2);
        assert.deepEqual(
          [(await target.status()).tracing, (await target.status()).tracebackLimit],
          [true, 2],
        );
        await target.eval("grow(); grow(); grow()");
        const snapshot = await target.takeSnapshot();
        assert.equal(snapshot.tracebackLimit, 2);
        assert.equal(bufferLines(snapshot).get(`${script}:3`), 3 * 4096);
        // The live view's request: status and snapshot in one reply, its memory from the same read.
        const refreshed = await target.refresh();
        assert.equal(refreshed.status.tracing, true);
        assert.ok(refreshed.status.command.includes("grow.ts"));
        assert.equal(bufferLines(refreshed.snapshot!).get(`${script}:3`), 3 * 4096);
        assert.ok(refreshed.status.memory.current >= 3 * 4096);
        assert.equal(bufferLines(await target.takeSnapshot({ gc: true })).get(`${script}:3`), 3 * 4096);
        await target.stop();
        assert.equal((await target.status()).tracing, false);
        await assert.rejects(target.takeSnapshot(), /tracing/);
        assert.equal((await target.refresh()).snapshot, null);
      } finally {
        await target.close();
      }
    });
  });

  test(`the agent's own work leaves no trace in the program's snapshots (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "idle.ts": KEEP + "new Uint8Array(1000);\n" + IDLE_PROGRAM }, async (dir) => {
      const target = await ChildTarget.launch({
        script: join(dir, "idle.ts"),
        runtime,
        start: { nframe: 10, options: { samplingInterval: 1024 } },
      });
      try {
        await ranFirstLines(target);
        await target.takeSnapshot(); // the agent encodes and sends a dump: buffers, strings, objects
        await target.eval("'x'.repeat(10)");
        const snapshot = await target.takeSnapshot();
        const ownFiles = [...snapshot.traces].flatMap((t) => [...t.traceback].map((f) => f.filename))
          .filter((file) => file.startsWith(PACKAGE_SRC));
        assert.deepEqual(ownFiles, []);
        assert.ok(snapshot.traces.length > 0, "the program's own buffer is there");
      } finally {
        await target.close();
      }
    });
  });

  test(`the program's standard output and error are forwarded (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    const source = 'console.log("to stdout é");\nconsole.error("to stderr");\n';
    await withFiles({ "print.ts": source }, async (dir) => {
      const target = await ChildTarget.launch({ script: join(dir, "print.ts"), runtime });
      const seen = { stdout: "", stderr: "" };
      target.onOutput((stream, text) => seen[stream] += text);
      await exitOf(target);
      await target.close();
      assert.deepEqual(seen, { stdout: "to stdout é\n", stderr: "to stderr\n" });
    });
  });

  test(`a program that has nothing left to do ends by itself with code 0 (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "short.ts": "const x = [1, 2, 3].join();\n" }, async (dir) => {
      const target = await ChildTarget.launch({ script: join(dir, "short.ts"), runtime, start: { nframe: 1 } });
      assert.deepEqual(await exitOf(target), { code: 0, signal: null });
      await target.close();
    });
  });

  test(`the exit of a child is reported with its code (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "idle.ts": IDLE_PROGRAM }, async (dir) => {
      const target = await ChildTarget.launch({ script: join(dir, "idle.ts"), runtime });
      const exited = exitOf(target);
      await target.eval("setTimeout(() => process.exit(3), 10), 'bye'");
      assert.deepEqual(await exited, { code: 3, signal: null });
      assert.deepEqual((await target.status()).exit, { code: 3, signal: null });
      await target.close();
    });
  });

  test(`requests after the child exited reject saying how it ended (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "idle.ts": IDLE_PROGRAM }, async (dir) => {
      const target = await ChildTarget.launch({ script: join(dir, "idle.ts"), runtime, start: { nframe: 1 } });
      const exited = exitOf(target);
      await target.eval("setTimeout(() => process.exit(7), 10), 'bye'");
      await exited;
      await assert.rejects(target.takeSnapshot(), (e) => {
        assert.ok(e instanceof TargetExitedError);
        assert.equal(e.message, "program exited with code 7");
        return true;
      });
      await assert.rejects(target.eval("1"), /program exited with code 7/);
      await target.close();
    });
  });

  test(`snapshots taken before the child exited stay usable (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "keep.ts": KEEP + "new Uint8Array(77_777);\n" + IDLE_PROGRAM }, async (dir) => {
      const script = join(dir, "keep.ts");
      const target = await ChildTarget.launch({ script, runtime, start: { nframe: 1 } });
      await ranFirstLines(target);
      const snapshot = await target.takeSnapshot();
      const exited = exitOf(target);
      await target.eval("setTimeout(() => process.exit(0), 10), 'bye'");
      await exited;
      await target.close();
      assert.equal(bufferLines(snapshot).get(`${script}:1`), 77_777);
    });
  });

  test(`a snapshot is taken when the program ends by itself, with snapshotAtExit (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    const source = KEEP + "new Uint8Array(54_321);\n";
    await withFiles({ "end.ts": source }, async (dir) => {
      const script = join(dir, "end.ts");
      const target = await ChildTarget.launch({ script, runtime, start: { nframe: 1 }, snapshotAtExit: true });
      const snapshot = (await target.exitReport())?.snapshot;
      await target.close();
      assert.ok(snapshot, "an exit snapshot");
      assert.equal(bufferLines(snapshot).get(`${script}:1`), 54_321);
    });
  });

  test(`eval runs code in the program's global scope and returns the result as text (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles(
      { "globals.ts": "(globalThis as Record<string, unknown>).answer = 21;\n" + IDLE_PROGRAM },
      async (dir) => {
        const target = await ChildTarget.launch({ script: join(dir, "globals.ts"), runtime });
        try {
          // The agent answers as soon as the controller is in; the program's module may still be loading.
          for (let i = 0; i < 100 && await target.eval("typeof answer") !== "'number'"; i++) await delay(20);
          assert.equal(await target.eval("[answer, answer * 2]"), "[ 21, 42 ]");
          assert.equal(await target.eval("Promise.resolve('later')"), "'later'");
        } finally {
          await target.close();
        }
      },
    );
  });

  test(`eval of failing code rejects with the program's error (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "idle.ts": IDLE_PROGRAM }, async (dir) => {
      const target = await ChildTarget.launch({ script: join(dir, "idle.ts"), runtime });
      try {
        await assert.rejects(
          target.eval("notDefinedAnywhere + 1"),
          /ReferenceError: notDefinedAnywhere is not defined/,
        );
      } finally {
        await target.close();
      }
    });
  });

  test(`the channel's secret is removed from the program's environment (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "idle.ts": IDLE_PROGRAM }, async (dir) => {
      const target = await ChildTarget.launch({ script: join(dir, "idle.ts"), runtime });
      try {
        assert.equal(await target.eval("process.env.TRACEMALLOC_AGENT"), "undefined");
      } finally {
        await target.close();
      }
    });
  });

  test(`launching a missing script rejects naming it (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({}, async (dir) => {
      await assert.rejects(
        ChildTarget.launch({ script: join(dir, "missing.ts"), runtime }),
        /cannot run .*missing\.ts: no such file/,
      );
    });
  });

  test(`launching with tracing settings the tracer refuses rejects with its reason (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "idle.ts": IDLE_PROGRAM }, async (dir) => {
      await assert.rejects(
        ChildTarget.launch({ script: join(dir, "idle.ts"), runtime, start: { nframe: 0 } }),
        /could not start tracing in .*idle\.ts: the number of frames must be/,
      );
    });
  });

  test(`a program that fails at load reports its exit and error (${runtime})`, async () => {
    assertRuntimeAvailable(runtime);
    await withFiles({ "broken.ts": "throw new Error('broken at load');\n" }, async (dir) => {
      const target = await ChildTarget.launch({ script: join(dir, "broken.ts"), runtime });
      let stderr = "";
      target.onOutput((stream, text) => stream === "stderr" && (stderr += text));
      const exit = await exitOf(target);
      await target.close();
      assert.notEqual(exit.code, 0);
      assert.match(stderr, /broken at load/);
    });
  });
}

test("a deno program run as a child polls its agent's socket at every turn, unless the user chose otherwise", async () => {
  assertRuntimeAvailable("deno");
  await withFiles({ "idle.ts": IDLE_PROGRAM }, async (dir) => {
    const script = join(dir, "idle.ts");
    const interval = 'Deno.env.get("DENO_TOKIO_EVENT_INTERVAL")';
    const prompt = await ChildTarget.launch({ script, runtime: "deno" });
    try {
      assert.equal(await prompt.eval(interval), "'1'");
    } finally {
      await prompt.close();
    }
    const chosen = await ChildTarget.launch({ script, runtime: "deno", env: { DENO_TOKIO_EVENT_INTERVAL: "61" } });
    try {
      assert.equal(await chosen.eval(interval), "'61'");
    } finally {
      await chosen.close();
    }
  });
});
