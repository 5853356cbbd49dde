import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RawFrame } from "../../src/model/frame.ts";
import { Snapshot } from "../../src/model/snapshot.ts";
import { tempDir } from "../session/helpers.ts";
import { cli, HOST } from "./helpers.ts";

/** A program that leaks into a module-level Map and churns temporary rows in the same function. */
const SERVICE = fileURLToPath(new URL("./fixtures/leaking-service.ts", import.meta.url));
const SOURCE = readFileSync(SERVICE, "utf8").split("\n");
const LEAK_LINE = SOURCE.findIndex((line) => line.includes("// LEAK")) + 1;
const CHURN_LINE = SOURCE.findIndex((line) => line.includes("// CHURN")) + 1;

/**
 * Four snapshots a second apart of the service, traced with one allocation
 * in 16 sampled: it keeps 2,500 sessions a second, about 300 samples a
 * second on the leaking line, so that line grows in every interval.
 */
const SESSION = [
  "start 5 --every 16",
  `run ${JSON.stringify(SERVICE)}`,
  "wait 500",
  "snapshot --gc",
  "wait 1000",
  "snapshot --gc",
  "wait 1000",
  "snapshot --gc",
  "wait 1000",
  "snapshot --gc",
  `filter include ${JSON.stringify("*leaking-service.ts")}`,
  "leaks --limit 5",
  "quit",
];

/** The rows of a leaks table: rank, steadiness, grew, place. */
function rows(stdout: string): { rank: number; steadiness: number; grew: string; place: string }[] {
  return stdout.split("\n").filter((line) => /^\d+ +\d\.\d\d /.test(line)).map((line) => {
    const cells = line.split(/ {2,}/);
    return { rank: Number(cells[0]), steadiness: Number(cells[1]), grew: cells[2], place: cells.at(-1)! };
  });
}

test(`a scripted session ranks the line that leaks into a Map first, above the churning line (${HOST})`, async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const script = join(dir, "leaks.txt");
    await writeFile(script, SESSION.join("\n") + "\n");
    const run = await cli(["repl", "--script", script]);
    assert.equal(run.code, 0, run.stderr);
    const ranked = rows(run.stdout);
    assert.deepEqual(ranked[0], { rank: 1, steadiness: 1, grew: "3/3", place: `${SERVICE}:${LEAK_LINE}` }, run.stdout);
    const churn = ranked.find((row) => row.place === `${SERVICE}:${CHURN_LINE}`);
    // Bun's forced collection can keep what the program's last task made (one request's rows, ~25 samples here, in
    // one collection in 4 to 10): there the churning line may show a few KiB in every snapshot, by chance growing.
    if (churn && HOST !== "bun") assert.ok(churn.steadiness < 1, run.stdout);
    assert.match(run.stdout, /^\[ Top 5 of \d+ growing places over 4 snapshots: s1, s2, s3, s4 \]$/m);
    assert.match(run.stdout, /^steadiness = \(intervals it grew in \/ intervals\) × \(net growth \/ total change\)/m);
  } finally {
    await cleanup();
  }
});

const LEAK: RawFrame = ["/home/me/app/service.ts", 19, 5, "handle"];
const CHURN: RawFrame = ["/home/me/app/service.ts", 14, 5, "handle"];

/** Writes 1.dump, 2.dump and 3.dump: line 19 grows each time, line 14 grows and shrinks. */
async function withDumps(body: (files: string[]) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    const files = [];
    for (const [i, [leak, churn]] of [[1000, 5000], [2000, 500], [3000, 6000]].entries()) {
      const file = join(dir, `${i + 1}.dump`);
      await new Snapshot([[0, leak, [LEAK], 1], [0, churn, [CHURN], 1]], 5).dump(file);
      files.push(file);
    }
    await body(files);
  } finally {
    await cleanup();
  }
}

test("leaks FILE FILE FILE ranks the places of dump files, steadiest first, with how to read it", () =>
  withDumps(async (files) => {
    const run = await cli(["leaks", ...files]);
    assert.equal(run.stderr, "");
    assert.equal(
      run.stdout,
      [
        "[ Top 10 of 2 growing places over 3 snapshots: 1, 2, 3 ]",
        "#  steadiness  grew   growth            1 → 3  sizes  place",
        "1        1.00   2/2  +2000 B  1000 B → 3000 B  ▁▅█    /home/me/app/service.ts:19",
        "2        0.05   1/2  +1000 B  5000 B → 6000 B  ▇▁█    /home/me/app/service.ts:14",
        "steadiness = (intervals it grew in / intervals) × (net growth / total change); 1.00: grew every time, never shrank",
        "grew: the intervals (one snapshot to the next) it grew in · growth: its size in 3 minus its size in 1",
        "sizes: one bar per snapshot, its smallest size ▁ to its largest █ · ranked by steadiness, then growth",
        "traceback 3 N: where the memory of entry N was allocated",
        "",
      ].join("\n"),
    );
    assert.equal(run.code, 0);
  }));

test("leaks --json prints the ranking as data", () =>
  withDumps(async (files) => {
    const run = await cli(["leaks", ...files, "--limit", "1", "--json"]);
    const { command, ok, result } = JSON.parse(run.stdout);
    assert.deepEqual({ command, ok }, { command: "leaks", ok: true });
    assert.deepEqual(result.labels, ["1", "2", "3"]);
    assert.equal(result.total, 2);
    assert.deepEqual(result.entries[0], {
      rank: 1,
      text: "/home/me/app/service.ts:19: +2000 B (1000 B → 3000 B), grew 2/2, steadiness 1.00, sizes ▁▅█",
      growth: 2000,
      first: 1000,
      last: 3000,
      intervals: 2,
      grew: 2,
      steadiness: 1,
      sizes: [1000, 2000, 3000],
      counts: [1, 1, 1],
      traceback: [{ file: "/home/me/app/service.ts", line: 19, column: 5, function: "handle" }],
    });
    assert.equal(run.code, 0);
  }));

test("leaks with fewer than 3 dump files says how many it needs and how many were given, and exits 1", () =>
  withDumps(async (files) => {
    const run = await cli(["leaks", files[0], files[1]]);
    assert.equal(run.stdout, "");
    assert.equal(run.stderr, "leaks: needs at least 3 snapshots, and 2 were given\n");
    assert.equal(run.code, 1);
  }));

test("leaks takes the filters of stats and compare", () =>
  withDumps(async (files) => {
    const run = await cli(["leaks", ...files, "--exclude", "*service.ts"]);
    assert.match(run.stdout, /^\[ Top 10 of 0 growing places over 3 snapshots: 1, 2, 3 \]\nno place is bigger/);
    assert.equal(run.code, 0);
  }));

test("leaks --help describes the command", async () => {
  const run = await cli(["leaks", "--help"]);
  assert.match(run.stdout, /^Usage: tracemalloc leaks \[options\] <files\.\.\.>/);
  assert.match(run.stdout, /--by <key> +a place is a line \(lineno\) or a whole traceback/);
  assert.equal(run.code, 0);
});
