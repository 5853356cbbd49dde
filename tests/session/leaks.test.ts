import { test } from "node:test";
import assert from "node:assert/strict";
import type { RawFrame } from "../../src/model/frame.ts";
import { type RawTrace, Snapshot } from "../../src/model/snapshot.ts";
import { complete } from "../../src/session/complete.ts";
import { CommandError } from "../../src/session/errors.ts";
import type { Session } from "../../src/session/session.ts";
import { lines, offlineSession } from "./helpers.ts";

const LEAK: RawFrame = ["/home/me/app/service.ts", 19, 5, "handle"];
const CHURN: RawFrame = ["/home/me/app/service.ts", 14, 5, "handle"];
const STEP: RawFrame = ["/home/me/app/boot.ts", 3, 1, "boot"];
const MAIN: RawFrame = ["/home/me/app/main.ts", 30, 1, "main"];

/** The sizes of each place in each snapshot: s1, s2, ... */
const SERIES: [RawFrame, number[]][] = [
  [LEAK, [1024, 2048, 3072, 4096]],
  [CHURN, [8192, 0, 16384, 9216]],
  [STEP, [0, 20480, 20480, 20480]],
];

/** An offline session holding one snapshot per column of `series`, labelled s1, s2, ... */
function holding(series: [RawFrame, number[]][] = SERIES, snapshots = series[0][1].length): Session {
  const session = offlineSession();
  for (let i = 0; i < snapshots; i++) {
    const traces: RawTrace[] = series.filter(([, sizes]) => sizes[i] > 0)
      .map(([frame, sizes]) => [frame === STEP ? 1 : 0, sizes[i], [frame, MAIN], 2, sizes[i] / 1024]);
    session.addSnapshot({ snapshot: new Snapshot(traces, 5), origin: "taken", time: new Date(), source: "test" });
  }
  return session;
}

/** The place column of the table's rows. */
async function places(session: Session, line: string): Promise<string[]> {
  const out = await lines(session, line);
  return out.filter((l) => /^\d+ /.test(l)).map((l) => l.split(/ {2,}/).at(-1)!);
}

test("leaks ranks the places that grew over every snapshot held, steadiest first, with how to read it", async () => {
  assert.deepEqual(await lines(holding(), "leaks"), [
    "[ Top 10 of 3 growing places over 4 snapshots: s1, s2, s3, s4 ]",
    "#  steadiness  grew     growth          s1 → s4  sizes  place",
    "1        1.00   3/3    +3072 B  1024 B → 4096 B  ▁▃▆█   /home/me/app/service.ts:19",
    "2        0.33   1/3  +20.0 KiB   0 B → 20.0 KiB  ▁███   /home/me/app/boot.ts:3",
    "3        0.01   1/3    +1024 B  8192 B → 9216 B  ▅▁█▅   /home/me/app/service.ts:14",
    "steadiness = (intervals it grew in / intervals) × (net growth / total change); 1.00: grew every time, never shrank",
    "grew: the intervals (one snapshot to the next) it grew in · growth: its size in s4 minus its size in s1",
    "sizes: one bar per snapshot, its smallest size ▁ to its largest █ · ranked by steadiness, then growth",
    "traceback s4 N: where the memory of entry N was allocated",
  ]);
});

test("leaks with fewer than 3 snapshots held says how many it needs and how many are held", async () => {
  await assert.rejects(
    lines(holding(SERIES, 2), "leaks"),
    new CommandError("leaks", "needs at least 3 snapshots, and 2 are held (snapshot takes one)"),
  );
  await assert.rejects(
    lines(holding(SERIES, 1), "leaks"),
    { message: "leaks: needs at least 3 snapshots, and 1 is held (snapshot takes one)" },
  );
});

test("leaks LABEL... ranks over the snapshots named, in the order named", async () => {
  const session = holding();
  // In the order s4, s2, s3 only line 14 ends bigger than it starts (9216 B, 0 B, 16 KiB).
  assert.deepEqual(await places(session, "leaks s4 s2 s3"), ["/home/me/app/service.ts:14"]);
  const out = await lines(session, "leaks s1 s2 s4");
  assert.equal(out[0], "[ Top 10 of 3 growing places over 3 snapshots: s1, s2, s4 ]");
  assert.match(out[2], /^1 +1\.00 +2\/2 .* \/home\/me\/app\/service\.ts:19$/);
});

