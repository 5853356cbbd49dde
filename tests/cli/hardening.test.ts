/**
 * The command line answers bad input in one line: an unknown command is
 * called one, `run` of a directory is refused before a runtime starts, an
 * out-of-range domain is refused.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDumps } from "../session/helpers.ts";
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

test("run of a directory says so in one line and exits 1, without starting the program", () =>
  withDumps(async ({ dir }) => {
    const run = await cli(["run", dir + "/"]);
    assert.equal(run.stderr, `run: cannot start ${dir}/: it is a directory\n`);
    assert.equal(run.stdout, "");
    assert.equal(run.code, 1);
  }));

test("an out-of-range domain filter is refused with the range", () =>
  withDumps(async ({ after }) => {
    const run = await cli(["stats", after, "--include-domain", "99999999999"]);
    assert.equal(
      run.stderr,
      "stats: domain must be an integer in range [-2147483648; 2147483647] (domains are 32-bit), not 99999999999\n",
    );
    assert.equal(run.code, 1);
  }));
