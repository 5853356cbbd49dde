import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { DEFAULT_TRACEBACK_LIMIT } from "../../src/defaults.ts";
import { CommandError } from "../../src/session/errors.ts";
import { LocalTarget } from "../../src/session/local.ts";
import type { ProgramLaunch } from "../../src/session/launch.ts";
import { Session } from "../../src/session/session.ts";
import type { Target } from "../../src/session/target.ts";
import { quote } from "../../src/session/tokenize.ts";
import { leak, release } from "./fixtures/leaky.ts";
import { LEAK_LINE, LEAKY, lines } from "./helpers.ts";

/** Runs `body` with a session on this process, closed (tracing stopped) afterwards. */
async function withSession(
  body: (session: Session) => Promise<void>,
  launch?: Session["launcher"],
) {
  const session = new Session({ target: new LocalTarget(), launch });
  try {
    await body(session);
  } finally {
    await session.close();
  }
}

test("status says whether this process is traced and with how many frames", () =>
  withSession(async (session) => {
    const off = await lines(session, "status");
    assert.match(off[0], /^runtime: {7}(node|deno|bun) \d/);
    assert.match(off[1], /^target: {8}this process \(pid \d+\)$/);
    assert.equal(off[2], "tracing:       off");
    await session.execute("start 4");
    assert.equal(
      (await lines(session, "status"))[2],
      "tracing:       on, traceback limit 4 frames",
    );
  }));

test("status lists what this runtime cannot see, as JSON too", () =>
  withSession(async (session) => {
    const data = (await session.execute("status"))!.result.data as {
      limits: string[];
      tracing: boolean;
    };
    assert.ok(Array.isArray(data.limits));
    assert.equal(data.tracing, false);
  }));

test("stop ends tracing", () =>
  withSession(async (session) => {
    await session.execute("start");
    assert.deepEqual(await lines(session, "stop"), ["tracing stopped"]);
    assert.equal((await lines(session, "status"))[2], "tracing:       off");
  }));

test("start while tracing is refused rather than silently ignored", () =>
  withSession(async (session) => {
    await session.execute("start 2");
    await assert.rejects(session.execute("start 5"), {
      message: "start: already tracing with a traceback limit of 2 frames; stop first to change it",
    });
  }));

test("start with an absurd frame count is refused with the tracer's reason", () =>
  withSession(async (session) => {
    await assert.rejects(session.execute("start 100000"), (e: unknown) => {
      assert.ok(e instanceof CommandError);
      assert.match(e.message, /^start: .*65535/);
      return true;
    });
  }));

test("snapshot before start says tracing must be started", () =>
  withSession(async (session) => {
    await assert.rejects(session.execute("snapshot"), {
      message: /^snapshot: tracing must be started/,
    });
  }));

test("snapshots take default labels s1, s2 and keep given ones", () =>
  withSession(async (session) => {
    await session.execute("start");
    await session.execute("snapshot");
    await session.execute("snapshot mine");
    await session.execute("snapshot");
    assert.deepEqual([...session.snapshots.keys()], ["s1", "mine", "s2"]);
  }));

test("snapshot --gc collects garbage first; the help says when a plain snapshot does", () =>
  withSession(async (session) => {
    await session.execute("start");
    const outcome = await session.execute("snapshot --gc exact");
    assert.equal((outcome?.result.data as { label?: string } | undefined)?.label, "exact");
    const help = await session.execute("help snapshot");
    assert.match(help!.result.lines.join("\n"), /--gc/);
    assert.match(help!.result.lines.join("\n"), /runs first .* while the\ncollections snapshots ran took at most 3%/);
  }));

test("refresh of this process: its status (command included) and a snapshot from one read", async () => {
  const target = new LocalTarget();
  try {
    assert.equal((await target.refresh()).snapshot, null);
    await target.start(1);
    const { status, snapshot } = await target.refresh();
    assert.equal(status.command, "this process");
    assert.equal(status.tracing, true);
    assert.ok(snapshot);
  } finally {
    await target.close();
  }
});

test("a snapshot taken again under a label replaces it and says so", () =>
  withSession(async (session) => {
    await session.execute("start");
    await session.execute("snapshot a");
    assert.match(
      (await lines(session, "snapshot a"))[0],
      /^a: \d+ traces, .* \(replaced\)$/,
    );
    assert.equal(session.snapshots.size, 1);
  }));

test("a scripted session finds the leaking line with compare", () =>
  withSession(async (session) => {
    await session.execute("start");
    await session.execute("snapshot before");
    // 4 MiB: well above what the test runner itself may allocate meanwhile.
    leak(256);
    await session.execute("snapshot after");
    try {
      const out = await lines(session, "compare after before --limit 3");
      assert.equal(out[0], "[ Top 3 differences ]");
      assert.equal(
        out[1],
        `${LEAKY}:${LEAK_LINE}: size=4096 KiB (+4096 KiB), count=256 (+256), average=16.0 KiB`,
      );
    } finally {
      release();
    }
  }));

