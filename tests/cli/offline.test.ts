import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LEAK_LINE, LEAKY, withDumps } from "../session/helpers.ts";
import { cli, RUNTIMES } from "./helpers.ts";

for (const runtime of RUNTIMES) {
  test(`stats FILE prints the top statistics of a dump (${runtime})`, () =>
    withDumps(async ({ after }) => {
      const run = await cli(["stats", after, "--limit", "1"], { runtime });
      assert.equal(run.stderr, "");
      assert.equal(
        run.stdout,
        `[ Top 1 ]\n${LEAKY}:${LEAK_LINE}: size=49.8 KiB, count=50, average=1020 B\n`,
      );
      assert.equal(run.code, 0);
    }));
}

test("compare NEW OLD prints the top differences", () =>
  withDumps(async ({ before, after }) => {
    const run = await cli(["compare", after, before, "--limit", "1"]);
    assert.equal(
      run.stdout,
      `[ Top 1 differences ]\n${LEAKY}:${LEAK_LINE}: size=49.8 KiB (+48.8 KiB), count=50 (+49), average=1020 B\n`,
    );
    assert.equal(run.code, 0);
  }));

test("stats --json prints one JSON object with the entries", () =>
  withDumps(async ({ after }) => {
    const run = await cli(["stats", after, "--by", "filename", "--json"]);
    const result = JSON.parse(run.stdout);
    assert.equal(result.command, "stats");
    assert.equal(result.ok, true);
    assert.equal(result.result.by, "filename");
    assert.equal(result.result.entries[0].traceback[0].file, LEAKY);
  }));

test("filter options of stats apply glob and domain filters", () =>
  withDumps(async ({ after }) => {
    const run = await cli([
      "stats",
      after,
      "--exclude",
      "*leaky.ts",
      "--exclude-domain",
      "1",
    ]);
    assert.equal(
      run.stdout,
      "[ Top 10 ]\n<unknown>:0: size=64 B, count=1, average=64 B\n",
    );
  }));

test("stats of a missing file names it and exits non-zero", () =>
  withDumps(async ({ dir }) => {
    const missing = join(dir, "missing.dump");
    const run = await cli(["stats", missing]);
    assert.equal(run.stderr, `stats: ${missing}: cannot read: no such file\n`);
    assert.equal(run.code, 1);
  }));

test("compare of a corrupt dump says so and exits non-zero", () =>
  withDumps(async ({ before, dir }) => {
    const bad = join(dir, "bad.dump");
    await writeFile(bad, "\x89TMJS\r\n\x1a truncated");
    const run = await cli(["compare", bad, before]);
    assert.match(run.stderr, /^compare: .*bad\.dump: /);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    assert.equal(run.code, 1);
  }));

test("a bad number option names the option and exits non-zero", async () => {
  const run = await cli(["stats", "x.dump", "--limit", "many"]);
  assert.match(run.stderr, /option '--limit <n>' argument 'many' is invalid/);
  assert.equal(run.code, 1);
});

test("an unknown command line option is refused", async () => {
  const run = await cli(["stats", "x.dump", "--bogus"]);
  assert.match(run.stderr, /unknown option '--bogus'/);
  assert.equal(run.code, 1);
});

test("--version prints the package version", async () => {
  const run = await cli(["--version"]);
  assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/);
  assert.equal(run.code, 0);
});

for (const command of ["repl", "run", "stats", "compare", "tui"]) {
  test(`${command} --help describes the command`, async () => {
    const run = await cli([command, "--help"]);
    assert.match(run.stdout, new RegExp(`^Usage: tracemalloc ${command} `));
    assert.equal(run.code, 0);
  });

  test(`help ${command} describes the command as ${command} --help does`, async () => {
    const run = await cli(["help", command]);
    assert.equal(run.stdout, (await cli([command, "--help"])).stdout);
    assert.equal(run.code, 0);
  });
}

test("without a command and without a terminal, the usage is printed", async () => {
  const run = await cli([]);
  assert.match(run.stdout, /^Usage: tracemalloc \[options\] \[command\]/);
  assert.equal(run.code, 0);
});
