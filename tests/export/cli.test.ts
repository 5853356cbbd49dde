import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { cli } from "../cli/helpers.ts";
import { LEAK_FILE, readPprof, signed, str, withTemp, writeDumps } from "./helpers.ts";

test("export DUMP OUT writes the dump in the format OUT's name gives", () =>
  withTemp(async (dir) => {
    const { after } = await writeDumps(dir);
    const out = join(dir, "after.pb.gz");
    const run = await cli(["export", after, out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^after written to .*after\.pb\.gz as pprof \(\d+ B\)\n$/);
    const profile = await readPprof(out);
    const leaf = profile.sample.map((s) => profile.location.find((l) => l.id === s.locationId[0])!.line[0]);
    assert.ok(leaf.some((line) => Number(line.line) === 16), "the leaking line's sample");
    assert.ok(profile.function.some((f) => str(profile, f.filename) === LEAK_FILE));
  }));

test("export --format writes the format asked for", () =>
  withTemp(async (dir) => {
    const { after } = await writeDumps(dir);
    const out = join(dir, "profile.json");
    const run = await cli(["export", after, out, "--format", "heapprofile"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(await readFile(out, "utf8")).head.callFrame.functionName, "(root)");
  }));

test("export --base OLD writes the change since the older dump", () =>
  withTemp(async (dir) => {
    const { before, after } = await writeDumps(dir);
    const out = join(dir, "growth.pb.gz");
    const run = await cli(["export", after, out, "--base", before]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^after compared with before written to /);
    const values = (await readPprof(out)).sample.map((s) => signed(s.value[1])).sort((a, b) => a - b);
    assert.deepEqual(values, [-1_000, 700, 2_048_000]);
  }));

test("export takes the filters stats takes", () =>
  withTemp(async (dir) => {
    const { after } = await writeDumps(dir);
    const out = join(dir, "buffers.pb.gz");
    const run = await cli(["export", after, out, "--include-domain", "1", "--exclude", "*pool.ts"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await readPprof(out)).sample.map((s) => signed(s.value[1])), [2_088_960]);
  }));

test("export --json prints what was written", () =>
  withTemp(async (dir) => {
    const { after } = await writeDumps(dir);
    const out = join(dir, "after.html");
    const run = await cli(["export", after, out, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const line = JSON.parse(run.stdout);
    assert.deepEqual(
      [line.command, line.ok, line.result.format, line.result.file, line.result.bytes],
      ["export", true, "html", out, (await readFile(out)).length],
    );
  }));

test("export with --base and a format that cannot hold it exits 1 saying why, writing nothing", () =>
  withTemp(async (dir) => {
    const { before, after } = await writeDumps(dir);
    const run = await cli(["export", after, join(dir, "x.speedscope.json"), "--base", before]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^export: speedscope cannot hold a comparison \(speedscope reads no negative weights\)/);
    assert.deepEqual((await readdir(dir)).sort(), ["after.dump", "before.dump"]);
  }));

test("export of a file that is no dump exits 1 naming it", () =>
  withTemp(async (dir) => {
    const run = await cli(["export", join(dir, "missing.dump"), join(dir, "x.html")]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^export: .*missing\.dump: cannot read: no such file\n$/);
  }));

test("export with a name that gives no format exits 1 listing the endings", () =>
  withTemp(async (dir) => {
    const { after } = await writeDumps(dir);
    const run = await cli(["export", after, join(dir, "x.out")]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /give --format pprof\|heapprofile\|speedscope\|html or end the name with \.pb\.gz/);
  }));
