/**
 * Shared pieces of the session tests: a temp directory, the leaky fixture's
 * path and line, and dump files made from known traces.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { OfflineTarget } from "../../src/session/offline.ts";
import { Session } from "../../src/session/session.ts";

/** The fixture that leaks on purpose. */
export const LEAKY = fileURLToPath(
  new URL("./fixtures/leaky.ts", import.meta.url),
);

/** The line of `LEAKY` that keeps buffers (marked `// LEAK`). */
export const LEAK_LINE = readFileSync(LEAKY, "utf8").split("\n").findIndex((l) => l.includes("// LEAK")) + 1;

/** Another line of the fixture, for traces that do not leak. */
export const RELEASE_LINE = readFileSync(LEAKY, "utf8").split("\n").findIndex((l) => l.includes("kept.length = 0")) +
  1;

/** A fresh temporary directory, removed by the returned function. */
export async function tempDir(): Promise<
  { dir: string; cleanup: () => Promise<void> }
> {
  const dir = await mkdtemp(join(tmpdir(), "tracemalloc-session-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Traces before the leak: a little of everything. */
export const BEFORE: RawTrace[] = [
  [0, 1000, [[LEAKY, LEAK_LINE, 1, "leak"]], 1],
  [1, 4096, [[LEAKY, RELEASE_LINE, 1, "release"], ["main.ts", 3]], 2],
  [0, 64, [["<unknown>", 0]], 1],
];

/** Traces after the leak: the leaking line grew by 50000 bytes in 49 more blocks. */
export const AFTER: RawTrace[] = [
  [0, 51000, [[LEAKY, LEAK_LINE, 1, "leak"]], 1, 50],
  [1, 4096, [[LEAKY, RELEASE_LINE, 1, "release"], ["main.ts", 3]], 2],
  [1, 2048, [[LEAKY, RELEASE_LINE, 1, "release"], ["other.ts", 9]], 2],
  [0, 64, [["<unknown>", 0]], 1],
];

/** Writes `before.dump` and `after.dump` into `dir`; returns their paths. */
export async function writeDumps(
  dir: string,
): Promise<{ before: string; after: string }> {
  const before = join(dir, "before.dump");
  const after = join(dir, "after.dump");
  await new Snapshot(BEFORE, 2).dump(before);
  await new Snapshot(AFTER, 2).dump(after);
  return { before, after };
}

/** Runs `body` with `before.dump` and `after.dump` written in a fresh temporary directory. */
export async function withDumps(
  body: (files: { before: string; after: string; dir: string }) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    await body({ ...(await writeDumps(dir)), dir });
  } finally {
    await cleanup();
  }
}

/** A session that only reads dump files. */
export function offlineSession(): Session {
  return new Session({ target: new OfflineTarget() });
}

/** Runs lines in order and returns the last outcome's lines. */
export async function lines(
  session: Session,
  ...commands: string[]
): Promise<readonly string[]> {
  let last: readonly string[] = [];
  for (const command of commands) {
    last = (await session.execute(command))?.result.lines ?? [];
  }
  return last;
}