test("leaks with fewer than 3 labels says how many it needs and how many were given", async () => {
  await assert.rejects(
    lines(holding(), "leaks s1 s2"),
    { message: "leaks: needs at least 3 snapshots, and 2 were given" },
  );
});

test("leaks refuses a label given twice and a label not held", async () => {
  await assert.rejects(lines(holding(), "leaks s1 s2 s1"), { message: 'leaks: snapshot "s1" given twice' });
  await assert.rejects(lines(holding(), "leaks s1 s2 s9"), { message: /^leaks: no snapshot labelled "s9"/ });
});

test("leaks applies the active filters", async () => {
  const session = holding();
  await session.execute("filter exclude '*service.ts'");
  assert.deepEqual(await places(session, "leaks"), ["/home/me/app/boot.ts:3"]);
  await session.execute("filter clear");
  await session.execute("filter domain include 1");
  assert.deepEqual(await places(session, "leaks"), ["/home/me/app/boot.ts:3"]);
});

test("leaks --limit N shows the N steadiest places of all those that grew", async () => {
  const out = await lines(holding(), "leaks --limit 1");
  assert.equal(out[0], "[ Top 1 of 3 growing places over 4 snapshots: s1, s2, s3, s4 ]");
  assert.deepEqual(await places(holding(), "leaks --limit 1"), ["/home/me/app/service.ts:19"]);
});

test("leaks --by traceback ranks whole tracebacks, each shown at its line and its caller's", async () => {
  assert.deepEqual(await places(holding(), "leaks --by traceback --limit 1"), [
    "/home/me/app/service.ts:19 ← /home/me/app/main.ts:30",
  ]);
});

test("leaks --by filename is refused, naming the keys it takes", async () => {
  await assert.rejects(lines(holding(), "leaks --by filename"), {
    message: 'leaks: option --by must be one of lineno, traceback, not "filename"',
  });
});

test("leaks when no place grew says so", async () => {
  const flat: [RawFrame, number[]][] = [[LEAK, [4096, 2048, 4096]]];
  assert.deepEqual(await lines(holding(flat), "leaks"), [
    "[ Top 10 of 0 growing places over 3 snapshots: s1, s2, s3 ]",
    "no place is bigger in s3 than in s1",
  ]);
});

test("leaks data gives each place's sizes per snapshot, growth, intervals grown, steadiness and frames", async () => {
  const outcome = await holding().execute("leaks --limit 1");
  assert.deepEqual(outcome?.result.data, {
    labels: ["s1", "s2", "s3", "s4"],
    by: "lineno",
    limit: 1,
    total: 3,
    filters: [],
    entries: [{
      rank: 1,
      text: "/home/me/app/service.ts:19: +3072 B (1024 B → 4096 B), grew 3/3, steadiness 1.00, sizes ▁▃▆█",
      growth: 3072,
      first: 1024,
      last: 4096,
      intervals: 3,
      grew: 3,
      steadiness: 1,
      sizes: [1024, 2048, 3072, 4096],
      counts: [1, 2, 3, 4],
      traceback: [{ file: "/home/me/app/service.ts", line: 19, column: 5, function: "handle" }],
    }],
  });
});

test("traceback LABEL N after leaks shows where entry N of the ranking was allocated", async () => {
  const session = holding();
  await session.execute("leaks");
  const out = await lines(session, "traceback s4 1");
  assert.deepEqual(out.slice(0, 2), [
    "s4 #1: /home/me/app/service.ts:19: size=4096 B, count=4, average=1024 B",
    "4 memory blocks: 4.0 KiB",
  ]);
  assert.ok(out.includes('  File "/home/me/app/main.ts", line 30, in main'), out.join("\n"));
});

test("leaks completes snapshot labels for every LABEL", () => {
  assert.deepEqual(complete(holding(), "leaks s1 s2 s").candidates, ["s1", "s2", "s3", "s4"]);
});
