import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { Session } from "../../src/session/session.ts";
import { runTui } from "../../tui/run.tsx";
import { APP_TRACES, FakeTarget } from "./helpers.tsx";
import { Input, Output } from "./terminal.ts";

const ENTER_ALTERNATE = "\x1b[?1049h";
const LEAVE_ALTERNATE = "\x1b[?1049l";
const SHOW_CURSOR = "\x1b[?25h";

/** Starts the TUI on a session of `target`; resolves once its live table is drawn. */
async function started(target = new FakeTarget({ traces: APP_TRACES }), drawn = "pool.ts:30") {
  const stdin = new Input();
  const stdout = new Output();
  const stderr = new Output();
  const session = new Session({ target });
  const code = runTui({ session, stdin, stdout, stderr, refreshMs: 50 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the TUI did not draw its table:\n${stdout.text}`)), 10_000);
    const check = () => {
      if (!stdout.text.includes(drawn)) return;
      clearTimeout(timer);
      stdout.off("text", check);
      resolve();
    };
    stdout.on("text", check);
    check();
  });
  return { stdin, stdout, stderr, code, session, target };
}

test("the TUI refuses to start without a terminal", async () => {
  const stderr = new Output();
  const stdin = new Input();
  stdin.isTTY = false;
  const code = await runTui({
    stdin,
    stdout: new Output(),
    stderr,
  });
  assert.equal(code, 1);
  assert.match(stderr.text, /needs a terminal/);
});

test("the TUI refuses a script that is a directory before it opens the screen", async () => {
  const stderr = new Output();
  const stdout = new Output();
  const code = await runTui({ script: "tests", stdin: new Input(), stdout, stderr });
  assert.equal(code, 1);
  assert.equal(stderr.text, "tracemalloc tui: cannot start tests: it is a directory\n");
  assert.equal(stdout.text, "");
});

test("q leaves the alternate screen, shows the cursor and ends with status 0", async () => {
  const { stdin, stdout, code } = await started();
  assert.ok(stdout.text.includes(ENTER_ALTERNATE));
  stdin.type("q");
  assert.equal(await code, 0);
  const after = stdout.text.slice(stdout.text.lastIndexOf(LEAVE_ALTERNATE));
  assert.ok(after.startsWith(LEAVE_ALTERNATE), "the alternate screen is left");
  assert.ok(after.includes(SHOW_CURSOR), "the cursor is shown after leaving it");
});

test("a failure of the app restores the terminal and is printed after it, with status 1", async () => {
  // A target whose status has no command makes the header fail to draw.
  const broken = new FakeTarget({ traces: APP_TRACES });
  const status = broken.status.bind(broken);
  broken.status = async () => ({ ...await status(), command: undefined as unknown as string });
  const { stdout, stderr, code } = await started(broken, ENTER_ALTERNATE);
  assert.equal(await code, 1);
  assert.ok(stdout.text.lastIndexOf(LEAVE_ALTERNATE) > stdout.text.lastIndexOf(ENTER_ALTERNATE));
  assert.ok(stdout.text.endsWith(SHOW_CURSOR));
  assert.match(stderr.text, /tracemalloc tui: TypeError/);
});

test("SIGTERM restores the terminal and ends with status 143", async () => {
  const { stdout, code } = await started();
  process.emit("SIGTERM");
  assert.equal(await code, 143);
  assert.ok(stdout.text.lastIndexOf(LEAVE_ALTERNATE) > stdout.text.lastIndexOf(ENTER_ALTERNATE));
});

test("a session given to the TUI is left open for its owner", async () => {
  const { stdin, code, target } = await started();
  stdin.type("q");
  await code;
  assert.equal(target.closed, false);
});