test("traceback shows the leaking line's source after a compare", () =>
  withSession(async (session) => {
    await session.execute("start 3");
    await session.execute("snapshot before");
    leak(8);
    // Buffers only: the JS heap of the test runner moves too.
    await session.execute("filter domain include 1");
    await session.execute("snapshot after");
    try {
      await session.execute("compare after before");
      const out = await lines(session, "traceback after 1");
      assert.ok(
        out.includes(
          "    for (let i = 0; i < count; i++) kept.push(new Uint8Array(size)); // LEAK",
        ),
        out.join("\n"),
      );
    } finally {
      release();
    }
  }));

test("the tool's own frames are not in snapshots of this process", () =>
  withSession(async (session) => {
    const src = fileURLToPath(new URL("../../src/", import.meta.url));
    await session.execute("start 50");
    await session.execute("eval globalThis.__kept = new Uint8Array(4096)");
    await session.execute("snapshot");
    const files = new Set<string>();
    for (const trace of session.snapshotEntry("test").snapshot.traces) {
      for (const frame of trace.traceback) files.add(frame.filename);
    }
    assert.deepEqual([...files].filter((f) => f.startsWith(src)), []);
    delete (globalThis as { __kept?: unknown }).__kept;
  }));

test("memory shows current and peak traced memory", () =>
  withSession(async (session) => {
    await session.execute("start");
    const out = await lines(session, "memory");
    assert.match(
      out[0],
      /^traced memory: current \d+(\.\d)? (B|KiB|MiB), peak \d+(\.\d)? (B|KiB|MiB)$/,
    );
    assert.match(out[1], /^tracer memory: /);
  }));

test("reset-peak brings the peak down to the current size", () =>
  withSession(async (session) => {
    await session.execute("start");
    const data = (await session.execute("reset-peak"))!.result.data as {
      current: number;
      peak: number;
    };
    assert.ok(data.peak >= data.current);
    assert.match((await lines(session, "reset-peak"))[0], /^peak reset to /);
  }));

test("clear forgets the traces and tracing goes on", () =>
  withSession(async (session) => {
    await session.execute("start 1");
    assert.deepEqual(await lines(session, "clear"), ["traces cleared"]);
    assert.equal(
      (await lines(session, "status"))[2],
      "tracing:       on, traceback limit 1 frame",
    );
  }));

test("start without NFRAME keeps the default traceback limit", () =>
  withSession(async (session) => {
    await session.execute("start");
    assert.equal(
      (await lines(session, "status"))[2],
      `tracing:       on, traceback limit ${DEFAULT_TRACEBACK_LIMIT} frames`,
    );
  }));

test("gc collects garbage in this process", () =>
  withSession(async (session) => {
    assert.deepEqual(await lines(session, "gc"), ["garbage collected"]);
  }));

test("eval evaluates JavaScript in this process and shows the result", () =>
  withSession(async (session) => {
    assert.deepEqual(
      await lines(session, "eval [6 * 7, 'a b'] // a comment, as typed"),
      ["[ 42, 'a b' ]"],
    );
    await session.execute("eval globalThis.__answer = 42");
    assert.equal((globalThis as { __answer?: number }).__answer, 42);
    delete (globalThis as { __answer?: number }).__answer;
  }));

test("eval awaits a Promise and shows a string result quoted, as the Node REPL does", () =>
  withSession(async (session) => {
    assert.deepEqual(await lines(session, "eval Promise.resolve('done')"), [
      "'done'",
    ]);
  }));

test("eval of code that throws fails with its message", () =>
  withSession(async (session) => {
    await assert.rejects(session.execute("eval null.x"), {
      message: /^eval: .*null/,
    });
    await assert.rejects(session.execute("eval"), {
      message: "eval: missing CODE",
    });
  }));

test("what code run by eval allocates is traced, the tool awaiting it notwithstanding", () =>
  withSession(async (session) => {
    const url = new URL("./fixtures/leaky.ts", import.meta.url).href;
    await session.execute("start");
    await session.execute(`eval import(${JSON.stringify(url)}).then((m) => m.leak(4))`);
    try {
      await session.execute("snapshot");
      await session.execute(`filter include ${quote(LEAKY)}`);
      assert.deepEqual(await lines(session, "stats"), [
        "[ Top 10 ]",
        `${LEAKY}:${LEAK_LINE}: size=64.0 KiB, count=4, average=16.0 KiB`,
      ]);
    } finally {
      release();
    }
  }));

