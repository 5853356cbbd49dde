import { test } from "node:test";
import assert from "node:assert/strict";
import { Printer } from "../../src/cli/printer.ts";

function sink(isTTY: boolean) {
  const sink = { text: "", isTTY, write: (s: string) => (sink.text += s, true) };
  return sink;
}

test("a long operation shows progress on a terminal and clears it when done", async () => {
  const stderr = sink(true);
  const printer = new Printer({ stdout: sink(false), stderr }, { json: false, progressDelayMs: 0 });
  let finish = () => {};
  const done = new Promise<void>((resolve) => finish = resolve);
  const shown = new Promise<void>((resolve) => {
    stderr.write = (s: string) => {
      stderr.text += s;
      if (stderr.text.includes("taking a snapshot...")) resolve();
      return true;
    };
  });
  printer.event({ type: "activity", text: "taking a snapshot", done });
  await shown;
  finish();
  await done;
  await new Promise((resolve) => setTimeout(resolve, 0));
  // deno-lint-ignore no-control-regex
  assert.match(stderr.text, /^\r\x1b\[K[|/\\-] taking a snapshot\.\.\. \d+\.\d s/);
  assert.ok(stderr.text.endsWith("\r\x1b[K"), "the progress line is cleared");
});

test("progress is not shown when standard error is not a terminal", async () => {
  const stderr = sink(false);
  const printer = new Printer({ stdout: sink(false), stderr }, { json: false, progressDelayMs: 0 });
  const done = new Promise((resolve) => setTimeout(resolve, 250));
  printer.event({ type: "activity", text: "reading x.dump", done });
  await done;
  assert.equal(stderr.text, "");
});

test("a child's output is shown line by line, prefixed with its pid, on its own stream", () => {
  const stdout = sink(false);
  const stderr = sink(false);
  const printer = new Printer({ stdout, stderr }, { json: false });
  printer.event({ type: "output", stream: "stdout", text: "one\ntw", pid: 7 });
  printer.event({ type: "output", stream: "stderr", text: "oops\n", pid: 7 });
  printer.event({ type: "output", stream: "stdout", text: "o\n", pid: 7 });
  assert.equal(stdout.text, "[7] one\n[7] two\n");
  assert.equal(stderr.text, "[7:err] oops\n");
});

test("a child's exit is reported on standard error after its last output", () => {
  const stdout = sink(false);
  const stderr = sink(false);
  const printer = new Printer({ stdout, stderr }, { json: false });
  printer.event({ type: "output", stream: "stdout", text: "no newline", pid: 7 });
  printer.event({ type: "exit", exit: { code: 2, signal: null }, pid: 7, command: "node app.ts" });
  assert.equal(stdout.text, "[7] no newline\n");
  assert.equal(stderr.text, "[7] node app.ts exited with code 2\n");
});

test("with --json a child's output and exit are JSON events on standard output", () => {
  const stdout = sink(false);
  const printer = new Printer({ stdout, stderr: sink(false) }, { json: true });
  printer.event({ type: "output", stream: "stderr", text: "warn\n", pid: 7 });
  printer.event({ type: "exit", exit: { code: null, signal: "SIGKILL" }, pid: 7, command: "node app.ts" });
  assert.deepEqual(stdout.text.trim().split("\n").map((l) => JSON.parse(l)), [
    { event: "output", pid: 7, stream: "stderr", text: "warn" },
    { event: "exit", pid: 7, code: null, signal: "SIGKILL" },
  ]);
});
