/**
 * Inputs without a clean answer get one: a wait too long for a timer, a
 * domain no trace can be in, a huge bad command, a directory given to run;
 * and listings cut source lines too long to read (a minified bundle's).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Snapshot } from "../../src/model/snapshot.ts";
import { Traceback } from "../../src/model/traceback.ts";
import { CommandError } from "../../src/session/errors.ts";
import { checkScript, launchChild, ScriptError } from "../../src/session/launch.ts";
import { OfflineTarget } from "../../src/session/offline.ts";
import { formatTraceback, listedSource, SOURCE_LINE_LIMIT } from "../../src/session/present.ts";
import { Session } from "../../src/session/session.ts";
import { quote } from "../../src/session/tokenize.ts";
import { offlineSession, tempDir } from "./helpers.ts";

/** The message `line` fails with. */
async function failure(session: Session, line: string): Promise<string> {
  try {
    await session.execute(line);
  } catch (error) {
    assert.ok(error instanceof CommandError, String(error));
    return error.message;
  }
  assert.fail(`${line.slice(0, 60)} did not fail`);
}

test("wait refuses from 2^31 ms on, naming the maximum, instead of returning at once", async () => {
  const session = offlineSession();
  const started = Date.now();
  for (const ms of [2 ** 31, 99_999_999_999, 2 ** 53 - 1]) {
    assert.equal(
      await failure(session, `wait ${ms}`),
      `wait: MS must be at most 2147483647 (about 24.8 days), not ${ms}`,
    );
  }
  assert.ok(Date.now() - started < 1000);
  assert.deepEqual((await session.execute("wait 1"))?.result.data, { waited: 1 });
});

test("a domain filter outside the 32-bit domains is refused, and the ends of the range are kept", async () => {
  const session = offlineSession();
  const range = "[-2147483648; 2147483647] (domains are 32-bit)";
  assert.equal(
    await failure(session, "filter domain include 99999999999"),
    `filter: domain must be an integer in range ${range}, not 99999999999`,
  );
  assert.equal(
    await failure(session, "filter domain exclude -2147483649"),
    `filter: domain must be an integer in range ${range}, not -2147483649`,
  );
  assert.equal(
    await failure(session, "filter include '*' --domain 2147483648"),
    `filter: option --domain must be an integer in range ${range}, not 2147483648`,
  );
  assert.equal(session.filters.length, 0, "nothing was added");
  await session.execute("filter domain include 2147483647");
  await session.execute("filter domain exclude -2147483648");
  await session.execute("filter include '*' --domain -7");
  assert.deepEqual(session.filters.map(String), [
    "include domain 2147483647",
    "exclude domain -2147483648",
    'include "*" domain -7',
  ]);
});

test("a huge bad command is echoed cut to 80 characters and …", async () => {
  const session = offlineSession();
  const huge = "x".repeat(100_000);
  const unknown = await failure(session, huge);
  assert.equal(unknown, `${"x".repeat(80)}…: unknown command (try help)`);
  const option = await failure(session, `stats --${huge}`);
  assert.ok(option.length < 300, `${option.length} characters`);
  assert.ok(option.startsWith(`stats: unknown option --${"x".repeat(100)}`), option.slice(0, 100));
  assert.match(option, /x… \(stats takes --by, --cumulative, --limit[^)]*\)$/);
  const label = await failure(session, `stats "${"a ".repeat(50_000)}"`);
  assert.equal(label, `stats: no snapshot labelled "${"a ".repeat(40)}…"`);
  const quoted = await failure(session, `'${huge}`);
  assert.ok(quoted.length < 300, `${quoted.length} characters`);
});

test("error messages of normal size are not cut", async () => {
  const session = offlineSession();
  const path = `/${"long-directory-name/".repeat(8)}after.dump`;
  assert.equal(await failure(session, `load ${path}`), `load: ${path}: cannot read: no such file`);
});

test("run of a directory is refused before any runtime starts, naming it", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const session = new Session({ target: new OfflineTarget(), launch: launchChild });
    const started = Date.now();
    assert.equal(await failure(session, `run ${quote(dir)}`), `run: cannot start ${dir}: it is a directory`);
    assert.equal(await failure(session, `run ${quote(dir + "/")}`), `run: cannot start ${dir}/: it is a directory`);
    assert.equal(
      await failure(session, `run ${quote(join(dir, "none.ts"))}`),
      `run: cannot start ${join(dir, "none.ts")}: no such file`,
    );
    assert.ok(Date.now() - started < 2000, "no runtime was started");
    assert.equal(session.hasChild, false);
  } finally {
    await cleanup();
  }
});

test("checkScript refuses directories, missing and unreadable files, and takes readable ones", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await mkdir(join(dir, "sub"));
    await writeFile(join(dir, "app.ts"), "export {};\n");
    assert.throws(() => checkScript("sub", dir), new ScriptError("it is a directory"));
    assert.throws(() => checkScript("missing.ts", dir), new ScriptError("no such file"));
    assert.throws(() => checkScript("app.ts/x.ts", dir), new ScriptError("no such file"));
    checkScript("app.ts", dir);
    checkScript(join(dir, "app.ts"));
  } finally {
    await cleanup();
  }
});

test("listings cut source lines wider than 200 columns and say so; lines up to 200 are whole", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const bundle = join(dir, "bundle.min.js");
    const minified = "var a=" + "[1,2,3].map(function(x){return x*2}),".repeat(600) + "b=1;";
    const exact = "x".repeat(SOURCE_LINE_LIMIT);
    await writeFile(bundle, `${minified}\n${exact}\n`);
    const dump = join(dir, "exit.dump");
    await new Snapshot([[0, 9000, [[bundle, 1, 7, "f"]], 1], [0, 10, [[bundle, 2, 1]], 1]], 1).dump(dump);
    const session = offlineSession();
    await session.execute(`load ${quote(dump)} a`);
    const top = (await session.execute("top a"))!;
    const cutLine = `    ${minified.slice(0, SOURCE_LINE_LIMIT - 1)}… [line cut at 200 columns]`;
    assert.deepEqual(top.result.lines.slice(1, 5), [
      `#1: ${bundle}:1: 8.8 KiB`,
      cutLine,
      `#2: ${bundle}:2: 0.0 KiB`,
      `    ${exact}`,
    ]);
    const data = top.result.data as { entries: { source: string }[] };
    assert.equal(data.entries[0].source, minified, "--json keeps the whole line");
    const traceback = (await session.execute("traceback a 1"))!;
    assert.ok(traceback.result.lines.includes(cutLine), traceback.result.lines.join("\n"));
  } finally {
    await cleanup();
  }
});

test("listedSource cuts between whole characters, in columns; formatTraceback keeps short lines as CPython", () => {
  assert.equal(listedSource("const rows = [];"), "const rows = [];");
  assert.equal(listedSource("データ".repeat(40), 9), "データデ… [line cut at 9 columns]");
  assert.equal(listedSource("a".repeat(20_000), 10), "aaaaaaaaa… [line cut at 10 columns]");
  const tb = Traceback.fromRaw([["<unknown>", 0]]);
  assert.deepEqual(formatTraceback(tb), tb.format());
});
