import { test } from "node:test";
import assert from "node:assert/strict";
import { Session } from "../../../src/session/session.ts";
import { Controller, type Notice } from "../../../tui/session/controller.ts";
import { APP_TRACES, FakeTarget } from "../helpers.tsx";

function setup(target = new FakeTarget({ traces: APP_TRACES })) {
  const session = new Session({ target: new FakeTarget({ tracing: false }), launch: () => Promise.resolve(target) });
  const controller = new Controller(session);
  const notices: Notice[] = [];
  controller.onNotice((n) => notices.push(n));
  return { session, controller, notices, target };
}

test("commands run one after another in the order given", async () => {
  const { controller, session } = setup();
  void controller.run("run app.ts");
  void controller.run("snapshot a");
  await controller.run("snapshot b");
  assert.deepEqual([...session.snapshots.keys()], ["a", "b"]);
});

test("a command's first line is noticed", async () => {
  const { controller, notices } = setup();
  await controller.run("run app.ts");
  await controller.run("snapshot a");
  assert.deepEqual(notices.at(-1), { line: "snapshot a", text: "a: 3 traces, 1352 KiB", tone: "info" });
});

test("a failing command is logged and noticed as an error, and the next one still runs", async () => {
  const { controller, notices, session } = setup();
  await controller.run("nope");
  await controller.run("run app.ts");
  assert.equal(notices[0].tone, "error");
  assert.match(controller.state.log[0].text, /^nope: unknown command/);
  assert.equal(controller.state.log[0].tone, "error");
  assert.equal((await session.target.status()).pid, 4242);
});

test("an echoed command is logged with its result lines", async () => {
  const { controller } = setup();
  await controller.run("eval 2", true);
  assert.deepEqual(controller.state.log.map((l) => [l.tone, l.text]), [["command", ": eval 2"], [
    "result",
    "evaluated 2",
  ]]);
});

test("output is logged line by line, a partial line once complete", async () => {
  const { controller, target } = setup();
  await controller.run("run app.ts");
  target.write("stdout", "one\ntw");
  target.write("stdout", "o\n");
  assert.deepEqual(controller.state.log.filter((l) => l.tone === "stdout").map((l) => l.text), ["one", "two"]);
});

test("the target's exit is logged and kept in the state", async () => {
  const { controller, target } = setup();
  await controller.run("run app.ts");
  target.end({ code: 1, signal: null });
  assert.deepEqual(controller.state.exit, { code: 1, signal: null });
  assert.equal(controller.state.log.at(-1)?.text, "program node app.ts (pid 4242) exited with code 1");
});

test("quit asks the front end to end", async () => {
  const { controller } = setup();
  let asked = 0;
  controller.onQuit(() => asked++);
  await controller.run("quit");
  assert.equal(asked, 1);
});

test("deleting a snapshot forgets it", async () => {
  const { controller, session } = setup();
  await controller.run("run app.ts");
  await controller.run("snapshot a");
  controller.deleteSnapshot("a");
  assert.equal(session.snapshots.size, 0);
});
