/**
 * The report a traced program leaves as it ends, seen from outside it: a
 * program run to its end under {@link reportEnding}, whose controller link
 * loses whatever it is given.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type AgentEvent, FrameReader } from "../../src/agent/protocol.ts";
import { decodeResult } from "../../src/agent/results.ts";
import { currentRuntimeName, scriptCommand } from "../../src/runtime/spawn.ts";
import { withFiles } from "../session/child-fixtures.ts";

const src = (path: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${path}`, import.meta.url)));

/** Traces itself, keeps 64 KiB on line 10 and runs to its end; its link to the controller drops every message. */
const PROGRAM = `import process from "node:process";
import type { ControllerLink } from ${src("agent/server.ts")};
import { reportEnding } from ${src("agent/exit-report.ts")};
import { tracerForAgent } from ${src("agent/tracer.ts")};

const tracer = tracerForAgent();
await tracer.start(1);
const lost: ControllerLink = { send: () => Promise.resolve(), onClose() {}, hold() {}, release() {} };
reportEnding(tracer, lost, process.argv[2], () => false);
export const kept = new Uint8Array(64 * 1024);
`;

test("a program that ends by itself also writes its report, for a controller whose socket lost it", async () => {
  await withFiles({ "ends.mts": PROGRAM }, (dir) => {
    const file = join(dir, "exit-report");
    const { command, args } = scriptCommand(currentRuntimeName(), join(dir, "ends.mts"), [file]);
    const run = spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    const frames = new FrameReader().push(readFileSync(file));
    const exit = frames.find((frame) => (frame.header as AgentEvent).event === "exitSnapshot");
    assert.ok(exit, "an exit snapshot in the file");
    const event = exit.header as Extract<AgentEvent, { event: "exitSnapshot" }>;
    assert.deepEqual(event.ending, { how: "end", code: 0 });
    const snapshot = decodeResult("takeSnapshot", { body: exit.body }, file);
    const line = snapshot.statistics("lineno").find((stat) => stat.traceback.at(0)?.lineno === 10);
    assert.equal(line?.size, 64 * 1024, snapshot.statistics("lineno").map(String).join("\n"));
    return Promise.resolve();
  });
});
