import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { Frame } from "../../src/model/frame.ts";
import { Snapshot } from "../../src/model/snapshot.ts";
import { isInternalFile } from "../../src/runtime/internal-frames.ts";
import { quote } from "../../src/session/tokenize.ts";
import { tempDir } from "../session/helpers.ts";
import { cli } from "./helpers.ts";

const PROGRAM = fileURLToPath(new URL("./fixtures/runtime-buffer.ts", import.meta.url));
const PUSH_LINE = readFileSync(PROGRAM, "utf8").split("\n").findIndex((l) => l.includes("// PUSH")) + 1;
/** The Buffer the runtime's stream code makes of the pushed text. */
const PUSHED = 256 * 1024;

const at = (frame: Frame) => `${frame.filename}:${frame.lineno}`;

/** The frames, most recent first, of the pushed Buffer in the snapshot `args` (a command line writing `file`) dumps. */
async function pushedFrames(args: (file: string) => string[], input?: (file: string) => string): Promise<Frame[]> {
  const { dir, cleanup } = await tempDir();
  try {
    const file = join(dir, "pushed.dump");
    const run = await cli(args(file), input ? { input: input(file) } : {});
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const snapshot = await Snapshot.load(file);
    const trace = [...snapshot.traces].find((t) => t.domain === 1 && t.size === PUSHED);
    assert.ok(trace, `the pushed buffer's trace\n${run.stdout}${run.stderr}`);
    return [...trace.traceback].reverse();
  } finally {
    await cleanup();
  }
}

test("run charges a Buffer the runtime's stream code makes to the user's line, its frames left out", async () => {
  const frames = await pushedFrames((file) => ["run", "--nframe", "5", "--dump", file, PROGRAM]);
  const shown = frames.map(at).join(" <- ");
  assert.equal(at(frames[0]), `${PROGRAM}:${PUSH_LINE}`, shown);
  assert.ok(frames.every((frame) => !isInternalFile(frame.filename)), shown);
});

test("run with TRACEMALLOC_INTERNAL_FRAMES=1 keeps the runtime's frame that made the Buffer", async () => {
  process.env.TRACEMALLOC_INTERNAL_FRAMES = "1";
  try {
    const frames = await pushedFrames((file) => ["run", "--nframe", "5", "--dump", file, PROGRAM]);
    const shown = frames.map(at).join(" <- ");
    assert.ok(isInternalFile(frames[0].filename), shown);
    assert.ok(frames.some((frame) => at(frame) === `${PROGRAM}:${PUSH_LINE}`), shown);
  } finally {
    delete process.env.TRACEMALLOC_INTERNAL_FRAMES;
  }
});

test("run --internal-frames keeps the runtime's frame that made the Buffer", async () => {
  const frames = await pushedFrames((file) => ["run", "--internal-frames", "--nframe", "5", "--dump", file, PROGRAM]);
  const shown = frames.map(at).join(" <- ");
  assert.ok(isInternalFile(frames[0].filename), shown);
  assert.ok(frames.some((frame) => at(frame) === `${PROGRAM}:${PUSH_LINE}`), shown);
});

test("the REPL's start --internal-frames keeps them in the program run starts", async () => {
  const frames = await pushedFrames(
    () => ["repl"],
    (file) =>
      [
        "start 5 --internal-frames",
        `run ${quote(PROGRAM)} 20000`,
        "wait 1500",
        "snapshot s1",
        `dump s1 ${quote(file)}`,
        "quit",
        "",
      ].join("\n"),
  );
  assert.ok(isInternalFile(frames[0].filename), frames.map(at).join(" <- "));
});
