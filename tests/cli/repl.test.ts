import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { type ReplOptions, runRepl } from "../../src/cli/repl.ts";
import { OfflineTarget } from "../../src/session/offline.ts";
import { Session } from "../../src/session/session.ts";
import { quote } from "../../src/session/tokenize.ts";
import { LEAK_LINE, LEAKY, tempDir, writeDumps } from "../session/helpers.ts";

/** A sink that keeps what is written. */
function sink(isTTY = false) {
  const sink = {
    text: "",
    isTTY,
    write: (s: string) => (sink.text += s, true),
  };
  return sink;
}

/** An offline target that remembers being closed. */
class ClosingTarget extends OfflineTarget {
  closed = 0;
  override close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

interface Setup {
  script: string;
  session: Session;
  target: ClosingTarget;
  stdout: ReturnType<typeof sink>;
  stderr: ReturnType<typeof sink>;
  files: { before: string; after: string };
  /** Runs the REPL on the script (unless `options` give another source) into the sinks. */
  run(options?: Partial<ReplOptions>): Promise<number>;
}

async function withScript(
  commands: (files: { before: string; after: string }) => string[],
  body: (s: Setup) => Promise<void>,
) {
  const { dir, cleanup } = await tempDir();
  try {
    const files = await writeDumps(dir);
    const script = join(dir, "session.txt");
    await writeFile(script, commands(files).join("\n") + "\n");
    const target = new ClosingTarget();
    const session = new Session({ target });
    const setup: Setup = {
      script,
      session,
      target,
      stdout: sink(),
      stderr: sink(),
      files,
      run: (options) => runRepl({ session, source: { kind: "script", file: script }, sinks: setup, ...options }),
    };
    await body(setup);
  } finally {
    await cleanup();
  }
}

test("a script runs its commands in order and prints their output", () =>
  withScript(
    ({ after }) => [`load ${quote(after)} a  # the dump`, "stats a --limit 1"],
    async (s) => {
      const code = await s.run();
      assert.equal(s.stderr.text, "");
      assert.equal(
        s.stdout.text,
        `a: 4 traces, 55.9 KiB from ${s.files.after}\n[ Top 1 ]\n` +
          `${LEAKY}:${LEAK_LINE}: size=49.8 KiB, count=50, average=1020 B\n`,
      );
      assert.equal(code, 0);
    },
  ));

test("a script stops at an unknown command, naming it and its line, with a non-zero exit", () =>
  withScript(
    ({ after }) => [`load ${quote(after)} a`, "bogus 1", "stats a"],
    async (s) => {
      const code = await s.run();
      assert.equal(
        s.stderr.text,
        `${s.script}:2: bogus: unknown command (try help)\n`,
      );
      assert.doesNotMatch(
        s.stdout.text,
        /Top/,
        "the line after the failure did not run",
      );
      assert.equal(code, 1);
    },
  ));

test("a script stops at a bad option, naming the command and the option", () =>
  withScript(
    ({ after }) => [`load ${quote(after)} a`, "stats a --limit lots"],
    async (s) => {
      const code = await s.run();
      assert.equal(
        s.stderr.text,
        `${s.script}:2: stats: option --limit must be a positive integer, not "lots"\n`,
      );
      assert.equal(code, 1);
    },
  ));

test("a script stops at a failing command", () =>
  withScript(() => ["load /nonexistent/x.dump", "help"], async (s) => {
    const code = await s.run();
    assert.equal(
      s.stderr.text,
      `${s.script}:1: load: /nonexistent/x.dump: cannot read: no such file\n`,
    );
    assert.equal(s.stdout.text, "");
    assert.equal(code, 1);
  }));

test("with keep-going a script runs every line and exits non-zero at the end", () =>
  withScript(
    ({ after }) => ["bogus", `load ${quote(after)} a`, "stats a --limit 1", "stats b"],
    async (s) => {
      const code = await s.run({ keepGoing: true });
      assert.match(s.stdout.text, /\[ Top 1 \]/);
      assert.equal(s.stderr.text.split("\n").length - 1, 2, s.stderr.text);
      assert.match(
        s.stderr.text,
        /:4: stats: no snapshot labelled "b" \(have a\)/,
      );
      assert.equal(code, 1);
    },
  ));

test("quit ends a script before its remaining lines", () =>
  withScript(() => ["quit", "bogus"], async (s) => {
    const code = await s.run();
    assert.equal(s.stderr.text, "");
    assert.equal(code, 0);
  }));

test("a missing script file is named and gives a non-zero exit", () =>
  withScript(() => [], async (s) => {
    const code = await s.run({ source: { kind: "script", file: s.script + ".no" } });
    assert.equal(
      s.stderr.text,
      `repl: cannot read script ${s.script}.no: no such file\n`,
    );
    assert.equal(code, 1);
  }));

test("the session is closed when the script ends, even after a failure", () =>
  withScript(() => ["bogus"], async (s) => {
    await s.run();
    assert.equal(s.target.closed, 1);
  }));

test("commands are read from a stream that is not a terminal", () =>
  withScript(() => [], async (s) => {
    const input = new PassThrough();
    input.end(`load ${quote(s.files.after)} a\nsnapshots\nbogus\n`);
    const code = await s.run({ source: { kind: "stream", input, name: "<stdin>" } });
    assert.match(s.stdout.text, /^a: 4 traces/);
    assert.equal(
      s.stderr.text,
      "<stdin>:3: bogus: unknown command (try help)\n",
    );
    assert.equal(code, 1);
  }));

test("with --json every command gives one JSON object, failures included", () =>
  withScript(
    ({ after }) => [`load ${quote(after)} a`, "stats a --limit 1", "stats b"],
    async (s) => {
      const code = await s.run({ json: true, keepGoing: true });
      const objects = s.stdout.text.trim().split("\n").map((line) => JSON.parse(line));
      assert.deepEqual(objects.map((o) => [o.command, o.ok]), [["load", true], [
        "stats",
        true,
      ], ["stats", false]]);
      assert.equal(objects[1].result.entries[0].size, 51000);
      assert.equal(
        objects[2].error,
        'stats: no snapshot labelled "b" (have a)',
      );
      assert.equal(code, 1);
    },
  ));

test("an interactive session prints errors and goes on, keeping its snapshots", () =>
  withScript(() => [], async (s) => {
    const input = new PassThrough();
    const output = new PassThrough();
    let screen = "";
    output.setEncoding("utf8").on("data", (text: string) => screen += text);
    const done = s.run({ source: { kind: "terminal", input, output } });
    input.write(`load ${quote(s.files.after)} a\n`);
    input.write("stats a --limit nope\n");
    input.write("snapshots\n");
    input.end();
    const code = await done;
    assert.equal(
      s.stderr.text,
      'stats: option --limit must be a positive integer, not "nope"\n',
    );
    assert.match(
      s.stdout.text,
      /^a +\d\d:\d\d:\d\d {2}4 traces, 55\.9 KiB {2}loaded from /m,
    );
    assert.match(screen, /tracemalloc> /);
    assert.equal(code, 0);
  }));

/** Runs an interactive session fed `typed`, with its history in `history`. */
async function typeInto(session: Session, typed: string, history?: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  const stdout = sink();
  const stderr = sink();
  const done = runRepl({
    session,
    source: { kind: "terminal", input, output, history },
    sinks: { stdout, stderr },
  });
  input.end(typed);
  return { code: await done, stdout, stderr };
}

test("tab completes a command name at the terminal", async () => {
  const input = new PassThrough();
  const output = new PassThrough();
  const stdout = sink();
  const session = new Session({ target: new ClosingTarget() });
  const done = runRepl({
    session,
    source: { kind: "terminal", input, output },
    sinks: { stdout, stderr: sink() },
  });
  let screen = "";
  output.setEncoding("utf8").on("data", (text: string) => {
    screen += text;
    // Completion is asynchronous: press Enter once the completed word is on the screen.
    // deno-lint-ignore no-control-regex
    if (screen.replace(/\x1b\[\d*[A-Za-z]/g, "").endsWith("tracemalloc> help")) input.end("\n");
  });
  input.write("hel\t");
  assert.equal(await done, 0);
  assert.match(stdout.text, /^start \[NFRAME\] /);
});

test("lines typed at the terminal are kept in the history file", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const history = join(dir, "history");
    await typeInto(
      new Session({ target: new ClosingTarget() }),
      "help quit\n\nsnapshots\n",
      history,
    );
    assert.equal(await readFile(history, "utf8"), "help quit\nsnapshots\n");
  } finally {
    await cleanup();
  }
});

test("Ctrl-C on an empty line at the terminal ends the session with status 130", () =>
  withScript(() => [], async (s) => {
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const done = s.run({ source: { kind: "terminal", input, output } });
    input.write(`load ${quote(s.files.after)} a\n`);
    input.write("\x03");
    assert.equal(await done, 130);
    assert.equal(s.target.closed, 1);
  }));
