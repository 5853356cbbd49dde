/**
 * The command line answers bad input in one line: an unknown command is
 * called one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cli } from "./helpers.ts";

test("an unknown command is called one, not an excess argument", async () => {
  const run = await cli(["frobnicate"]);
  assert.equal(run.stderr, "error: unknown command 'frobnicate'\n(add --help for usage)\n");
  assert.equal(run.stdout, "");
  assert.equal(run.code, 1);
});

test("an unknown command is echoed escaped and cut", async () => {
  const run = await cli([`frob\x1b]0;pwned\x07${"x".repeat(10_000)}`]);
  assert.equal(
    run.stderr,
    `error: unknown command 'frob\\x1b]0;pwned\\x07${"x".repeat(66)}…'\n(add --help for usage)\n`,
  );
  assert.equal(run.code, 1);
});
