/**
 * Shared pieces of the export tests: known traces with a leaking line, a
 * session on a small leaking program run under the runtime of the test
 * runner, temp directories, and pprof decoding with pprof-format.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Profile } from "pprof-format";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { OfflineTarget } from "../../src/session/offline.ts";
import { openSession } from "../../src/session/open.ts";
import { Session } from "../../src/session/session.ts";
import { quote } from "../../src/session/tokenize.ts";

/** The program that leaks on purpose. */
export const LEAKY_APP = fileURLToPath(new URL("./fixtures/leaky-app.ts", import.meta.url));

/** Its line that keeps buffers (marked `// LEAK`). */
export const APP_LEAK_LINE = readFileSync(LEAKY_APP, "utf8").split("\n").findIndex((l) => l.endsWith("// LEAK")) + 1;

/** A made-up leaking file, for traces built by hand. */
export const LEAK_FILE = "/srv/shop/cache.ts";

/** Traces before the leak: the cache holds 10 blocks; a pool of 2 buffers; a temporary string. */
export const BEFORE: RawTrace[] = [
  [1, 40_960, [[LEAK_FILE, 16, 5, "remember"], [LEAK_FILE, 30, 3, "handle"], ["/srv/shop/main.ts", 8]], 3, 10],
  [1, 2_097_152, [["/srv/shop/pool.ts", 4, 20, "allocatePool"], ["/srv/shop/main.ts", 2]], 2, 2],
  [0, 1_000, [["/srv/shop/render.ts", 12, 9, "render"], [LEAK_FILE, 29, 3, "handle"]], 2, 5],
];

/** After: the cache line grew to 510 blocks, the pool stayed, the string went away. */
export const AFTER: RawTrace[] = [
  [1, 2_088_960, [[LEAK_FILE, 16, 5, "remember"], [LEAK_FILE, 30, 3, "handle"], ["/srv/shop/main.ts", 8]], 3, 510],
  [1, 2_097_152, [["/srv/shop/pool.ts", 4, 20, "allocatePool"], ["/srv/shop/main.ts", 2]], 2, 2],
  [0, 700, [["node:internal/timers", 594, 17, "listOnTimeout"]], 1, 7],
];

/** The snapshots of {@link BEFORE} and {@link AFTER}, 5 frames kept. */
export function beforeAfter(): { before: Snapshot; after: Snapshot } {
  return { before: new Snapshot(BEFORE, 5), after: new Snapshot(AFTER, 5) };
}

/** Runs `body` in a fresh temporary directory, removed after. */
export async function withTemp<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "tracemalloc-export-"));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Writes `before.dump` and `after.dump` of {@link BEFORE} and {@link AFTER} into `dir`. */
export async function writeDumps(dir: string): Promise<{ before: string; after: string }> {
  const { before, after } = beforeAfter();
  const files = { before: join(dir, "before.dump"), after: join(dir, "after.dump") };
  await before.dump(files.before);
  await after.dump(files.after);
  return files;
}

/** A session holding {@link BEFORE} and {@link AFTER} as `before` and `after`, loaded from dumps in `dir`. */
export async function offlineSession(dir: string): Promise<Session> {
  const files = await writeDumps(dir);
  const session = new Session({ target: new OfflineTarget() });
  await session.execute(`load ${quote(files.before)} before`);
  await session.execute(`load ${quote(files.after)} after`);
  return session;
}

/** A pprof file decoded with pprof-format's decoder. */
export async function readPprof(file: string): Promise<Profile> {
  return Profile.decode(gunzipSync(await readFile(file)));
}

/** A decoded value as a signed number (the decoder gives 64-bit varints unsigned, as BigInt when large). */
export function signed(value: number | bigint): number {
  return Number(BigInt.asIntN(64, BigInt(value)));
}

/** The string of index `i` in a decoded profile. */
export function str(profile: Profile, i: number | bigint): string {
  return profile.stringTable.strings[Number(i)];
}

/**
 * A session whose target is {@link LEAKY_APP} run under this test runner's
 * runtime (the REPL's `run`), with snapshots `before` (8 buffers kept) and
 * `after` (48 kept). Close it when done.
 */
export async function runtimeSession(): Promise<Session> {
  const session = openSession();
  try {
    await session.execute(`run ${quote(LEAKY_APP)}`);
    const deadline = Date.now() + 30_000;
    while ((await session.execute("eval globalThis.ready === true"))?.result.lines[0] !== "true") {
      if (Date.now() > deadline) throw new Error(`${LEAKY_APP} did not start within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await session.execute("snapshot before");
    await session.execute("eval grow(40)");
    await session.execute("snapshot after");
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}
