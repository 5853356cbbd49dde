import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../../src/runtime/index.ts";
import { scriptCommand } from "../../src/runtime/spawn.ts";

/** What the colour helper gives in a fresh process with `NO_COLOR` set to `value` (or unset). */
function colors(value: string | undefined): { off: boolean; cyan: string | null } {
  const script = fileURLToPath(new URL("./fixtures/colors.ts", import.meta.url));
  const { command, args } = scriptCommand(runtime().name, script, []);
  const env = { ...process.env, NO_COLOR: value };
  if (value === undefined) delete env.NO_COLOR;
  return JSON.parse(execFileSync(command, args, { env, encoding: "utf8", timeout: 60_000 }).trim());
}

test("NO_COLOR set to anything drops the screen's colours", () => {
  assert.deepEqual(colors("1"), { off: true, cyan: null });
});

test("the screen keeps its colours when NO_COLOR is unset or empty", () => {
  assert.deepEqual(colors(undefined), { off: false, cyan: "cyan" });
  assert.deepEqual(colors(""), { off: false, cyan: "cyan" });
});
