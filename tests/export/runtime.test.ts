/**
 * Exports of a real program's snapshots, taken by the REPL from a small
 * leaking program run under this test runner's runtime: Node under
 * `node --test`, Deno under `deno test`, Bun under `bun test`. The
 * buffers' domain alone (exact on every runtime) is exported, so sizes are
 * known to the byte: 8 buffers of 4 KiB before, 48 after.
 *
 * @module
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { HeapProfile, HeapProfileNode } from "../../src/export/heapprofile.ts";
import type { SpeedscopeFile } from "../../src/export/speedscope.ts";
import { currentRuntimeName } from "../../src/runtime/spawn.ts";
import type { Session } from "../../src/session/session.ts";
import { quote } from "../../src/session/tokenize.ts";
import { isAlive, waitUntil } from "../session/child-fixtures.ts";
import { browserTestOptions, openInChromium } from "./chromium.ts";
import { APP_LEAK_LINE, LEAKY_APP, readPprof, runtimeSession, signed, str, withTemp } from "./helpers.ts";

const RUNTIME = currentRuntimeName();
const KEPT_AFTER = 48 * 4096;
const GROWN = 40 * 4096;

/** One session for the file's tests, started by the first and closed by the last. */
let shared: Promise<Session> | undefined;
function session(): Promise<Session> {
  return shared ??= runtimeSession().then(async (s) => {
    await s.execute("filter domain include 1");
    return s;
  });
}

/** Exports with `command` (`LABEL FILE ...`, FILE a name in a temp directory) and returns the file's path and bytes. */
function exported<T>(name: string, args: string, read: (file: string) => Promise<T>): Promise<T> {
  return withTemp(async (dir) => {
    const file = join(dir, name);
    await (await session()).execute(`export after ${quote(file)} ${args}`);
    return read(file);
  });
}

/** The bytes of the leaking line's samples in a pprof file, by leaf location. */
async function pprofLeakBytes(file: string): Promise<number> {
  const profile = await readPprof(file);
  let bytes = 0;
  for (const sample of profile.sample) {
    const line = profile.location.find((l) => l.id === sample.locationId[0])!.line[0];
    const fn = profile.function.find((f) => f.id === line.functionId)!;
    if (str(profile, fn.filename) === LEAKY_APP && Number(line.line) === APP_LEAK_LINE) {
      bytes += signed(sample.value[1]);
    }
  }
  return bytes;
}

test(`a pprof export of a program run under ${RUNTIME} holds its leaking line's bytes`, async () => {
  assert.equal(await exported("after.pb.gz", "", pprofLeakBytes), KEPT_AFTER);
});

test(`a pprof diff of a program run under ${RUNTIME} holds what its leaking line gained`, async () => {
  assert.equal(await exported("growth.pb.gz", "--base before", pprofLeakBytes), GROWN);
});

test(`a .heapprofile of a program run under ${RUNTIME} has the leaking line, 0-based`, async () => {
  const profile: HeapProfile = await exported(
    "after.heapprofile",
    "",
    async (f) => JSON.parse(await readFile(f, "utf8")),
  );
  const all = (node: HeapProfileNode): HeapProfileNode[] => [node, ...node.children.flatMap(all)];
  const url = pathToFileURL(LEAKY_APP).href;
  const leak = all(profile.head).filter((n) => n.callFrame.url === url && n.callFrame.lineNumber === APP_LEAK_LINE - 1);
  assert.equal(leak.reduce((n, node) => n + node.selfSize, 0), KEPT_AFTER);
});

test(`a speedscope export of a program run under ${RUNTIME} weighs its leaking line`, async () => {
  const file: SpeedscopeFile = await exported(
    "after.speedscope.json",
    "",
    async (f) => JSON.parse(await readFile(f, "utf8")),
  );
  const [profile] = file.profiles;
  let bytes = 0;
  profile.samples.forEach((stack, i) => {
    const leaf = file.shared.frames[stack.at(-1)!];
    if (leaf.file === LEAKY_APP && leaf.line === APP_LEAK_LINE) bytes += profile.weights[i];
  });
  assert.equal(bytes, KEPT_AFTER);
});

test(
  `the HTML report of a program run under ${RUNTIME} shows its leaking line in Chromium, with no errors`,
  browserTestOptions(),
  async () => {
    const locations = "[...document.querySelectorAll('#top-table td.loc')].map((e) => e.title)";
    const page = await exported("after.html", "--base before", (f) => openInChromium(f, [locations]));
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.requests, []);
    assert.equal((page.values[0] as string[])[0], `${LEAKY_APP}:${APP_LEAK_LINE}`, page.text);
    assert.ok(page.text.includes("+160 KiB"), "40 buffers of 4 KiB gained");
  },
);

test(`closing the session ends the ${RUNTIME} program`, async () => {
  const held = await session();
  const { pid } = await held.target.status();
  await held.close();
  shared = undefined;
  await waitUntil(() => !isAlive(pid), `pid ${pid} has ended`);
});
