/**
 * A dump from elsewhere whose file names, function names and source lines
 * hold control characters (a terminal title, a clear screen, a NUL, a bidi
 * override) never sends them raw to the terminal: `stats`, `compare`, `top`,
 * `traceback` and echoed bad commands show them escaped, and `--json` keeps
 * them exact.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runRepl } from "../../src/cli/repl.ts";
import { Printer } from "../../src/cli/printer.ts";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { OfflineTarget } from "../../src/session/offline.ts";
import { Session } from "../../src/session/session.ts";
import { quote } from "../../src/session/tokenize.ts";
import { tempDir } from "../session/helpers.ts";
import { cli } from "./helpers.ts";

/** Sets the terminal's title, clears the screen, then a NUL. */
const TITLE = "\x1b]0;pwned\x07";
const EVIL_NAME = `evil${TITLE}\x1b[2J.ts`;
/** Not a real file: a path cannot hold a NUL. */
const NUL_NAME = "nul\x00.ts";
const BIDI_NAME = "bidi\u202etxt.ts";
const EVIL_SOURCE = `const banner = "${TITLE}\x1b[31mred\x9b2J";`;

// deno-lint-ignore no-control-regex
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function assertClean(text: string, what: string): void {
  const found = RAW.exec(text);
  assert.equal(found, null, `${what} holds a raw control character at ${found?.index}: ${JSON.stringify(text)}`);
}

function sink() {
  const sink = { text: "", isTTY: false, write: (s: string) => (sink.text += s, true) };
  return sink;
}

interface Files {
  dir: string;
  evil: string;
  before: string;
  after: string;
}

/** Dumps whose traces point into a source file with an evil name and an evil line. */
async function withEvilDumps(body: (files: Files) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    const evil = join(dir, EVIL_NAME);
    await writeFile(evil, `${EVIL_SOURCE}\n`);
    const frames = [[evil, 1, 1, `fn${TITLE}`]] as const;
    const before: RawTrace[] = [[0, 100, frames, 1], [0, 50, [[BIDI_NAME, 3]], 1], [0, 10, [[NUL_NAME, 2]], 1]];
    const after: RawTrace[] = [[0, 5000, frames, 1, 5], [0, 50, [[BIDI_NAME, 3]], 1], [0, 20, [[NUL_NAME, 2]], 1]];
    const files = { dir, evil, before: join(dir, "before.dump"), after: join(dir, "after.dump") };
    await new Snapshot(before, 1).dump(files.before);
    await new Snapshot(after, 1).dump(files.after);
    await body(files);
  } finally {
    await cleanup();
  }
}

test("stats and compare on the command line escape control characters of file names", () =>
  withEvilDumps(async ({ before, after }) => {
    const stats = await cli(["stats", after]);
    assert.equal(stats.code, 0, stats.stderr);
    assertClean(stats.stdout, "stats");
    assert.ok(stats.stdout.includes("evil\\x1b]0;pwned\\x07\\x1b[2J.ts:1: size="), stats.stdout);
    assert.ok(stats.stdout.includes("bidi\\u202etxt.ts:3: size=50 B"), stats.stdout);
    assert.ok(stats.stdout.includes("nul\\x00.ts:2: size=20 B"), stats.stdout);
    const compare = await cli(["compare", after, before]);
    assert.equal(compare.code, 0, compare.stderr);
    assertClean(compare.stdout, "compare");
    assert.match(compare.stdout, /evil\\x1b\]0;pwned\\x07\\x1b\[2J\.ts:1: size=5000 B \(\+4900 B\)/);
  }));

test("--json keeps file names exact", () =>
  withEvilDumps(async ({ after, evil }) => {
    const run = await cli(["stats", after, "--json"]);
    const result = JSON.parse(run.stdout).result;
    assert.equal(result.entries[0].traceback[0].file, evil);
    assert.equal(result.entries[0].traceback[0].function, `fn${TITLE}`);
    assert.equal(result.entries[1].traceback[0].file, BIDI_NAME);
    assert.equal(result.entries[2].traceback[0].file, NUL_NAME);
  }));

test("the REPL escapes file names, function names, source lines and echoed bad commands", () =>
  withEvilDumps(async ({ dir, before, after }) => {
    const script = join(dir, "session.txt");
    await writeFile(
      script,
      [
        `load ${quote(before)} a`,
        `load ${quote(after)} b`,
        "stats b",
        "compare b a",
        "top b",
        "traceback b 1",
        `bogus${TITLE}`,
        `stats b --lim${TITLE}`,
      ].join("\n") + "\n",
    );
    const stdout = sink(), stderr = sink();
    const session = new Session({ target: new OfflineTarget() });
    const code = await runRepl({
      session,
      source: { kind: "script", file: script },
      sinks: { stdout, stderr },
      keepGoing: true,
    });
    assert.equal(code, 1);
    assertClean(stdout.text, "the REPL's output");
    assertClean(stderr.text, "the REPL's errors");
    // Every listing shows the names, escaped.
    assert.match(stdout.text, /\[ Top 10 \]\n\S*evil\\x1b\]0;pwned\\x07\\x1b\[2J\.ts:1: size=/);
    assert.match(stdout.text, /\[ Top 10 differences \]\n\S*evil\\x1b/);
    assert.ok(stdout.text.includes(`    const banner = "\\x1b]0;pwned\\x07\\x1b[31mred\\x9b2J";`), stdout.text);
    assert.ok(stdout.text.includes(`.ts", line 1, in fn\\x1b]0;pwned\\x07`), stdout.text);
    assert.ok(stderr.text.includes(":7: bogus\\x1b]0;pwned\\x07: unknown command"), stderr.text);
    assert.ok(stderr.text.includes(":8: stats: unknown option --lim\\x1b]0;pwned\\x07"), stderr.text);
  }));

test("the REPL's --json output keeps the names exact", () =>
  withEvilDumps(async ({ dir, after, evil }) => {
    const script = join(dir, "session.txt");
    await writeFile(script, [`load ${quote(after)} b`, "top b", `bogus${TITLE}`].join("\n") + "\n");
    const stdout = sink(), stderr = sink();
    const session = new Session({ target: new OfflineTarget() });
    await runRepl({ session, source: { kind: "script", file: script }, sinks: { stdout, stderr }, json: true });
    const objects = stdout.text.trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(objects[1].result.entries[0].traceback[0].file, evil);
    assert.equal(objects[1].result.entries[0].source, EVIL_SOURCE);
    assert.equal(objects[2].error, `bogus${TITLE}: unknown command (try help)`);
    assertClean(stderr.text, "the errors");
  }));

test("the printer escapes results, errors, exits and progress, but keeps a message's own lines", () => {
  const stdout = sink(), stderr = sink();
  const printer = new Printer({ stdout, stderr }, { json: false });
  printer.result({ command: "x", result: { lines: [`a${TITLE}`, "b\x00\nc"], data: null } });
  printer.error(`load: x${TITLE}.dump: damaged\nsecond line\x1b[2J`, "load", "s.txt:1: ");
  printer.event({ type: "exit", pid: 7, command: `node app${TITLE}.ts`, exit: { code: 1, signal: null } });
  assert.equal(stdout.text, "a\\x1b]0;pwned\\x07\nb\\x00\nc\n");
  assert.equal(
    stderr.text,
    "s.txt:1: load: x\\x1b]0;pwned\\x07.dump: damaged\nsecond line\\x1b[2J\n[7] node app\\x1b]0;pwned\\x07.ts exited with code 1\n",
  );
});
