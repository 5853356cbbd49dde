import { test } from "node:test";
import assert from "node:assert/strict";
import { complete } from "../../src/session/complete.ts";
import { quote } from "../../src/session/tokenize.ts";
import { offlineSession, tempDir, writeDumps } from "./helpers.ts";

test("the first word completes to command names", () => {
  assert.deepEqual(complete(offlineSession(), "sta"), {
    candidates: ["start", "stats", "status"],
    word: "sta",
  });
});

test("a word starting with - completes to the command's options", () => {
  assert.deepEqual(complete(offlineSession(), "stats --c").candidates, [
    "--cumulative",
  ]);
});

test("a label argument completes to snapshot labels", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const session = offlineSession();
    const { before } = await writeDumps(dir);
    await session.execute(`load ${quote(before)} base`);
    await session.execute(`load ${quote(before)} bigger`);
    assert.deepEqual(complete(session, "compare bigger b").candidates, [
      "base",
      "bigger",
    ]);
  } finally {
    await cleanup();
  }
});

test("run completes its --no-trace option", () => {
  assert.deepEqual(complete(offlineSession(), "run --no").candidates, ["--no-trace"]);
});

test("an option's value is skipped when counting arguments", () => {
  const session = offlineSession();
  assert.deepEqual(complete(session, "traceback --limit 3 ").candidates, []);
  assert.deepEqual(complete(session, "help --x sn").candidates, [
    "snapshot",
    "snapshots",
  ]);
});

test("filter completes its actions and domain's include or exclude", () => {
  const session = offlineSession();
  assert.deepEqual(complete(session, "filter d").candidates, ["domain"]);
  assert.deepEqual(complete(session, "filter domain ").candidates, [
    "exclude",
    "include",
  ]);
});

test("a file argument completes to entries of the directory", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await writeDumps(dir);
    assert.deepEqual(complete(offlineSession(), `load ${dir}/a`).candidates, [
      `${dir}/after.dump`,
    ]);
  } finally {
    await cleanup();
  }
});

test("eval's code is not completed", () => {
  assert.deepEqual(complete(offlineSession(), "eval glob").candidates, []);
});
