import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SAMPLE_EVERY, DEFAULT_TRACEBACK_LIMIT } from "../../src/defaults.ts";
import { Snapshot } from "../../src/model/snapshot.ts";
import type { Trace } from "../../src/model/trace.ts";
import { tempDir } from "../session/helpers.ts";
import { cli, ROOT } from "./helpers.ts";

const OBJECTS = fileURLToPath(new URL("./fixtures/objects.ts", import.meta.url));
const OBJECTS_SOURCE = readFileSync(OBJECTS, "utf8").split("\n");
const OBJECTS_LINE = OBJECTS_SOURCE.findIndex((l) => l.includes("// OBJECTS")) + 1;
/** The module's call of the function that holds the objects' line. */
const CALL_LINE = OBJECTS_SOURCE.findIndex((l) => l.startsWith("fill(")) + 1;
const DEMO = join(ROOT, "scripts", "demo.ts");

/** The snapshot `run ARGS OBJECTS` dumps at exit. */
async function runDump(args: readonly string[]): Promise<Snapshot> {
  const { dir, cleanup } = await tempDir();
  try {
    const file = join(dir, "exit.dump");
    const run = await cli(["run", ...args, "--dump", file, OBJECTS]);
    assert.equal(run.code, 0, run.stderr);
    return await Snapshot.load(file);
  } finally {
    await cleanup();
  }
}

/** The JS heap's traces of the objects' line. */
function objectTraces(snapshot: Snapshot): Trace[] {
  return [...snapshot.traces].filter((trace) => {
    const frame = trace.traceback.at(-1);
    return trace.domain === 0 && frame?.filename === OBJECTS && frame.lineno === OBJECTS_LINE;
  });
}

/** The lines of `repl` running `commands` from standard input. */
async function repl(commands: readonly string[]): Promise<string[]> {
  const run = await cli(["repl"], { input: commands.join("\n") + "\n" });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  return run.stdout.split("\n");
}

test("run keeps the default traceback limit, the allocating line's callers included", async () => {
  const snapshot = await runDump([]);
  assert.equal(snapshot.tracebackLimit, DEFAULT_TRACEBACK_LIMIT);
  const traces = objectTraces(snapshot);
  assert.ok(traces.length > 0, "no sample of the objects' line");
  // Before fill's line, the module's call of fill.
  const shown = traces.map((trace) => trace.traceback.format().join("\n")).join("\n\n");
  for (const trace of traces) {
    const caller = trace.traceback.at(-2);
    assert.ok(caller?.filename === OBJECTS && caller.lineno === CALL_LINE, shown);
    assert.ok(trace.traceback.length <= DEFAULT_TRACEBACK_LIMIT, shown);
  }
});

test("run samples one JS allocation in the default rate", async () => {
  const traces = objectTraces(await runDump([]));
  assert.ok(traces.length > 0, "no sample of the objects' line");
  for (const trace of traces) assert.equal(trace.count % DEFAULT_SAMPLE_EVERY, 0, String(trace));
});

test("run --nframe and --every still set the traceback limit and the rate", async () => {
  const snapshot = await runDump(["--nframe", "1", "--every", "64"]);
  assert.equal(snapshot.tracebackLimit, 1);
  const traces = objectTraces(snapshot);
  assert.ok(traces.length > 0, "no sample of the objects' line");
  const count = traces.reduce((sum, trace) => sum + trace.count, 0);
  assert.equal(count % 64, 0);
  assert.ok(traces.every((trace) => trace.traceback.length === 1));
});

test("the REPL's run traces the program with the defaults, as status shows", async () => {
  const out = await repl([`run ${DEMO} 10`, "status"]);
  assert.ok(
    out.some((line) =>
      line.endsWith(
        `: traced from its first line, traceback limit ${DEFAULT_TRACEBACK_LIMIT}, ` +
          `line engine (exact lines), one allocation in ${DEFAULT_SAMPLE_EVERY} sampled`,
      )
    ),
    out.join("\n"),
  );
  assert.ok(out.includes(`tracing:       on, traceback limit ${DEFAULT_TRACEBACK_LIMIT} frames`), out.join("\n"));
  assert.ok(
    out.includes(`domain 0:      line engine (exact lines), one allocation in ${DEFAULT_SAMPLE_EVERY} sampled`),
    out.join("\n"),
  );
});

test("the REPL's run --no-trace leaves the program untraced, as status shows", async () => {
  const out = await repl([`run --no-trace ${DEMO} 10`, "status"]);
  assert.ok(out.some((line) => line.endsWith(": not traced (--no-trace): type start to trace it")), out.join("\n"));
  assert.ok(out.includes("tracing:       off"), out.join("\n"));
});

test("the REPL's start alone keeps the default traceback limit", async () => {
  const out = await repl(["start", "status"]);
  assert.ok(out.includes(`tracing:       on, traceback limit ${DEFAULT_TRACEBACK_LIMIT} frames`), out.join("\n"));
});