test("eval can import a module of the program", () =>
  withSession(async (session) => {
    const url = new URL("./fixtures/leaky.ts", import.meta.url).href;
    assert.deepEqual(
      await lines(
        session,
        `eval import(${JSON.stringify(url)}).then((m) => typeof m.leak)`,
      ),
      [
        "'function'",
      ],
    );
  }));

test("wait waits the milliseconds given", () =>
  withSession(async (session) => {
    const before = Date.now();
    await session.execute("wait 20");
    assert.ok(Date.now() - before >= 15);
  }));

/** A target standing for a started program, recording what it was asked. */
function fakeProgram(
  launches: ProgramLaunch[],
): NonNullable<Session["launcher"]> {
  return (launch) => {
    launches.push(launch);
    const target: Target = {
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      status: () =>
        Promise.resolve({
          command: `node ${launch.script}`,
          pid: 4242,
          runtime: "node 24",
          tracing: launch.start !== undefined,
          tracebackLimit: launch.start?.nframe ?? 1,
          memory: { current: 0, peak: 0 },
          tracerMemory: 0,
          limits: [],
          engine: null,
        }),
      clearTraces: () => Promise.resolve(),
      resetPeak: () => Promise.resolve(),
      takeSnapshot: () => Promise.reject(new Error("not here")),
      gc: () => Promise.resolve(true),
      eval: (code) => Promise.resolve(`child: ${code}`),
      allocated: () => Promise.reject(new Error("not here")),
      onOutput: () => {},
      onExit: () => {},
      close: () => Promise.resolve(),
    };
    return Promise.resolve(target);
  };
}

test("settings of start before run apply to the program run starts", async () => {
  const launches: ProgramLaunch[] = [];
  await withSession(async (session) => {
    await session.execute("start 7 --interval 4096");
    const out = await lines(
      session,
      `run --runtime bun ${quote("my app.ts")} --port 1`,
    );
    assert.deepEqual(launches, [{
      script: "my app.ts",
      args: ["--port", "1"],
      runtime: "bun",
      start: { nframe: 7, options: { samplingInterval: 4096 } },
    }]);
    assert.deepEqual(out, [
      "started node my app.ts (pid 4242, node 24): traced from its first line, traceback limit 7",
    ]);
  }, fakeProgram(launches));
});

test("after run, commands go to the program", async () => {
  await withSession(async (session) => {
    await session.execute("run app.ts");
    assert.deepEqual(await lines(session, "eval 1 + 1"), ["child: 1 + 1"]);
    assert.match(
      (await lines(session, "status"))[1],
      /^target: {8}node app\.ts \(pid 4242\)$/,
    );
  }, fakeProgram([]));
});

test("run without start traces the program from its first line with the defaults", async () => {
  const launches: ProgramLaunch[] = [];
  await withSession(async (session) => {
    const out = await lines(session, "run app.ts");
    assert.deepEqual(launches[0].start, { nframe: DEFAULT_TRACEBACK_LIMIT, options: {} });
    assert.deepEqual(out, [
      `started node app.ts (pid 4242, node 24): traced from its first line, traceback limit ${DEFAULT_TRACEBACK_LIMIT}`,
    ]);
  }, fakeProgram(launches));
});

test("run --no-trace leaves the program untraced until start", async () => {
  const launches: ProgramLaunch[] = [];
  await withSession(async (session) => {
    const out = await lines(session, "run --no-trace app.ts --port 1");
    assert.equal(launches[0].start, undefined);
    assert.deepEqual(launches[0].args, ["--port", "1"]);
    assert.deepEqual(out, ["started node app.ts (pid 4242, node 24): not traced (--no-trace): type start to trace it"]);
  }, fakeProgram(launches));
});

test("run --no-trace leaves the program untraced even after start", async () => {
  const launches: ProgramLaunch[] = [];
  await withSession(async (session) => {
    await session.execute("start 7");
    await session.execute("run --no-trace app.ts");
    assert.equal(launches[0].start, undefined);
  }, fakeProgram(launches));
});

test("run after stop traces the program with the defaults again", async () => {
  const launches: ProgramLaunch[] = [];
  await withSession(async (session) => {
    await session.execute("start 7");
    await session.execute("stop");
    await session.execute("run app.ts");
    assert.deepEqual(launches[0].start, { nframe: DEFAULT_TRACEBACK_LIMIT, options: {} });
  }, fakeProgram(launches));
});

test("run in a session that cannot start programs says so", () =>
  withSession(async (session) => {
    await assert.rejects(session.execute("run app.ts"), {
      message: "run: this session cannot start programs",
    });
  }));
